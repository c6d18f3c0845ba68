"""The contingent pages (readiness/views/contingents.py and the contingent page's posts by
role): creating and editing with posts, the next rotation and its proposed roster, who may
open them, queries flat in the roster's size, and tables that scroll on a phone."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readiness.models import Contingent, Deployment
from readiness.services.contingents import post_fill
from tests import factories
from tests.readiness.contingent_support import (
    TOUR_END,
    TOUR_START,
    build_world,
    lapsing_person,
    ready_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(commander):
    return build_world(commander)


def form_data(world, **overrides):
    data = {
        "mission": world.mission.pk,
        "unit": world.battalion.pk,
        "name": "KAZCOY",
        "rotation": 5,
        "starts_on": TOUR_START.isoformat(),
        "ends_on": TOUR_END.isoformat(),
        "partner_country": "IN",
        "partner_unit": "INDBATT",
        f"posts_{world.officer.pk}": 12,
        f"posts_{world.staff.pk}": 18,
        f"posts_{world.member.pk}": 90,
    }
    data.update(overrides)
    return data


class TableCheck(HTMLParser):
    """Records every <table> and whether an element around it has class table-responsive."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.tables: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table":
            self.tables.append(any(wrapped for _tag, wrapped in self.stack))
        self.stack.append((tag, "table-responsive" in classes))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break


def tables_scroll(html: str) -> list[bool]:
    check = TableCheck()
    check.feed(html)
    return check.tables


# --- creating and editing ------------------------------------------------------------------


def test_a_commander_creates_a_contingent_from_the_form(client, world):
    client.force_login(world.commander)
    url = reverse("readiness:contingent_create")
    page = client.get(f"{url}?mission={world.mission.pk}")
    assert page.status_code == 200
    assert page.context["form"].initial["mission"] == str(world.mission.pk)
    response = client.post(url, form_data(world))
    created = Contingent.objects.get(rotation=5)
    assert response.status_code == 302
    assert response["Location"] == reverse("readiness:contingent_detail", args=[created.pk])
    assert created.planned_strength == 120
    assert created.partner_unit == "INDBATT"


def test_the_form_offers_only_the_commanders_units(client, world):
    client.force_login(world.commander)
    form = client.get(reverse("readiness:contingent_create")).context["form"]
    assert set(form.fields["unit"].queryset) == {world.battalion, world.company}
    response = client.post(
        reverse("readiness:contingent_create"), form_data(world, unit=world.other.pk)
    )
    assert response.status_code == 200
    assert "Choose one of your units" in response.context["form"].errors["unit"][0]
    assert not Contingent.objects.filter(rotation=5).exists()


def test_bad_input_is_named_on_its_field_and_nothing_is_saved(client, world):
    client.force_login(world.commander)
    response = client.post(
        reverse("readiness:contingent_create"),
        form_data(world, partner_country="", rotation=1),
    )
    errors = response.context["form"].errors
    assert response.status_code == 200
    assert "choose the partner country" in errors["partner_country"][0]
    assert errors["rotation"] == ["KAZBAT already has rotation 1 in UNIFIL."]
    assert Contingent.objects.count() == 1
    # The typed values stay in the form.
    assert response.context["form"]["partner_unit"].value() == "INDBATT"


def test_no_posts_at_all_is_said_above_the_form(client, world):
    client.force_login(world.commander)
    data = form_data(world)
    for role in (world.officer, world.staff, world.member):
        data[f"posts_{role.pk}"] = ""
    response = client.post(reverse("readiness:contingent_create"), data)
    assert response.context["form"].non_field_errors() == [
        "Give at least one role its number of posts."
    ]


def test_editing_shows_the_posts_and_saves_them(client, world):
    client.force_login(world.commander)
    url = reverse("readiness:contingent_edit", args=[world.contingent.pk])
    form = client.get(url).context["form"]
    assert form.initial[f"posts_{world.staff.pk}"] == 2
    data = form_data(world, rotation=1, partner_country="", partner_unit="")
    response = client.post(url, data)
    assert response.status_code == 302
    world.contingent.refresh_from_db()
    assert world.contingent.planned_strength == 120


@pytest.mark.parametrize(
    "name", ["contingent_edit", "contingent_next_rotation", "contingent_proposal"]
)
def test_another_units_commander_gets_404_and_changes_nothing(client, world, name):
    client.force_login(world.other_commander)
    url = reverse(f"readiness:{name}", args=[world.contingent.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(world, rotation=1)).status_code == 404
    assert Contingent.objects.count() == 1
    world.contingent.refresh_from_db()
    assert world.contingent.partner_unit == ""


@pytest.mark.parametrize("who", ["instructor", "registrar"])
def test_instructors_and_registrars_get_403(client, world, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("readiness:contingent_create")).status_code == 403
    assert client.post(reverse("readiness:contingent_create"), form_data(world)).status_code == 403
    url = reverse("readiness:contingent_next_rotation", args=[world.contingent.pk])
    assert client.post(url).status_code == 403
    assert Contingent.objects.count() == 1


def test_the_registrar_reads_the_posts_but_is_offered_no_management(client, world, registrar):
    client.force_login(registrar)
    page = client.get(reverse("readiness:contingent_detail", args=[world.contingent.pk]))
    html = page.content.decode()
    assert 'data-testid="posts"' in html
    assert 'data-testid="next-rotation"' not in html
    assert 'data-testid="edit-contingent"' not in html


# --- the next rotation and its proposal ----------------------------------------------------


def test_a_commander_creates_the_next_rotation_and_fills_it_from_the_proposal(client, world):
    people = [ready_person(world.company, f"Person{i}") for i in range(7)]
    client.force_login(world.commander)
    detail = client.get(reverse("readiness:contingent_detail", args=[world.contingent.pk]))
    assert 'data-testid="next-rotation"' in detail.content.decode()
    url = reverse("readiness:contingent_next_rotation", args=[world.contingent.pk])
    confirm = client.get(url)
    assert confirm.context["starts_on"] == TOUR_END + dt.timedelta(days=1)
    response = client.post(url)
    following = Contingent.objects.get(rotation=2)
    proposal_url = reverse("readiness:contingent_proposal", args=[following.pk])
    assert response["Location"] == proposal_url
    page = client.get(proposal_url)
    offered = [
        f"{c.person.pk}:{row.role.pk}"
        for row in page.context["proposal"].rows
        for c in row.candidates
    ]
    assert len(offered) == 6  # 1 + 2 + 3 posts, 7 people ready
    assert page.content.decode().count('data-testid="candidate"') == 6
    accepted = client.post(proposal_url, {"picks": offered[:5]})
    assert accepted["Location"] == reverse("readiness:contingent_detail", args=[following.pk])
    tours = Deployment.objects.filter(contingent=following)
    assert tours.count() == 5
    assert {t.person_id for t in tours} <= {p.pk for p in people}
    detail = client.get(accepted["Location"])
    posts = detail.context["posts"]
    assert (posts.filled, posts.open) == (5, 1)
    # The rotation exists now: the page says so instead of offering it again.
    again = client.get(url)
    assert again.context["following"] == following


def test_a_pick_of_someone_outside_the_unit_is_refused_by_the_service(client, world):
    outsider = ready_person(world.other, "Outsider")
    client.force_login(world.commander)
    url = reverse("readiness:contingent_proposal", args=[world.contingent.pk])
    response = client.post(url, {"picks": [f"{outsider.pk}:{world.member.pk}"]}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any("not in your units" in m for m in shown), shown
    assert not Deployment.objects.exists()


@pytest.mark.parametrize("pick", ["x:1", "1:", "\uff11:1", "ROLE"])
def test_a_malformed_pick_or_a_role_without_posts_is_refused_on_the_form(client, world, pick):
    client.force_login(world.commander)
    url = reverse("readiness:contingent_proposal", args=[world.contingent.pk])
    other_role = factories.RequirementProfileFactory(code="c-pilot")
    person = ready_person(world.company, "Abaev")
    for value in (pick.replace("ROLE", f"{person.pk}:{other_role.pk}"),):
        response = client.post(url, {"picks": [value]})
        assert response.status_code == 200
        assert "reload it" in response.context["form"].errors["picks"][0]
    assert client.post(url, {}).context["form"].errors["picks"] == [
        "Tick at least one proposed person."
    ]
    assert not Deployment.objects.exists()


def test_a_pick_that_became_impossible_is_reported_and_the_others_planned(client, world):
    first, second = (ready_person(world.company, name) for name in ("Abaev", "Baev"))
    client.force_login(world.commander)
    url = reverse("readiness:contingent_proposal", args=[world.contingent.pk])
    client.get(url)
    # Meanwhile the second person's medical clearance is found to lapse before the tour.
    second.medical_clearances.update(valid_until=TOUR_START - dt.timedelta(days=1))
    picks = [f"{first.pk}:{world.officer.pk}", f"{second.pk}:{world.staff.pk}"]
    response = client.post(url, {"picks": picks}, follow=True)
    assert Deployment.objects.get().person == first
    shown = [str(m) for m in response.context["messages"]]
    assert any("Planned 1 person" in m for m in shown)
    assert any("was not planned" in m and "not ready" in m for m in shown)


# --- queries flat in the roster's size -----------------------------------------------------


def grow(world, n: int, start: int) -> None:
    """n more people planned into the contingent's member posts, one in two lapsing."""
    post = world.contingent.posts.get(role=world.member)
    post.count += n
    post.save()
    for i in range(start, start + n):
        person = (
            lapsing_person(world.company, f"Grown{i}", medical_until=TOUR_END - dt.timedelta(1))
            if i % 2
            else ready_person(world.company, f"Grown{i}")
        )
        post_fill(contingent=world.contingent, person=person, role=world.member, by=world.commander)


@pytest.mark.parametrize("who", ["commander", "registrar"])
def test_the_contingent_page_takes_as_many_queries_at_3_and_30_tours(
    client, world, request, django_assert_num_queries, who
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("readiness:contingent_detail", args=[world.contingent.pk])
    grow(world, 3, 0)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url)
    assert page.context["posts"].at_risk == 1
    grow(world, 27, 3)
    with django_assert_num_queries(len(small)):
        page = client.get(url)
    assert page.context["posts"].at_risk == 15
    assert page.content.decode().count('data-testid="at-risk-person"') == 15


def test_the_proposal_takes_as_many_queries_at_5_and_50_people(
    client, world, django_assert_num_queries
):
    client.force_login(world.commander)
    url = reverse("readiness:contingent_proposal", args=[world.contingent.pk])
    for i in range(5):
        ready_person(world.company, f"Few{i}")
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).context["proposal"].proposed == 5
    for i in range(45):
        ready_person(world.company, f"Many{i:02d}")
    world.contingent.posts.filter(role=world.member).update(count=40)
    with django_assert_num_queries(len(small)):
        assert client.get(url).context["proposal"].proposed == 43


# --- a phone's width -----------------------------------------------------------------------


def test_every_table_of_the_contingent_pages_scrolls_sideways_on_a_phone(client, world):
    person = lapsing_person(world.company, "Risky", medical_until=TOUR_END - dt.timedelta(1))
    post_fill(contingent=world.contingent, person=person, role=world.member, by=world.commander)
    ready_person(world.company, "Free")
    client.force_login(world.commander)
    pages = [
        reverse("readiness:contingent_detail", args=[world.contingent.pk]),
        reverse("readiness:contingent_proposal", args=[world.contingent.pk]),
        reverse("readiness:contingent_next_rotation", args=[world.contingent.pk]),
    ]
    for url in pages:
        tables = tables_scroll(client.get(url).content.decode())
        assert tables, url
        assert all(tables), url
    for url in (
        reverse("readiness:contingent_create"),
        reverse("readiness:contingent_edit", args=[world.contingent.pk]),
    ):
        assert client.get(url).status_code == 200
