"""Writes of the attendance register: one course day's marks, saved together or not at all,
by the rules in courses/services/records.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from courses.grading import course_days
from courses.models import Attendance, Cohort
from courses.services.records import (
    Conflict,
    StaleCells,
    cohort_writable,
    date_short,
    refusal,
    trainee_name,
    trainees_seated,
    trainees_unknown_refuse,
)

ATTENDANCE_PERMISSION = "courses.change_attendance"
ATTENDANCE_STATUSES = frozenset(Attendance.Status.values)


def attendance_day_problem(*, cohort: Cohort, day: dt.date, today: dt.date) -> str | None:
    """Why attendance of `cohort` cannot be marked for `day`, or None when it can: the day
    must be a course day (Monday to Friday within the cohort's dates) and not after today."""
    if day not in course_days(cohort.starts_on, cohort.ends_on):
        return _(
            "%(day)s is not a course day of cohort %(code)s: its course days are Monday to "
            "Friday from %(start)s to %(end)s."
        ) % {
            "day": date_short(day),
            "code": cohort.code,
            "start": date_short(cohort.starts_on),
            "end": date_short(cohort.ends_on),
        }
    if day > today:
        return _(
            "%(day)s is after today (%(today)s): attendance is marked on the day or later."
        ) % {"day": date_short(day), "today": date_short(today)}
    return None


@transaction.atomic
def attendance_record(
    *,
    cohort: Cohort,
    day: dt.date,
    marks: Mapping[int, str],
    seen: Mapping[int, str | None],
    by: User,
) -> int:
    """Save one course day's attendance of `cohort`: `marks` maps enrolment id to "present",
    "absent", "excused" or "" (not marked); `seen` maps enrolment id to the mark the page
    showed (None or "" for none). Only marks the user changed are written (a changed mark
    set back to "" removes it). Returns the number of marks written or removed.

    Raises ValidationError when `by` may not change this cohort's attendance, the cohort is
    not in progress, `day` is not a course day or is after today, a mark is unknown or a
    trainee is not seated in the cohort; StaleCells (code "stale") when a mark the user
    changed was changed by someone else since the page was loaded. Nothing is saved then.
    """
    cohort = cohort_writable(
        cohort_pk=cohort.pk, by=by, permission=ATTENDANCE_PERMISSION, what=_("attendance")
    )
    if problem := attendance_day_problem(cohort=cohort, day=day, today=timezone.localdate()):
        raise refusal(problem, code="day")
    wanted = {pk: mark or "" for pk, mark in marks.items()}
    changed = {pk: mark for pk, mark in wanted.items() if mark != (seen.get(pk) or "")}
    if not changed:
        return 0
    seated = trainees_seated(cohort, changed)
    trainees_unknown_refuse(set(changed), seated, cohort)
    unknown = [
        (pk, mark) for pk, mark in changed.items() if mark and mark not in ATTENDANCE_STATUSES
    ]
    if unknown:
        raise refusal(
            "; ".join(
                _("%(person)s: unknown attendance mark “%(mark)s”, use present, absent or excused")
                % {"person": trainee_name(seated[pk]), "mark": mark}
                for pk, mark in unknown
            )
            + ".",
            code="unknown_mark",
        )
    stored = {
        mark.enrolment_id: mark
        for mark in Attendance.objects.filter(enrolment_id__in=changed, day=day).select_related(
            "recorded_by"
        )
    }
    conflicts, to_write = [], {}
    for pk, mark in changed.items():
        now = stored[pk].status if pk in stored else ""
        if now == mark:
            continue  # someone saved the same mark meanwhile: nothing to do
        if now != (seen.get(pk) or ""):
            conflicts.append(
                Conflict(
                    enrolment=seated[pk],
                    seen=seen.get(pk) or None,
                    current=now or None,
                    yours=mark or None,
                    changed_by=stored[pk].recorded_by if pk in stored else None,
                    changed_at=stored[pk].recorded_at if pk in stored else None,
                )
            )
            continue
        to_write[pk] = mark
    if conflicts:
        raise StaleCells(
            ngettext(
                "Someone else saved attendance for %(day)s after you opened the page, and "
                "%(count)s mark you changed was changed meanwhile. Nothing was saved: check "
                "the highlighted trainee, then save again.",
                "Someone else saved attendance for %(day)s after you opened the page, and "
                "%(count)s marks you changed were changed meanwhile. Nothing was saved: check "
                "the highlighted trainees, then save again.",
                len(conflicts),
            )
            % {"day": date_short(day), "count": len(conflicts)},
            conflicts,
        )
    now = timezone.now()
    creates = [
        Attendance(enrolment_id=pk, day=day, status=mark, recorded_by=by)
        for pk, mark in to_write.items()
        if mark and pk not in stored
    ]
    updates = []
    for pk, mark in to_write.items():
        if mark and pk in stored:
            row = stored[pk]
            row.status, row.recorded_by, row.recorded_at = mark, by, now
            updates.append(row)
    removals = [stored[pk].pk for pk, mark in to_write.items() if not mark and pk in stored]
    Attendance.objects.bulk_create(creates)
    Attendance.objects.bulk_update(updates, ["status", "recorded_by", "recorded_at"])
    if removals:
        Attendance.objects.filter(pk__in=removals).delete()
    return len(creates) + len(updates) + len(removals)
