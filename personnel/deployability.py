"""The deployability engine: for a set of people, a requirement profile and a day (or a tour
window), each requirement of the profile as met, lapsing or not met, with a reason a person
can act on.

THE API BELOW IS FIXED (other pages are written against it); the implementation is being
written (issue 5).

Verdicts:
- NOT_MET (red): the requirement does not hold on the day (or on the tour's first day), or a
  rule about the tour's end fails ("passport lapses 2027-01-10, needs 6 months past tour end
  2027-03-31").
- LAPSING (amber): it holds now but lapses within LAPSING_WINDOW_DAYS (90) of the day or, for
  a tour window, before the tour ends ("UNMEM certificate lapses 2027-02-01, before the tour
  ends 2027-03-31").
- MET (green).
A person is ready when no requirement is NOT_MET.

Set-based: a fixed number of queries for any number of people.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from personnel.models import Person, RequirementProfile


class Verdict(StrEnum):
    MET = "met"
    LAPSING = "lapsing"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return str(VERDICT_LABELS[self])


VERDICT_LABELS = {
    Verdict.MET: _("met"),
    Verdict.LAPSING: _("lapsing"),
    Verdict.NOT_MET: _("not met"),
}


@dataclass(frozen=True)
class Requirement:
    """One column of the readiness matrix. `key` is stable and URL-safe: "category", "rank",
    "age", "service", "language", "medical", "passport", "driving", "weapons",
    "certification:<TYPE CODE>" (one per required certification type)."""

    key: str
    label: str  # short, translated: "English 3-2-3-2", "UNMEM certificate", "Passport"


@dataclass(frozen=True)
class Check:
    requirement: Requirement
    verdict: Verdict
    reason: str  # translated, specific: "English 2-2-2-1, needs 3-2-3-2"; "" when plainly met
    lapses_on: dt.date | None = None  # when the record it rests on lapses, if it does


@dataclass
class PersonReadiness:
    person: Person
    checks: list[Check] = field(default_factory=list)  # in profile_requirements order

    @property
    def ready(self) -> bool:
        return all(check.verdict != Verdict.NOT_MET for check in self.checks)

    @property
    def verdict(self) -> Verdict:
        """The worst verdict of the checks."""
        verdicts = {check.verdict for check in self.checks}
        for worst in (Verdict.NOT_MET, Verdict.LAPSING):
            if worst in verdicts:
                return worst
        return Verdict.MET

    @property
    def gaps(self) -> list[Check]:
        """The checks not met."""
        return [check for check in self.checks if check.verdict == Verdict.NOT_MET]

    def check(self, key: str) -> Check | None:
        return next((c for c in self.checks if c.requirement.key == key), None)


def profile_requirements(profile: RequirementProfile) -> list[Requirement]:
    """The requirements `profile` asks for, in a fixed order (the matrix's columns). Reads the
    profile's required certification types (one query unless prefetched)."""
    raise NotImplementedError  # being written (issue 5)


def deployability(
    *,
    people: QuerySet[Person] | Iterable[Person],
    profile: RequirementProfile,
    on: dt.date | None = None,
    tour_ends_on: dt.date | None = None,
) -> dict[int, PersonReadiness]:
    """Each person's readiness for `profile`, by person id, in the order given.

    `on` is the day (default: today), or the tour's first day when `tour_ends_on` is given:
    then records must hold on `on`, a record lapsing before `tour_ends_on` is LAPSING, and the
    passport must stay valid `profile.passport_months_after_tour` months past `tour_ends_on`.
    A fixed number of queries, however many people.
    """
    raise NotImplementedError  # being written (issue 5)
