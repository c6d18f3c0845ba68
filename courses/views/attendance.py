"""The attendance register: one course day's marks of a cohort.

It opens for registrars, administrators and the cohort's instructors (another cohort answers
404, commanders 403). Changing it needs the permission courses.change_attendance
(instructors and administrators; registrars read) and a cohort in progress; a finalised
cohort is read-only.

The write is courses/services/attendance.py; a stale save re-shows the page with the marks
saved now, the user's own changes kept and the conflicting cells highlighted.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_http_methods

from accounts.roles import role_required
from common.forms import form_add_service_error
from courses.forms.attendance import AttendanceDayForm
from courses.models import Attendance, Cohort
from courses.selectors.attendance import AttendanceRegister, attendance_register
from courses.selectors.cohorts import cohorts_visible
from courses.services.attendance import (
    ATTENDANCE_PERMISSION,
    attendance_day_problem,
    attendance_record,
)
from courses.services.records import StaleCells, date_short, page_lock
from courses.views.cohorts import COHORT_READERS


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    return get_object_or_404(cohorts_visible(user=request.user), pk=pk)


def _chosen_day(request: HttpRequest) -> tuple[dt.date | None, str]:
    """The ?day= asked for, or a message saying why it cannot be read."""
    text = request.GET.get("day", "").strip()
    if not text:
        return None, ""
    try:
        return dt.date.fromisoformat(text), ""
    except ValueError:
        return None, _("“%(text)s” is not a date: write it as YYYY-MM-DD.") % {"text": text}


@require_http_methods(["GET", "POST"])
@role_required(*COHORT_READERS)
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The register: every trainee by course day, and the form to mark one day (?day=, by
    default today or the first course day still missing marks)."""
    cohort = _cohort(request, pk)
    may_change = request.user.has_perm(ATTENDANCE_PERMISSION)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    register = attendance_register(cohort=cohort)
    today = timezone.localdate()
    lock = page_lock(cohort=cohort, may_change=may_change, what=_("attendance"))
    day, day_problem = _chosen_day(request)
    if day is None and not day_problem and not lock:
        day = register.default_day(today=today)
    if day is not None:
        day_problem = attendance_day_problem(cohort=cohort, day=day, today=today) or ""
    form, stale = None, None
    if request.method == "POST" and (lock or day_problem or day is None):
        messages.error(
            request,
            _("%(why)s Nothing was saved.")
            % {"why": lock or day_problem or _("Choose the day to mark.")},
        )
    elif day is not None and not day_problem and not lock:
        form = AttendanceDayForm(
            request.POST or None,
            enrolments=[row.enrolment for row in register.rows],
            marks=register.marks_on(day),
        )
    if form is not None and form.is_bound and form.is_valid():
        try:
            written = attendance_record(
                cohort=cohort,
                day=day,
                marks=form.marks(),
                seen=form.seen_marks(),
                by=request.user,
            )
        except StaleCells as error:
            stale = error
            register = attendance_register(cohort=cohort)
            form = form.rebased(marks=register.marks_on(day), conflicts=error.conflicts)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            if written:
                messages.success(
                    request,
                    ngettext(
                        "Attendance for %(day)s saved: %(count)s mark changed.",
                        "Attendance for %(day)s saved: %(count)s marks changed.",
                        written,
                    )
                    % {"day": date_short(day), "count": written},
                )
            else:
                messages.info(request, _("Nothing to save: no mark was changed."))
            return redirect(f"{reverse('courses:attendance', args=[cohort.pk])}?day={day}")
    marked_day = day if day in register.days else None
    return render(
        request,
        "courses/attendance.html",
        {
            "cohort": cohort,
            "register": register,
            "day": day,
            "day_index": register.days.index(marked_day) if marked_day else None,
            "day_problem": day_problem,
            "previous_day": _step(register.days, day, today, -1),
            "next_day": _step(register.days, day, today, +1),
            "today": today,
            "form": form,
            "rows": _with_register_lines(form, register),
            "register_lines": _register_lines(register),
            "mark_letters": _mark_letters(),
            "stale": stale,
            "lock": lock,
            "may_edit": not lock,
        },
    )


def _mark_letters() -> dict[str, str]:
    return {
        Attendance.Status.PRESENT: pgettext("attendance mark: present", "P"),
        Attendance.Status.ABSENT: pgettext("attendance mark: absent", "A"),
        Attendance.Status.EXCUSED: pgettext("attendance mark: excused", "E"),
    }


def _register_lines(register: AttendanceRegister) -> list[tuple]:
    """Each line of the register with its day cells as one piece of HTML: a long course has
    130 days, and 19,500 cells through the template language take seconds (measured 2 s for
    150 trainees), joined here they take milliseconds."""
    letters = _mark_letters()
    cells = {
        mark: format_html('<td class="{}">{}</td>', mark[0], letter)
        for mark, letter in letters.items()
    }
    cells[""] = mark_safe("<td>·</td>")
    # Safe: every piece is one of the cells above, escaped by format_html.
    return [(row, mark_safe("".join(cells[mark] for mark in row.marks))) for row in register.rows]


def _with_register_lines(form: AttendanceDayForm | None, register) -> list[tuple]:
    """The day's rows, each with the trainee's line of the register (their share so far)."""
    if form is None:
        return []
    lines = {line.enrolment.pk: line for line in register.rows}
    return [(row, lines.get(row.enrolment.pk)) for row in form.rows()]


def _step(days: list[dt.date], day: dt.date | None, today: dt.date, step: int) -> dt.date | None:
    """The course day before or after `day` that can be marked (not after today)."""
    if day is None:
        return None
    candidates = [d for d in days if d <= today and (d < day if step < 0 else d > day)]
    if not candidates:
        return None
    return candidates[-1] if step < 0 else candidates[0]
