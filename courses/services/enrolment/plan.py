"""The enrolment plan: what enrolling people would do, line by line, and its fingerprint.
Writes nothing."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from courses.models import Cohort, Enrolment
from courses.services.enrolment.eligibility import Candidate, Eligibility
from courses.services.enrolment.rules import (
    ACTIVE_STATUSES,
    HOME_COUNTRY,
    MAX_CANDIDATES,
    ensure_enrolling,
    seat_counts,
)
from personnel.models import Person

if TYPE_CHECKING:
    from accounts.models import User


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
    # For the registrar about the cohort, refusing nobody (the eligibility checks' warnings,
    # e.g. tours departing during the cohort).
    warnings: list[str] = field(default_factory=list)
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
    ensure_enrolling(cohort)
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
    seated, waitlisted = seat_counts(cohort)
    existing = {
        e.person_id: e
        for e in Enrolment.objects.filter(cohort=cohort, person_id__in=ids).order_by()
    }
    eligibility = Eligibility(cohort, ids)

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
        warnings=eligibility.warnings,
    )
