"""Report requests: asking for one, building it in a worker, removing old files."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.outbox.services import task_enqueue

from .kinds import REPORT_KINDS, Progress, ReportKind, kind_for
from .models import ReportRequest, ReportStatus, report_file_path

if TYPE_CHECKING:
    from accounts.models import User

BUILD_TASK = "reports.build_report"


def report_request(*, user: User, data: Mapping[str, Any]) -> ReportRequest:
    """Record a request for the report `data` names (`kind`, `format` and the kind's
    parameters) and queue its build in the same transaction (the task outbox). Raises
    ValidationError for an unknown kind or format or bad parameters, PermissionDenied outside
    the user's scope."""
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
    task_enqueue(task=BUILD_TASK, args=[request.pk])
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
            progress=percent, heartbeat_at=timezone.now()
        )
        last.update(percent=percent, at=now)

    return progress


HEARTBEAT_SECONDS = 30
STALL_SECONDS = 3 * 60  # six missed heartbeats: the worker is gone
MAX_ATTEMPTS = 3  # builds started before the watchdog gives up on a report


def heartbeat_seconds() -> float:
    return float(getattr(settings, "REPORT_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS))


def stall_seconds() -> float:
    return float(getattr(settings, "REPORT_STALL_SECONDS", STALL_SECONDS))


class ReportHeartbeat:
    """While the block runs, a thread writes the running request's heartbeat_at every
    REPORT_HEARTBEAT_SECONDS, whether or not its progress moves (a long query, a slow page of
    the PDF). It stops with the block; it dies with the worker process, which is the point."""

    def __init__(self, request_id: int):
        self.request_id = request_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self._beat, name=f"report-{request_id}-heartbeat", daemon=True
        )

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(heartbeat_seconds()):
                ReportRequest.objects.filter(
                    pk=self.request_id, status=ReportStatus.RUNNING
                ).update(heartbeat_at=timezone.now())
        except Exception:
            logger.exception("Heartbeat of report %s stopped", self.request_id)
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> ReportHeartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)


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
        now = timezone.now()
        ReportRequest.objects.filter(pk=request_id).update(
            status=ReportStatus.RUNNING,
            progress=0,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            task_id=task_id or report.task_id,
        )
    report = ReportRequest.objects.select_related("requested_by").get(pk=request_id)
    kind = kind_for(report.kind)
    # In the requester's language, as the page they asked from: the file's headings and
    # verdicts, and the error they may read.
    with (
        translation.override(report.requested_by.language or settings.LANGUAGE_CODE),
        ReportHeartbeat(request_id),
    ):
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


@dataclass(frozen=True)
class Stalled:
    requeued: list[int]
    failed: list[int]


def stalled_reports(*, now: dt.datetime | None = None):
    """Running requests whose heartbeat is older than REPORT_STALL_SECONDS: their worker
    stopped (killed, its machine lost) without marking them."""
    since = (now or timezone.now()) - dt.timedelta(seconds=stall_seconds())
    return ReportRequest.objects.filter(status=ReportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True, started_at__lt=since)
    )


def reports_requeue_stalled(*, now: dt.datetime | None = None) -> Stalled:
    """The watchdog (reports_watchdog, which the outbox relay runs every
    REPORT_WATCHDOG_SECONDS): queue each stalled report again through the outbox, or fail it
    once it has been started
    REPORT_MAX_ATTEMPTS times. Each row is locked and checked again first, so two watchdogs
    never queue one report twice. The worker's own message may still come back later (after
    the broker's visibility timeout): report_build leaves a finished report alone."""
    max_attempts = int(getattr(settings, "REPORT_MAX_ATTEMPTS", MAX_ATTEMPTS))
    requeued: list[int] = []
    failed: list[int] = []
    candidates = list(stalled_reports(now=now).values_list("pk", flat=True)[:100])
    for pk in candidates:
        with transaction.atomic():
            report = (
                stalled_reports(now=now)
                .select_for_update(**_skip_locked())
                .select_related("requested_by")
                .filter(pk=pk)
                .first()
            )
            if report is None:
                continue  # it beat meanwhile, finished, or another watchdog has it
            if report.attempts >= max_attempts:
                language = report.requested_by.language or settings.LANGUAGE_CODE
                with translation.override(language):
                    message = _(
                        "The report's build stopped %(count)s times without finishing (its "
                        "worker was lost). Try again later; if it happens again, tell the "
                        "administrators."
                    ) % {"count": report.attempts}
                ReportRequest.objects.filter(pk=pk).update(
                    status=ReportStatus.FAILED, error=message, finished_at=timezone.now()
                )
                failed.append(pk)
                continue
            ReportRequest.objects.filter(pk=pk).update(
                status=ReportStatus.QUEUED, progress=0, heartbeat_at=None
            )
            task_enqueue(task=BUILD_TASK, args=[pk])
            requeued.append(pk)
            logger.warning(
                "Report %s stopped beating (attempt %s): queued again", pk, report.attempts
            )
    return Stalled(requeued=requeued, failed=failed)


def reports_watchdog() -> None:
    """The outbox relay's watchdog for reports (registered in ReportsConfig.ready)."""
    stalled = reports_requeue_stalled()
    if stalled.requeued or stalled.failed:
        logger.warning(
            "Stalled reports: re-queued %s, failed %s", len(stalled.requeued), len(stalled.failed)
        )


def _skip_locked() -> dict:
    return {"skip_locked": connection.features.has_select_for_update_skip_locked}


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
