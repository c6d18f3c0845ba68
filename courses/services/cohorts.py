"""Scheduling cohorts: create, edit, and move a cohort through its statuses.

Statuses and the moves this module makes:

    planned ──> open ──> in progress ──> finalised (courses/services/finalisation.py; not here)
       │  <──── │
       └──> cancelled <──┘

- planned -> open: enrolment opens; refused once the cohort has ended.
- open -> planned: back to planning, only while nobody is nominated, enrolled or waitlisted
  (their places would hang in a cohort that is not open).
- open -> in progress: from the start date on, with at least one trainee in a seat.
- planned or open -> cancelled: needs a reason; everyone nominated, enrolled or waitlisted is
  withdrawn with that reason (kept in each enrolment's history), so they are free for
  another cohort and the waitlist empties.
- in progress -> cancelled is refused: the trainees are mid-course, with attendance and
  scores recorded; the gradebook finalises the cohort (those who did not complete fail).
- in progress -> finalised is refused here: finalising checks every score and issues the
  certificates, so only the gradebook's service does it.
- finalised and cancelled are final here: no move, no edit. (Reopening a finalised cohort
  is the gradebook's, under its own permission.)

Every write locks the cohort row (select_for_update) and compares what the user saw (the
status, or the row's update time) with what is stored, so a stale page changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from accounts.roles import Role
from courses.models import Attendance, Cohort, CohortStatusChange, Course, Enrolment
from courses.selectors.cohorts import cohort_code_next, cohort_version
from courses.services.enrolment import WITHDRAWABLE, enrolments_withdraw_all, waitlist_promote

Status = Cohort.Status

# Enrolments that hold or claim a place: what cancelling withdraws and what keeps an open
# cohort from going back to planned.


@dataclass(frozen=True)
class Transition:
    to: str
    label: str  # the button's words
    needs_reason: bool = False


# The moves a user can make from each status. Finalising is courses/services/finalisation.py's.
TRANSITIONS: dict[str, tuple[Transition, ...]] = {
    Status.PLANNED: (
        Transition(Status.OPEN, gettext_lazy("Open for enrolment")),
        Transition(Status.CANCELLED, gettext_lazy("Cancel the cohort"), needs_reason=True),
    ),
    Status.OPEN: (
        Transition(Status.IN_PROGRESS, gettext_lazy("Start the course")),
        Transition(Status.PLANNED, gettext_lazy("Back to planned")),
        Transition(Status.CANCELLED, gettext_lazy("Cancel the cohort"), needs_reason=True),
    ),
    Status.IN_PROGRESS: (),
    Status.FINALISED: (),
    Status.CANCELLED: (),
}
FINAL = (Status.FINALISED, Status.CANCELLED)


def cohort_transitions(status: str) -> tuple[Transition, ...]:
    """The moves offered from `status` (the buttons to show). Whether one succeeds also
    depends on the cohort's dates and enrolments, checked by `cohort_transition`."""
    return TRANSITIONS.get(status, ())


def cohort_transitions_offered(cohort: Cohort, *, today: dt.date) -> tuple[Transition, ...]:
    """The moves worth a button for `cohort` on `today`: those of its status, less the ones
    its dates already rule out (starting before the first day, opening after the last).
    No query; `cohort_transition` still checks everything when the button is pressed."""
    return tuple(
        transition
        for transition in cohort_transitions(cohort.status)
        if not (transition.to == Status.IN_PROGRESS and today < cohort.starts_on)
        and not (transition.to == Status.OPEN and cohort.ends_on < today)
    )


def _refuse(message: str, *, code: str, key: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({key: ValidationError(message, code=code)})


@transaction.atomic
def cohort_transition(
    *,
    cohort: Cohort,
    to: str,
    seen_status: str,
    by: User,
    reason: str = "",
    today: dt.date | None = None,
) -> Cohort:
    """Move `cohort` to status `to` (see the module docstring for the moves and their
    conditions). `seen_status` is the status the user saw: when the stored one differs
    nothing changes and ValidationError (code "stale") says what it is now. Other refusals
    are ValidationErrors saying why. Returns the updated cohort."""
    today = today or timezone.localdate()
    cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)
    current = Status(cohort.status)
    if current != seen_status:
        raise _refuse(
            _(
                "Cohort %(code)s is now %(status)s: someone changed it after your page was "
                "loaded, so nothing was changed."
            )
            % {"code": cohort.code, "status": current.label},
            code="stale",
        )
    if to not in Status.values:
        raise _refuse(_("Unknown cohort status “%(to)s”.") % {"to": to}, code="unknown")
    target = Status(to)
    if target == Status.FINALISED:
        raise _refuse(
            _(
                "Results are finalised from the cohort's gradebook, which checks every score "
                "and issues the certificates; finalise cohort %(code)s there."
            )
            % {"code": cohort.code},
            code="finalise_in_gradebook",
        )
    if current == Status.IN_PROGRESS and target == Status.CANCELLED:
        raise _refuse(
            _(
                "Cohort %(code)s is in progress: its trainees are mid-course, with attendance "
                "and scores recorded, so it cannot be cancelled. Finalise it from the gradebook "
                "(those who do not complete fail) or withdraw individual trainees."
            )
            % {"code": cohort.code},
            code="in_progress_not_cancellable",
        )
    if current in FINAL:
        raise _refuse(
            _("Cohort %(code)s is %(status)s; its status no longer changes.")
            % {"code": cohort.code, "status": current.label},
            code="final",
        )
    if target not in {t.to for t in cohort_transitions(current)}:
        raise _refuse(
            _("A cohort cannot go from %(from)s to %(to)s.")
            % {"from": current.label, "to": target.label},
            code="not_allowed",
        )

    if target == Status.OPEN and cohort.ends_on < today:
        raise _refuse(
            _("Cohort %(code)s ended on %(end)s; it can no longer open for enrolment.")
            % {"code": cohort.code, "end": cohort.ends_on.isoformat()},
            code="ended",
        )
    if target == Status.PLANNED:
        claiming = cohort.enrolments.filter(status__in=WITHDRAWABLE).count()
        if claiming:
            raise _refuse(
                ngettext(
                    "%(count)s person is nominated, enrolled or waitlisted in cohort %(code)s; "
                    "it can go back to planned only when nobody is. Withdraw them first, or "
                    "keep it open.",
                    "%(count)s people are nominated, enrolled or waitlisted in cohort %(code)s; "
                    "it can go back to planned only when nobody is. Withdraw them first, or "
                    "keep it open.",
                    claiming,
                )
                % {"count": claiming, "code": cohort.code},
                code="has_enrolments",
            )
    if target == Status.IN_PROGRESS:
        if today < cohort.starts_on:
            raise _refuse(
                _("Cohort %(code)s starts on %(start)s; it can be started from that day.")
                % {"code": cohort.code, "start": cohort.starts_on.isoformat()},
                code="not_started",
            )
        if not cohort.enrolments.filter(status__in=Enrolment.SEATED).exists():
            raise _refuse(
                _("Nobody is enrolled in cohort %(code)s: enrol trainees or cancel it.")
                % {"code": cohort.code},
                code="empty",
            )
    if target == Status.CANCELLED:
        reason = reason.strip()
        if not reason:
            raise _refuse(
                _(
                    "Say why cohort %(code)s is cancelled: the reason is kept with each trainee's "
                    "enrolment."
                )
                % {"code": cohort.code},
                code="reason_required",
                key="reason",
            )
        enrolments_withdraw_all(cohort=cohort, reason=reason, by=by)

    cohort.status = target
    cohort.save(update_fields=["status", "updated_at"])
    CohortStatusChange.objects.create(
        cohort=cohort, from_status=current, to_status=target, reason=reason.strip(), changed_by=by
    )
    return cohort


@transaction.atomic
def cohort_create(
    *,
    course: Course,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
    by: User,
    code: str = "",
    location: str = "",
    instructors: Sequence[User] = (),
) -> Cohort:
    """Schedule a planned cohort of `course`. An empty `code` takes the next free
    "<COURSE>-<YEAR>-<NN>" of the start year.

    Raises ValidationError (keyed by field) when the course is inactive, the end is before
    the start, the capacity is below 1, the code is taken, or someone named as instructor
    does not hold the instructor role.
    """
    course = Course.objects.select_for_update().get(pk=course.pk)  # one numbering at a time
    code = code.strip() or cohort_code_next(course=course, year=starts_on.year)
    errors = _check(
        code=code, starts_on=starts_on, ends_on=ends_on, capacity=capacity, instructors=instructors
    )
    if not course.is_active:
        errors.setdefault("course", []).append(
            _("Course %(code)s is no longer active; make it active in the catalogue first.")
            % {"code": course.code}
        )
    if errors:
        raise ValidationError(errors)
    cohort = Cohort(
        course=course,
        code=code,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        location=location.strip(),
        status=Status.PLANNED,
    )
    _save(cohort)
    cohort.instructors.set(instructors)
    return cohort


@transaction.atomic
def cohort_update(
    *,
    cohort: Cohort,
    version: str,
    code: str,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
    by: User,
    location: str = "",
    instructors: Sequence[User] = (),
) -> Cohort:
    """Change a cohort's code, dates, location, capacity and instructors (its course stays).

    `version` is `cohort_version(cohort)` as the editor saw it; a different one now means
    someone changed the cohort meanwhile and nothing is saved (code "stale"). Also refused:
    a finalised or cancelled cohort; a capacity below the seats already taken; dates that
    leave recorded attendance outside them; and the rules of `cohort_create`. When the
    capacity grows, the waitlist fills the new seats at once, in the same transaction
    (courses.services.enrolment.waitlist_promote, which e-mails those promoted after the
    commit).
    """
    cohort = Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)
    if cohort.status in FINAL:
        raise _refuse(
            _("Cohort %(code)s is %(status)s and can no longer be edited.")
            % {"code": cohort.code, "status": cohort.get_status_display()},
            code="final",
        )
    if cohort_version(cohort) != version:
        raise _refuse(
            _(
                "Someone else changed cohort %(code)s after you opened it, so your changes were "
                "not saved. Open it again to see the current values, then make your changes "
                "once more."
            )
            % {"code": cohort.code},
            code="stale",
        )
    code = code.strip() or cohort.code
    errors = _check(
        code=code,
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=capacity,
        instructors=instructors,
        cohort=cohort,
    )
    seated = cohort.enrolments.filter(status__in=Enrolment.SEATED).count()
    if capacity < seated:
        errors.setdefault("capacity", []).append(
            ngettext(
                "%(seated)s person holds a seat in this cohort, so the capacity cannot drop "
                "below %(seated)s. Withdraw trainees first to make it smaller.",
                "%(seated)s people hold a seat in this cohort, so the capacity cannot drop "
                "below %(seated)s. Withdraw trainees first to make it smaller.",
                seated,
            )
            % {"seated": seated}
        )
    recorded = Attendance.objects.filter(enrolment__cohort=cohort).aggregate(
        first=Min("day"),
        last=Max("day"),
        outside=Count("pk", filter=Q(day__lt=starts_on) | Q(day__gt=ends_on)),
    )
    if recorded["outside"]:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            ngettext(
                "Attendance is recorded from %(first)s to %(last)s; the new dates would leave "
                "%(count)s attendance record outside the cohort. Keep those days within it.",
                "Attendance is recorded from %(first)s to %(last)s; the new dates would leave "
                "%(count)s attendance records outside the cohort. Keep those days within it.",
                recorded["outside"],
            )
            % {
                "first": recorded["first"].isoformat(),
                "last": recorded["last"].isoformat(),
                "count": recorded["outside"],
            }
        )
    if errors:
        raise ValidationError(errors)
    grew = capacity > cohort.capacity
    cohort.code = code
    cohort.starts_on = starts_on
    cohort.ends_on = ends_on
    cohort.capacity = capacity
    cohort.location = location.strip()
    _save(cohort)
    cohort.instructors.set(instructors)
    if grew:
        waitlist_promote(cohort=cohort, by=by)
    return cohort


def _check(
    *,
    code: str,
    starts_on: dt.date,
    ends_on: dt.date,
    capacity: int,
    instructors: Sequence[User],
    cohort: Cohort | None = None,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors["ends_on"] = [
            _("The cohort cannot end (%(end)s) before it starts (%(start)s).")
            % {"end": ends_on.isoformat(), "start": starts_on.isoformat()}
        ]
    if capacity < 1:
        errors["capacity"] = [_("A cohort needs at least one seat.")]
    max_length = Cohort._meta.get_field("code").max_length
    if len(code) > max_length:
        errors["code"] = [
            _("A cohort code has at most %(limit)s characters.") % {"limit": max_length}
        ]
    elif Cohort.objects.filter(code=code).exclude(pk=getattr(cohort, "pk", None)).exists():
        errors["code"] = [
            _("The code %(code)s is already used by another cohort.") % {"code": code}
        ]
    ids = {user.pk for user in instructors}
    teaching = set(
        User.objects.filter(pk__in=ids, groups__name=Role.INSTRUCTOR.value).values_list(
            "pk", flat=True
        )
    )
    not_instructors = [user for user in instructors if user.pk not in teaching]
    if not_instructors:
        errors["instructors"] = [
            _("%(names)s cannot teach: only users with the instructor role can.")
            % {"names": ", ".join(str(user) for user in not_instructors)}
        ]
    return errors


def _save(cohort: Cohort) -> None:
    try:
        with transaction.atomic():
            cohort.save()
    except IntegrityError as error:  # another registrar took the code a moment ago
        if not Cohort.objects.filter(code=cohort.code).exclude(pk=cohort.pk).exists():
            raise
        raise ValidationError(
            {"code": _("The code %(code)s was just taken; choose another.") % {"code": cohort.code}}
        ) from error
