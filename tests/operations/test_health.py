"""The health check: database, broker and worker, for the load balancer and monitoring."""

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_results.models import TaskResult

from common.outbox.models import OutboxTask
from operations.health import HEARTBEAT_TASK
from reports.models import ReportRequest
from tests import services
from tests.conftest import require

URL = "/health/"


def heartbeat(minutes_ago: float) -> None:
    result = TaskResult.objects.create(
        task_id=f"hb-{minutes_ago}", task_name=HEARTBEAT_TASK, status="SUCCESS"
    )
    # date_done is set on every save: move it back afterwards.
    TaskResult.objects.filter(pk=result.pk).update(
        date_done=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


@pytest.fixture
def broker_reachable():
    require(*services.broker())


@pytest.mark.django_db
def test_all_parts_up_answers_200_without_signing_in(client, broker_reachable):
    heartbeat(minutes_ago=3)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["worker"]["ok"] is True
    assert body["worker"]["last_heartbeat"]
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "max-age=0" in response.headers["Cache-Control"]
    )


@pytest.mark.django_db
def test_a_worker_silent_for_over_ten_minutes_answers_503(client, broker_reachable):
    heartbeat(minutes_ago=11)
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["worker"] == {
        "ok": False,
        "ms": None,
        "detail": "heartbeat older than 10 minutes",
        "last_heartbeat": body["worker"]["last_heartbeat"],
    }
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_no_heartbeat_ever_answers_503(client, broker_reachable):
    body = client.get(URL).json()
    assert body["worker"]["ok"] is False
    assert body["worker"]["detail"] == "no heartbeat recorded"


@pytest.mark.django_db
def test_an_unreachable_broker_answers_503_and_names_no_host(client, settings):
    heartbeat(minutes_ago=1)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # a port nothing listens on
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["broker"]["ok"] is False
    assert body["broker"]["detail"]
    assert "127.0.0.1" not in response.content.decode()
    assert body["database"]["ok"] is True
    assert body["worker"]["ok"] is True


@pytest.mark.django_db
def test_the_check_is_cheap(client, broker_reachable, django_assert_num_queries):
    heartbeat(minutes_ago=1)
    # SELECT 1, the last heartbeat, the outbox backlog, the stuck reports
    with django_assert_num_queries(4):
        client.get(URL)


@pytest.mark.django_db
def test_only_get_and_head(client):
    assert client.post(URL).status_code == 405


@pytest.mark.django_db
def test_the_load_balancers_scope_checks_the_web_machine_only(client, settings):
    """With the broker down and no worker, the pages still work: `?scope=web` says 200, so a
    balancer does not take every web machine out; the full check still says 503."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get(URL).status_code == 503
    response = client.get(URL, {"scope": "web"})
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["detail"] == "not checked"
    assert body["worker"]["detail"] == "not checked"
    assert body["outbox"]["detail"] == "not checked"
    assert body["stuck"]["detail"] == "not checked"


@pytest.mark.django_db
def test_a_task_waiting_for_the_broker_too_long_answers_503(client, broker_reachable, settings):
    settings.OUTBOX_MAX_AGE_SECONDS = 300
    heartbeat(minutes_ago=1)
    OutboxTask.objects.create(task_name="reports.build_report", args=[1])  # just now
    body = client.get(URL).json()
    assert body["outbox"] == {
        "ok": True,
        "ms": None,
        "detail": "",
        "pending": 1,
        "oldest_pending_seconds": body["outbox"]["oldest_pending_seconds"],
    }
    assert body["outbox"]["oldest_pending_seconds"] < 60
    assert body["status"] == "ok"

    OutboxTask.objects.create(
        task_name="reports.build_report",
        args=[2],
        created_at=timezone.now() - dt.timedelta(minutes=6),
    )
    OutboxTask.objects.create(
        task_name="reports.build_report",
        args=[3],
        created_at=timezone.now() - dt.timedelta(minutes=9),
        sent_at=timezone.now(),  # sent: not counted
    )
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["outbox"]["ok"] is False
    assert body["outbox"]["pending"] == 2
    assert 355 <= body["outbox"]["oldest_pending_seconds"] <= 370
    assert body["outbox"]["detail"] == "a task has waited for the broker over 300 s"
    assert body["stuck"]["ok"] is True


@pytest.mark.django_db
def test_a_report_running_without_a_heartbeat_answers_503(
    client, broker_reachable, settings, commander
):
    settings.REPORT_STALL_SECONDS = 180
    heartbeat(minutes_ago=1)
    now = timezone.now()
    common = {"kind": "readiness_matrix", "format": "xlsx", "title": "t", "requested_by": commander}
    ReportRequest.objects.create(
        status="running", started_at=now, heartbeat_at=now - dt.timedelta(seconds=20), **common
    )
    assert client.get(URL).json()["stuck"] == {"ok": True, "ms": None, "detail": "", "reports": 0}

    ReportRequest.objects.create(
        status="running", started_at=now, heartbeat_at=now - dt.timedelta(minutes=4), **common
    )
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["stuck"] == {
        "ok": False,
        "ms": None,
        "detail": "reports running without a heartbeat",
        "reports": 1,
    }
    # The load balancer's scope is not concerned: the pages still work.
    assert client.get(URL, {"scope": "web"}).status_code == 200
