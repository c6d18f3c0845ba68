"""The readiness matrix page: who may open it, the cells and their reasons, filters, sort,
totals, pages, and a fixed number of queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.roles import Role
from personnel.models import Category, Gender, Person
from tests import factories
from tests.readiness.matrix_support import (
    contingent_profile,
    make_person,
    only_active,
    people_in,
    today,
)

pytestmark = pytest.mark.django_db

URL = reverse("readiness:readiness_matrix")


def shown(response) -> list[str]:
    """Service numbers of the rows on the page, in order."""
    return [item["row"].person.service_number for item in response.context["rows"]]


@pytest.fixture
def world(tree, profile):
    """In the commander's subtree: ready KZ-1 (KAZBAT), lapsing KZ-2 and not ready KZ-3
    (KAZBAT-1, a woman). Outside it: KZ-4 (MOD) and KZ-5 (MIA-FPU, police)."""
    return {
        "KZ-1": make_person(
            "ready", unit=tree["KAZBAT"], service_number="KZ-1", last_name="Abenov"
        ),
        "KZ-2": make_person(
            "lapsing", unit=tree["KAZBAT-1"], service_number="KZ-2", last_name="Bekov"
        ),
        "KZ-3": make_person(
            "not_ready",
            unit=tree["KAZBAT-1"],
            service_number="KZ-3",
            last_name="Seitkali",
            gender=Gender.FEMALE,
        ),
        "KZ-4": make_person("ready", unit=tree["MOD"], service_number="KZ-4", last_name="Dosov"),
        "KZ-5": make_person(
            "not_ready",
            unit=tree["MIA-FPU"],
            service_number="KZ-5",
            last_name="Ermekov",
            category=Category.POLICE,
            rank=factories.RankFactory(
                code="P-MAJ", name="Major of Police", category=Category.POLICE, seniority=6
            ),
        ),
    }


# --- who may open it ---------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("roles", [[Role.INSTRUCTOR], []], ids=["instructor", "no role"])
def test_instructors_and_users_without_a_role_are_refused(client, roles):
    client.force_login(factories.UserFactory(roles=roles))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("user", ["registrar", "administrator"])
def test_registrars_and_administrators_see_everyone(client, request, world, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(shown(response)) == ["KZ-1", "KZ-2", "KZ-3", "KZ-4", "KZ-5"]


def test_commander_sees_only_their_subtree_in_rows_totals_and_unit_choices(
    client, commander, tree, world
):
    client.force_login(commander)
    response = client.get(URL)
    assert shown(response) == ["KZ-1", "KZ-2", "KZ-3"]
    matrix = response.context["matrix"]
    assert (matrix.people, matrix.ready, matrix.lapsing, matrix.not_ready) == (3, 2, 1, 1)
    html = response.content.decode()
    select = html[html.index('id="id_unit"') : html.index("</select>", html.index('id="id_unit"'))]
    offered = set(re.findall(r'<option value="(\d+)"', select))
    assert offered == {str(tree["KAZBAT"].pk), str(tree["KAZBAT-1"].pk)}
    assert "KZ-4" not in html
    assert "KZ-5" not in html


def test_commander_asking_for_a_unit_outside_their_scope_is_refused(client, commander, tree, world):
    client.force_login(commander)
    response = client.get(URL, {"unit": tree["MIA-FPU"].pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert "Choose one of your units" in response.content.decode()
    # The scope holds whatever the URL says: nothing of MIA-FPU shows.
    assert shown(response) == ["KZ-1", "KZ-2", "KZ-3"]


def test_a_commander_without_units_sees_no_one(client, world):
    client.force_login(factories.UserFactory(roles=[Role.COMMANDER]))
    response = client.get(URL)
    assert response.status_code == 200
    assert shown(response) == []
    assert response.context["matrix"].people == 0


# --- cells and reasons ---------------------------------------------------------------------


def test_cells_show_verdict_and_reason_and_red_cells_link_to_the_reason(
    client, registrar, profile, world
):
    client.force_login(registrar)
    response = client.get(URL)
    html = response.content.decode()
    # The columns are the profile's requirements.
    keys = [total.requirement.key for total in response.context["matrix"].per_requirement]
    assert keys == ["category", "medical", "passport"]
    row = _row_html(html, "KZ-3")
    red = re.search(r'<td class="table-danger pc-cell" data-verdict="not_met" title="([^"]*)"', row)
    assert red, row
    assert "medical clearance" in red.group(1).lower()  # the full reason in the tooltip
    assert "no medical clearance" in row.lower()  # and the short one in the cell
    link = reverse("readiness:person_readiness", args=[world["KZ-3"].pk])
    assert f'{link}?profile={profile.pk}#req-medical"' in row
    amber = _row_html(html, "KZ-2")
    assert 'data-verdict="lapsing"' in amber
    assert (today() + dt.timedelta(days=30)).isoformat() in amber  # when it lapses
    green = _row_html(html, "KZ-1")
    assert 'data-verdict="not_met"' not in green
    assert 'data-verdict="lapsing"' not in green
    assert "cell-link" not in green  # a green cell has nothing to follow
    # The legend says what the colours mean in words too.
    assert 'data-testid="matrix-legend"' in html
    assert "lapses within 90 days" in html


def test_police_are_not_met_on_category_for_a_military_profile(client, registrar, world):
    client.force_login(registrar)
    row = _row_html(client.get(URL).content.decode(), "KZ-5")
    assert re.search(r'data-verdict="not_met" title="Military: not met', row), row


def _row_html(html: str, service_number: str) -> str:
    start = html.index(f'data-service-number="{service_number}"')
    return html[start : html.index("</tr>", start)]


# --- filters, totals, sort, pages -----------------------------------------------------------


def test_unit_filter_includes_the_units_under_it(client, registrar, tree, world):
    client.force_login(registrar)
    assert shown(client.get(URL, {"unit": tree["KAZBAT"].pk})) == ["KZ-1", "KZ-2", "KZ-3"]
    assert shown(client.get(URL, {"unit": tree["KAZBAT-1"].pk})) == ["KZ-2", "KZ-3"]


def test_category_gender_and_readiness_filters(client, registrar, world):
    client.force_login(registrar)
    assert shown(client.get(URL, {"category": Category.POLICE})) == ["KZ-5"]
    assert shown(client.get(URL, {"gender": Gender.FEMALE})) == ["KZ-3"]
    assert shown(client.get(URL, {"readiness": "ready"})) == ["KZ-1", "KZ-2", "KZ-4"]
    assert shown(client.get(URL, {"readiness": "lapsing"})) == ["KZ-2"]
    response = client.get(URL, {"readiness": "not_ready"})
    assert shown(response) == ["KZ-5", "KZ-3"]  # by name: Ermekov, Seitkali
    # The totals count everyone the other filters leave, not only the rows shown.
    assert response.context["matrix"].people == 5


def test_totals_per_requirement(client, registrar, world):
    client.force_login(registrar)
    matrix = client.get(URL).context["matrix"]
    assert (matrix.people, matrix.ready, matrix.lapsing, matrix.not_ready) == (5, 3, 1, 2)
    totals = {t.requirement.key: (t.met, t.lapsing, t.not_met) for t in matrix.per_requirement}
    assert totals == {"category": (4, 0, 1), "medical": (2, 1, 2), "passport": (5, 0, 0)}


def test_profile_filter_offers_active_profiles_and_defaults_to_the_first(
    client, registrar, profile, world
):
    other = contingent_profile(
        code="a-observer", name="A observer", min_age=99, requires_passport=False
    )
    contingent_profile(code="retired", name="Aa retired", is_active=False)
    client.force_login(registrar)
    response = client.get(URL)
    assert response.context["matrix"].profile == other  # "A observer" sorts first
    assert "Aa retired" not in response.content.decode()
    keys = [r.key for r in response.context["matrix"].requirements]
    assert "age" in keys
    assert "passport" not in keys
    assert client.get(URL, {"profile": profile.pk}).context["matrix"].profile == profile


def test_tour_window_is_passed_to_the_engine(client, registrar, world):
    """A medical clearance lapsing in 30 days is red for a tour starting in 60 days."""
    client.force_login(registrar)
    starts = today() + dt.timedelta(days=60)
    response = client.get(URL, {"tour_starts_on": starts.isoformat(), "tour_months": 12})
    assert response.context["tour"].starts_on == starts
    rows = [item["row"] for item in response.context["rows"]]
    by_number = {row.person.service_number: row for row in rows}
    assert by_number["KZ-2"].state == "not_ready"
    # Valid 300 days from today: it lapses before the tour's end, 425 days from today.
    assert by_number["KZ-1"].state == "lapsing"
    html = response.content.decode()
    assert f"tour_starts_on={starts.isoformat()}" in html  # the cell links keep the tour


def test_tour_months_without_a_start_is_an_error(client, registrar, world):
    client.force_login(registrar)
    response = client.get(URL, {"tour_months": 6})
    assert "tour_starts_on" in response.context["form"].errors
    assert response.context["tour"] is None


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["KZ-1", "KZ-2", "KZ-4", "KZ-5", "KZ-3"]),
        ("-name", ["KZ-3", "KZ-5", "KZ-4", "KZ-2", "KZ-1"]),
        # The most gaps first (KZ-5: category and medical), then lapsing, then by name.
        ("readiness", ["KZ-5", "KZ-3", "KZ-2", "KZ-1", "KZ-4"]),
        ("-readiness", ["KZ-4", "KZ-1", "KZ-2", "KZ-3", "KZ-5"]),
    ],
)
def test_sort(client, registrar, world, sort, expected):
    client.force_login(registrar)
    assert shown(client.get(URL, {"sort": sort})) == expected


def test_unit_sort_follows_the_tree(client, registrar, world):
    client.force_login(registrar)
    people = Person.objects.select_related("unit")  # paths as they are now (tree order)
    in_tree_order = sorted(people, key=lambda p: (p.unit.path, p.last_name))
    assert shown(client.get(URL, {"sort": "unit"})) == [p.service_number for p in in_tree_order]
    # A parent comes before the units under it, whichever was created first.
    order = shown(client.get(URL, {"sort": "unit"}))
    assert order.index("KZ-1") < order.index("KZ-2")  # KAZBAT before KAZBAT-1
    assert order.index("KZ-4") < order.index("KZ-1")  # MOD before KAZBAT


def test_rank_sort_puts_seniors_first(client, registrar, tree, profile):
    sergeant = factories.RankFactory(code="SGT", name="Sergeant", seniority=4, is_officer=False)
    major = factories.RankFactory(code="MAJ", name="Major", seniority=10)
    make_person("ready", unit=tree["MOD"], service_number="KZ-S", rank=sergeant, last_name="A")
    make_person("ready", unit=tree["MOD"], service_number="KZ-M", rank=major, last_name="B")
    client.force_login(registrar)
    assert shown(client.get(URL, {"sort": "rank"})) == ["KZ-M", "KZ-S"]
    assert shown(client.get(URL, {"sort": "-rank"})) == ["KZ-S", "KZ-M"]


def test_fifty_rows_a_page_and_sort_and_pages_keep_the_filters(client, registrar, tree, profile):
    people_in(tree["KAZBAT-1"], 55, prefix="KZ-A", state="not_ready")
    people_in(tree["MOD"], 3, prefix="KZ-B", state="not_ready")
    client.force_login(registrar)
    query = {"unit": tree["KAZBAT-1"].pk, "gender": Gender.MALE}
    first = client.get(URL, query)
    assert len(shown(first)) == 50
    assert first.context["matrix"].people == 55
    second = client.get(URL, {**query, "page": 2})
    assert len(shown(second)) == 5
    assert not set(shown(first)) & set(shown(second))
    html = first.content.decode()
    next_link = re.search(r'href="([^"]*)" data-testid="page-next"', html).group(1)
    assert f"unit={tree['KAZBAT-1'].pk}" in next_link
    assert "gender=M" in next_link
    sort_link = re.search(r'href="([^"]*)" data-testid="sort-readiness"', html).group(1)
    assert f"unit={tree['KAZBAT-1'].pk}" in sort_link
    assert "page" not in sort_link
    export = re.search(r'href="([^"]*)" data-testid="export-csv"', html).group(1)
    assert f"unit={tree['KAZBAT-1'].pk}" in export


def test_no_active_profile_says_so(client, registrar, tree):
    only_active()
    client.force_login(registrar)
    response = client.get(URL)
    assert response.status_code == 200
    assert 'data-testid="no-profile"' in response.content.decode()


# --- queries ------------------------------------------------------------------------------


# session, user, roles; [a commander: the paths of their units, for the unit choices and again
# for the people]; the unit choices; the active profiles; the profile's requirements (for the
# columns, and again in the engine); the people (as rows); the engine's medical and passport
# records; the Person objects of the page's rows.
QUERIES = {"registrar": 11, "commander": 13}


@pytest.mark.parametrize("user", ["registrar", "commander"])
def test_the_number_of_queries_does_not_grow_with_the_people(
    client, request, tree, profile, django_assert_num_queries, user
):
    client.force_login(request.getfixturevalue(user))
    for size, added in ((3, 3), (30, 27)):
        people_in(tree["KAZBAT-1"], added, prefix=f"KZ-{size}", state="ready")
        people_in(tree["KAZBAT-1"], added, prefix=f"KZ-N{size}", state="not_ready")
        with django_assert_num_queries(QUERIES[user]):
            response = client.get(URL, {"sort": "readiness", "unit": tree["KAZBAT"].pk})
        assert response.context["matrix"].people == 2 * size
