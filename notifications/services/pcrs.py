"""The PCRS sweeps: pledges whose renewal falls due (30 and 7 days ahead, on the day, and
once when overdue) and corrective actions of assessment visits past their due day. Same
machinery as sweeps.py: set-based, a fixed number of queries, recorded once (the unique key;
the threshold names the due day, so a pledge renewed and due again is reminded again).

Who is told: a pledge's renewal, the unit's commander (or the nearest ancestor unit's); an
overdue action, its owner, and the unit's commander too.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from notifications.models import Reminder, ReminderKind
from notifications.services.sweeps import (
    _today,
    recipient,
    reminders_record,
    threshold_for,
    unit_commanders,
)
from readiness.models import PCRSPledge, VisitFinding

RENEWAL_THRESHOLDS = (0, 7, 30)  # days before a pledge's renewal falls due
OVERDUE = "late"


def _threshold(due_on: dt.date, step: str) -> str:
    """ "2027-06-01/30": the due day with the step, so each renewal cycle is reminded anew."""
    return f"{due_on.isoformat()}/{step}"


def sweep_pcrs_renewals(*, on: dt.date | None = None) -> int:
    """Record the reminders of PCRS pledges whose renewal falls due within 30 days of `on`, or
    is overdue (once), to the unit's commander. Returns how many this run inserted. Four
    queries at most."""
    on = _today(on)
    pledges = list(
        PCRSPledge.objects.filter(
            renewal_due_on__lte=on + dt.timedelta(days=max(RENEWAL_THRESHOLDS))
        )
        .order_by()
        .values("pk", "unit_id", "unit__code", "unit__name", "renewal_due_on", "level")
    )
    if not pledges:
        return 0
    content_type = ContentType.objects.get_for_model(PCRSPledge)
    commanders = unit_commanders()
    reminders = []
    for pledge in pledges:
        due = pledge["renewal_due_on"]
        days = (due - on).days
        step = OVERDUE if days < 0 else str(threshold_for(days, RENEWAL_THRESHOLDS))
        to = commanders.get(pledge["unit_id"])
        if to is None:
            continue
        reminders.append(
            Reminder(
                kind=ReminderKind.PCRS_RENEWAL_DUE,
                content_type=content_type,
                object_id=pledge["pk"],
                threshold=_threshold(due, step),
                recipient_email=to.email,
                recipient_user_id=to.user_id,
                due_on=due,
                details={
                    "unit": pledge["unit__code"],
                    "unit_name": pledge["unit__name"],
                    "unit_id": pledge["unit_id"],
                    "level": pledge["level"],
                },
            )
        )
    return reminders_record(reminders)


def sweep_pcrs_actions_overdue(*, on: dt.date | None = None) -> int:
    """Record the reminders of open corrective actions whose due day is before `on`: once per
    action and recipient, to its owner and to the unit's commander. Returns how many this run
    inserted. Four queries at most."""
    on = _today(on)
    findings = list(
        VisitFinding.objects.filter(closed_on__isnull=True, due_on__lt=on)
        .order_by()
        .values(
            "pk",
            "due_on",
            "corrective_action",
            "owner_id",
            "owner__email",
            "owner__is_active",
            "visit__unit_id",
            "visit__unit__code",
            "visit__assessed_on",
            "visit__kind",
        )
    )
    if not findings:
        return 0
    content_type = ContentType.objects.get_for_model(VisitFinding)
    commanders = unit_commanders()
    reminders = []
    for finding in findings:
        owner = (
            recipient(finding["owner__email"], finding["owner_id"])
            if finding["owner__is_active"]
            else None
        )
        told = {owner, commanders.get(finding["visit__unit_id"])} - {None}
        for to in told:
            reminders.append(
                Reminder(
                    kind=ReminderKind.PCRS_ACTION_OVERDUE,
                    content_type=content_type,
                    object_id=finding["pk"],
                    threshold=_threshold(finding["due_on"], OVERDUE),
                    recipient_email=to.email,
                    recipient_user_id=to.user_id,
                    due_on=finding["due_on"],
                    details={
                        "unit": finding["visit__unit__code"],
                        "unit_id": finding["visit__unit_id"],
                        "action": finding["corrective_action"][:300],
                        "visit_on": finding["visit__assessed_on"].isoformat(),
                        "owner": to == owner,
                    },
                )
            )
    return reminders_record(reminders)
