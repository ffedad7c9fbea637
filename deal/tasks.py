from celery import shared_task

from deal.services import matches as services
from deal.services import requests as request_services


@shared_task(name="deal.tasks.rescore_plan", max_retries=3, default_retry_delay=30)
def rescore_plan(plan_id: int) -> int:
    return services.matches_rescore_plan(plan_id=plan_id)


@shared_task(name="deal.tasks.rescore_profile", max_retries=3, default_retry_delay=30)
def rescore_profile(profile_id: int) -> int:
    return services.matches_rescore_profile(profile_id=profile_id)


@shared_task(name="deal.tasks.rescore_all", max_retries=1)
def rescore_all(run_id: str | None = None) -> int | None:
    """The nightly full run (no id) or a curator's (with the id its progress is kept under)."""
    return services.matches_rescore_run(run_id=run_id)


@shared_task(name="deal.tasks.expire_deal_requests", max_retries=1)
def expire_deal_requests() -> int:
    """Beat, hourly: pending requests past their answer time become expired."""
    return request_services.requests_expire()
