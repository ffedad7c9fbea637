from marketplace import jobs
from shape.models import PlanStatus


def rescore_on_plan_status_change(sender, *, plan, from_status, to_status, **kwargs):
    """A plan becoming bankable gets matches; one leaving that state loses them."""
    if PlanStatus.BANKABLE in (from_status, to_status):
        jobs.enqueue("deal.tasks.rescore_plan", plan.pk)
