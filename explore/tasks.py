from celery import shared_task

from explore import services
from explore.bitmaps import facet_bitmaps_rebuild


@shared_task(name="explore.tasks.send_moderation_decision", max_retries=3, default_retry_delay=60)
def send_moderation_decision(record_id: int, author_id: int) -> None:
    services.moderation_decision_send(record_id=record_id, author_id=author_id)


@shared_task(name="explore.tasks.rebuild_facet_bitmaps")
def rebuild_facet_bitmaps() -> None:
    """Nightly: the trigger keeps the bitmaps exact, this picks the common words again."""
    facet_bitmaps_rebuild()
