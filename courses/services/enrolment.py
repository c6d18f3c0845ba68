"""Enrolment: who may join a cohort, its waitlist, and partner countries' nominations.

One engine serves the three ways in (one person, a unit and the units under it, a list of
service numbers): `enrolment_plan` says, writing nothing, who would be enrolled, waitlisted,
nominated or refused and why; `enrolment_apply` locks the cohort row, recomputes the plan
inside the lock and writes it only if it is still what the registrar previewed.

Decisions this module makes:
- Cohorts take enrolments while planned, open or in progress (late joiners in the first days
  are the registrar's call); finalised and cancelled cohorts take none, and their waitlists
  no longer move.
- An enrolment is *active* (a place or a claim on one) when nominated, enrolled, waitlisted,
  passed or failed. Active enrolments in other non-cancelled cohorts at overlapping dates
  refuse a candidate; an active enrolment in this cohort means "already enrolled".
- Someone withdrawn or declined may come back: their row (one per person per cohort, a
  database constraint) is brought back to enrolled, waitlisted or nominated.
- Partner countries' candidates (nationality other than HOME_COUNTRY), and everyone when the
  registrar records nominations explicitly, are nominated: no seat until a registrar approves.
- Free seats go to the waitlist before newcomers: the plan counts seats as if the waitlist
  had been served, and `enrolment_apply` serves it first.
- Every seat-changing write locks the cohort row first (select_for_update), so two
  registrars never give away the same last seat.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from courses.models import Certification, CertificationType, Cohort, Enrolment
from peacecentre.mail import mail_subject_render
from personnel.models import Category, Person

if TYPE_CHECKING:
    from peacecentre.models import User

HOME_COUNTRY = getattr(settings, "PEACECENTRE_HOME_COUNTRY", "KZ")
# One go enrols at most this many people: a battalion fits, and the id lists stay far below
# SQLite's limit of 32,766 query parameters.
MAX_CANDIDATES = 1000
ENROLLING_STATUSES = (Cohort.Status.PLANNED, Cohort.Status.OPEN, Cohort.Status.IN_PROGRESS)
# Who can be withdrawn: everyone who holds or waits for a seat, or awaits a decision.
WITHDRAWABLE = (Enrolment.Status.NOMINATED, Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED)

ACTIVE_STATUSES = (
    Enrolment.Status.NOMINATED,
    Enrolment.Status.ENROLLED,
    Enrolment.Status.WAITLISTED,
    Enrolment.Status.PASSED,
    Enrolment.Status.FAILED,
)


class Outcome(StrEnum):
    ENROL = "enrol"
    WAITLIST = "waitlist"
    NOMINATE = "nominate"
    REFUSE = "refuse"

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self])


OUTCOME_LABELS = {
    Outcome.ENROL: _("enrol"),
    Outcome.WAITLIST: _("waitlist"),
    Outcome.NOMINATE: _("nominate"),
    Outcome.REFUSE: _("refused"),
}


class EnrolmentPlanStale(Exception):
    """The cohort changed between the preview and the apply; nothing was written. `plan` is
    the fresh preview to show instead."""

    def __init__(self, plan: EnrolmentPlan):
        super().__init__(
            _(
                "The cohort changed since your preview (someone enrolled, withdrew or changed a "
                "record meanwhile). Nothing was saved. Check the new preview and apply again."
            )
        )
        self.plan = plan


@dataclass(frozen=True)
class Candidate:
    """Someone to enrol as the registrar named them: `person` is None for a service number
    the register does not know; `row` is the file row they came from, if any."""

    service_number: str
    person: Person | None = None
    row: int | None = None

    @classmethod
    def of(cls, person: Person, *, row: int | None = None) -> Candidate:
        return cls(service_number=person.service_number, person=person, row=row)


@dataclass(frozen=True)
class PlanLine:
    candidate: Candidate
    outcome: Outcome
    waitlist_position: int | None = None
    reasons: tuple[str, ...] = ()
    # A withdrawn or declined enrolment in this cohort that this line brings back.
    existing: Enrolment | None = None
    # What the fingerprint keeps of a refusal when its reasons quote a waitlist position.
    grounds: tuple[str, ...] = ()

    @property
    def person(self) -> Person | None:
        return self.candidate.person


@dataclass
class EnrolmentPlan:
    """What enrolling the candidates would do, line by line in input order."""

    cohort: Cohort
    lines: list[PlanLine]
    seated: int  # seats taken before
    waitlisted: int  # waitlist length before
    promotable: int  # waitlisted people who take free seats before any newcomer
    nominating_country: str = ""
    nominating_party: str = ""
    nominate: bool = False
    _by_outcome: dict[Outcome, list[PlanLine]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_outcome = defaultdict(list)
        for line in self.lines:
            self._by_outcome[line.outcome].append(line)

    @property
    def to_enrol(self) -> list[PlanLine]:
        return self._by_outcome[Outcome.ENROL]

    @property
    def to_waitlist(self) -> list[PlanLine]:
        return self._by_outcome[Outcome.WAITLIST]

    @property
    def to_nominate(self) -> list[PlanLine]:
        return self._by_outcome[Outcome.NOMINATE]

    @property
    def refused(self) -> list[PlanLine]:
        return self._by_outcome[Outcome.REFUSE]

    @property
    def has_changes(self) -> bool:
        return bool(self.to_enrol or self.to_waitlist or self.to_nominate)

    @property
    def person_ids(self) -> list[int]:
        """The known candidates' ids in input order (repeats kept): what apply is given."""
        return [line.person.pk for line in self.lines if line.person is not None]

    @property
    def seated_after(self) -> int:
        return self.seated + self.promotable + len(self.to_enrol)

    @property
    def waitlisted_after(self) -> int:
        return self.waitlisted - self.promotable + len(self.to_waitlist)

    @property
    def waitlist_positions(self) -> list[int]:
        return [line.waitlist_position for line in self.to_waitlist if line.waitlist_position]

    @property
    def fingerprint(self) -> str:
        """What decides each line's outcome, condensed: apply refuses to write when it changed.

        Each known candidate's outcome and, for a refusal, why; the capacity; whether everyone
        is nominated. Not the waitlist positions: a waitlist that only grew or moved ahead of
        the newcomers since the preview changes where they queue, not whether they are
        waitlisted, so apply goes ahead and reports the positions given.
        """
        parts = [f"nominate={self.nominate}", f"capacity={self.cohort.capacity}"]
        parts += [
            f"{line.person.pk}:{line.outcome}:{line.grounds or line.reasons}"
            for line in self.lines
            if line.person is not None
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]


def _ensure_enrolling(cohort: Cohort) -> None:
    if cohort.status not in ENROLLING_STATUSES:
        raise ValidationError(
            _("Cohort %(cohort)s is %(status)s: it takes no enrolments and its waitlist is closed.")
            % {"cohort": cohort.code, "status": cohort.get_status_display()},
            code="cohort_closed",
        )


class _Eligibility:
    """Everything that decides whether people may join `cohort`, read for all of them at once:
    a fixed number of queries whatever their number."""

    def __init__(self, cohort: Cohort, person_ids: Iterable[int]):
        ids = set(person_ids)
        self.cohort = cohort
        self.course = cohort.course
        self.prerequisites: list[CertificationType] = list(self.course.prerequisites.all())
        self.today = timezone.localdate()
        self.certificates: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        if self.prerequisites and ids:
            rows = Certification.objects.filter(
                person_id__in=ids, certification_type__in=self.prerequisites
            ).values_list(
                "person_id", "certification_type_id", "issued_on", "valid_until", "revoked_at"
            )
            for person_id, type_id, issued_on, valid_until, revoked_at in rows:
                self.certificates[person_id, type_id].append((issued_on, valid_until, revoked_at))
        self.clashes: dict[int, list[Enrolment]] = defaultdict(list)
        if ids:
            overlapping = (
                Enrolment.objects.filter(
                    person_id__in=ids,
                    status__in=ACTIVE_STATUSES,
                    cohort__starts_on__lte=cohort.ends_on,
                    cohort__ends_on__gte=cohort.starts_on,
                )
                .exclude(cohort_id=cohort.pk)
                .exclude(cohort__status=Cohort.Status.CANCELLED)
                .select_related("cohort")
                .order_by("cohort__starts_on", "cohort__code")
            )
            for enrolment in overlapping:
                self.clashes[enrolment.person_id].append(enrolment)

    def reasons(self, person: Person) -> list[str]:
        """Why `person` may not join, in the registrar's words; empty when they may."""
        reasons: list[str] = []
        if not person.is_active:
            reasons.append(str(_("inactive person (not active in the register)")))
        if not self.course.admits_category(person.category):
            admitted = ", ".join(
                str(Category(c).label) if c in Category.values else c
                for c in self.course.admitted_categories
            )
            reasons.append(
                str(
                    _("category %(category)s not admitted by %(course)s (it admits %(admitted)s)")
                    % {
                        "category": person.get_category_display(),
                        "course": self.course.code,
                        "admitted": admitted,
                    }
                )
            )
        reasons += self._prerequisite_reasons(person)
        for other in self.clashes.get(person.pk, []):
            reasons.append(
                str(
                    _(
                        "another cohort at overlapping dates: %(cohort)s "
                        "(%(start)s to %(end)s, %(status)s)"
                    )
                    % {
                        "cohort": other.cohort.code,
                        "start": other.cohort.starts_on.isoformat(),
                        "end": other.cohort.ends_on.isoformat(),
                        "status": other.get_status_display(),
                    }
                )
            )
        return reasons

    def _prerequisite_reasons(self, person: Person) -> list[str]:
        starts_on = self.cohort.starts_on
        reasons = []
        for ctype in self.prerequisites:
            records = self.certificates.get((person.pk, ctype.pk), [])
            unrevoked = [(i, v) for i, v, revoked in records if revoked is None]
            if any(issued <= starts_on <= until for issued, until in unrevoked):
                continue
            held_before = [until for issued, until in unrevoked if issued <= starts_on]
            if not records:
                message = _("needs %(code)s certificate (none held)") % {"code": ctype.code}
            elif not unrevoked:
                message = _("%(code)s certificate revoked") % {"code": ctype.code}
            elif not held_before:
                message = _(
                    "%(code)s certificate issued only on %(date)s, after the cohort starts"
                ) % {
                    "code": ctype.code,
                    "date": min(issued for issued, _until in unrevoked).isoformat(),
                }
            elif (lapsed := max(held_before)) < self.today:
                message = _("%(code)s certificate lapsed %(date)s") % {
                    "code": ctype.code,
                    "date": lapsed.isoformat(),
                }
            else:
                message = _(
                    "%(code)s certificate lapses %(date)s, before the cohort starts on %(start)s"
                ) % {
                    "code": ctype.code,
                    "date": lapsed.isoformat(),
                    "start": starts_on.isoformat(),
                }
            reasons.append(str(message))
        return reasons


def _seat_counts(cohort: Cohort) -> tuple[int, int]:
    counts = Enrolment.objects.filter(cohort=cohort).aggregate(
        seated=Count("pk", filter=Q(status__in=Enrolment.SEATED)),
        waitlisted=Count("pk", filter=Q(status=Enrolment.Status.WAITLISTED)),
    )
    return counts["seated"], counts["waitlisted"]


def _already_in(enrolment: Enrolment) -> str:
    if enrolment.status == Enrolment.Status.WAITLISTED:
        return str(
            _("already in this cohort (waitlisted, position %(position)s)")
            % {"position": enrolment.waitlist_position}
        )
    return str(
        _("already in this cohort (%(status)s)") % {"status": enrolment.get_status_display()}
    )


def enrolment_plan(
    *,
    cohort: Cohort,
    people: Iterable[Person | Candidate],
    by: User | None,
    nominating_country: str = "",
    nominating_party: str = "",
) -> EnrolmentPlan:
    """What enrolling `people` into `cohort` would do. Writes nothing.

    Each candidate, in input order, is enrolled (a seat is free), waitlisted (with the
    position they would get), nominated (a partner country's candidate, or everyone when
    `nominating_country` or `nominating_party` is given) or refused with every reason: unknown
    service number, listed twice, already in this cohort, inactive, category not admitted,
    prerequisite certificate missing, revoked or lapsed on the start date, another cohort at
    overlapping dates. A fixed number of queries for any number of candidates. `by` is who
    asks (the plan is the same for every registrar). Raises ValidationError when the cohort
    takes no enrolments or there are more than MAX_CANDIDATES candidates.
    """
    _ensure_enrolling(cohort)
    candidates = [c if isinstance(c, Candidate) else Candidate.of(c) for c in people]
    if len(candidates) > MAX_CANDIDATES:
        raise ValidationError(
            _("%(count)s people at once is more than the limit of %(limit)s. Enrol them in parts.")
            % {"count": len(candidates), "limit": MAX_CANDIDATES},
            code="too_many",
        )
    if nominating_country and nominating_country not in countries:
        raise ValidationError(
            {
                "nominating_country": _("%(code)s is not a country code.")
                % {"code": nominating_country}
            }
        )
    ids = {c.person.pk for c in candidates if c.person is not None}
    nominate = bool(nominating_country or nominating_party)
    seated, waitlisted = _seat_counts(cohort)
    existing = {
        e.person_id: e
        for e in Enrolment.objects.filter(cohort=cohort, person_id__in=ids).order_by()
    }
    eligibility = _Eligibility(cohort, ids)

    promotable = min(waitlisted, max(0, cohort.capacity - seated))
    free = max(0, cohort.capacity - seated - waitlisted)
    next_position = waitlisted - promotable + 1
    first_seen: dict[int, Candidate] = {}
    lines: list[PlanLine] = []
    for candidate in candidates:
        person = candidate.person
        if person is None:
            lines.append(
                PlanLine(candidate, Outcome.REFUSE, reasons=(str(_("unknown service number")),))
            )
            continue
        if (first := first_seen.get(person.pk)) is not None:
            reason = (
                _("listed twice (first on row %(row)s)") % {"row": first.row}
                if first.row
                else _("listed twice")
            )
            lines.append(PlanLine(candidate, Outcome.REFUSE, reasons=(str(reason),)))
            continue
        first_seen[person.pk] = candidate
        previous = existing.get(person.pk)
        if previous is not None and previous.status in ACTIVE_STATUSES:
            lines.append(
                PlanLine(
                    candidate,
                    Outcome.REFUSE,
                    reasons=(_already_in(previous),),
                    grounds=(f"already in: {previous.status}",),
                )
            )
            continue
        if reasons := eligibility.reasons(person):
            lines.append(PlanLine(candidate, Outcome.REFUSE, reasons=tuple(reasons)))
        elif nominate or person.nationality != HOME_COUNTRY:
            lines.append(PlanLine(candidate, Outcome.NOMINATE, existing=previous))
        elif free > 0:
            free -= 1
            lines.append(PlanLine(candidate, Outcome.ENROL, existing=previous))
        else:
            lines.append(
                PlanLine(
                    candidate, Outcome.WAITLIST, waitlist_position=next_position, existing=previous
                )
            )
            next_position += 1
    return EnrolmentPlan(
        cohort=cohort,
        lines=lines,
        seated=seated,
        waitlisted=waitlisted,
        promotable=promotable,
        nominating_country=nominating_country,
        nominating_party=nominating_party,
        nominate=nominate,
    )


def _lock(cohort: Cohort) -> Cohort:
    """The cohort's row, locked until the transaction ends: serialises the last seat."""
    return Cohort.objects.select_for_update().select_related("course").get(pk=cohort.pk)


@transaction.atomic
def enrolment_apply(
    *,
    cohort: Cohort,
    person_ids: Sequence[int],
    expected: str | None,
    by: User | None,
    nominating_country: str = "",
    nominating_party: str = "",
) -> EnrolmentPlan:
    """Enrol, waitlist and nominate the people `person_ids` names (in that order), as
    `enrolment_plan` says; refused people are left out. Returns the plan that was applied.

    Locks the cohort, serves its waitlist from free seats first, then recomputes the plan
    inside the lock. When `expected` (a previewed plan's fingerprint) is given and the plan
    changed since, writes nothing and raises EnrolmentPlanStale carrying the fresh plan;
    with `expected=None` whatever the fresh plan says is applied (the last seat goes to
    whoever locks first; the other is waitlisted). History is written for every row. Raises
    ValidationError when the cohort takes no enrolments.
    """
    cohort = _lock(cohort)
    _ensure_enrolling(cohort)
    _serve_waitlist(cohort, by=by)
    # The cohort lock serialises its seats; locking the people too (in primary-key order, so
    # two registrars never wait on each other in a cycle) serialises the overlap check of two
    # cohorts being filled at once with the same person.
    list(
        Person.objects.select_for_update()
        .filter(pk__in=set(person_ids))
        .order_by("pk")
        .values_list("pk")
    )
    people = Person.objects.select_related("rank", "unit").in_bulk(set(person_ids))
    candidates = [
        Candidate.of(people[pk]) if pk in people else Candidate(service_number=f"#{pk}")
        for pk in person_ids
    ]
    plan = enrolment_plan(
        cohort=cohort,
        people=candidates,
        by=by,
        nominating_country=nominating_country,
        nominating_party=nominating_party,
    )
    if expected is not None and plan.fingerprint != expected:
        raise EnrolmentPlanStale(plan)  # leaving the atomic block undoes the service above

    now = timezone.now()
    created: list[Enrolment] = []
    revived: list[Enrolment] = []
    for line in plan.lines:
        if line.outcome == Outcome.REFUSE:
            continue
        person = line.person
        values = {
            "status": {
                Outcome.ENROL: Enrolment.Status.ENROLLED,
                Outcome.WAITLIST: Enrolment.Status.WAITLISTED,
                Outcome.NOMINATE: Enrolment.Status.NOMINATED,
            }[line.outcome],
            "waitlist_position": line.waitlist_position,
            "nominating_country": "",
            "nominating_party": "",
        }
        if line.outcome == Outcome.NOMINATE:
            values["nominating_country"] = nominating_country or (
                person.nationality.code if person.nationality.code != HOME_COUNTRY else ""
            )
            values["nominating_party"] = nominating_party
        if line.existing is not None:
            enrolment = line.existing
            for name, value in values.items():
                setattr(enrolment, name, value)
            enrolment.status_reason = ""
            enrolment.promoted_at = None
            enrolment.promotion_notified_at = None
            enrolment.updated_at = now
            revived.append(enrolment)
        else:
            created.append(Enrolment(cohort=cohort, person=person, created_by=by, **values))
    if created:
        bulk_create_with_history(
            created, Enrolment, default_user=by, default_change_reason="enrolment_apply"
        )
    if revived:
        bulk_update_with_history(
            revived,
            Enrolment,
            [
                "status",
                "waitlist_position",
                "nominating_country",
                "nominating_party",
                "status_reason",
                "promoted_at",
                "promotion_notified_at",
                "updated_at",
            ],
            default_user=by,
            default_change_reason="enrolment_apply: back after withdrawal",
        )
    return plan


def _set_waitlist_order(ordered: list[Enrolment], *, by: User | None, reason: str) -> None:
    """Give `ordered` (all of one cohort's waitlisted enrolments, with their current
    positions) the positions 1..n in that order.

    Two UPDATEs: the unique (cohort, position) constraint is checked row by row and cannot be
    deferred on SQLite, so the rows that move first step above every position in use, then
    take their new places.
    """
    moved = [e for index, e in enumerate(ordered, start=1) if e.waitlist_position != index]
    if not moved:
        return
    offset = max(e.waitlist_position for e in ordered)
    Enrolment.objects.filter(pk__in=[e.pk for e in moved]).update(
        waitlist_position=F("waitlist_position") + offset
    )
    now = timezone.now()
    for index, enrolment in enumerate(ordered, start=1):
        enrolment.waitlist_position = index
        enrolment.updated_at = now
    bulk_update_with_history(
        moved,
        Enrolment,
        ["waitlist_position", "updated_at"],
        default_user=by,
        default_change_reason=reason,
    )


def _waitlist(cohort: Cohort) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        .select_related("person")
        .order_by("waitlist_position", "pk")
    )


def _serve_waitlist(cohort: Cohort, *, by: User | None) -> list[Enrolment]:
    """Promote waitlisted people into free seats in order, renumber the rest 1..n and queue
    one e-mail per promotion in the task outbox. The cohort must be locked."""
    seated, _waitlisted = _seat_counts(cohort)
    waiting = _waitlist(cohort)
    free = max(0, cohort.capacity - seated)
    promoted, remaining = waiting[:free], waiting[free:]
    if promoted:
        now = timezone.now()
        for enrolment in promoted:
            enrolment.status = Enrolment.Status.ENROLLED
            enrolment.waitlist_position = None
            enrolment.promoted_at = now
            enrolment.promotion_notified_at = None
            enrolment.updated_at = now
        bulk_update_with_history(
            promoted,
            Enrolment,
            ["status", "waitlist_position", "promoted_at", "promotion_notified_at", "updated_at"],
            default_user=by,
            default_change_reason="promoted from the waitlist",
        )
        from peacecentre.outbox.services import task_enqueue

        for enrolment in promoted:
            # Recorded with the promotion: a broker down now delays the mail, never loses it.
            task_enqueue(task="courses.send_waitlist_promotion", args=[enrolment.pk])
    _set_waitlist_order(remaining, by=by, reason="waitlist renumbered")
    return promoted


@transaction.atomic
def waitlist_promote(*, cohort: Cohort, by: User | None) -> list[Enrolment]:
    """Fill `cohort`'s free seats from its waitlist, first come first served, and renumber
    the rest of the waitlist 1..n. Call it after saving a larger capacity (it reads the
    capacity from the database, inside a lock on the cohort row).

    Each promoted person is e-mailed through the task outbox (Celery task
    "courses.send_waitlist_promotion"). Returns the promoted enrolments, in waitlist order:
    empty when no seat is free, nobody waits, or the cohort is finalised or cancelled.
    """
    cohort = _lock(cohort)
    if cohort.status not in ENROLLING_STATUSES:
        return []
    return _serve_waitlist(cohort, by=by)


def _locked_enrolment(enrolment: Enrolment) -> tuple[Cohort, Enrolment]:
    cohort = _lock(enrolment.cohort)
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=enrolment.pk)
    )
    enrolment.cohort = cohort
    return cohort, enrolment


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason: it is kept with the enrolment.")})
    max_length = Enrolment._meta.get_field("status_reason").max_length
    if len(reason) > max_length:
        raise ValidationError(
            {"reason": _("Keep the reason under %(limit)s characters.") % {"limit": max_length}}
        )
    return reason


def _changed_meanwhile(enrolment: Enrolment) -> ValidationError:
    return ValidationError(
        _(
            "%(person)s is now %(status)s: the page was out of date and nothing was changed. "
            "Check the cohort again."
        )
        % {"person": enrolment.person.full_name, "status": enrolment.get_status_display()},
        code="stale",
    )


@transaction.atomic
def enrolments_withdraw_all(*, cohort: Cohort, reason: str, by: User | None) -> list[Enrolment]:
    """Withdraw everyone nominated, enrolled or waitlisted in `cohort` (it is being
    cancelled), keeping `reason` on each enrolment and in its history. Returns them."""
    max_length = Enrolment._meta.get_field("status_reason").max_length
    status_reason = (_("Cohort cancelled: %(reason)s") % {"reason": reason})[:max_length]
    withdrawn = list(cohort.enrolments.filter(status__in=WITHDRAWABLE))
    now = timezone.now()
    for enrolment in withdrawn:
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.waitlist_position = None
        enrolment.status_reason = status_reason
        enrolment.updated_at = now
    bulk_update_with_history(
        withdrawn,
        Enrolment,
        ["status", "waitlist_position", "status_reason", "updated_at"],
        default_user=by,
        default_change_reason="cohort cancelled",
    )
    return withdrawn


@transaction.atomic
def enrolment_withdraw(
    *,
    enrolment: Enrolment,
    reason: str,
    by: User | None,
    expected_status: str | None = None,
) -> list[Enrolment]:
    """Withdraw an enrolled, waitlisted or nominated trainee, keeping `reason`. A seat freed
    goes at once (same transaction) to the head of the waitlist, who is e-mailed after the
    commit; the waitlist is renumbered 1..n. Returns the promoted enrolments.

    `expected_status` is the status the registrar saw: if it changed meanwhile nothing is
    written. Raises ValidationError (no reason, wrong status, stale page, cohort closed).
    """
    reason = _required_reason(reason)
    cohort, enrolment = _locked_enrolment(enrolment)
    _ensure_enrolling(cohort)
    if expected_status is not None and enrolment.status != expected_status:
        raise _changed_meanwhile(enrolment)
    if enrolment.status not in WITHDRAWABLE:
        raise ValidationError(
            _("%(person)s is %(status)s: only enrolled, waitlisted or nominated people withdraw.")
            % {"person": enrolment.person.full_name, "status": enrolment.get_status_display()},
            code="not_withdrawable",
        )
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.waitlist_position = None
    enrolment.status_reason = reason
    enrolment._history_user = by
    enrolment.save()
    return _serve_waitlist(cohort, by=by)


@transaction.atomic
def waitlist_move(
    *,
    enrolment: Enrolment,
    direction: Literal["up", "down"],
    expected_position: int | None,
    by: User | None,
) -> Enrolment:
    """Swap a waitlisted trainee with the one above ("up") or below ("down"); positions stay
    1..n. `expected_position` is where the registrar saw them: if the waitlist changed
    meanwhile nothing moves. Raises ValidationError (not waitlisted, stale page, already
    first or last, cohort closed). Returns the enrolment with its new position."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move a trainee up or down the waitlist."), code="direction")
    cohort, enrolment = _locked_enrolment(enrolment)
    _ensure_enrolling(cohort)
    if enrolment.status != Enrolment.Status.WAITLISTED:
        raise _changed_meanwhile(enrolment)
    if expected_position is not None and enrolment.waitlist_position != expected_position:
        raise ValidationError(
            _(
                "The waitlist changed since the page was loaded: %(person)s is now at position "
                "%(position)s. Nothing was moved; check the order and try again."
            )
            % {"person": enrolment.person.full_name, "position": enrolment.waitlist_position},
            code="stale",
        )
    waiting = _waitlist(cohort)
    index = next(i for i, e in enumerate(waiting) if e.pk == enrolment.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(waiting):
        raise ValidationError(
            _("%(person)s is already first on the waitlist.")
            if direction == "up"
            else _("%(person)s is already last on the waitlist."),
            params={"person": enrolment.person.full_name},
            code="edge",
        )
    waiting[index], waiting[other] = waiting[other], waiting[index]
    _set_waitlist_order(waiting, by=by, reason=f"waitlist: moved {direction}")
    return next(e for e in waiting if e.pk == enrolment.pk)


@transaction.atomic
def nomination_approve(*, enrolment: Enrolment, by: User | None) -> Enrolment:
    """Accept a partner country's nomination: enrolled when a seat is free (after the
    waitlist is served), else waitlisted at the end. The candidate must still meet every
    rule `enrolment_plan` checks. Raises ValidationError (no longer nominated, not eligible,
    cohort closed). Returns the enrolment."""
    cohort, enrolment = _locked_enrolment(enrolment)
    _ensure_enrolling(cohort)
    if enrolment.status != Enrolment.Status.NOMINATED:
        raise _changed_meanwhile(enrolment)
    person = enrolment.person
    if reasons := _Eligibility(cohort, [person.pk]).reasons(person):
        raise ValidationError(
            _("%(person)s cannot be enrolled: %(reasons)s. Decline the nomination instead.")
            % {"person": person.full_name, "reasons": "; ".join(reasons)},
            code="ineligible",
        )
    _serve_waitlist(cohort, by=by)
    seated, waitlisted = _seat_counts(cohort)
    if seated < cohort.capacity:  # after the service above nobody waits for a free seat
        enrolment.status = Enrolment.Status.ENROLLED
        enrolment.waitlist_position = None
    else:
        enrolment.status = Enrolment.Status.WAITLISTED
        enrolment.waitlist_position = waitlisted + 1
    enrolment.status_reason = ""
    enrolment._history_user = by
    enrolment.save()
    return enrolment


@transaction.atomic
def nomination_decline(*, enrolment: Enrolment, reason: str, by: User | None) -> Enrolment:
    """Decline a partner country's nomination, keeping `reason`. Raises ValidationError (no
    reason, no longer nominated, cohort closed)."""
    reason = _required_reason(reason)
    cohort, enrolment = _locked_enrolment(enrolment)
    _ensure_enrolling(cohort)
    if enrolment.status != Enrolment.Status.NOMINATED:
        raise _changed_meanwhile(enrolment)
    enrolment.status = Enrolment.Status.DECLINED
    enrolment.status_reason = reason
    enrolment._history_user = by
    enrolment.save()
    return enrolment


def enrolment_promotion_notify(*, enrolment_id: int) -> bool:
    """E-mail the person that they moved from the waitlist into a seat. Idempotent: the
    enrolment's `promotion_notified_at` is set in the same transaction, under a row lock,
    so running it twice (or two workers at once) sends one e-mail. Nobody is mailed when the
    enrolment is gone, no longer enrolled, or the person has no e-mail address. Returns
    whether an e-mail was sent."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("person", "cohort__course")
            .filter(pk=enrolment_id)
            .first()
        )
        if (
            enrolment is None
            or enrolment.status != Enrolment.Status.ENROLLED
            or enrolment.promoted_at is None
            or enrolment.promotion_notified_at is not None
        ):
            return False
        sent = False
        if enrolment.person.email:
            context = {
                "enrolment": enrolment,
                "person": enrolment.person,
                "cohort": enrolment.cohort,
                "centre_name": settings.PEACECENTRE_NAME or _("Peace Operations Centre"),
            }
            subject = mail_subject_render(
                template_name="courses/email/waitlist_promotion_subject.txt", context=context
            )
            body = render_to_string("courses/email/waitlist_promotion_body.txt", context)
            send_mail(
                subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [enrolment.person.email],
            )
            sent = True
        # A marker, not a change of the enrolment: no history row for it.
        Enrolment.objects.filter(pk=enrolment.pk).update(promotion_notified_at=timezone.now())
        return sent
