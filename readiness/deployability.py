"""The deployability engine: for a set of people, a requirement profile and a day (or a tour
window), each requirement of the profile as met, lapsing or not met, with a reason a person
can act on.

Verdicts:
- NOT_MET (red): the requirement does not hold on the day (or on the tour's first day), or a
  rule about the tour's end fails ("passport lapses 2027-01-10, needs 6 months past tour end
  2027-03-31").
- LAPSING (amber): it holds now but lapses within LAPSING_WINDOW_DAYS (90) of the day or, for
  a tour window, before the tour ends ("UNMEM certificate lapses 2027-02-01, before the tour
  ends 2027-03-31").
- MET (green).
A person is ready when no requirement is NOT_MET.

Set-based: a fixed number of queries for any number of people: the people (unless already
loaded), the profile's certification types and allowed ranks (one query, none when both are
prefetched), the ranks of the people when the profile asks for a rank, and one query per
record kind the profile asks for (language, medical, passport, driving, weapons,
certifications), each over the people's ids as a subquery.

Decisions, applied the same way everywhere:
- A record is valid through its `valid_until` day (personnel.models.dates.validity_on): on that
  day it is met; from the next day it is lapsed. With no `valid_until` it never lapses.
  LAPSING without a tour: `valid_until` is less than 90 days after the day (exactly 90 days
  ahead is met); with a tour: `valid_until` is before the tour's last day (lapsing on the
  tour's last day covers the tour).
- A record issued after the day is not held on the day.
- Several records of a kind: the one valid longest wins (latest `valid_until`); for a language,
  the best profile valid on the day (one meeting the minimums, valid longest; else the one
  shortest of them); for a medical clearance, a latest examination that found the person unfit
  overrides older clearances; a driving licence is held since the first licence's issue.
- Revoked certifications never count.
- The engine judges the profile only: whether a person is active is the register's business
  (callers pass active people where that matters); an inactive person is judged on records.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from courses.models import Certification
from personnel.models import (
    Category,
    DrivingLicence,
    Language,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    Person,
    Rank,
    WeaponsQualification,
)
from readiness.models import RequirementProfile


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
    profile's required certification types and allowed ranks (one query, none when both are
    prefetched: prefetch_related("required_certifications", "allowed_ranks"))."""
    return _ProfileFacts.of(profile).requirements


# What the engine reads of a person. Callers judging many people may pass rows of
# `values_list(*PERSON_FACTS, ..., named=True)` instead of Person objects: building 10,000 model
# instances (with unit and rank) was half of the readiness matrix's time (cProfile).
PERSON_FACTS = ("pk", "category", "rank_id", "date_of_birth", "service_start_date")


def deployability(
    *,
    people: QuerySet[Person] | Iterable[Person],
    profile: RequirementProfile,
    on: dt.date | None = None,
    tour_ends_on: dt.date | None = None,
) -> dict[int, PersonReadiness]:
    """Each person's readiness for `profile`, by person id, in the order given.

    `people` are Person objects, or any rows with the attributes PERSON_FACTS names (such as
    `Person.objects.values_list(*PERSON_FACTS, named=True)`); each PersonReadiness carries
    what was given as its `person`.

    `on` is the day (default: today), or the tour's first day when `tour_ends_on` is given:
    then records must hold on `on`, a record lapsing before `tour_ends_on` is LAPSING, and the
    passport must stay valid `profile.passport_months_after_tour` months past `tour_ends_on`.
    A fixed number of queries, however many people.
    """
    on = on or timezone.localdate()
    if tour_ends_on is not None and tour_ends_on < on:
        raise ValueError("tour_ends_on is before the tour's first day")
    with _cyclic_gc_paused():
        persons = list(people)
        if not persons:
            return {}
        if isinstance(people, QuerySet) and not people.query.is_sliced:
            ids: Iterable[int] | QuerySet = people.values("pk")  # a subquery, not an id list
        else:
            ids = [person.pk for person in persons]
        facts = _ProfileFacts.of(profile)
        judge = _Judge(facts=facts, on=on, tour_ends_on=tour_ends_on)
        records = _Records.load(facts=facts, ids=ids, persons=persons, on=on)
        return {person.pk: judge.person(person, records) for person in persons}


@contextmanager
def _cyclic_gc_paused():
    """Pause Python's cycle collector while the results are built: they are ~100,000 small
    acyclic objects, and collections triggered by their allocation rescan the growing heap
    again and again (10,000 people, PostgreSQL: median 630-760 ms with it, 440-475 ms
    without). Reference counting still frees everything; the collector resumes after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --- The profile ------------------------------------------------------------------------


@dataclass(frozen=True)
class _ProfileFacts:
    """A profile with its certification types and allowed ranks read once."""

    profile: RequirementProfile
    certification_types: tuple[tuple[int, str], ...]  # (id, code), by code
    allowed_ranks: dict[int, str]  # id -> name, by category and seniority

    @classmethod
    def of(cls, profile: RequirementProfile) -> _ProfileFacts:
        cache = getattr(profile, "_prefetched_objects_cache", {})
        if "required_certifications" in cache and "allowed_ranks" in cache:
            types = sorted((t.pk, t.code) for t in profile.required_certifications.all())
            ranks = sorted(
                profile.allowed_ranks.all(), key=lambda rank: (rank.category, rank.seniority)
            )
            return cls(
                profile=profile,
                certification_types=tuple(sorted(types, key=lambda t: t[1])),
                allowed_ranks={rank.pk: rank.name for rank in ranks},
            )
        # One query for both relations: their cross product is a handful of rows.
        rows = RequirementProfile.objects.filter(pk=profile.pk).values_list(
            "required_certifications__id",
            "required_certifications__code",
            "allowed_ranks__id",
            "allowed_ranks__name",
            "allowed_ranks__category",
            "allowed_ranks__seniority",
        )
        types, ranks = set(), set()
        for type_id, code, rank_id, name, category, seniority in rows:
            if type_id is not None:
                types.add((type_id, code))
            if rank_id is not None:
                ranks.add((category, seniority, rank_id, name))
        return cls(
            profile=profile,
            certification_types=tuple(sorted(types, key=lambda t: t[1])),
            allowed_ranks={rank_id: name for _c, _s, rank_id, name in sorted(ranks)},
        )

    @property
    def asks_rank(self) -> bool:
        return self.profile.officers_only or bool(self.allowed_ranks)

    @property
    def asks_language(self) -> bool:
        return any(self.language_minimums)

    @property
    def language_minimums(self) -> tuple[int, int, int, int]:
        p = self.profile
        return (p.min_listening, p.min_speaking, p.min_reading, p.min_writing)

    @property
    def language_name(self) -> str:
        return str(Language(self.profile.language).label)

    @property
    def requirements(self) -> list[Requirement]:
        p = self.profile
        found = []
        if p.categories:
            names = [str(Category(c).label) for c in p.categories if c in Category.values]
            found.append(Requirement("category", _capitalised(_one_of(names))))
        if self.asks_rank:
            label = _one_of(list(self.allowed_ranks.values())) or gettext("Officer")
            found.append(Requirement("rank", label))
        if p.min_age is not None or p.max_age is not None:
            found.append(Requirement("age", _age_label(p.min_age, p.max_age)))
        if p.min_service_years:
            label = ngettext(
                "%(years)s year of service", "%(years)s years of service", p.min_service_years
            ) % {"years": p.min_service_years}
            found.append(Requirement("service", _capitalised(label)))
        if self.asks_language:
            found.append(
                Requirement("language", f"{self.language_name} {_levels(self.language_minimums)}")
            )
        if p.requires_medical:
            found.append(Requirement("medical", gettext("Medical clearance")))
        if p.requires_passport:
            found.append(Requirement("passport", gettext("Passport")))
        if p.requires_driving_licence:
            found.append(Requirement("driving", gettext("Driving licence")))
        if p.requires_weapons:
            found.append(Requirement("weapons", gettext("Weapons qualification")))
        for _type_id, code in self.certification_types:
            found.append(
                Requirement(
                    f"certification:{code}", gettext("%(code)s certificate") % {"code": code}
                )
            )
        return found


# --- The records ------------------------------------------------------------------------

_NO_END = dt.date.max  # a record without valid_until never lapses: it sorts last


def _end(valid_until: dt.date | None) -> dt.date:
    return _NO_END if valid_until is None else valid_until


@dataclass
class _Records:
    """Each kind of record the profile asks for, by person id: one query per kind."""

    ranks: dict[int, tuple[str, bool]] = field(default_factory=dict)  # id -> (name, officer)
    language: dict[int, list[tuple]] = field(default_factory=dict)
    medical: dict[int, list[tuple]] = field(default_factory=dict)
    passport: dict[int, dt.date | None] = field(default_factory=dict)  # the longest valid
    driving: dict[int, list[tuple]] = field(default_factory=dict)
    weapons: dict[int, dt.date | None] = field(default_factory=dict)
    # (person id, certification type id) -> (longest valid unrevoked, or None; any revoked)
    certifications: dict[tuple[int, int], tuple[dt.date | None, bool]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, facts: _ProfileFacts, ids, persons: list[Person], on: dt.date) -> _Records:
        profile, records = facts.profile, cls()

        def held(model):  # records of these people already issued on the day
            return model.objects.filter(person_id__in=ids, issued_on__lte=on).order_by()

        if facts.asks_rank:
            uncached = set()
            for person in persons:
                if person.rank_id is None:
                    continue
                if isinstance(person, Person) and Person.rank.is_cached(person):
                    records.ranks[person.rank_id] = (person.rank.name, person.rank.is_officer)
                else:
                    uncached.add(person.rank_id)
            if uncached - records.ranks.keys():
                rows = Rank.objects.filter(pk__in=uncached - records.ranks.keys())
                for rank_id, name, officer in rows.values_list("id", "name", "is_officer"):
                    records.ranks[rank_id] = (name, officer)
        if facts.asks_language:
            rows = held(LanguageProficiency).filter(language=profile.language)
            for person_id, *row in rows.values_list(
                "person_id", "valid_until", "listening", "speaking", "reading", "writing"
            ):
                records.language.setdefault(person_id, []).append(row)
        if profile.requires_medical:
            rows = held(MedicalClearance).values_list(
                "person_id", "issued_on", "valid_until", "fitness"
            )
            for person_id, *row in rows:
                records.medical.setdefault(person_id, []).append(row)
        if profile.requires_passport:
            records.passport = _longest(held(Passport))
        if profile.requires_driving_licence:
            rows = held(DrivingLicence).values_list(
                "person_id", "issued_on", "valid_until", "manual_transmission"
            )
            for person_id, *row in rows:
                records.driving.setdefault(person_id, []).append(row)
        if profile.requires_weapons:
            records.weapons = _longest(held(WeaponsQualification))
        if facts.certification_types:
            rows = held(Certification).filter(
                certification_type_id__in=[type_id for type_id, _code in facts.certification_types]
            )
            certifications = records.certifications
            for person_id, type_id, valid_until, revoked_at in rows.values_list(
                "person_id", "certification_type_id", "valid_until", "revoked_at"
            ):
                key = (person_id, type_id)
                best, any_revoked = certifications.get(key, (None, False))
                if revoked_at is not None:
                    certifications[key] = (best, True)
                elif best is None or valid_until > best:
                    certifications[key] = (valid_until, any_revoked)
        return records


def _longest(queryset) -> dict[int, dt.date | None]:
    """Person id -> the latest `valid_until` of their records (None: one never lapses)."""
    longest: dict[int, dt.date] = {}
    for person_id, valid_until in queryset.values_list("person_id", "valid_until"):
        end = _end(valid_until)
        if end > longest.get(person_id, dt.date.min):
            longest[person_id] = end
    return {pid: (None if end is _NO_END else end) for pid, end in longest.items()}


_UNFIT, _FIT_RESTRICTED = (
    MedicalClearance.Fitness.UNFIT.value,
    MedicalClearance.Fitness.FIT_RESTRICTED.value,
)

# --- The verdicts -----------------------------------------------------------------------


class _Judge:
    """Turns one person's records into checks, in profile_requirements order."""

    def __init__(self, *, facts: _ProfileFacts, on: dt.date, tour_ends_on: dt.date | None) -> None:
        self.facts = facts
        self.profile = facts.profile
        self.on = on
        self.tour_ends_on = tour_ends_on
        self.lapsing_before = (
            tour_ends_on
            if tour_ends_on is not None
            else on + dt.timedelta(days=settings.LAPSING_WINDOW_DAYS)
        )
        self.texts: dict = {}
        self.language_name = facts.language_name
        self.requirements = {r.key: r for r in facts.requirements}
        self.memo: dict = {}  # checks that depend on one value only (category, age, a date)
        self.asks = frozenset(self.requirements)
        self.met = {key: Check(r, Verdict.MET, "") for key, r in self.requirements.items()}
        self.passport_needed_until = (
            tour_ends_on + relativedelta(months=self.profile.passport_months_after_tour)
            if tour_ends_on is not None
            else None
        )

    # Translated once per run, not once per cell: gettext costs microseconds, and 10,000
    # people by 9 requirements made it most of the engine's time (2.5 s -> under 1 s).
    def gettext(self, message: str) -> str:
        text = self.texts.get(message)
        if text is None:
            text = self.texts[message] = gettext(message)
        return text

    def ngettext(self, singular: str, plural: str, number: int) -> str:
        key = (singular, number)
        text = self.texts.get(key)
        if text is None:
            text = self.texts[key] = ngettext(singular, plural, number)
        return text

    def person(self, person: Person, records: _Records) -> PersonReadiness:
        pid, asks, checks = person.pk, self.asks, []
        if "category" in asks:
            checks.append(self.category(person.category))
        if "rank" in asks:
            checks.append(self.rank(person.rank_id, records))
        if "age" in asks:
            checks.append(self.age(person.date_of_birth))
        if "service" in asks:
            checks.append(self.service(person.service_start_date))
        if "language" in asks:
            checks.append(self.language(records.language.get(pid)))
        if "medical" in asks:
            checks.append(self.medical(records.medical.get(pid)))
        if "passport" in asks:
            checks.append(self.passport(pid, records.passport))
        if "driving" in asks:
            checks.append(self.driving(records.driving.get(pid)))
        if "weapons" in asks:
            checks.append(self.weapons(pid, records.weapons))
        for type_id, code in self.facts.certification_types:
            checks.append(self.certification(pid, type_id, code, records))
        return PersonReadiness(person=person, checks=checks)

    # Each check ---------------------------------------------------------------------------

    def category(self, category: str) -> Check:
        key = ("category", category)
        if key not in self.memo:
            self.memo[key] = self._category(category)
        return self.memo[key]

    def _category(self, category: str) -> Check:
        if category in self.profile.categories:
            return self.met["category"]
        allowed = [str(Category(c).label) for c in self.profile.categories if c in Category.values]
        reason = self.gettext("%(category)s, needs %(allowed)s") % {
            "category": _category_label(category),
            "allowed": _one_of(allowed),
        }
        return Check(self.requirements["category"], Verdict.NOT_MET, reason)

    def rank(self, rank_id: int | None, records: _Records) -> Check:
        key = ("rank", rank_id)
        if key not in self.memo:
            self.memo[key] = self._rank(rank_id, records)
        return self.memo[key]

    def _rank(self, rank_id: int | None, records: _Records) -> Check:
        name, officer = records.ranks.get(rank_id, (None, False))
        allowed = self.facts.allowed_ranks
        if allowed:
            if rank_id in allowed and (officer or not self.profile.officers_only):
                return self.met["rank"]
            needs = _one_of(list(allowed.values()))
        elif officer:
            return self.met["rank"]
        else:
            needs = self.gettext("an officer")
        if name is None:
            reason = self.gettext("no rank, needs %(needs)s") % {"needs": needs}
        else:
            reason = self.gettext("rank %(rank)s, needs %(needs)s") % {"rank": name, "needs": needs}
        return Check(self.requirements["rank"], Verdict.NOT_MET, reason)

    def age(self, born: dt.date) -> Check:
        age = _whole_years(born, self.on)
        key = ("age", age)
        if key not in self.memo:
            self.memo[key] = self._age(age)
        return self.memo[key]

    def _age(self, age: int) -> Check:
        min_age, max_age = self.profile.min_age, self.profile.max_age
        if min_age is not None and age < min_age:
            reason = self.gettext("age %(age)s, needs %(min)s") % {"age": age, "min": min_age}
        elif max_age is not None and age > max_age:
            reason = self.gettext("age %(age)s, needs at most %(max)s") % {
                "age": age,
                "max": max_age,
            }
        else:
            return self.met["age"]
        return Check(self.requirements["age"], Verdict.NOT_MET, reason)

    def service(self, started: dt.date | None) -> Check:
        if started is None:
            years = None
        else:
            years = _whole_years(started, self.on) if started <= self.on else 0
        key = ("service", years)
        if key not in self.memo:
            self.memo[key] = self._service(years)
        return self.memo[key]

    def _service(self, years: int | None) -> Check:
        needed = self.profile.min_service_years
        if years is None:
            reason = self.gettext("no service start date on record, needs %(years)s years") % {
                "years": needed
            }
        else:
            if years >= needed:
                return self.met["service"]
            reason = self.ngettext(
                "%(years)s year of service, needs %(needed)s",
                "%(years)s years of service, needs %(needed)s",
                years,
            ) % {"years": years, "needed": needed}
        return Check(self.requirements["service"], Verdict.NOT_MET, reason)

    def language(self, rows) -> Check:
        requirement = self.requirements["language"]
        language, (min_l, min_s, min_r, min_w) = self.language_name, self.facts.language_minimums
        if not rows:
            reason = self.gettext("no %(language)s test on record") % {"language": language}
            return Check(requirement, Verdict.NOT_MET, reason)
        on, best, closest, lapsed = self.on, None, None, None
        for row in rows:  # (valid_until, listening, speaking, reading, writing)
            end = _end(row[0])
            if end < on:
                if lapsed is None or end > lapsed[0]:
                    lapsed = row
            elif row[1] >= min_l and row[2] >= min_s and row[3] >= min_r and row[4] >= min_w:
                if best is None or end > _end(best[0]):
                    best = row
            else:
                # None meets the minimums yet: keep the closest (smallest shortfall, then the
                # highest levels) to name in the reason.
                rank = (
                    max(0, min_l - row[1])
                    + max(0, min_s - row[2])
                    + max(0, min_r - row[3])
                    + max(0, min_w - row[4]),
                    -(row[1] + row[2] + row[3] + row[4]),
                )
                if closest is None or rank < closest[0]:
                    closest = (rank, row)
        if best is not None:
            return self.dated(requirement, f"{language} {_levels(best[1:])}", best[0])
        if closest is not None:
            row = closest[1]
            reason = self.gettext("%(language)s %(levels)s, needs %(needed)s") % {
                "language": language,
                "levels": _levels(row[1:]),
                "needed": _levels(self.facts.language_minimums),
            }
            return Check(requirement, Verdict.NOT_MET, reason, row[0])
        reason = self.gettext("%(language)s %(levels)s lapsed %(date)s") % {
            "language": language,
            "levels": _levels(lapsed[1:]),
            "date": lapsed[0].isoformat(),
        }
        return Check(requirement, Verdict.NOT_MET, reason, lapsed[0])

    def medical(self, rows) -> Check:
        requirement = self.requirements["medical"]
        if not rows:
            return Check(requirement, Verdict.NOT_MET, self.gettext("no medical clearance"))
        issued_on, latest_until, fitness = max(rows, key=lambda row: (row[0], _end(row[1])))
        unfit = _UNFIT
        if fitness == unfit:
            reason = self.gettext("found medically unfit %(date)s") % {
                "date": issued_on.isoformat()
            }
            return Check(requirement, Verdict.NOT_MET, reason, latest_until)
        _issued, valid_until, fitness = max(
            (row for row in rows if row[2] != unfit), key=lambda row: _end(row[1])
        )
        check = self.dated(requirement, self.gettext("medical clearance"), valid_until)
        if check.verdict == Verdict.MET and fitness == _FIT_RESTRICTED:
            reason = self.gettext("fit with restrictions")
            return Check(requirement, Verdict.MET, reason, check.lapses_on)
        return check

    def passport(self, person_id: int, longest: dict[int, dt.date | None]) -> Check:
        requirement = self.requirements["passport"]
        if person_id not in longest:
            return Check(requirement, Verdict.NOT_MET, self.gettext("no passport"))
        valid_until = longest[person_id]
        needed = self.passport_needed_until
        if needed is None or valid_until is None or valid_until < self.on:
            return self.dated(requirement, self.gettext("passport"), valid_until)
        if valid_until >= needed:
            return Check(requirement, Verdict.MET, "", valid_until)
        reason = self.ngettext(
            "passport lapses %(date)s, needs %(months)s month past tour end %(end)s",
            "passport lapses %(date)s, needs %(months)s months past tour end %(end)s",
            self.profile.passport_months_after_tour,
        ) % {
            "date": valid_until.isoformat(),
            "months": self.profile.passport_months_after_tour,
            "end": self.tour_ends_on.isoformat(),
        }
        return Check(requirement, Verdict.NOT_MET, reason, valid_until)

    def driving(self, rows) -> Check:
        requirement = self.requirements["driving"]
        if not rows:
            return Check(requirement, Verdict.NOT_MET, self.gettext("no driving licence"))
        candidates = rows
        if self.profile.requires_manual_transmission:
            candidates = [row for row in rows if row[2]]
            if not candidates:
                return Check(
                    requirement, Verdict.NOT_MET, self.gettext("needs a manual gearbox licence")
                )
        _issued, valid_until, _manual = max(candidates, key=lambda row: _end(row[1]))
        if valid_until is not None and valid_until < self.on:
            return self.dated(requirement, self.gettext("driving licence"), valid_until)
        needed = self.profile.min_driving_licence_years
        if needed:
            held = _whole_years(min(row[0] for row in rows), self.on)
            if held < needed:
                reason = self.ngettext(
                    "driving licence held %(years)s year, needs %(needed)s",
                    "driving licence held %(years)s years, needs %(needed)s",
                    held,
                ) % {"years": held, "needed": needed}
                return Check(requirement, Verdict.NOT_MET, reason, valid_until)
        return self.dated(requirement, self.gettext("driving licence"), valid_until)

    def weapons(self, person_id: int, longest: dict[int, dt.date | None]) -> Check:
        requirement = self.requirements["weapons"]
        if person_id not in longest:
            return Check(requirement, Verdict.NOT_MET, self.gettext("no weapons qualification"))
        return self.dated(requirement, self.gettext("weapons qualification"), longest[person_id])

    def certification(self, person_id: int, type_id: int, code: str, records: _Records) -> Check:
        requirement = self.requirements[f"certification:{code}"]
        valid_until, any_revoked = records.certifications.get((person_id, type_id), (None, False))
        if valid_until is None:
            if any_revoked:
                reason = self.gettext("%(code)s certificate revoked") % {"code": code}
            else:
                reason = self.gettext("no %(code)s certificate") % {"code": code}
            return Check(requirement, Verdict.NOT_MET, reason)
        what = self.gettext("%(code)s certificate") % {"code": code}
        return self.dated(requirement, what, valid_until)

    def dated(self, requirement: Requirement, what: str, valid_until: dt.date | None) -> Check:
        """A record that is held: lapsed, lapsing (within the window or before the tour
        ends) or met, by the rule of validity_on. Checks are immutable: people whose records
        lapse on the same day share one."""
        key = (requirement.key, what, valid_until)
        check = self.memo.get(key)
        if check is None:
            check = self.memo[key] = self._dated(requirement, what, valid_until)
        return check

    def _dated(self, requirement: Requirement, what: str, valid_until: dt.date | None) -> Check:
        if valid_until is None:
            return Check(requirement, Verdict.MET, "")
        values = {"what": what, "date": valid_until.isoformat()}
        if valid_until < self.on:
            reason = self.gettext("%(what)s lapsed %(date)s") % values
            return Check(requirement, Verdict.NOT_MET, reason, valid_until)
        if valid_until < self.lapsing_before:
            if self.tour_ends_on is not None:
                reason = self.gettext("%(what)s lapses %(date)s, before the tour ends %(end)s") % {
                    **values,
                    "end": self.tour_ends_on.isoformat(),
                }
            else:
                reason = self.gettext("%(what)s lapses %(date)s, within %(days)s days") % {
                    **values,
                    "days": settings.LAPSING_WINDOW_DAYS,
                }
            return Check(requirement, Verdict.LAPSING, reason, valid_until)
        return Check(requirement, Verdict.MET, "", valid_until)


# --- Wording ----------------------------------------------------------------------------


def _whole_years(since: dt.date, on: dt.date) -> int:
    """Whole years from `since` to `on`: an age on the birthday counts the new year."""
    return on.year - since.year - ((on.month, on.day) < (since.month, since.day))


def _levels(levels) -> str:
    return "-".join(str(level) for level in levels)


def _one_of(names: list[str]) -> str:
    """ "a", "a or b", "a, b or c" (translated)."""
    if len(names) <= 1:
        return "".join(names)
    return gettext("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _category_label(category: str) -> str:
    return str(Category(category).label) if category in Category.values else category


def _age_label(min_age: int | None, max_age: int | None) -> str:
    if min_age is not None and max_age is not None:
        return gettext("Age %(min)s-%(max)s") % {"min": min_age, "max": max_age}
    if min_age is not None:
        return gettext("Age %(min)s or over") % {"min": min_age}
    return gettext("Age %(max)s or under") % {"max": max_age}
