"""A task goes through the configured broker to a real worker and its result comes back."""

import pytest

from peacecentre.celery import app
from peacecentre.tasks import health_ping

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_task_round_trip_through_a_real_worker(celery_worker, django_db_blocker):
    result = health_ping.delay()
    payload = result.get(timeout=60)
    assert payload["database_ok"] is True
    assert result.status == "SUCCESS"

    from django.db import connection
    from django_celery_results.models import TaskResult

    assert payload["database"] == connection.vendor
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.task_name == "peacecentre.health_ping"
    assert stored.status == "SUCCESS"


def test_broker_is_the_configured_one():
    """CI points the broker at Redis; the worker above must have used it, not a fallback."""
    import os

    expected = os.environ.get("CELERY_BROKER_URL", "filesystem://")
    assert app.conf.broker_url == expected
