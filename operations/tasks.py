"""Cross-cutting tasks. Task names never change once released: queued messages carry them."""

from celery import shared_task
from django.db import connection
from django.utils import timezone


@shared_task(name="peacecentre.health_ping", time_limit=30, soft_time_limit=20)
def health_ping() -> dict:
    """Prove a worker is alive and reaches the database: returns the worker's clock and the
    database vendor. Used by the health check and by the Celery round-trip test."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {
        "database": connection.vendor,
        "database_ok": one == 1,
        "at": timezone.now().isoformat(),
    }
