"""Building a report request: done once, rebuilt after a dead worker, failed with a readable
message, stopped when too long, progress written throttled, old files removed."""

import datetime as dt
import logging
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from reports import services
from reports.kinds.readiness_matrix import ReadinessMatrixReport
from reports.models import ReportRequest
from reports.tasks import build_report, remove_old_reports
from tests.reports.support import built, request_matrix, xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(commander, world):
    return request_matrix(commander, profile=world["profile"])


def report_files() -> list[Path]:
    from django.conf import settings

    return sorted((Path(settings.MEDIA_ROOT) / "reports").rglob("*.xlsx"))


def test_the_request_queues_the_build_on_commit(
    commander, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        report = request_matrix(commander, profile=world["profile"])
    assert report.status == ReportRequest.Status.QUEUED
    assert len(callbacks) == 1


def test_the_task_builds_it(report):
    assert build_report.apply(args=[report.pk]).get() == "done"
    report.refresh_from_db()
    assert report.status == "done"
    assert report.attempts == 1
    assert report.started_at
    assert report.finished_at >= report.started_at
    assert xlsx_rows(report.file.read())


def test_running_the_task_twice_leaves_one_file_done(report):
    before = set(report_files())
    build_report.apply(args=[report.pk])
    build_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.status == "done"
    assert report.attempts == 1  # the second run found it done and left it alone
    assert set(report_files()) - before == {Path(report.file.path)}


def test_a_running_request_redelivered_is_rebuilt_from_scratch(report):
    # A worker died mid-build: the row says running with some progress and no file.
    ReportRequest.objects.filter(pk=report.pk).update(
        status="running", progress=40, attempts=1, started_at=timezone.now()
    )
    done = built(report)
    assert done.status == "done"
    assert done.attempts == 2
    assert done.progress == 100
    assert xlsx_rows(done.file.read())


def test_a_failed_request_is_left_alone(report):
    ReportRequest.objects.filter(pk=report.pk).update(
        status="failed", error="Stopped.", finished_at=timezone.now()
    )
    assert built(report).status == "failed"
    assert ReportRequest.objects.get(pk=report.pk).attempts == 0


def test_an_error_in_the_builder_fails_it_with_a_readable_message(report, monkeypatch, caplog):
    def broken(self, parameters, format, progress):
        raise ZeroDivisionError("division by zero in row 7")

    monkeypatch.setattr(ReadinessMatrixReport, "build", broken)
    with caplog.at_level(logging.ERROR, logger="reports.services"):
        failed = built(report)
    assert failed.status == "failed"
    assert "unexpected error" in failed.error
    assert "ZeroDivisionError" not in failed.error
    assert "Traceback" not in failed.error
    assert not failed.file
    assert failed.finished_at
    assert "ZeroDivisionError" in caplog.text  # the traceback is in the log


def test_a_validation_error_says_what(report, monkeypatch):
    def gone(self, parameters, format, progress):
        raise ValidationError("The unit this report was asked for is gone.")

    monkeypatch.setattr(ReadinessMatrixReport, "build", gone)
    assert built(report).error == "The unit this report was asked for is gone."


def test_a_build_that_takes_too_long_is_failed(report, monkeypatch):
    def slow(self, parameters, format, progress):
        progress(1, 10)
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(ReadinessMatrixReport, "build", slow)
    failed = built(report)
    assert failed.status == "failed"
    assert "took too long" in failed.error


def test_the_task_has_limits_and_survives_a_lost_worker():
    assert build_report.acks_late
    assert build_report.reject_on_worker_lost
    assert 0 < build_report.soft_time_limit < build_report.time_limit


def test_progress_is_written_as_it_goes_and_throttled(report, monkeypatch):
    ReportRequest.objects.filter(pk=report.pk).update(status="running")
    # The writer is made at 0 s; then calls at these seconds with these percentages.
    calls = [(0.1, 1), (0.2, 2), (0.3, 3), (0.4, 4), (0.45, 5), (0.5, 6), (1.0, 7)]
    clock = iter([0.0, *(at for at, _percent in calls)]).__next__
    monkeypatch.setattr(services.time, "monotonic", clock)
    write = services.report_progress_writer(report.pk)
    seen = []
    for _at, percent in calls:
        write(percent, 100)
        seen.append(ReportRequest.objects.get(pk=report.pk).progress)
    # 1-4 %: less than 5 points and 0.5 s: not written; 5 %: 5 points; 6 %: neither;
    # 7 %: half a second after the last write.
    assert seen == [0, 0, 0, 0, 5, 5, 7]


def test_progress_never_says_100_before_the_file(report):
    ReportRequest.objects.filter(pk=report.pk).update(status="running")
    services.report_progress_writer(report.pk)(100, 100)
    assert ReportRequest.objects.get(pk=report.pk).progress == 99


def test_progress_is_not_written_once_finished(report):
    done = built(report)
    services.report_progress_writer(report.pk)(50, 100)
    assert ReportRequest.objects.get(pk=done.pk).progress == 100


def test_a_real_build_moves_the_progress(report, monkeypatch):
    progress_seen = []
    original = services.report_progress_writer

    def spying(request_id):
        write = original(request_id)

        def progress(done, total):
            write(done, total)
            progress_seen.append(ReportRequest.objects.get(pk=request_id).progress)

        return progress

    services.report_build(request_id=report.pk, progress=spying)
    assert progress_seen
    assert progress_seen[0] >= 30
    assert progress_seen == sorted(progress_seen)


# --- old files ---------------------------------------------------------------------------


def test_files_older_than_30_days_are_removed(report, client, commander):
    done = built(report)
    path = Path(done.file.path)
    now = timezone.now()
    assert services.reports_clean(now=now + dt.timedelta(days=29)) == 0
    assert path.exists()
    assert services.reports_clean(now=now + dt.timedelta(days=31)) == 1
    assert not path.exists()
    done.refresh_from_db()
    assert done.file_removed_at
    assert not done.is_downloadable
    assert services.reports_clean(now=now + dt.timedelta(days=32)) == 0  # once
    client.force_login(commander)
    response = client.get(f"/reports/{done.pk}/download/")
    assert response.status_code == 410
    assert "removed after 30 days" in response.content.decode()
    page = client.get(f"/reports/{done.pk}/").content.decode()
    assert "removed after 30 days" in page


@override_settings(REPORT_RETENTION_DAYS=7)
def test_the_retention_is_a_setting(report):
    done = built(report)
    assert services.reports_clean(now=timezone.now() + dt.timedelta(days=8)) == 1
    done.refresh_from_db()
    assert done.file_removed_at


def test_the_cleanup_task(report):
    done = built(report)
    ReportRequest.objects.filter(pk=done.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=31)
    )
    assert remove_old_reports.apply().get() == 1
    assert not Path(done.file.path).exists()


def test_it_is_built_in_the_requesters_language(report, commander, monkeypatch):
    from django.utils import translation

    commander.language = "kk"
    commander.save()
    languages = []
    original = ReadinessMatrixReport.build

    def spy(self, parameters, format, progress):
        languages.append(translation.get_language())
        return original(self, parameters, format, progress)

    monkeypatch.setattr(ReadinessMatrixReport, "build", spy)
    assert built(report).status == "done"
    assert languages == ["kk"]
