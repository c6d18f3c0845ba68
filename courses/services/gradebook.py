"""Writes of the attendance register and the gradebook: one course day's marks, and the
scores of the whole grid, each saved together or not at all.

Both follow the same rules:
- Only while the cohort is in progress, by a user who holds the permission
  (courses.change_attendance / courses.change_assessmentresult) and may open the cohort
  (peacecentre.roles.cohorts_for): the cohort's instructors and administrators.
- The caller passes what the user submitted and what the page showed (`seen`). A cell the
  user left as it was shown is not written. A cell the user changed whose stored value is no
  longer what the page showed was changed by someone else meanwhile: nothing at all is saved
  and the Stale error lists those cells with the value saved now, who saved it and when.
- Every cell is checked before anything is written, and every problem is reported, each
  naming the trainee and the component or day; nothing is saved when one is wrong.
- Writes are set-based (bulk_create / bulk_update, a few queries for a whole grid), under a
  lock on the cohort row, so two saves of one cohort run one after the other and
  finalisation never races a save.

Scores keep their history with django-simple-history: who, when, the old and the new value
(bulk_*_with_history with `by` as the history user; a cleared score leaves a "-" row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from courses.grading import course_days
from courses.models import AssessmentComponent, AssessmentResult, Attendance, Cohort, Enrolment
from peacecentre.models import User
from peacecentre.roles import cohorts_for

ATTENDANCE_PERMISSION = "courses.change_attendance"
RESULTS_PERMISSION = "courses.change_assessmentresult"
ATTENDANCE_STATUSES = frozenset(Attendance.Status.values)

Cell = tuple[int, int]  # (enrolment id, component id)


# -- refusals -------------------------------------------------------------------------------


def _refuse(message: str, *, code: str) -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: ValidationError(message, code=code)})


@dataclass(frozen=True)
class Conflict:
    """A cell the user changed that someone else had changed after the page was loaded."""

    enrolment: Enrolment
    seen: object  # what the page showed (None: empty)
    current: object  # what is stored now (None: empty)
    yours: object  # what the user submitted (None: empty)
    changed_by: User | None
    changed_at: dt.datetime | None
    component: AssessmentComponent | None = None  # gradebook cells only

    @property
    def seen_label(self) -> str:
        return _shown(self.seen)

    @property
    def current_label(self) -> str:
        return _shown(self.current)

    @property
    def yours_label(self) -> str:
        return _shown(self.yours)

    @property
    def key(self) -> str:
        """The cell's form field name (see courses/forms/gradebook.py)."""
        if self.component is None:
            return attendance_key(self.enrolment.pk)
        return score_key(self.enrolment.pk, self.component.pk)


def _shown(value: object) -> str:
    """A cell's value as the page shows it: a score (85.5), a mark (present) or a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return plain(value)
    return str(Attendance.Status(value).label)


class StaleCells(ValidationError):
    """Cells the user changed were changed by someone else after the page was loaded; nothing
    was saved. `conflicts` names each with its value now, who saved it and when."""

    def __init__(self, message: str, conflicts: list[Conflict]) -> None:
        super().__init__({NON_FIELD_ERRORS: ValidationError(message, code="stale")})
        self.conflicts = conflicts


def attendance_key(enrolment_id: int) -> str:
    """The form field (and error key) of one trainee's mark."""
    return f"m-{enrolment_id}"


def score_key(enrolment_id: int, component_id: int) -> str:
    """The form field (and error key) of one gradebook cell."""
    return f"s-{enrolment_id}-{component_id}"


def _person_of(enrolment: Enrolment) -> str:
    """ "Abenov Arman (KZ-1234)": how a message names a trainee."""
    return str(enrolment.person)


def _date(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def records_lock(*, cohort: Cohort, what: str) -> str:
    """Why `what` (the attendance, the gradebook) of `cohort` cannot change now, or "" while
    the cohort is in progress. The pages show it; the writes refuse with it."""
    if cohort.status == Cohort.Status.FINALISED:
        return _(
            "Cohort %(code)s was finalised on %(date)s: its %(what)s is read-only; a "
            "registrar can reopen it."
        ) % {
            "code": cohort.code,
            "date": _date(timezone.localtime(cohort.finalised_at).date()),
            "what": what,
        }
    if cohort.status != Cohort.Status.IN_PROGRESS:
        return _(
            "Cohort %(code)s is %(status)s: its %(what)s is kept only while the course is in "
            "progress."
        ) % {"code": cohort.code, "status": cohort.get_status_display(), "what": what}
    return ""


def _writable(*, cohort_pk: int, by: User, permission: str, what: str) -> Cohort:
    """The cohort, locked, once `by` may write `what` in it now; else a ValidationError."""
    if not by.has_perm(permission) or not cohorts_for(by).filter(pk=cohort_pk).exists():
        raise _refuse(
            _("You may read the %(what)s of this cohort but not change it.") % {"what": what},
            code="forbidden",
        )
    # Serialise saves of one cohort, and saves against finalisation.
    cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort_pk)
    if lock := records_lock(cohort=cohort, what=what):
        code = "finalised" if cohort.status == Cohort.Status.FINALISED else "not_in_progress"
        raise _refuse(_("%(lock)s Nothing was saved.") % {"lock": lock}, code=code)
    return cohort


def _seated(cohort: Cohort, ids: Iterable[int]) -> dict[int, Enrolment]:
    return (
        Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.SEATED, pk__in=set(ids))
        .select_related("person")
        .in_bulk()
    )


def _unknown_trainees(ids: set[int], seated: Mapping[int, Enrolment], cohort: Cohort):
    unknown = sorted(ids - set(seated))
    if unknown:
        raise _refuse(
            ngettext(
                "Enrolment %(ids)s is not a trainee of cohort %(code)s (withdrawn, or from "
                "another cohort); reload the page. Nothing was saved.",
                "Enrolments %(ids)s are not trainees of cohort %(code)s (withdrawn, or from "
                "another cohort); reload the page. Nothing was saved.",
                len(unknown),
            )
            % {"ids": ", ".join(map(str, unknown)), "code": cohort.code},
            code="unknown_trainee",
        )


# -- attendance -----------------------------------------------------------------------------


def attendance_day_problem(*, cohort: Cohort, day: dt.date, today: dt.date) -> str | None:
    """Why attendance of `cohort` cannot be marked for `day`, or None when it can: the day
    must be a course day (Monday to Friday within the cohort's dates) and not after today."""
    if day not in course_days(cohort.starts_on, cohort.ends_on):
        return _(
            "%(day)s is not a course day of cohort %(code)s: its course days are Monday to "
            "Friday from %(start)s to %(end)s."
        ) % {
            "day": _date(day),
            "code": cohort.code,
            "start": _date(cohort.starts_on),
            "end": _date(cohort.ends_on),
        }
    if day > today:
        return _(
            "%(day)s is after today (%(today)s): attendance is marked on the day or later."
        ) % {"day": _date(day), "today": _date(today)}
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
    cohort = _writable(
        cohort_pk=cohort.pk, by=by, permission=ATTENDANCE_PERMISSION, what=_("attendance")
    )
    if problem := attendance_day_problem(cohort=cohort, day=day, today=timezone.localdate()):
        raise _refuse(problem, code="day")
    wanted = {pk: mark or "" for pk, mark in marks.items()}
    changed = {pk: mark for pk, mark in wanted.items() if mark != (seen.get(pk) or "")}
    if not changed:
        return 0
    seated = _seated(cohort, changed)
    _unknown_trainees(set(changed), seated, cohort)
    unknown = [
        (pk, mark) for pk, mark in changed.items() if mark and mark not in ATTENDANCE_STATUSES
    ]
    if unknown:
        raise _refuse(
            "; ".join(
                _("%(person)s: unknown attendance mark “%(mark)s”, use present, absent or excused")
                % {"person": _person_of(seated[pk]), "mark": mark}
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
            % {"day": _date(day), "count": len(conflicts)},
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


# -- scores ---------------------------------------------------------------------------------


def plain(value: Decimal) -> str:
    """A score as people write it: 100, 85.5, 72.25 (no trailing zeros, no exponent)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def score_cell(enrolment: Enrolment, component: AssessmentComponent) -> str:
    """How a message names a gradebook cell: "Abenov Arman (KZ-1234), Written exam"."""
    return _("%(person)s, %(component)s") % {
        "person": _person_of(enrolment),
        "component": component.name,
    }


def score_problem(*, component: AssessmentComponent, score: Decimal) -> str | None:
    """Why `score` cannot be recorded for `component` (without the cell's name), or None."""
    if not score.is_finite():
        return _("%(score)s is not a number.") % {"score": score}
    if score.normalize().as_tuple().exponent < -2:  # 85.50 is fine, 85.505 is not
        return _("%(score)s has more than 2 decimal places.") % {"score": plain(score)}
    if score > component.max_score:
        return _("%(score)s is above the highest score %(max)s.") % {
            "score": plain(score),
            "max": plain(component.max_score),
        }
    if score < component.min_score:
        return _("%(score)s is below the lowest score %(min)s.") % {
            "score": plain(score),
            "min": plain(component.min_score),
        }
    return None


@transaction.atomic
def results_record(
    *,
    cohort: Cohort,
    scores: Mapping[Cell, Decimal | None],
    seen: Mapping[Cell, Decimal | None],
    by: User,
) -> int:
    """Save the gradebook of `cohort`: `scores` maps (enrolment id, component id) to the
    score submitted (None: no score), `seen` the same cells to what the page showed. Only
    cells the user changed are written: a new score is created, a changed one updated, a
    cleared one deleted, each with a history row by `by`. Returns the number of cells written.

    Raises ValidationError when `by` may not change this cohort's scores or the cohort is not
    in progress; ValidationError keyed by cell (score_key) when scores are out of their
    component's range or have more than two decimals, each message naming the trainee and
    component ("Abenov Arman (KZ-1234), Written exam: 105 is above the highest score 100.");
    StaleCells (code "stale") when a cell the user changed was changed by someone else since
    the page was loaded. Nothing is saved on any error.
    """
    cohort = _writable(
        cohort_pk=cohort.pk, by=by, permission=RESULTS_PERMISSION, what=_("gradebook")
    )
    changed = {cell: score for cell, score in scores.items() if not _same(score, seen.get(cell))}
    if not changed:
        return 0
    components = {c.pk: c for c in AssessmentComponent.objects.filter(course_id=cohort.course_id)}
    seated = _seated(cohort, (enrolment_id for enrolment_id, _c in changed))
    _unknown_trainees({enrolment_id for enrolment_id, _c in changed}, seated, cohort)
    foreign = sorted({component_id for _e, component_id in changed} - set(components))
    if foreign:
        raise _refuse(
            _(
                "Component %(id)s is not assessed in course %(course)s; reload the page. "
                "Nothing was saved."
            )
            % {"id": foreign[0], "course": cohort.course.code},
            code="unknown_component",
        )
    errors: dict[str, list[str]] = {}
    for (enrolment_id, component_id), score in changed.items():
        if score is None:
            continue
        component = components[component_id]
        if problem := score_problem(component=component, score=score):
            cell = score_cell(seated[enrolment_id], component)
            errors[score_key(enrolment_id, component_id)] = [f"{cell}: {problem}"]
    if errors:
        raise ValidationError(errors)

    stored = {
        (result.enrolment_id, result.component_id): result
        for result in AssessmentResult.objects.filter(enrolment_id__in=seated).select_related(
            "recorded_by"
        )
        if (result.enrolment_id, result.component_id) in changed
    }
    conflicts, to_write = [], {}
    for cell, score in changed.items():
        now = stored[cell].score if cell in stored else None
        if _same(now, score):
            continue  # someone saved the same score meanwhile: nothing to do
        if not _same(now, seen.get(cell)):
            enrolment_id, component_id = cell
            last = _last_change(cell) if cell not in stored else None
            conflicts.append(
                Conflict(
                    enrolment=seated[enrolment_id],
                    component=components[component_id],
                    seen=seen.get(cell),
                    current=now,
                    yours=score,
                    changed_by=stored[cell].recorded_by if cell in stored else last[0],
                    changed_at=stored[cell].recorded_at if cell in stored else last[1],
                )
            )
            continue
        to_write[cell] = score
    if conflicts:
        raise StaleCells(
            ngettext(
                "Someone else saved scores of cohort %(code)s after you opened the gradebook, "
                "and %(count)s score you changed was changed meanwhile. Nothing was saved: "
                "check the highlighted cell, then save again.",
                "Someone else saved scores of cohort %(code)s after you opened the gradebook, "
                "and %(count)s scores you changed were changed meanwhile. Nothing was saved: "
                "check the highlighted cells, then save again.",
                len(conflicts),
            )
            % {"code": cohort.code, "count": len(conflicts)},
            conflicts,
        )
    return _results_write(
        cohort=cohort, to_write=to_write, stored=stored, components=components, by=by
    )


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == b


def _last_change(cell: Cell) -> tuple[User | None, dt.datetime | None]:
    """Who removed a score and when (its last history row); one query, for conflicts only."""
    enrolment_id, component_id = cell
    row = (
        AssessmentResult.history.filter(enrolment_id=enrolment_id, component_id=component_id)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    return (row.history_user, row.history_date) if row else (None, None)


def _results_write(
    *,
    cohort: Cohort,
    to_write: Mapping[Cell, Decimal | None],
    stored: Mapping[Cell, AssessmentResult],
    components: Mapping[int, AssessmentComponent],
    by: User,
) -> int:
    """Create, update and delete the cells of `to_write` with their history, in a few queries
    whatever their number. The database refuses a score outside its component's range (a
    trigger, courses/migrations/0003): that refusal becomes the same message as the check
    above, naming the cell, in case a component's range changed since it was read."""
    now = timezone.now()
    creates = [
        AssessmentResult(
            enrolment_id=enrolment_id,
            component_id=component_id,
            score=score,
            recorded_by=by,
            recorded_at=now,
        )
        for (enrolment_id, component_id), score in to_write.items()
        if score is not None and (enrolment_id, component_id) not in stored
    ]
    updates = []
    for cell, score in to_write.items():
        if score is not None and cell in stored:
            result = stored[cell]
            result.score, result.recorded_by, result.recorded_at = score, by, now
            updates.append(result)
    removed = [stored[cell] for cell, score in to_write.items() if score is None and cell in stored]
    try:
        with transaction.atomic():
            bulk_create_with_history(creates, AssessmentResult, default_user=by, default_date=now)
            # Who and when are the same for every row: one plain UPDATE. Only the scores
            # need bulk_update's per-row CASE, which is what makes it slow (measured: 900
            # cells took 2.3 s with all three fields in the CASE on SQLite).
            AssessmentResult.objects.filter(pk__in=[result.pk for result in updates]).update(
                recorded_by=by, recorded_at=now
            )
            bulk_update_with_history(
                updates, AssessmentResult, ["score"], default_user=by, default_date=now
            )
            _delete_with_history(removed, by=by, when=now)
    except IntegrityError as error:
        raise _range_refusal(cohort, to_write) from error
    return len(creates) + len(updates) + len(removed)


def _delete_with_history(results: list[AssessmentResult], *, by: User, when: dt.datetime) -> None:
    """Delete `results`, leaving each a "-" history row by `by`: two queries for any number.
    (QuerySet.delete() would send post_delete per row, and simple-history would write one
    history row per delete, with the request's user rather than `by`.)"""
    if not results:
        return
    history = AssessmentResult.history.model
    history.objects.bulk_create(
        [
            history(
                history_date=when,
                history_user=by,
                history_type="-",
                **{
                    field.attname: getattr(result, field.attname)
                    for field in history.tracked_fields
                },
            )
            for result in results
        ]
    )
    AssessmentResult.objects.filter(pk__in=[result.pk for result in results])._raw_delete(
        DEFAULT_DB_ALIAS
    )


def _range_refusal(cohort: Cohort, to_write: Mapping[Cell, Decimal | None]) -> ValidationError:
    """The database refused a score: name the cells outside their component's range now."""
    components = AssessmentComponent.objects.in_bulk(
        {component_id for _e, component_id in to_write}
    )
    enrolments = Enrolment.objects.select_related("person").in_bulk(
        {enrolment_id for enrolment_id, _c in to_write}
    )
    errors: dict[str, list[str]] = {}
    for (enrolment_id, component_id), score in to_write.items():
        component = components.get(component_id)
        if score is None or component is None:
            continue
        if problem := score_problem(component=component, score=score):
            cell = score_cell(enrolments[enrolment_id], component)
            errors[score_key(enrolment_id, component_id)] = [f"{cell}: {problem}"]
    if errors:
        return ValidationError(errors)
    return _refuse(
        _(
            "The database refused the scores of cohort %(code)s; nothing was saved. Reload the "
            "gradebook and try again."
        )
        % {"code": cohort.code},
        code="refused",
    )
