"""Reads for the report pages: whose reports a user lists, and which one they may open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from accounts.roles import Role, has_role
from common.outbox.models import OutboxTask

from .kinds import kind_for
from .models import ReportRequest, ReportStatus

if TYPE_CHECKING:
    from accounts.models import User


def report_list(*, user: User) -> QuerySet[ReportRequest]:
    """The reports `user` requested, newest first; administrators list everyone's. The
    requester is joined: one query per page whatever its length."""
    reports = ReportRequest.objects.select_related("requested_by").order_by("-created_at", "-pk")
    if has_role(user, Role.ADMINISTRATOR):
        return reports
    return reports.filter(requested_by=user)


def report_covers(*, user: User, report: ReportRequest) -> bool:
    """Whether `user`'s scope covers `report` today (asked again at every download)."""
    return kind_for(report.kind).covers(user, report.parameters)


def report_get(*, user: User, pk: int) -> ReportRequest:
    """Report `pk` if `user` may see its page: its requester, or anyone whose scope covers it.
    Raises ReportRequest.DoesNotExist otherwise (the caller answers 404)."""
    report = ReportRequest.objects.select_related("requested_by").get(pk=pk)
    if report.requested_by_id != user.pk and not report_covers(user=user, report=report):
        raise ReportRequest.DoesNotExist
    return report


def report_waits_for_queue(*, report: ReportRequest) -> bool:
    """Whether `report` is queued but its build is still in the task outbox, because the
    broker did not answer: the page says it will start when the queue is back. One query,
    for a queued report only."""
    if report.status != ReportStatus.QUEUED:
        return False
    from .services import BUILD_TASK

    return OutboxTask.objects.filter(
        task_name=BUILD_TASK, args=[report.pk], sent_at__isnull=True
    ).exists()
