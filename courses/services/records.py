"""What the attendance register and the gradebook share: refusals, stale cells, the keys of
their form fields, and the cohort lock their writes take.

Both writes follow the same rules:
Both follow the same rules:
- Only while the cohort is in progress, by a user who holds the permission
  (courses.change_attendance / courses.change_assessmentresult) and may open the cohort
  (courses.scope.cohorts_for): the cohort's instructors and administrators.
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
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from common.formatting import number_plain
from courses.models import AssessmentComponent, Attendance, Cohort, Enrolment
from courses.scope import cohorts_for

Cell = tuple[int, int]  # (enrolment id, component id)


def refusal(message: str, *, code: str) -> ValidationError:
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
        return cell_shown(self.seen)

    @property
    def current_label(self) -> str:
        return cell_shown(self.current)

    @property
    def yours_label(self) -> str:
        return cell_shown(self.yours)

    @property
    def key(self) -> str:
        """The cell's form field name (see courses/forms/attendance.py and gradebook.py)."""
        if self.component is None:
            return attendance_key(self.enrolment.pk)
        return score_key(self.enrolment.pk, self.component.pk)


def cell_shown(value: object) -> str:
    """A cell's value as the page shows it: a score (85.5), a mark (present) or a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return number_plain(value)
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


def trainee_name(enrolment: Enrolment) -> str:
    """ "Abenov Arman (KZ-1234)": how a message names a trainee."""
    return str(enrolment.person)


def date_short(day: dt.date) -> str:
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
            "date": date_short(timezone.localtime(cohort.finalised_at).date()),
            "what": what,
        }
    if cohort.status != Cohort.Status.IN_PROGRESS:
        return _(
            "Cohort %(code)s is %(status)s: its %(what)s is kept only while the course is in "
            "progress."
        ) % {"code": cohort.code, "status": cohort.get_status_display(), "what": what}
    return ""


def cohort_writable(*, cohort_pk: int, by: User, permission: str, what: str) -> Cohort:
    """The cohort, locked, once `by` may write `what` in it now; else a ValidationError."""
    if not by.has_perm(permission) or not cohorts_for(by).filter(pk=cohort_pk).exists():
        raise refusal(
            _("You may read the %(what)s of this cohort but not change it.") % {"what": what},
            code="forbidden",
        )
    # Serialise saves of one cohort, and saves against finalisation.
    cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort_pk)
    if lock := records_lock(cohort=cohort, what=what):
        code = "finalised" if cohort.status == Cohort.Status.FINALISED else "not_in_progress"
        raise refusal(_("%(lock)s Nothing was saved.") % {"lock": lock}, code=code)
    return cohort


def trainees_seated(cohort: Cohort, ids: Iterable[int]) -> dict[int, Enrolment]:
    return (
        Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.SEATED, pk__in=set(ids))
        .select_related("person")
        .in_bulk()
    )


def trainees_unknown_refuse(ids: set[int], seated: Mapping[int, Enrolment], cohort: Cohort):
    unknown = sorted(ids - set(seated))
    if unknown:
        raise refusal(
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


def page_lock(*, cohort: Cohort, may_change: bool, what: str) -> str:
    """Why the register's or the gradebook's page is read-only for this user ("" when they
    may change it)."""
    if lock := records_lock(cohort=cohort, what=what):
        return lock
    if not may_change:
        return _("You can read the %(what)s of this cohort; its instructors keep it.") % {
            "what": what
        }
    return ""
