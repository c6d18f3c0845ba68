"""Finalising a cohort's results and reopening them.

Finalising (instructors of the cohort and administrators: permission courses.finalise_cohort;
the view checks the cohort is theirs):
- only a cohort in progress, and only as the user saw it (a stale status changes nothing);
- every seated trainee must have every component scored and every course day marked, else
  nothing changes and the refusal names who lacks what;
- each outcome is decided by the course's rules (courses/grading.py, through
  courses/selectors/standings.py, the same figures the gradebook shows): the enrolment
  becomes passed or failed with its weighted total, attendance share and, for a fail, the
  reasons; every change is kept in the enrolment's history;
- nominations still undecided are declined and the waitlist is withdrawn, through the
  enrolment services, with a reason saying the cohort was finalised;
- when the course grants a certification, each trainee who passed gets one (numbered by
  courses/services/certifications.py, issued on the finalisation date, valid for the
  course's months, superseding the person's newest certification of the course not yet
  superseded). Finalising again after a reopening reconciles: a trainee who still passes
  keeps their unrevoked certification of this cohort (same number), one who no longer passes
  has it revoked with a reason naming the re-finalisation, a newly passing one gets a new one;
- the cohort becomes finalised (when and by whom, and a CohortStatusChange row); the
  gradebook and attendance register are then locked (they check the status).

Reopening (registrars and administrators: permission courses.reopen_cohort) needs a reason,
kept in the CohortStatusChange row: the cohort goes back to in progress and its passed and
failed trainees back to enrolled (with history). Certifications stay as they are until the
cohort is finalised again.

The number of queries does not grow with the number of trainees (bulk writes with history);
each undecided nomination or waitlisted person costs a few (the enrolment services).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from courses.models import Certification, Cohort, CohortStatusChange, Enrolment
from courses.selectors.standings import CohortStandings, TraineeStanding, cohort_standings
from courses.services.certifications import certification_numbers_take
from courses.services.enrolment import enrolment_withdraw, nomination_decline

if TYPE_CHECKING:
    from accounts.models import User

FINALISE_PERMISSION = "courses.finalise_cohort"
REOPEN_PERMISSION = "courses.reopen_cohort"
# How many incomplete trainees a refusal names before it says "and N more".
NAMED_IN_REFUSAL = 3
PENDING = (Enrolment.Status.NOMINATED, Enrolment.Status.WAITLISTED)
OUTCOME_FIELDS = ["status", "final_score", "attendance_percent", "status_reason", "updated_at"]


def _refuse(message: str, *, code: str, key: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({key: ValidationError(message, code=code)})


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _day(day: dt.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


# ---------------------------------------------------------------------------------------------
# The check the confirm page shows, and finalising


@dataclass
class FinalisationCheck:
    """What finalising `cohort` now would do: every seated trainee's standing, those not
    complete yet, the nominations and waitlist it would close, and the unrevoked
    certifications this cohort issued before (`held`, by person id: a cohort finalised
    before and reopened)."""

    cohort: Cohort
    standings: CohortStandings
    pending: list[Enrolment]
    held: dict[int, Certification] = field(default_factory=dict)

    @property
    def trainees(self) -> list[TraineeStanding]:
        return self.standings.trainees

    @property
    def incomplete(self) -> list[TraineeStanding]:
        return [t for t in self.trainees if not t.standing.complete]

    @property
    def passing(self) -> list[TraineeStanding]:
        return [t for t in self.trainees if t.standing.passed]

    @property
    def failing(self) -> list[TraineeStanding]:
        return [t for t in self.trainees if t.standing.passed is False]

    @property
    def certifies(self) -> bool:
        return self.cohort.course.certification_type_id is not None

    @property
    def to_issue(self) -> list[TraineeStanding]:
        """Passing trainees who get a new certification (not one they keep)."""
        if not self.certifies:
            return []
        return [t for t in self.passing if t.person.pk not in self.held]

    @property
    def to_keep(self) -> list[Certification]:
        passing = {t.person.pk for t in self.passing}
        return [c for person, c in self.held.items() if person in passing]

    @property
    def to_revoke(self) -> list[Certification]:
        passing = {t.person.pk for t in self.passing}
        return [c for person, c in self.held.items() if person not in passing]

    @property
    def rows(self) -> list[OutcomeRow]:
        """One row per trainee for the confirm page: the standing, what is missing, and what
        happens to their certification."""
        passing = {t.person.pk for t in self.passing}
        rows = []
        for trainee in self.trainees:
            person_id = trainee.person.pk
            kept_or_revoked = self.held.get(person_id)
            if kept_or_revoked is not None:
                certificate = "keep" if person_id in passing else "revoke"
            elif person_id in passing and self.certifies:
                certificate = "issue"
            else:
                certificate = ""
            rows.append(
                OutcomeRow(
                    trainee=trainee,
                    missing=what_is_missing(trainee),
                    certificate=certificate,
                    certification=kept_or_revoked,
                )
            )
        return rows

    @property
    def problems(self) -> list[str]:
        """Why the cohort cannot be finalised now; empty when it can."""
        cohort = self.cohort
        problems = []
        if cohort.status != Cohort.Status.IN_PROGRESS:
            problems.append(
                _("Cohort %(code)s is %(status)s: only a cohort in progress is finalised.")
                % {"code": cohort.code, "status": cohort.get_status_display()}
            )
        if not self.standings.components:
            problems.append(
                _(
                    "Course %(course)s has no assessment components, so no outcome can be "
                    "decided. Add its components in the catalogue first."
                )
                % {"course": cohort.course.code}
            )
        if incomplete := self.incomplete:
            problems.append(_incomplete_message(cohort, incomplete))
        return problems

    @property
    def ready(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class OutcomeRow:
    trainee: TraineeStanding
    missing: str  # what the trainee still lacks, "" when complete
    certificate: str  # "issue", "keep", "revoke" or ""
    certification: Certification | None = None  # the one kept or revoked


def what_is_missing(trainee: TraineeStanding) -> str:
    """What a trainee still lacks before the outcome can be decided, in a sentence."""
    standing = trainee.standing
    parts = []
    if standing.missing_components:
        parts.append(
            _("not scored in %(components)s")
            % {"components": ", ".join(c.name for c in standing.missing_components)}
        )
    if standing.unmarked_days:
        parts.append(
            ngettext(
                "attendance not marked for %(count)s course day",
                "attendance not marked for %(count)s course days",
                standing.unmarked_days,
            )
            % {"count": standing.unmarked_days}
        )
    return "; ".join(parts)


def _incomplete_message(cohort: Cohort, incomplete: list[TraineeStanding]) -> str:
    named = [
        _("%(person)s (%(missing)s)")
        % {"person": t.person.full_name, "missing": what_is_missing(t)}
        for t in incomplete[:NAMED_IN_REFUSAL]
    ]
    more = len(incomplete) - len(named)
    if more:
        named.append(
            ngettext("and %(count)s more trainee", "and %(count)s more trainees", more)
            % {"count": more}
        )
    return ngettext(
        "Cohort %(code)s cannot be finalised yet: %(count)s trainee is not complete: "
        "%(who)s. Complete the gradebook and the attendance register first.",
        "Cohort %(code)s cannot be finalised yet: %(count)s trainees are not complete: "
        "%(who)s. Complete the gradebook and the attendance register first.",
        len(incomplete),
    ) % {"code": cohort.code, "count": len(incomplete), "who": "; ".join(named)}


def _check(cohort: Cohort, *, lock: bool) -> FinalisationCheck:
    pending = (
        Enrolment.objects.filter(cohort=cohort, status__in=PENDING)
        .select_related("person")
        .order_by("status", "waitlist_position", "person__last_name", "person__first_name")
    )
    held = Certification.objects.filter(cohort=cohort).unrevoked()
    if lock:
        held = held.select_for_update()
    return FinalisationCheck(
        cohort=cohort,
        standings=cohort_standings(cohort=cohort),
        pending=list(pending),
        held={c.person_id: c for c in held.order_by("pk")},
    )


def finalisation_check(*, cohort: Cohort) -> FinalisationCheck:
    """What finalising `cohort` would do, writing nothing (the confirm page): six queries,
    however many trainees. `cohort.course` should be loaded."""
    return _check(cohort, lock=False)


@dataclass
class Finalisation:
    """What a finalisation did."""

    cohort: Cohort
    passed: list[Enrolment] = field(default_factory=list)
    failed: list[Enrolment] = field(default_factory=list)
    issued: list[Certification] = field(default_factory=list)
    kept: list[Certification] = field(default_factory=list)
    revoked: list[Certification] = field(default_factory=list)
    withdrawn: list[Enrolment] = field(default_factory=list)  # waitlisted
    declined: list[Enrolment] = field(default_factory=list)  # nominated

    def __str__(self) -> str:
        return self.summary

    @property
    def summary(self) -> str:
        """In words: N passed, M failed, K certificates issued (and, finalising again, how
        many were kept or revoked)."""
        parts = [
            ngettext("%(n)s passed", "%(n)s passed", len(self.passed)) % {"n": len(self.passed)},
            ngettext("%(n)s failed", "%(n)s failed", len(self.failed)) % {"n": len(self.failed)},
            ngettext("%(n)s certificate issued", "%(n)s certificates issued", len(self.issued))
            % {"n": len(self.issued)},
        ]
        if self.kept:
            parts.append(
                ngettext("%(n)s certificate kept", "%(n)s certificates kept", len(self.kept))
                % {"n": len(self.kept)}
            )
        if self.revoked:
            parts.append(
                ngettext(
                    "%(n)s certificate revoked", "%(n)s certificates revoked", len(self.revoked)
                )
                % {"n": len(self.revoked)}
            )
        return ", ".join(parts)


def _lock_cohort(cohort: Cohort) -> Cohort:
    # of=("self",): the course's certification type is nullable (an outer join), which
    # PostgreSQL cannot lock; only the cohort row needs it.
    return (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("course__certification_type")
        .get(pk=cohort.pk)
    )


def _stale(cohort: Cohort) -> ValidationError:
    return _refuse(
        _(
            "Cohort %(code)s is now %(status)s: someone changed it after your page was loaded, "
            "so nothing was changed."
        )
        % {"code": cohort.code, "status": cohort.get_status_display()},
        code="stale",
    )


def _close_pending(
    check: FinalisationCheck, *, by: User, today: dt.date
) -> tuple[list[Enrolment], list[Enrolment]]:
    """Decline the undecided nominations and withdraw the waitlist through the enrolment
    services. The waitlist goes from the back, so nobody left behind is renumbered."""
    withdrawn, declined = [], []
    waiting = [e for e in check.pending if e.status == Enrolment.Status.WAITLISTED]
    for enrolment in sorted(waiting, key=lambda e: e.waitlist_position, reverse=True):
        promoted = enrolment_withdraw(
            enrolment=enrolment,
            reason=_("Cohort finalised on %(date)s before a seat was free.")
            % {"date": _day(today)},
            by=by,
            expected_status=Enrolment.Status.WAITLISTED,
        )
        if promoted:  # a free seat beside a waitlist: the outcome would miss them
            raise _refuse(
                _(
                    "%(person)s moved from the waitlist into a free seat of cohort %(code)s; "
                    "nothing was finalised. Check the cohort, then finalise again."
                )
                % {"person": promoted[0].person.full_name, "code": check.cohort.code},
                code="stale",
            )
        enrolment.status = Enrolment.Status.WITHDRAWN  # as the service saved it
        withdrawn.append(enrolment)
    for enrolment in check.pending:
        if enrolment.status == Enrolment.Status.NOMINATED:
            declined.append(
                nomination_decline(
                    enrolment=enrolment,
                    reason=_("Cohort finalised on %(date)s before the nomination was decided.")
                    % {"date": _day(today)},
                    by=by,
                )
            )
    return withdrawn, declined


def _decide(
    check: FinalisationCheck, *, by: User, now: dt.datetime
) -> tuple[list[Enrolment], list[Enrolment]]:
    passed, failed = [], []
    max_length = Enrolment._meta.get_field("status_reason").max_length
    for trainee in check.trainees:
        enrolment, standing = trainee.enrolment, trainee.standing
        enrolment.final_score = standing.total
        enrolment.attendance_percent = standing.attendance
        enrolment.updated_at = now
        if standing.passed:
            enrolment.status = Enrolment.Status.PASSED
            enrolment.status_reason = ""
            passed.append(enrolment)
        else:
            enrolment.status = Enrolment.Status.FAILED
            enrolment.status_reason = _short(" ".join(standing.reasons), max_length)
            failed.append(enrolment)
    bulk_update_with_history(
        [*passed, *failed],
        Enrolment,
        OUTCOME_FIELDS,
        default_user=by,
        default_change_reason="cohort finalised",
    )
    return passed, failed


def _reconcile_certifications(
    check: FinalisationCheck, *, by: User, today: dt.date, now: dt.datetime
) -> tuple[list[Certification], list[Certification], list[Certification]]:
    """Issue, keep and revoke this cohort's certifications to match the outcomes. Returns
    (issued, kept, revoked)."""
    cohort, course = check.cohort, check.cohort.course
    revoked = check.to_revoke
    reasons = {t.person.pk: " ".join(t.standing.reasons) for t in check.failing}
    for certification in revoked:
        why = reasons.get(certification.person_id)
        if why:
            text = _(
                "Cohort %(code)s was finalised again on %(date)s and the trainee no longer "
                "passed: %(reasons)s"
            ) % {"code": cohort.code, "date": _day(today), "reasons": why}
        else:
            text = _(
                "Cohort %(code)s was finalised again on %(date)s and the trainee is no longer "
                "among its trainees."
            ) % {"code": cohort.code, "date": _day(today)}
        certification.revoked_at = now
        certification.revoked_by = by
        certification.revocation_reason = text
    bulk_update_with_history(
        revoked,
        Certification,
        ["revoked_at", "revoked_by", "revocation_reason"],
        default_user=by,
        default_change_reason="revoked on re-finalisation",
    )
    newcomers = [t.person for t in check.to_issue]
    if not newcomers:
        return [], check.to_keep, revoked
    previous = _newest_unsuperseded(course_id=course.pk, people=[p.pk for p in newcomers])
    numbers = certification_numbers_take(prefix=course.code, year=today.year, count=len(newcomers))
    valid_until = today + relativedelta(months=course.validity_months)
    issued = [
        Certification(
            person=person,
            certification_type_id=course.certification_type_id,
            course=course,
            cohort=cohort,
            number=number,
            issued_on=today,
            valid_until=valid_until,
            source=Certification.Source.COHORT,
            supersedes=previous.get(person.pk),
        )
        for person, number in zip(newcomers, numbers, strict=True)
    ]
    issued = bulk_create_with_history(
        issued, Certification, default_user=by, default_change_reason="issued on finalisation"
    )
    return issued, check.to_keep, revoked


def _newest_unsuperseded(*, course_id: int, people: list[int]) -> dict[int, Certification]:
    """Each person's newest certification of the course that nothing supersedes yet, locked
    (a reissue of it waits): one query."""
    successors = Certification.objects.filter(supersedes=OuterRef("pk"))
    candidates = (
        Certification.objects.select_for_update()
        .filter(course_id=course_id, person_id__in=people)
        .filter(~Exists(successors))
        .order_by("person_id", "-issued_on", "-pk")
    )
    newest: dict[int, Certification] = {}
    for certification in candidates:
        newest.setdefault(certification.person_id, certification)
    return newest


@transaction.atomic
def cohort_finalise(
    *, cohort: Cohort, by: User, seen_status: str, today: dt.date | None = None
) -> Finalisation:
    """Finalise `cohort`'s results as the module docstring says. `seen_status` is the status
    the user saw; `today` (default: the local date) is the finalisation date certifications
    are issued on.

    Raises PermissionDenied without courses.finalise_cohort. Raises ValidationError, changing
    nothing, when the status changed since the page loaded (code "stale"), the cohort is not
    in progress ("not_in_progress"), or a trainee lacks a score or a marked day, or the course
    has no components ("incomplete": the message names the first few and counts the rest).
    Returns what was done (str() of it is "N passed, M failed, K certificates issued").
    """
    if not by.has_perm(FINALISE_PERMISSION):
        raise PermissionDenied(_("Only the cohort's instructors and administrators finalise."))
    today = today or timezone.localdate()
    now = timezone.now()
    cohort = _lock_cohort(cohort)
    if cohort.status != seen_status:
        raise _stale(cohort)
    if cohort.status != Cohort.Status.IN_PROGRESS:
        raise _refuse(
            _("Cohort %(code)s is %(status)s: only a cohort in progress is finalised.")
            % {"code": cohort.code, "status": cohort.get_status_display()},
            code="not_in_progress",
        )
    check = _check(cohort, lock=True)
    if problems := check.problems:
        raise _refuse(" ".join(problems), code="incomplete")

    done = Finalisation(cohort=cohort)
    done.withdrawn, done.declined = _close_pending(check, by=by, today=today)
    done.passed, done.failed = _decide(check, by=by, now=now)
    if check.certifies or check.held:
        done.issued, done.kept, done.revoked = _reconcile_certifications(
            check, by=by, today=today, now=now
        )

    cohort.status = Cohort.Status.FINALISED
    cohort.finalised_at = now
    cohort.finalised_by = by
    cohort.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    CohortStatusChange.objects.create(
        cohort=cohort,
        from_status=Cohort.Status.IN_PROGRESS,
        to_status=Cohort.Status.FINALISED,
        changed_by=by,
    )
    return done


# ---------------------------------------------------------------------------------------------
# Reopening


@transaction.atomic
def cohort_reopen(*, cohort: Cohort, by: User, reason: str, seen_status: str) -> Cohort:
    """Reopen finalised `cohort`'s gradebook: back to in progress (finalised when and by whom
    cleared), its passed and failed trainees back to enrolled with the outcome cleared (kept
    in each enrolment's history), and a CohortStatusChange row with `reason`. Certifications
    stay until the cohort is finalised again.

    Raises PermissionDenied without courses.reopen_cohort, and ValidationError, changing
    nothing, without a reason (code "reason_required", key "reason"), when the status changed
    since the page loaded ("stale") or the cohort is not finalised ("not_finalised").
    Returns the cohort.
    """
    if not by.has_perm(REOPEN_PERMISSION):
        raise PermissionDenied(_("Only registrars and administrators reopen a cohort."))
    reason = (reason or "").strip()
    if not reason:
        raise _refuse(
            _("Say why the results are reopened: the reason is kept in the cohort's history."),
            code="reason_required",
            key="reason",
        )
    cohort = _lock_cohort(cohort)
    if cohort.status != seen_status:
        raise _stale(cohort)
    if cohort.status != Cohort.Status.FINALISED:
        raise _refuse(
            _("Cohort %(code)s is %(status)s: only finalised results are reopened.")
            % {"code": cohort.code, "status": cohort.get_status_display()},
            code="not_finalised",
        )
    now = timezone.now()
    decided = list(
        Enrolment.objects.filter(
            cohort=cohort, status__in=(Enrolment.Status.PASSED, Enrolment.Status.FAILED)
        )
    )
    for enrolment in decided:
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.final_score = None
        enrolment.attendance_percent = None
        enrolment.status_reason = ""
        enrolment.updated_at = now
    bulk_update_with_history(
        decided,
        Enrolment,
        OUTCOME_FIELDS,
        default_user=by,
        default_change_reason="cohort reopened",
    )
    cohort.status = Cohort.Status.IN_PROGRESS
    cohort.finalised_at = None
    cohort.finalised_by = None
    cohort.save(update_fields=["status", "finalised_at", "finalised_by", "updated_at"])
    CohortStatusChange.objects.create(
        cohort=cohort,
        from_status=Cohort.Status.FINALISED,
        to_status=Cohort.Status.IN_PROGRESS,
        reason=reason,
        changed_by=by,
    )
    return cohort
