"""Reads for the unit readiness pages: per unit (with every unit under it) and per active
requirement profile, the headcount and the share of people ready, the most common gaps, the
unit's PCRS level and assessment visits, and the trend from the nightly snapshots.

Counting rests on the unit tree's materialised paths (treebeard): a person counts towards
their unit and every unit above it, and a unit's ancestors are the prefixes of its path. The
engine (readiness.deployability) runs once per profile over all the people concerned, never
per unit. A fixed number of queries however many people or units.

Live or snapshot: the engine is fast for a company or a battalion but not for the whole
register times five profiles (docs/benchmarks.md), so a unit with more active people than
`live_limit` (settings.READINESS_LIVE_LIMIT, default LIVE_LIMIT) shows today's nightly
snapshot when one exists, says "as of", and lists no gaps (its sub-units do).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.roles import Role, has_role, sees_everything
from personnel.models import Person, Unit
from personnel.scope import units_for
from readiness.deployability import (
    PERSON_FACTS,
    Requirement,
    Verdict,
    deployability,
    profile_requirements,
)
from readiness.models import (
    AssessmentAreaResult,
    PCRSLevel,
    PCRSPledge,
    ReadinessSnapshot,
    RequirementProfile,
    UnitReadinessAssessment,
)

if TYPE_CHECKING:
    from accounts.models import User

# Active people above which a unit's page reads today's nightly snapshot (shares and gaps)
# instead of running the engine. Measured on PostgreSQL with 10,000 people and five profiles
# (median server time, `make bench`): live, a 150-person company 55 ms; from the snapshot, a
# 1,000-person battalion 17 ms and the whole register 21 ms; a trivial signed-in page 5 ms.
# 250 keeps a company and the demo's battalion (203) live; a 1,000-person battalion reads the
# snapshot.
LIVE_LIMIT = 250
GAPS_PER_PROFILE = 5
TREND_DAYS = 190  # about six months of nightly points, and the demo's 26 weekly ones


def live_limit() -> int:
    return getattr(settings, "READINESS_LIVE_LIMIT", LIVE_LIMIT)


# ---------------------------------------------------------------------------------------------
# Counting


@dataclass
class Tally:
    """How many active people of a unit's subtree there are, are ready, and are ready with
    something lapsing soon, for one profile."""

    headcount: int = 0
    ready: int = 0
    lapsing: int = 0


@dataclass(frozen=True)
class Gap:
    requirement: Requirement
    count: int  # people for whom it is not met


@dataclass
class LiveReadiness:
    """The engine's answer folded onto units: headcounts by unit id, tallies by (unit id,
    profile id), and how often each requirement is not met in a unit's subtree, by (unit id,
    profile id)."""

    headcounts: dict[int, int]
    tallies: dict[tuple[int, int], Tally]
    gaps: dict[tuple[int, int], Counter[Requirement]]


def ancestor_paths(path: str) -> list[str]:
    """`path` and the paths of every unit above it, root first."""
    step = Unit.steplen
    return [path[:end] for end in range(step, len(path) + 1, step)]


def readiness_live(
    *,
    units: Sequence[Unit],
    people: QuerySet[Person],
    profiles: Sequence[RequirementProfile],
    on: dt.date,
    gaps_for: Iterable[int] = (),
) -> LiveReadiness:
    """Run the engine once per profile over `people` (active people of the units concerned)
    and tally each of `units` with its whole subtree; gaps are counted for the units whose ids
    are in `gaps_for`. One query for the people (with their units' paths) plus the engine's
    own per profile: a fixed number whatever the number of people or units."""
    unit_by_path = {unit.path: unit.pk for unit in units}
    gaps_for = set(gaps_for)
    # Loaded once: the engine reuses a queryset's rows and reads its records through
    # subqueries of it, so the people are not read again per profile.
    # As plain rows, not Person objects: the engine reads only PERSON_FACTS.
    people = people.values_list(*PERSON_FACTS, "unit__path", named=True)
    # Which of `units` each person counts towards: their unit and the units above it.
    counted_in: dict[int, list[int]] = {
        person.pk: [
            unit_by_path[prefix]
            for prefix in ancestor_paths(person.unit__path or "")
            if prefix in unit_by_path
        ]
        for person in people
    }
    headcounts = Counter(unit_id for unit_ids in counted_in.values() for unit_id in unit_ids)
    tallies = {(unit.pk, profile.pk): Tally() for unit in units for profile in profiles}
    gaps: dict[tuple[int, int], Counter[Requirement]] = defaultdict(Counter)
    for profile in profiles:
        if not counted_in:
            break
        for person_id, readiness in deployability(people=people, profile=profile, on=on).items():
            ready = readiness.ready
            lapsing = ready and readiness.verdict == Verdict.LAPSING
            missing = [check.requirement for check in readiness.gaps]
            for unit_id in counted_in.get(person_id, ()):
                tally = tallies[unit_id, profile.pk]
                tally.headcount += 1
                tally.ready += ready
                tally.lapsing += lapsing
                if unit_id in gaps_for:
                    gaps[unit_id, profile.pk].update(missing)
    return LiveReadiness(headcounts=dict(headcounts), tallies=tallies, gaps=dict(gaps))


def active_people_under(paths: Iterable[str]) -> QuerySet[Person]:
    """Active people of the units at `paths` and every unit under them."""
    under = Q(pk__in=[])
    for path in paths:
        under |= Q(unit__path__startswith=path)
    return Person.objects.active().filter(under)


def active_profiles() -> list[RequirementProfile]:
    """Active requirement profiles, with what the engine reads of each prefetched."""
    return list(
        RequirementProfile.objects.filter(is_active=True)
        .prefetch_related("required_certifications", "allowed_ranks")
        .order_by("name")
    )


# ---------------------------------------------------------------------------------------------
# What the pages show


@dataclass(frozen=True)
class Share:
    profile: RequirementProfile
    headcount: int
    ready: int
    lapsing: int

    @property
    def percent(self) -> float | None:
        return 100 * self.ready / self.headcount if self.headcount else None

    @property
    def not_ready(self) -> int:
        return self.headcount - self.ready


@dataclass
class UnitRow:
    """A unit with its subtree's headcount and ready share per profile (profile order)."""

    unit: Unit
    headcount: int
    shares: list[Share]
    pcrs_level: str = ""  # the level of the unit's PCRS pledge, "" without one

    @property
    def pcrs_label(self) -> str:
        return PCRSLevel(self.pcrs_level).label if self.pcrs_level else ""


@dataclass(frozen=True)
class ProfileGaps:
    profile: RequirementProfile
    not_ready: int
    gaps: list[Gap]  # most common first, at most GAPS_PER_PROFILE


@dataclass(frozen=True)
class TrendPoint:
    taken_on: dt.date
    headcount: int
    ready: int

    @property
    def percent(self) -> float | None:
        return 100 * self.ready / self.headcount if self.headcount else None


@dataclass(frozen=True)
class TrendSeries:
    profile: RequirementProfile
    points: list[TrendPoint]


@dataclass(frozen=True)
class Trend:
    days: list[dt.date]  # every snapshot day, oldest first
    series: list[TrendSeries]  # one per active profile with at least one point

    def rows(self) -> list[tuple[dt.date, list[TrendPoint | None]]]:
        """The accessible table under the chart: a row per day, a cell per series."""
        by_day = [{p.taken_on: p for p in s.points} for s in self.series]
        return [(day, [points.get(day) for points in by_day]) for day in self.days]


@dataclass
class UnitReadiness:
    unit: Unit
    profiles: list[RequirementProfile]
    breadcrumb: list[Unit]  # from the user's scope root down to the unit's parent
    summary: UnitRow
    children: list[UnitRow]
    as_of: dt.date | None  # the snapshot's day when the shares come from one; None: live
    gaps: list[ProfileGaps] | None  # None: read from a snapshot taken before gaps were kept
    pcrs_level: str
    assessments: list[UnitReadinessAssessment]
    trend: Trend
    on: dt.date


@dataclass
class UnitReadinessList:
    profiles: list[RequirementProfile]
    rows: list[UnitRow]
    as_of: dt.date | None


@dataclass
class Counts:
    """What a page knows of its units: live from the engine, or from a day's snapshots."""

    headcounts: dict[int, int]
    tallies: dict[tuple[int, int], Tally]
    gaps: dict[tuple[int, int], Counter[Requirement]] | None  # None: a snapshot without gaps
    as_of: dt.date | None  # the snapshots' day; None: live

    def rows(self, units: Sequence[Unit], profiles: Sequence[RequirementProfile]) -> list[UnitRow]:
        return [
            UnitRow(
                unit=unit,
                headcount=self.headcounts.get(unit.pk, 0),
                shares=[
                    Share(profile=p, **vars(self.tallies.get((unit.pk, p.pk), Tally())))
                    for p in profiles
                ],
            )
            for unit in units
        ]


def _snapshot_counts(
    *,
    units: Sequence[Unit],
    profiles: Sequence[RequirementProfile],
    on: dt.date,
    gaps_for: Iterable[int] = (),
) -> Counts | None:
    """Counts from the snapshots taken on `on`, or None unless every unit and profile has
    one. Gaps of the units in `gaps_for` as the snapshots recorded them (a requirement the
    profile no longer asks for is left out); None when a snapshot predates recorded gaps.
    One query."""
    gaps_for = set(gaps_for)
    snapshots = ReadinessSnapshot.objects.filter(
        unit__in=[u.pk for u in units], profile__in=[p.pk for p in profiles], taken_on=on
    ).values_list("unit_id", "profile_id", "headcount", "ready", "lapsing", "gaps")
    requirements = {p.pk: {r.key: r for r in profile_requirements(p)} for p in profiles}
    tallies: dict[tuple[int, int], Tally] = {}
    gaps: dict[tuple[int, int], Counter[Requirement]] | None = {}
    for unit_id, profile_id, headcount, ready, lapsing, recorded in snapshots:
        tallies[unit_id, profile_id] = Tally(headcount, ready, lapsing)
        if unit_id not in gaps_for or gaps is None:
            continue
        if recorded is None:
            gaps = None
            continue
        known = requirements[profile_id]
        gaps[unit_id, profile_id] = Counter(
            {known[key]: count for key, count in recorded.items() if key in known}
        )
    if len(tallies) != len(units) * len(profiles):
        return None
    first = profiles[0].pk
    headcounts = {unit.pk: tallies[unit.pk, first].headcount for unit in units}
    return Counts(headcounts=headcounts, tallies=tallies, gaps=gaps, as_of=on)


def _counts(
    *,
    units: Sequence[Unit],
    roots: Sequence[Unit],
    profiles: Sequence[RequirementProfile],
    on: dt.date,
    gaps_for: Iterable[int] = (),
) -> Counts:
    """Counts of `units` (each under one of `roots`): live when the roots hold at most
    live_limit() active people, else from the snapshots taken on `on` when they are all there
    (else live anyway: correct, only slower, until the first nightly run)."""
    people = active_people_under(unit.path for unit in roots)
    if profiles and people.count() > live_limit():
        snapshot = _snapshot_counts(units=units, profiles=profiles, on=on, gaps_for=gaps_for)
        if snapshot is not None:
            return snapshot
    live = readiness_live(units=units, people=people, profiles=profiles, on=on, gaps_for=gaps_for)
    return Counts(headcounts=live.headcounts, tallies=live.tallies, gaps=live.gaps, as_of=None)


def _latest_pcrs_levels(units: Sequence[Unit]) -> dict[int, str]:
    """The level of each unit's PCRS pledge (units without one are left out). One query."""
    return dict(
        PCRSPledge.objects.filter(unit__in=[u.pk for u in units]).values_list("unit_id", "level")
    )


def unit_readiness_list(*, user: User, on: dt.date | None = None) -> UnitReadinessList:
    """The units a user starts from: the top-level units for registrars and administrators,
    the units a commander commands (none for anyone else), each with its subtree's headcount
    and ready share per active profile. A fixed number of queries."""
    on = on or timezone.localdate()
    if sees_everything(user):
        units = list(Unit.objects.filter(depth=1).order_by("path"))
    elif has_role(user, Role.COMMANDER):
        commanded = list(Unit.objects.filter(commander=user).order_by("path"))
        # A commander of a unit and of one under it starts from the upper one only.
        units = [
            u for u in commanded if not any(u.path.startswith(o.path) for o in commanded if o != u)
        ]
    else:
        units = []
    profiles = active_profiles()
    counts = _counts(units=units, roots=units, profiles=profiles, on=on)
    rows = counts.rows(units, profiles)
    levels = _latest_pcrs_levels(units)
    for row in rows:
        row.pcrs_level = levels.get(row.unit.pk, "")
    return UnitReadinessList(profiles=profiles, rows=rows, as_of=counts.as_of)


def unit_readiness(*, user: User, pk: int, on: dt.date | None = None) -> UnitReadiness:
    """Everything the unit readiness page shows about unit `pk` and the units under it.
    Raises Unit.DoesNotExist when the unit is outside the user's scope. A fixed number of
    queries whatever the number of people, sub-units, assessments or snapshots."""
    on = on or timezone.localdate()
    scope = units_for(user)
    unit = scope.get(pk=pk)
    breadcrumb = list(scope.filter(path__in=ancestor_paths(unit.path)[:-1]).order_by("path"))
    children = list(Unit.objects.filter(depth=unit.depth + 1, path__startswith=unit.path))
    profiles = active_profiles()
    counts = _counts(
        units=[unit, *children], roots=[unit], profiles=profiles, on=on, gaps_for=[unit.pk]
    )
    summary, *child_rows = counts.rows([unit, *children], profiles)
    levels = _latest_pcrs_levels([unit, *children])
    for row in (summary, *child_rows):
        row.pcrs_level = levels.get(row.unit.pk, "")
    return UnitReadiness(
        unit=unit,
        profiles=profiles,
        breadcrumb=breadcrumb,
        summary=summary,
        children=child_rows,
        as_of=counts.as_of,
        gaps=None if counts.gaps is None else _profile_gaps(summary, counts.gaps),
        pcrs_level=summary.pcrs_level,
        assessments=unit_assessments(unit=unit),
        trend=unit_trend(unit=unit, profiles=profiles, since=on - dt.timedelta(days=TREND_DAYS)),
        on=on,
    )


def _profile_gaps(summary: UnitRow, gaps: dict[tuple[int, int], Counter]) -> list[ProfileGaps]:
    return [
        ProfileGaps(
            profile=share.profile,
            not_ready=share.not_ready,
            gaps=[
                Gap(requirement=requirement, count=count)
                for requirement, count in sorted(
                    gaps.get((summary.unit.pk, share.profile.pk), Counter()).items(),
                    key=lambda item: (-item[1], item[0].label),
                )[:GAPS_PER_PROFILE]
            ],
        )
        for share in summary.shares
    ]


def unit_assessments(*, unit: Unit) -> list[UnitReadinessAssessment]:
    """The unit's assessment visits, oldest first, each with its area results. Two queries."""
    return list(
        unit.readiness_assessments.order_by("assessed_on", "pk").prefetch_related(
            Prefetch(
                "areas", queryset=AssessmentAreaResult.objects.select_related("area").order_by("pk")
            )
        )
    )


def unit_trend(*, unit: Unit, profiles: Sequence[RequirementProfile], since: dt.date) -> Trend:
    """The unit's snapshots since `since` for the active `profiles`: one series per profile
    that has any. One query."""
    points: dict[int, list[TrendPoint]] = defaultdict(list)
    days: set[dt.date] = set()
    snapshots = (
        ReadinessSnapshot.objects.filter(
            unit=unit, profile__in=[p.pk for p in profiles], taken_on__gte=since
        )
        .order_by("taken_on")
        .values_list("profile_id", "taken_on", "headcount", "ready")
    )
    for profile_id, taken_on, headcount, ready in snapshots:
        points[profile_id].append(TrendPoint(taken_on=taken_on, headcount=headcount, ready=ready))
        days.add(taken_on)
    series = [TrendSeries(profile=p, points=points[p.pk]) for p in profiles if points.get(p.pk)]
    return Trend(days=sorted(days), series=series)
