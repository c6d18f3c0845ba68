"""Reads for the gender balance page: the share of women per UN gender category among the
people deployed now and among the people ready to deploy, against the UN target for the
year, and the bar chart drawn from them on the server.

A person counts towards a category through a requirement profile: a deployment through its
role's `gender_category`; readiness through being ready (deployability engine) for any active
profile of that category. The UN colours a country green (target met), yellow (some women)
and red (none): so does this page.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from common.formatting import number_plain, percent_plain
from personnel.models import Gender, GenderCategory, Person, Unit
from personnel.scope import people_for
from readiness.deployability import deployability
from readiness.models import Deployment, GenderTarget, RequirementProfile

if TYPE_CHECKING:
    from accounts.models import User

STATUS_LABELS = {
    "met": _("target met"),
    "some": _("some women, below the target"),
    "none": _("no women"),
    "empty": _("no one counted"),
}


@dataclass(frozen=True)
class Share:
    """Women among the people counted, measured against a target (percent)."""

    women: int
    total: int
    target: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        if not self.total:
            return None
        return (Decimal(100 * self.women) / self.total).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def status(self) -> str:
        """A STATUS_LABELS key: met (green), some (amber), none (red), empty (no one)."""
        if not self.total:
            return "empty"
        if self.target is not None and Decimal(100 * self.women) >= self.target * self.total:
            return "met"
        return "some" if self.women else "none"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class GenderRow:
    category: str  # a GenderCategory value
    label: str
    target: GenderTarget | None  # the year's target, or the nearest earlier year's
    deployed: Share
    ready: Share


@dataclass(frozen=True)
class GenderBalance:
    year: int
    rows: list[GenderRow]


def targets_for(year: int) -> dict[str, GenderTarget]:
    """Per category, the target for `year`, else the nearest earlier year's: one query."""
    chosen: dict[str, GenderTarget] = {}
    for target in GenderTarget.objects.filter(year__lte=year).order_by("category", "-year"):
        chosen.setdefault(target.category, target)
    return chosen


def gender_people(*, user: User, unit: Unit | None = None) -> QuerySet[Person]:
    """The people `user` may see, narrowed to `unit` and the units under it."""
    people = people_for(user)
    if unit is not None:
        people = people.filter(unit__path__startswith=unit.path)
    return people


def gender_balance(*, user: User, today: dt.date, unit: Unit | None = None) -> GenderBalance:
    """The share of women per UN gender category among the people `user` may see (narrowed
    to `unit` with the units under it) who are deployed now, and among the active ones who are
    ready today for an active profile of the category.

    Queries: the targets, the deployed counts, the active profiles, and per active profile
    the people it admits and the engine's fixed set (whatever the number of people).
    """
    people = gender_people(user=user, unit=unit)
    targets = targets_for(today.year)

    deployed: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counts = (
        Deployment.objects.deployed_on(today)
        .filter(person__in=people)
        .values("role__gender_category", "person__gender")
        .annotate(people=Count("person", distinct=True))
        .order_by()
    )
    for count in counts:
        deployed[count["role__gender_category"]][count["person__gender"]] += count["people"]

    active = people.filter(is_active=True).select_related("rank").order_by()
    ready: dict[str, dict[int, str]] = defaultdict(dict)  # category -> person id -> gender
    for profile in RequirementProfile.objects.filter(is_active=True).order_by("pk"):
        # Only the categories the profile admits: the others cannot be ready for it.
        admitted = active.filter(category__in=profile.categories) if profile.categories else active
        readiness = deployability(people=admitted, profile=profile, on=today)
        for person_readiness in readiness.values():
            if person_readiness.ready:
                person = person_readiness.person
                ready[profile.gender_category][person.pk] = person.gender

    rows = []
    for category in GenderCategory:
        target = targets.get(category.value)
        percent = target.percent if target else None
        by_gender = deployed[category.value]
        ready_genders = list(ready[category.value].values())
        rows.append(
            GenderRow(
                category=category.value,
                label=str(category.label),
                target=target,
                deployed=Share(
                    women=by_gender[Gender.FEMALE],
                    total=sum(by_gender.values()),
                    target=percent,
                ),
                ready=Share(
                    women=ready_genders.count(Gender.FEMALE),
                    total=len(ready_genders),
                    target=percent,
                ),
            )
        )
    return GenderBalance(year=today.year, rows=rows)


# ---------------------------------------------------------------------------------------------
# The chart: horizontal bars, two per category (deployed, ready), with the target marked.


@dataclass(frozen=True)
class Bar:
    label: str
    share: Share
    y: int
    width: float

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def text(self) -> str:
        if self.share.percent is None:
            return str(_("no one"))
        return f"{percent_plain(self.share.percent)} ({self.share.women}/{self.share.total})"


@dataclass(frozen=True)
class BarGroup:
    label: str
    y: int  # top of the group: its label line
    bars: list[Bar]
    target_x: float | None
    target_label: str

    @property
    def label_y(self) -> int:
        return self.y + LABEL_LINE - 6

    @property
    def target_top(self) -> int:
        return self.bars[0].y - 3

    @property
    def target_bottom(self) -> int:
        return self.bars[-1].y + BAR_HEIGHT + 3


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int  # where the plot starts (labels to its left)
    plot_width: int
    bar_height: int
    label_line: int
    groups: list[BarGroup]
    ticks: list[Tick]

    @property
    def plot_right(self) -> int:
        return self.left + self.plot_width

    @property
    def axis_y(self) -> int:
        return self.height - 24

    @property
    def plot_top(self) -> int:
        return TOP


CHART_WIDTH, CHART_LEFT, CHART_RIGHT_MARGIN = 900, 110, 130
LABEL_LINE, BAR_HEIGHT, BAR_GAP, GROUP_GAP, TOP = 20, 18, 6, 18, 4


def bar_chart(balance: GenderBalance) -> BarChart:
    """Geometry of the chart: per category a label line, then a bar for the deployed and one
    for the ready, and the target as a vertical mark across both. The scale runs to the
    largest share or target rounded up to a ten (at least 40%), so that a 15% target is not a
    sliver on a 0-100 axis."""
    values = [
        value
        for row in balance.rows
        for value in (
            row.deployed.percent,
            row.ready.percent,
            row.target.percent if row.target else None,
        )
        if value is not None
    ]
    top = max([Decimal(40), *values])
    scale = int((top + 9) // 10 * 10)
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT_MARGIN

    def x_of(percent: Decimal) -> float:
        return round(CHART_LEFT + plot_width * float(percent) / scale, 1)

    groups, y = [], TOP
    for row in balance.rows:
        bars = []
        for index, (label, share) in enumerate(
            ((_("deployed"), row.deployed), (_("ready"), row.ready))
        ):
            bar_y = y + LABEL_LINE + index * (BAR_HEIGHT + BAR_GAP)
            width = x_of(share.percent) - CHART_LEFT if share.percent is not None else 0
            bars.append(Bar(label=str(label), share=share, y=bar_y, width=round(width, 1)))
        target = row.target
        groups.append(
            BarGroup(
                label=row.label,
                y=y,
                bars=bars,
                target_x=x_of(target.percent) if target else None,
                target_label=(
                    str(_("UN target %(percent)s%%") % {"percent": number_plain(target.percent)})
                    if target
                    else str(_("no UN target on record"))
                ),
            )
        )
        y += LABEL_LINE + 2 * BAR_HEIGHT + BAR_GAP + GROUP_GAP
    ticks = [Tick(x=x_of(Decimal(p)), label=percent_plain(p)) for p in range(0, scale + 1, 10)]
    return BarChart(
        width=CHART_WIDTH,
        height=y + 24,
        left=CHART_LEFT,
        plot_width=plot_width,
        bar_height=BAR_HEIGHT,
        label_line=LABEL_LINE,
        groups=groups,
        ticks=ticks,
    )
