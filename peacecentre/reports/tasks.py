"""Report tasks. Task names never change once released: queued messages carry them."""

from celery import shared_task


@shared_task(name="reports.build_report", acks_late=True, reject_on_worker_lost=True)
def build_report(request_id: int) -> None:
    """Build report request `request_id` (placeholder: issue 6 builds it)."""
    raise NotImplementedError
