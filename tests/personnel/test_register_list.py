"""The personnel register list: who may open it, search, filters, sort, pages, query count."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from personnel.models import Category, Gender
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("personnel:person_list")


def shown(response) -> list[str]:
    """Service numbers of the rows on the page, in order."""
    return [person.service_number for person in response.context["page"].object_list]


@pytest.fixture
def tree(commander):
    """MOD > KAZBAT (commanded) > KAZBAT-1, and MIA > FPU beside it."""
    mod = factories.UnitFactory(code="MOD", kind="headquarters")
    battalion = factories.UnitFactory(
        code="KAZBAT", kind="battalion", parent=mod, commander=commander
    )
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    mia = factories.UnitFactory(code="MIA", kind="headquarters")
    fpu = factories.UnitFactory(code="MIA-FPU", kind="police_unit", parent=mia)
    return {"MOD": mod, "KAZBAT": battalion, "KAZBAT-1": company, "MIA": mia, "MIA-FPU": fpu}


# --- who may open it ---------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("roles", [[Role.INSTRUCTOR], []], ids=["instructor", "no role"])
def test_instructors_and_users_without_role_are_refused(client, roles):
    client.force_login(factories.UserFactory(roles=roles))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("user", ["registrar", "administrator"])
def test_registrars_and_administrators_see_everyone_and_may_add(client, request, tree, user):
    factories.PersonFactory(unit=tree["KAZBAT-1"], service_number="KZ-1")
    factories.PersonFactory(unit=tree["MIA-FPU"], service_number="KZ-2")
    factories.PersonFactory(unit=None, service_number="TJ-3", nationality="TJ")
    client.force_login(request.getfixturevalue(user))
    response = client.get(URL)
    assert sorted(shown(response)) == ["KZ-1", "KZ-2", "TJ-3"]
    assert reverse("personnel:person_create") in response.content.decode()


def test_commander_sees_only_their_subtree_and_may_not_add(client, commander, tree):
    factories.PersonFactory(unit=tree["KAZBAT"], service_number="KZ-1")
    factories.PersonFactory(unit=tree["KAZBAT-1"], service_number="KZ-2")
    factories.PersonFactory(unit=tree["MOD"], service_number="KZ-3")
    factories.PersonFactory(unit=tree["MIA-FPU"], service_number="KZ-4")
    client.force_login(commander)
    response = client.get(URL)
    assert sorted(shown(response)) == ["KZ-1", "KZ-2"]
    html = response.content.decode()
    assert reverse("personnel:person_create") not in html
    # The unit filter offers only the commander's units.
    unit_values = set(re.findall(r'<option value="(\d+)"', _unit_select(html)))
    assert unit_values == {str(tree["KAZBAT"].pk), str(tree["KAZBAT-1"].pk)}


def test_commander_cannot_filter_by_a_unit_outside_their_scope(client, commander, tree):
    factories.PersonFactory(unit=tree["KAZBAT-1"], service_number="KZ-1")
    factories.PersonFactory(unit=tree["MIA-FPU"], service_number="KZ-4")
    client.force_login(commander)
    response = client.get(URL, {"unit": tree["MIA-FPU"].pk})
    assert shown(response) == ["KZ-1"]  # the scope holds whatever the filter says
    assert "unit" in response.context["filter"].form.errors
    assert "Select a valid choice" in response.content.decode()


def _unit_select(html: str) -> str:
    start = html.index('id="div_id_unit"')
    return html[start : html.index("</select>", start)]


# --- search and filters -------------------------------------------------------------------


@pytest.fixture
def people(tree):
    rank_cpt = factories.RankFactory()
    rank_sgt = factories.RankFactory(code="SGT", name="Sergeant", seniority=4, is_officer=False)
    police = factories.RankFactory(
        code="P-MAJ", name="Major of Police", category=Category.POLICE, seniority=6
    )
    make = factories.PersonFactory
    return {
        "abenov": make(
            last_name="Абенов",
            first_name="Ерлан",
            service_number="KZ-M-100200",
            unit=tree["KAZBAT"],
            rank=rank_cpt,
            date_of_birth=dt.date(1980, 2, 21),
        ),
        "seitkali": make(
            last_name="Seitkali",
            first_name="Aliya",
            service_number="KZ-M-100300",
            gender=Gender.FEMALE,
            unit=tree["KAZBAT-1"],
            rank=rank_sgt,
            date_of_birth=dt.date(1995, 6, 1),
        ),
        "ospanova": make(
            last_name="Ospanova",
            first_name="Gulnara",
            service_number="KZ-C-100400",
            gender=Gender.FEMALE,
            category=Category.CIVILIAN,
            rank=None,
            unit=tree["MOD"],
            date_of_birth=dt.date(1985, 12, 25),
            is_active=False,
        ),
        "zhakupov": make(
            last_name="Жақыпов",
            first_name="Марат",
            service_number="KZ-P-100500",
            category=Category.POLICE,
            rank=police,
            unit=tree["MIA-FPU"],
            date_of_birth=dt.date(1975, 9, 30),
        ),
        "rahimov": make(
            last_name="Rahimov",
            first_name="Sardor",
            service_number="TJ-100600",
            nationality="TJ",
            unit=None,
            rank=rank_cpt,
            date_of_birth=dt.date(1988, 11, 19),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Abenov", ["KZ-M-100200"]),  # Latin finds Cyrillic
        ("абенов", ["KZ-M-100200"]),
        ("Сейтқали", ["KZ-M-100300"]),  # Cyrillic (Kazakh letters) finds Latin
        ("zhakypov marat", ["KZ-P-100500"]),
        ("100400", ["KZ-C-100400"]),
        ("kz-p-1005", ["KZ-P-100500"]),
        ("nobody", []),
    ],
)
def test_search_by_name_in_either_script_or_service_number(
    client, registrar, people, query, expected
):
    client.force_login(registrar)
    assert shown(client.get(URL, {"q": query})) == expected


def test_unit_filter_includes_the_units_under_it(client, registrar, people, tree):
    client.force_login(registrar)
    assert shown(client.get(URL, {"unit": tree["KAZBAT"].pk})) == ["KZ-M-100200", "KZ-M-100300"]
    assert shown(client.get(URL, {"unit": tree["MOD"].pk})) == [
        "KZ-M-100200",
        "KZ-C-100400",
        "KZ-M-100300",
    ]
    assert shown(client.get(URL, {"unit": tree["KAZBAT-1"].pk})) == ["KZ-M-100300"]


def test_unit_options_are_indented_by_depth(client, registrar, tree):
    client.force_login(registrar)
    html = _unit_select(client.get(URL).content.decode())
    assert ">MOD · Unit MOD<" in html
    assert ">\u00a0\u00a0\u00a0KAZBAT · Unit KAZBAT<" in html
    assert ">" + "\u00a0" * 6 + "KAZBAT-1 · Unit KAZBAT-1<" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "civilian"}, ["KZ-C-100400"]),
        ({"category": "police"}, ["KZ-P-100500"]),
        ({"gender": "F"}, ["KZ-C-100400", "KZ-M-100300"]),
        ({"nationality": "TJ"}, ["TJ-100600"]),
        ({"active": "no"}, ["KZ-C-100400"]),
        ({"active": "yes", "gender": "F"}, ["KZ-M-100300"]),
        ({"category": "military", "q": "seitkali"}, ["KZ-M-100300"]),
    ],
)
def test_filters(client, registrar, people, params, expected):
    client.force_login(registrar)
    assert shown(client.get(URL, params)) == expected


def test_rank_filter(client, registrar, people):
    client.force_login(registrar)
    captain = people["abenov"].rank
    assert shown(client.get(URL, {"rank": captain.pk})) == ["KZ-M-100200", "TJ-100600"]


def test_nationality_options_are_those_in_the_register(client, registrar, people):
    client.force_login(registrar)
    choices = client.get(URL).context["filter"].form.fields["nationality"].choices
    assert [value for value, _label in choices] == ["", "KZ", "TJ"]


def test_a_bad_filter_value_is_named_on_its_field(client, registrar, people):
    client.force_login(registrar)
    response = client.get(URL, {"gender": "X"})
    assert "gender" in response.context["filter"].form.errors
    assert "Select a valid choice" in response.content.decode()


# --- sort and pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # By the names folded to Latin: Абенов, Ospanova, Rahimov, Seitkali, Жақыпов.
        ("name", ["KZ-M-100200", "KZ-C-100400", "TJ-100600", "KZ-M-100300", "KZ-P-100500"]),
        ("-name", ["KZ-P-100500", "KZ-M-100300", "TJ-100600", "KZ-C-100400", "KZ-M-100200"]),
        (
            "service_number",
            ["KZ-C-100400", "KZ-M-100200", "KZ-M-100300", "KZ-P-100500", "TJ-100600"],
        ),
        (
            "-service_number",
            ["TJ-100600", "KZ-P-100500", "KZ-M-100300", "KZ-M-100200", "KZ-C-100400"],
        ),
        # Seniority: sergeant 4, major of police 6, captain 12; no rank last either way.
        ("rank", ["KZ-M-100300", "KZ-P-100500", "KZ-M-100200", "TJ-100600", "KZ-C-100400"]),
        ("-rank", ["KZ-M-100200", "TJ-100600", "KZ-P-100500", "KZ-M-100300", "KZ-C-100400"]),
        # Tree order (siblings by code: MIA, MIA-FPU, MOD, KAZBAT, KAZBAT-1); no unit last.
        ("unit", ["KZ-P-100500", "KZ-C-100400", "KZ-M-100200", "KZ-M-100300", "TJ-100600"]),
        ("-unit", ["KZ-M-100300", "KZ-M-100200", "KZ-C-100400", "KZ-P-100500", "TJ-100600"]),
        (
            "date_of_birth",
            ["KZ-P-100500", "KZ-M-100200", "KZ-C-100400", "TJ-100600", "KZ-M-100300"],
        ),
        (
            "-date_of_birth",
            ["KZ-M-100300", "TJ-100600", "KZ-C-100400", "KZ-M-100200", "KZ-P-100500"],
        ),
    ],
)
def test_sort_both_directions(client, registrar, people, sort, expected):
    client.force_login(registrar)
    assert shown(client.get(URL, {"sort": sort})) == expected


def test_unknown_sort_falls_back_to_name(client, registrar, people):
    client.force_login(registrar)
    response = client.get(URL, {"sort": "password"})
    assert response.status_code == 200
    assert shown(response)[0] == "KZ-M-100200"


def test_sort_links_keep_the_filters_and_flip_direction(client, registrar, people, tree):
    client.force_login(registrar)
    response = client.get(URL, {"unit": tree["KAZBAT"].pk, "q": "a", "sort": "rank", "page": 1})
    html = response.content.decode()
    link = re.search(r'href="([^"]+)" data-testid="sort-rank"', html).group(1)
    assert f"unit={tree['KAZBAT'].pk}" in link
    assert "q=a" in link
    assert "sort=-rank" in link
    assert "page=" not in link  # a new sort starts at the first page
    name_link = re.search(r'href="([^"]+)" data-testid="sort-name"', html).group(1)
    assert "sort=name" in name_link
    # And the filter form carries the sort, so that applying a filter keeps it.
    assert 'name="sort" value="rank"' in html


def test_pages_of_fifty_keep_the_filters(client, registrar, tree):
    factories.PersonFactory.create_batch(120, unit=tree["KAZBAT-1"], category=Category.MILITARY)
    factories.PersonFactory.create_batch(3, unit=tree["MIA-FPU"])
    client.force_login(registrar)
    params = {"unit": tree["KAZBAT"].pk, "sort": "-service_number"}
    first = client.get(URL, params)
    assert first.context["page"].paginator.count == 120
    assert len(shown(first)) == 50
    html = first.content.decode()
    assert "120 people" in html
    next_link = re.search(r'href="([^"]+)" data-testid="page-next"', html).group(1)
    assert f"unit={tree['KAZBAT'].pk}" in next_link
    assert "sort=-service_number" in next_link
    assert "page=2" in next_link
    third = client.get(URL, {**params, "page": 3})
    assert len(shown(third)) == 20
    every = shown(first) + shown(client.get(URL, {**params, "page": 2})) + shown(third)
    assert every == sorted(every, reverse=True)
    assert len(set(every)) == 120


def test_a_page_number_out_of_range_shows_the_last_page(client, registrar, people):
    client.force_login(registrar)
    response = client.get(URL, {"page": 99})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_empty_register_and_empty_search_say_so(client, registrar, people):
    client.force_login(registrar)
    html = client.get(URL, {"q": "nobody"}).content.decode()
    assert 'data-testid="empty-state"' in html
    assert "No one in the register matches this search." in html
    assert "0 people" in html


def test_empty_register_offers_to_add_the_first_person(client, registrar):
    client.force_login(registrar)
    html = client.get(URL).content.decode()
    assert "The register has no one in it yet." in html
    assert reverse("personnel:person_create") in html


# --- query count --------------------------------------------------------------------------


def _grow(n: int, units: list) -> None:
    ranks = [
        factories.RankFactory(),
        factories.RankFactory(code="MAJ", name="Major", seniority=13),
    ]
    for i in range(n):
        factories.PersonFactory(
            unit=units[i % len(units)],
            rank=ranks[i % 2],
            nationality=["KZ", "TJ", "KG"][i % 3],
        )


def _count(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "-rank", "q": "a"}, {"unit": "KAZBAT", "category": "military", "sort": "unit"}],
    ids=["plain", "search and sort", "unit filter"],
)
@pytest.mark.parametrize("role", ["registrar", "commander"])
def test_query_count_does_not_grow_with_the_rows(client, request, tree, params, role):
    client.force_login(request.getfixturevalue(role))
    if params.get("unit"):
        params = {**params, "unit": tree[params["unit"]].pk}
    units = [tree["KAZBAT"], tree["KAZBAT-1"], tree["MIA-FPU"]]
    _grow(10, units)
    few = _count(client, params)
    _grow(50, units)
    many = _count(client, params)
    assert many == few
    assert few <= 11  # session, user, roles, scope, then count, rows and the filter choices
