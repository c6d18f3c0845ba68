"""A task goes through the configured broker to a real worker and its result comes back."""

import pytest

from operations.tasks import health_ping
from peacecentre.celery import app

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


OUR_APPS = ("peacecentre", "courses", "personnel", "notifications", "reports")


def test_every_task_of_ours_has_its_own_time_limits():
    """A stuck task never holds a worker forever: each of ours names a hard and a soft limit
    (beside the global CELERY_TASK_TIME_LIMIT), the soft one first."""
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.split(".")[0] in OUR_APPS}
    assert len(ours) >= 12, sorted(ours)
    for name, task in ours.items():
        assert task.time_limit, f"{name} has no time limit"
        assert task.soft_time_limit, f"{name} has no soft time limit"
        assert task.soft_time_limit < task.time_limit, name


def test_report_tasks_survive_a_worker_that_dies():
    """Acknowledged after the work, and requeued when the worker process is lost."""
    app.loader.import_default_modules()
    build = app.tasks["reports.build_report"]
    assert build.acks_late is True
    assert build.reject_on_worker_lost is True
