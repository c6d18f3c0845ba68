"""The unit readiness pages: who may open which unit, every section of a unit's page, live
counts or today's snapshot, and a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from accounts.roles import Role
from personnel.models import Unit
from readiness.models import (
    AssessmentAreaResult,
    PCRSPledge,
    ReadinessSnapshot,
    UnitReadinessAssessment,
)
from readiness.selectors import units as selectors
from readiness.services.snapshots import readiness_snapshots_take
from readiness.views.units import trend_chart
from tests import factories
from tests.readiness.unit_readiness_support import (
    contingent_profile,
    observer_profile,
    person,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_profiles")]

LIST_URL = reverse("readiness:unit_readiness_list")


def url(unit) -> str:
    return reverse("readiness:unit_readiness", args=[unit.pk])


@pytest.fixture
def tree(commander):
    """MOD > KAZBAT (commanded) > KAZBAT-1 > PLT-1, KAZBAT > KAZBAT-2; MIA > MIA-FPU."""
    mod = factories.UnitFactory(code="MOD", name="Ministry of Defence", kind="headquarters")
    battalion = factories.UnitFactory(
        code="KAZBAT",
        name="Peacekeeping Battalion",
        kind="battalion",
        parent=mod,
        commander=commander,
    )
    company = factories.UnitFactory(code="KAZBAT-1", name="1st Company", parent=battalion)
    platoon = factories.UnitFactory(
        code="PLT-1", name="1st Platoon", kind="platoon", parent=company
    )
    second = factories.UnitFactory(code="KAZBAT-2", name="2nd Company", parent=battalion)
    mia = factories.UnitFactory(code="MIA", name="Internal Affairs", kind="headquarters")
    fpu = factories.UnitFactory(code="MIA-FPU", kind="police_unit", parent=mia)
    return {u.code: u for u in (mod, battalion, company, platoon, second, mia, fpu)}


@pytest.fixture
def people(tree):
    """KAZBAT's subtree: 5 active people, 3 ready for the contingent profile (one lapsing
    soon), 1 ready as an observer; an inactive person and one of MIA's who never count."""
    today = timezone.localdate()
    contingent_profile()
    observer_profile()
    factories.RequirementProfileFactory(code="retired", name="Retired role", is_active=False)
    observer = person(tree["KAZBAT-1"])
    factories.LanguageProficiencyFactory(person=observer)
    person(tree["PLT-1"])
    person(tree["PLT-1"], medical=today + dt.timedelta(days=20))
    person(tree["KAZBAT-2"], passport=False)
    person(tree["KAZBAT"], medical=False)
    person(tree["KAZBAT-2"], is_active=False)
    person(tree["MIA-FPU"])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def visible(response) -> str:
    """The page's words without its markup."""
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


# --- who may open what ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "unit"])
def test_anonymous_user_is_sent_to_login(client, tree, name):
    response = client.get(LIST_URL if name == "list" else url(tree["KAZBAT"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("roles", [[Role.INSTRUCTOR], []], ids=["instructor", "no role"])
@pytest.mark.parametrize("name", ["list", "unit"])
def test_instructors_and_users_without_a_role_are_refused(client, tree, roles, name):
    client.force_login(factories.UserFactory(roles=roles))
    assert client.get(LIST_URL if name == "list" else url(tree["KAZBAT"])).status_code == 403


@pytest.mark.parametrize("code", ["MOD", "MIA", "MIA-FPU"])
def test_a_commander_gets_404_for_a_unit_outside_their_subtree(client, commander, tree, code):
    client.force_login(commander)
    assert client.get(url(tree[code])).status_code == 404


@pytest.mark.parametrize("code", ["KAZBAT", "KAZBAT-1", "PLT-1", "KAZBAT-2"])
def test_a_commander_opens_every_unit_of_their_subtree(client, commander, tree, code):
    client.force_login(commander)
    assert client.get(url(tree[code])).status_code == 200


@pytest.mark.parametrize("user", ["registrar", "administrator"])
def test_registrars_and_administrators_open_every_unit(client, request, tree, user):
    client.force_login(request.getfixturevalue(user))
    for unit in tree.values():
        assert client.get(url(unit)).status_code == 200


def test_an_unknown_unit_is_404(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("readiness:unit_readiness", args=[999999])).status_code == 404


def test_the_pages_answer_get_only(client, registrar, tree):
    client.force_login(registrar)
    assert client.post(LIST_URL).status_code == 405
    assert client.post(url(tree["MOD"])).status_code == 405


# --- the list -------------------------------------------------------------------------------


def test_a_commander_starts_from_the_units_they_command(client, commander, tree, people):
    client.force_login(commander)
    page = client.get(LIST_URL).context["page"]
    assert [row.unit.code for row in page.rows] == ["KAZBAT"]
    (row,) = page.rows
    assert row.headcount == 5
    assert [(s.profile.code, s.ready) for s in row.shares] == [
        ("t-contingent", 3),
        ("t-observer", 1),
    ]
    assert url(tree["KAZBAT"]) in text(client.get(LIST_URL))


def test_a_commander_of_a_unit_and_one_under_it_starts_from_the_upper_one(client, commander, tree):
    Unit.objects.filter(code="KAZBAT-1").update(commander=commander)
    client.force_login(commander)
    assert [r.unit.code for r in client.get(LIST_URL).context["page"].rows] == ["KAZBAT"]


def test_registrars_start_from_the_top_level_units(client, registrar, tree, people):
    client.force_login(registrar)
    response = client.get(LIST_URL)
    rows = response.context["page"].rows
    assert [(row.unit.code, row.headcount) for row in rows] == [("MIA", 1), ("MOD", 5)]
    assert "Ministry of Defence" in text(response)
    assert "60%" in text(response)


def test_a_commander_without_a_unit_sees_an_explanation(client, tree):
    client.force_login(factories.UserFactory(username="lonely", roles=[Role.COMMANDER]))
    response = client.get(LIST_URL)
    assert response.context["page"].rows == []
    assert 'data-testid="no-units"' in text(response)


# --- a unit's page --------------------------------------------------------------------------


def test_headcount_and_ready_share_per_active_profile(client, commander, tree, people):
    client.force_login(commander)
    response = client.get(url(tree["KAZBAT"]))
    page = response.context["page"]
    assert page.summary.headcount == 5
    assert [(s.profile.code, s.headcount, s.ready, s.lapsing) for s in page.summary.shares] == [
        ("t-contingent", 5, 3, 1),
        ("t-observer", 5, 1, 0),
    ]
    body = text(response)
    assert "Retired role" not in body
    assert "60%" in body
    assert "3/5" in body
    assert "20%" in body
    assert 'data-testid="as-of-live"' in body


def test_a_row_per_sub_unit_with_its_subtree_and_a_link_down(client, commander, tree, people):
    client.force_login(commander)
    response = client.get(url(tree["KAZBAT"]))
    rows = response.context["page"].children
    assert [(r.unit.code, r.headcount, [s.ready for s in r.shares]) for r in rows] == [
        ("KAZBAT-1", 3, [3, 1]),
        ("KAZBAT-2", 1, [0, 0]),
    ]
    assert url(tree["KAZBAT-1"]) in text(response)
    leaf = client.get(url(tree["PLT-1"]))
    assert leaf.context["page"].children == []
    assert "This unit has no sub-units." in text(leaf)


def test_the_most_common_gaps_per_profile(client, commander, tree, people):
    client.force_login(commander)
    response = client.get(url(tree["KAZBAT"]))
    gaps = {g.profile.code: g for g in response.context["page"].gaps}
    assert gaps["t-contingent"].not_ready == 2
    assert [(g.requirement.key, g.count) for g in gaps["t-contingent"].gaps] == [
        ("medical", 1),
        ("passport", 1),
    ]
    assert [(g.requirement.key, g.count) for g in gaps["t-observer"].gaps] == [
        ("language", 4),
        ("medical", 1),
        ("passport", 1),
    ]
    assert "Medical clearance" in text(response)


def test_at_most_five_gaps_most_common_first(tree):
    profile = factories.RequirementProfileFactory(
        code="strict",
        name="Strict",
        min_listening=3,
        requires_driving_licence=True,
        requires_weapons=True,
        min_service_years=30,
    )
    profile.required_certifications.add(factories.CertificationTypeFactory(code="UNSOC"))
    profile.required_certifications.add(
        factories.CertificationTypeFactory(code="UNMEM", name="UNMEM")
    )
    for _ in range(2):
        person(tree["PLT-1"], medical=False)  # lacks all eight
    person(tree["PLT-1"], medical=True, passport=False)  # lacks seven
    user = factories.UserFactory(username="reg2", roles=[Role.REGISTRAR])

    page = selectors.unit_readiness(user=user, pk=tree["PLT-1"].pk)

    (strict,) = page.gaps
    assert len(strict.gaps) == 5
    counts = [gap.count for gap in strict.gaps]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 3
    assert "medical" not in {gap.requirement.key for gap in strict.gaps}  # 2: not in the top 5


def test_breadcrumb_runs_up_to_the_users_scope_root(client, commander, registrar, tree):
    client.force_login(commander)
    crumbs = client.get(url(tree["PLT-1"])).context["page"].breadcrumb
    assert [u.code for u in crumbs] == ["KAZBAT", "KAZBAT-1"]
    client.force_login(registrar)
    response = client.get(url(tree["PLT-1"]))
    assert [u.code for u in response.context["page"].breadcrumb] == ["MOD", "KAZBAT", "KAZBAT-1"]
    assert url(tree["MOD"]) in text(response)


def test_pcrs_level_from_the_pledge_and_assessment_visits_in_date_order(client, commander, tree):
    today = timezone.localdate()
    company = tree["KAZBAT-1"]
    aav = UnitReadinessAssessment.objects.create(
        unit=company,
        assessed_on=today - dt.timedelta(days=400),
        kind="aav",
        pcrs_level="2",
        outcome="passed",
        assessed_by="UN DPO AAV team",
    )
    AssessmentAreaResult.objects.create(assessment=aav, area_id="training", result="satisfactory")
    AssessmentAreaResult.objects.create(
        assessment=aav,
        area_id="equipment",
        result="needs_improvement",
        remarks="Two APCs awaiting parts.",
    )
    UnitReadinessAssessment.objects.create(
        unit=company,
        assessed_on=today - dt.timedelta(days=100),
        kind="pdv",
        pcrs_level="3",
        outcome="conditional",
    )
    UnitReadinessAssessment.objects.create(
        unit=company, assessed_on=today - dt.timedelta(days=10), kind="internal", outcome="failed"
    )
    client.force_login(commander)
    # A visit's "PCRS level reached" no longer sets the unit's level: its pledge does.
    assert client.get(url(company)).context["page"].pcrs_level == ""
    PCRSPledge.objects.create(
        unit=company,
        registered_on=today - dt.timedelta(days=500),
        capability="Infantry company (120)",
        level="2",
        level_since=aav.assessed_on,
        backing_visit=aav,
        renewal_due_on=today + dt.timedelta(days=30),
    )

    response = client.get(url(company))
    page = response.context["page"]
    assert page.pcrs_level == "2"
    assert reverse("readiness:unit_pcrs", args=[company.pk]) in response.content.decode()
    assert [(a.kind, a.outcome) for a in page.assessments] == [
        ("aav", "passed"),
        ("pdv", "conditional"),
        ("internal", "failed"),
    ]
    body = text(response)
    assert body.index("Assessment and Advisory Visit") < body.index("Pre-deployment visit")
    assert "Two APCs awaiting parts." in body
    assert "Equipment (COE)" in body
    assert "Needs improvement" in body or "needs improvement" in body
    # The battalion shows its companies' levels on their rows.
    rows = client.get(url(tree["KAZBAT"])).context["page"].children
    assert [(r.unit.code, r.pcrs_level) for r in rows] == [("KAZBAT-1", "2"), ("KAZBAT-2", "")]


def test_the_trend_is_a_chart_with_a_table_of_the_same_numbers(client, commander, tree):
    contingent, observer = contingent_profile(), observer_profile()
    today = timezone.localdate()
    for weeks, ready in ((2, 10), (1, 15), (0, 20)):
        snapshot(tree["KAZBAT"], contingent, today - dt.timedelta(weeks=weeks), 40, ready)
    snapshot(tree["KAZBAT"], observer, today, 40, 4)
    snapshot(tree["KAZBAT-1"], contingent, today, 40, 39)  # another unit's: not on this chart
    client.force_login(commander)

    response = client.get(url(tree["KAZBAT"]))
    trend = response.context["page"].trend
    assert [s.profile.code for s in trend.series] == ["t-contingent", "t-observer"]
    assert [p.percent for p in trend.series[0].points] == [25, 37.5, 50]
    body = text(response)
    assert body.count('data-testid="trend-line"') == 2
    assert "<polyline" in body
    assert "<details" in body
    assert "38% (15/40)" in visible(response)
    assert "10% (4/40)" in visible(response)
    assert "98%" not in body


def test_no_snapshot_yet_says_so(client, commander, tree, people):
    client.force_login(commander)
    response = client.get(url(tree["KAZBAT"]))
    assert response.context["chart"] is None
    assert 'data-testid="trend-empty"' in text(response)


def test_chart_geometry_puts_full_readiness_at_the_top():
    profile = factories.RequirementProfileFactory.build(name="P")
    day = dt.date(2026, 1, 5)
    trend = selectors.Trend(
        days=[day, day + dt.timedelta(days=7)],
        series=[
            selectors.TrendSeries(
                profile=profile,
                points=[
                    selectors.TrendPoint(taken_on=day, headcount=4, ready=0),
                    selectors.TrendPoint(taken_on=day + dt.timedelta(days=7), headcount=4, ready=4),
                ],
            )
        ],
    )
    chart = trend_chart(trend)
    (line,) = chart.lines
    assert line.points == f"{chart.left},{chart.bottom} {chart.right},{chart.top}"
    assert line.latest == "100%"
    assert [label for _x, label in chart.x_ticks] == ["2026-01-05", "2026-01-12"]


# --- large units: today's snapshot ------------------------------------------------------------


def test_a_large_unit_reads_todays_snapshot_and_says_as_of(
    client, commander, tree, people, settings
):
    settings.READINESS_LIVE_LIMIT = 2
    contingent = contingent_profile()
    observer = observer_profile()
    today = timezone.localdate()
    for unit, ready in ((tree["KAZBAT"], 7), (tree["KAZBAT-1"], 5), (tree["KAZBAT-2"], 2)):
        snapshot(unit, contingent, today, 9, ready)
        snapshot(unit, observer, today, 9, 1)
    client.force_login(commander)

    response = client.get(url(tree["KAZBAT"]))
    page = response.context["page"]
    assert page.as_of == today
    assert page.summary.headcount == 9
    assert page.summary.shares[0].ready == 7
    assert [r.shares[0].ready for r in page.children] == [5, 2]
    assert page.gaps is None  # these snapshots recorded no gaps (as before gaps were kept)
    body = text(response)
    assert 'data-testid="as-of"' in body
    assert today.isoformat() in body
    assert 'data-testid="gaps-omitted"' in body
    # A small sub-unit is still counted live, gaps and all.
    small = client.get(url(tree["KAZBAT-2"])).context["page"]
    assert small.as_of is None
    assert small.summary.headcount == 1
    assert small.gaps is not None


def test_a_large_unit_without_todays_snapshot_is_counted_live(
    client, commander, tree, people, settings
):
    settings.READINESS_LIVE_LIMIT = 2
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    snapshot(tree["KAZBAT"], contingent_profile(), yesterday, 9, 7)
    client.force_login(commander)
    page = client.get(url(tree["KAZBAT"])).context["page"]
    assert page.as_of is None
    assert page.summary.shares[0].ready == 3


# --- a fixed number of queries ---------------------------------------------------------------


def grow(tree, per_unit: int) -> None:
    today = timezone.localdate()
    for code in ("KAZBAT", "KAZBAT-1", "PLT-1", "KAZBAT-2"):
        for index in range(per_unit):
            someone = person(tree[code], medical=index % 3 != 0)
            factories.LanguageProficiencyFactory(person=someone)
        UnitReadinessAssessment.objects.create(
            unit=tree[code], assessed_on=today, kind="internal", outcome="passed", pcrs_level="1"
        )
    for profile in (contingent_profile(), observer_profile()):
        for weeks in range(per_unit):
            ReadinessSnapshot.objects.get_or_create(
                unit=tree["KAZBAT"],
                profile=profile,
                taken_on=today - dt.timedelta(weeks=weeks + 1),
                defaults={"headcount": 10, "ready": 5},
            )


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("user", ["commander", "registrar"])
def test_the_unit_page_needs_the_same_queries_for_3_or_30_people(
    client, request, tree, user, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(user))
    grow(tree, 3)
    few = queries(client, url(tree["KAZBAT"]))
    grow(tree, 27)
    many = queries(client, url(tree["KAZBAT"]))
    assert few == many
    with django_assert_max_num_queries(24):
        client.get(url(tree["KAZBAT"]))


def test_the_unit_page_from_a_snapshot_needs_the_same_queries_too(
    client, commander, tree, settings, django_assert_max_num_queries
):
    settings.READINESS_LIVE_LIMIT = 1
    client.force_login(commander)
    today = timezone.localdate()

    def snap():
        for profile in (contingent_profile(), observer_profile()):
            for code in ("KAZBAT", "KAZBAT-1", "KAZBAT-2"):
                ReadinessSnapshot.objects.get_or_create(
                    unit=tree[code],
                    profile=profile,
                    taken_on=today,
                    defaults={"headcount": 99, "ready": 50},
                )

    grow(tree, 3)
    snap()
    few = queries(client, url(tree["KAZBAT"]))
    grow(tree, 27)
    many = queries(client, url(tree["KAZBAT"]))
    assert client.get(url(tree["KAZBAT"])).context["page"].as_of == today
    assert few == many
    with django_assert_max_num_queries(16):
        client.get(url(tree["KAZBAT"]))


def test_the_list_needs_the_same_queries_for_3_or_30_people(client, registrar, tree):
    client.force_login(registrar)
    grow(tree, 3)
    few = queries(client, LIST_URL)
    grow(tree, 27)
    assert queries(client, LIST_URL) == few


def test_a_large_unit_shows_the_gaps_its_snapshot_recorded(
    client, commander, tree, people, settings
):
    """The nightly snapshot keeps each unit's gaps, so a unit too large to count live shows
    the same most common gaps as a live count would, as of the snapshot."""
    client.force_login(commander)
    live = client.get(url(tree["KAZBAT"])).context["page"]
    assert live.as_of is None
    live_gaps = {g.profile.code: [(x.requirement.key, x.count) for x in g.gaps] for g in live.gaps}
    assert any(live_gaps.values())

    readiness_snapshots_take()
    settings.READINESS_LIVE_LIMIT = 2
    response = client.get(url(tree["KAZBAT"]))
    page = response.context["page"]
    assert page.as_of == timezone.localdate()
    assert {
        g.profile.code: [(x.requirement.key, x.count) for x in g.gaps] for g in page.gaps
    } == live_gaps
    assert [g.not_ready for g in page.gaps] == [g.not_ready for g in live.gaps]
    body = text(response)
    assert 'data-testid="gaps-as-of"' in body
    assert 'data-testid="gaps-omitted"' not in body
