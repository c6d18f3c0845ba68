"""Unit readiness: the units a user starts from, and one unit's page (headcount and ready share
per requirement profile for it and each sub-unit, the most common gaps, PCRS level and
assessment visits, and the trend from the nightly snapshots drawn as an SVG chart).

Who: registrars and administrators see every unit; a commander the units they command and
every unit under them (another unit answers 404); instructors 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.views.decorators.http import require_GET

from accounts.roles import Role, role_required
from common.formatting import percent_plain
from personnel.models import Unit
from readiness.selectors import units as selectors

READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.COMMANDER)


@require_GET
@role_required(*READERS)
def unit_readiness_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "readiness/unit_list.html",
        {"page": selectors.unit_readiness_list(user=request.user)},
    )


@require_GET
@role_required(*READERS)
def unit_readiness(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        page = selectors.unit_readiness(user=request.user, pk=pk)
    except Unit.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "readiness/unit_readiness.html",
        {"page": page, "chart": trend_chart(page.trend), "live_limit": selectors.live_limit()},
    )


# ---------------------------------------------------------------------------------------------
# The trend chart, drawn on the server (templates/readiness/_trend_chart.html): no JavaScript
# library and nothing from another host. Each line has its own colour and dash pattern and a
# label at its end, so it reads without colour too; the same numbers are in a table below.

# Okabe-Ito: told apart by people with any common colour-vision deficiency.
LINE_STYLES = (
    ("#0072B2", ""),
    ("#D55E00", "6 3"),
    ("#009E73", "2 3"),
    ("#CC79A7", "8 3 2 3"),
    ("#E69F00", "4 4"),
    ("#56B4E9", "1 2"),
    ("#000000", "10 4"),
)
WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 14, 30  # room for the axis labels
X_TICKS = 6
MAX_DOTS = 60  # past this many days per line, the dots would blur into it


@dataclass(frozen=True)
class ChartLine:
    label: str
    colour: str
    dash: str
    points: str  # "x,y x,y ..." for <polyline points>
    dots: list[tuple[float, float, str]]  # x, y and a title (day: share); [] when too many
    latest: str  # the share on the last day it was taken, "72%"


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    y_ticks: list[tuple[float, str]]
    x_ticks: list[tuple[float, str]]
    lines: list[ChartLine]


def trend_chart(trend: selectors.Trend) -> TrendChart | None:
    """The chart's geometry: the ready share (0-100 %) of each profile over the snapshot days.
    None when there is nothing to draw."""
    if not trend.days:
        return None
    first, last = trend.days[0], trend.days[-1]
    span = (last - first).days or 1
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(day) -> float:
        if first == last:
            return (LEFT + right) / 2
        return round(LEFT + (right - LEFT) * (day - first).days / span, 1)

    def y(percent: float) -> float:
        return round(bottom - (bottom - TOP) * percent / 100, 1)

    def short(day) -> str:
        return formats.date_format(day, "SHORT_DATE_FORMAT")

    step = max(1, -(-(len(trend.days) - 1) // (X_TICKS - 1)))  # ceiling
    ticks = trend.days[::step]
    if ticks[-1] != last and (last - ticks[-1]).days > span / (2 * X_TICKS):
        ticks.append(last)
    lines = []
    for index, series in enumerate(trend.series):
        colour, dash = LINE_STYLES[index % len(LINE_STYLES)]
        drawn = [p for p in series.points if p.percent is not None]  # no one to count: no point
        dots = [
            (x(p.taken_on), y(p.percent), f"{short(p.taken_on)}: {percent_plain(round(p.percent))}")
            for p in drawn
        ]
        lines.append(
            ChartLine(
                label=series.profile.name,
                colour=colour,
                dash=dash,
                points=" ".join(f"{px:g},{py:g}" for px, py, _title in dots),
                dots=dots if len(dots) <= MAX_DOTS else [],
                latest=percent_plain(round(drawn[-1].percent)) if drawn else "—",
            )
        )
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        y_ticks=[(y(percent), percent_plain(percent)) for percent in (0, 25, 50, 75, 100)],
        x_ticks=[(x(day), short(day)) for day in ticks],
        lines=lines,
    )
