"""The course's rules for a trainee's outcome, as plain functions on plain data (no queries).

- Course days are Monday to Friday from the cohort's first day through its last.
- Attendance share: days marked present over the course days held so far (those up to and
  including today; every course day once they are all marked, which is how the outcome is
  decided). An excused absence is kept for the record but is not presence; a day held and
  not marked yet is not presence either. A day still to come counts for nobody.
- Weighted total (0-100): each component's score scaled to its range, times its weight:
  sum(weight * (score - min) / (max - min)). Weights of a course add up to 100.
- Passed: the weighted total at or above the course's pass mark, every must-pass component
  at or above its pass score, and attendance at or above the course's minimum. The outcome
  is decided only once every component is scored and every course day marked (`complete`);
  until then `passed` is None and the reasons say what is still open.

The gradebook page shows a trainee's standing with these functions and finalisation decides
the outcome with them (courses/selectors/standings.py feeds both), so the page and the
certificate can never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from courses.models import AssessmentComponent, Course

CENT = Decimal("0.01")


def weekdays(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Monday to Friday from `start` through `end`."""
    day = start
    while day <= end:
        if day.weekday() < 5:
            yield day
        day += dt.timedelta(days=1)


def course_days(starts_on: dt.date, ends_on: dt.date) -> list[dt.date]:
    """The days a cohort is taught: Monday to Friday from its first day through its last."""
    return list(weekdays(starts_on, ends_on))


def days_held(days: Sequence[dt.date], *, today: dt.date) -> int:
    """How many of the course days `days` are held by `today` (today included): all of them
    once the cohort has ended."""
    return sum(1 for day in days if day <= today)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(
    components: Sequence[AssessmentComponent], scores: Mapping[int, Decimal]
) -> Decimal:
    """The weighted total (0-100, to the cent) of the scores given, by component id. A
    component without a score adds nothing, so a partial total is the total so far."""
    total = Decimal(0)
    for component in components:
        score = scores.get(component.pk)
        if score is None:
            continue
        span = component.max_score - component.min_score
        total += component.weight * (Decimal(score) - component.min_score) / span
    return _cents(total)


def attendance_percent(*, present: int, days: int) -> Decimal:
    """Days present over `days` (the course days held, or all of them), in percent to the
    cent; 0 when there is no day."""
    if days <= 0:
        return Decimal(0)
    return _cents(Decimal(100) * present / days)


@dataclass
class Standing:
    """Where a trainee stands by the course's rules. `passed` is None until the standing is
    complete; `reasons` say, in the centre's words, why a trainee fails or is undecided."""

    total: Decimal
    attendance: Decimal  # percent of the days held so far (all days once all are marked)
    missing_components: list[AssessmentComponent] = field(default_factory=list)
    failed_components: list[AssessmentComponent] = field(default_factory=list)
    unmarked_days: int = 0
    present_days: int = 0
    held_days: int = 0  # course days held so far: the share's denominator
    days_left: int = 0  # course days still to come
    passed: bool | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every component scored and every course day marked: the outcome can be fixed."""
        return not self.missing_components and not self.unmarked_days


def standing_of(
    *,
    course: Course,
    components: Sequence[AssessmentComponent],
    scores: Mapping[int, Decimal],
    present_days: int,
    marked_days: int,
    course_day_count: int,
    held_day_count: int | None = None,
) -> Standing:
    """The standing of one trainee from their scores (by component id) and attendance:
    `present_days` and `marked_days` on course days, of `course_day_count` course days of
    which `held_day_count` are held so far (courses.grading.days_held; all by default)."""
    total = weighted_total(components, scores)
    held = course_day_count if held_day_count is None else min(held_day_count, course_day_count)
    unmarked_days = max(0, course_day_count - marked_days)
    # The attendance rule is applied only once every course day is marked, and then on all
    # of them: the figure shown and the outcome are the same number.
    share_of = held if unmarked_days else course_day_count
    attendance = attendance_percent(present=present_days, days=share_of)
    standing = Standing(
        total=total,
        attendance=attendance,
        missing_components=[c for c in components if scores.get(c.pk) is None],
        failed_components=[
            c
            for c in components
            if c.must_pass and scores.get(c.pk) is not None and scores[c.pk] < c.pass_score
        ],
        unmarked_days=unmarked_days,
        present_days=present_days,
        held_days=share_of,
        days_left=course_day_count - held,
    )
    # Outcome failures first, then what still leaves the outcome open.
    if not standing.missing_components and total < course.pass_mark:
        standing.reasons.append(
            _("Weighted total %(total)s is below the pass mark %(mark)s.")
            % {"total": total, "mark": _cents(course.pass_mark)}
        )
    for component in standing.failed_components:
        standing.reasons.append(
            _("%(component)s must be passed: %(score)s is below %(pass_score)s.")
            % {
                "component": component.name,
                "score": scores[component.pk],
                "pass_score": component.pass_score,
            }
        )
    if not standing.unmarked_days and attendance < course.min_attendance_percent:
        standing.reasons.append(
            _("Attendance %(attendance)s%% is below the minimum %(minimum)s%%.")
            % {"attendance": attendance, "minimum": _cents(course.min_attendance_percent)}
        )
    failed = bool(standing.reasons)
    if standing.missing_components:
        standing.reasons.append(
            _("Not scored yet: %(components)s.")
            % {"components": ", ".join(c.name for c in standing.missing_components)}
        )
    # Days still to come are not "not marked": they are said apart.
    unmarked_held = max(0, standing.unmarked_days - standing.days_left)
    if unmarked_held:
        standing.reasons.append(
            ngettext(
                "Attendance not marked for %(count)s course day.",
                "Attendance not marked for %(count)s course days.",
                unmarked_held,
            )
            % {"count": unmarked_held}
        )
    if standing.days_left and standing.unmarked_days:
        standing.reasons.append(
            ngettext(
                "%(count)s course day still to come.",
                "%(count)s course days still to come.",
                standing.days_left,
            )
            % {"count": standing.days_left}
        )
    standing.passed = None if not standing.complete else not failed
    return standing
