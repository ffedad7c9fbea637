from celery import shared_task

from deal.services import matches as services


@shared_task(name="deal.tasks.rescore_plan", max_retries=3, default_retry_delay=30)
def rescore_plan(plan_id: int) -> int:
    return services.matches_rescore_plan(plan_id=plan_id)


@shared_task(name="deal.tasks.rescore_profile", max_retries=3, default_retry_delay=30)
def rescore_profile(profile_id: int) -> int:
    return services.matches_rescore_profile(profile_id=profile_id)


@shared_task(name="deal.tasks.rescore_all", max_retries=1)
def rescore_all() -> int:
    return services.matches_rescore_all()
