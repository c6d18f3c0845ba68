"""Report requests: asking for one, building it in a worker, removing old files."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .kinds import REPORT_KINDS, Progress, ReportKind, kind_for
from .models import ReportRequest, ReportStatus, report_file_path

if TYPE_CHECKING:
    from peacecentre.models import User


def report_request(*, user: User, data: Mapping[str, Any]) -> ReportRequest:
    """Record a request for the report `data` names (`kind`, `format` and the kind's
    parameters) and queue its build once the transaction commits. Raises ValidationError for
    an unknown kind or format or bad parameters, PermissionDenied outside the user's scope."""
    kind = REPORT_KINDS.get(str(data.get("kind", "")))
    if kind is None:
        raise ValidationError(_("Unknown report kind."), code="unknown_kind")
    fmt = str(data.get("format", ""))
    if fmt not in kind.formats:
        raise ValidationError(
            _("This report comes as %(formats)s, not %(format)s.")
            % {"formats": ", ".join(f.upper() for f in kind.formats), "format": fmt.upper() or "?"},
            code="unknown_format",
        )
    parameters = kind.clean(user, data)
    if not kind.covers(user, parameters):
        raise PermissionDenied
    request = ReportRequest.objects.create(
        kind=kind.code,
        format=fmt,
        parameters=parameters,
        title=kind.title(parameters)[:255],
        requested_by=user,
    )
    from .tasks import build_report

    transaction.on_commit(lambda: build_report.delay(request.pk))
    return request


# ---------------------------------------------------------------------------------------------
# Building

logger = logging.getLogger(__name__)

RETENTION_DAYS = 30
# The report page polls every second: writing progress more often than this only loads the
# database, and each write is one small UPDATE of one row.
PROGRESS_EVERY_SECONDS = 0.5
PROGRESS_EVERY_PERCENT = 5
# Test only: seconds to sleep at each progress call, so that a test can kill a worker while a
# report is being built. Read in the worker process, at each call; unset everywhere else.
PROGRESS_DELAY_ENV = "PEACECENTRE_TEST_REPORT_PROGRESS_DELAY"


def retention_days() -> int:
    return getattr(settings, "REPORT_RETENTION_DAYS", RETENTION_DAYS)


def report_progress_writer(request_id: int) -> Progress:
    """A progress(done, total) callback that writes the percentage to the request's row at
    most every PROGRESS_EVERY_SECONDS or PROGRESS_EVERY_PERCENT, with an UPDATE of that one
    column while the request is running (never a save() that could undo the final write)."""
    last = {"percent": 0, "at": time.monotonic()}

    def progress(done: int, total: int) -> None:
        if delay := float(os.environ.get(PROGRESS_DELAY_ENV) or 0):
            time.sleep(delay)
        # 99 at most: 100 is written with the file, in the same UPDATE as status done.
        percent = min(99, int(100 * done / total)) if total > 0 else 0
        now = time.monotonic()
        if percent <= last["percent"]:
            return
        if percent - last["percent"] < PROGRESS_EVERY_PERCENT and (
            now - last["at"] < PROGRESS_EVERY_SECONDS
        ):
            return
        ReportRequest.objects.filter(pk=request_id, status=ReportStatus.RUNNING).update(
            progress=percent
        )
        last.update(percent=percent, at=now)

    return progress


def report_build(
    *,
    request_id: int,
    progress: Callable[[int], Progress] | None = None,
    task_id: str = "",
) -> ReportRequest:
    """Build report request `request_id`: safe to run twice and after a worker died.

    A done or failed request is left alone. A queued or running one (running: re-delivered
    after its worker died) is built from scratch: the attempt is counted, the builder runs,
    the file is saved to storage and only then does one UPDATE mark the row done with it, so
    a row is never done with half a file. A ValidationError from the builder fails the
    request with its message; any other error fails it with a general message (the traceback
    goes to the log); SoftTimeLimitExceeded fails it as "took too long". `progress` makes the
    progress callback from the request id (default: report_progress_writer)."""
    with transaction.atomic():
        report = ReportRequest.objects.select_for_update().get(pk=request_id)
        if report.is_finished:
            return report
        ReportRequest.objects.filter(pk=request_id).update(
            status=ReportStatus.RUNNING,
            progress=0,
            started_at=timezone.now(),
            attempts=F("attempts") + 1,
            task_id=task_id or report.task_id,
        )
    report = ReportRequest.objects.select_related("requested_by").get(pk=request_id)
    kind = kind_for(report.kind)
    # In the requester's language, as the page they asked from: the file's headings and
    # verdicts, and the error they may read.
    with translation.override(report.requested_by.language or settings.LANGUAGE_CODE):
        return _report_build(report, kind, (progress or report_progress_writer)(request_id))


def _report_build(report: ReportRequest, kind: ReportKind, progress: Progress) -> ReportRequest:
    request_id = report.pk
    try:
        built = kind.build(report.parameters, report.format, progress)
    except SoftTimeLimitExceeded:
        logger.warning("Report %s took too long and was stopped", request_id)
        return _report_fail(
            report, _("The report took too long to build and was stopped. Try fewer people.")
        )
    except ValidationError as error:
        return _report_fail(report, " ".join(error.messages))
    except Exception:
        logger.exception("Report %s (%s) failed", request_id, report.kind)
        return _report_fail(
            report,
            _(
                "The report could not be built because of an unexpected error. "
                "The administrators have the details; try again later."
            ),
        )
    stored = report.file.storage.save(
        report_file_path(report, built.filename), ContentFile(built.content)
    )
    finished = ReportRequest.objects.filter(pk=request_id, status=ReportStatus.RUNNING).update(
        status=ReportStatus.DONE,
        progress=100,
        file=stored,
        filename=built.filename[:200],
        size=len(built.content),
        error="",
        finished_at=timezone.now(),
    )
    if not finished:
        # Another delivery of the same request finished first: keep its file, not this one.
        report.file.storage.delete(stored)
    report.refresh_from_db()
    return report


def _report_fail(report: ReportRequest, message: str) -> ReportRequest:
    ReportRequest.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(
        status=ReportStatus.FAILED,
        error=message or _("The report failed."),
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    return report


def reports_clean(*, now: dt.datetime | None = None) -> int:
    """Remove the files of reports finished more than REPORT_RETENTION_DAYS ago and mark
    their rows (file_removed_at); the rows stay, so their pages say the file was removed.
    Safe to run twice. Returns how many files were removed."""
    now = now or timezone.now()
    old = ReportRequest.objects.filter(
        finished_at__lt=now - dt.timedelta(days=retention_days()),
        file_removed_at__isnull=True,
    ).exclude(file="")
    removed = 0
    for report in old.only("pk", "file").iterator():
        report.file.storage.delete(report.file.name)  # no error when already gone
        removed += ReportRequest.objects.filter(pk=report.pk, file_removed_at__isnull=True).update(
            file_removed_at=now
        )
    return removed
