"""The person picker: the search endpoint (matching in any script, scope per purpose and
role, the limit, bad input, throttling) and the form field (a chosen id, a forged or
out-of-scope id, a service number typed without JavaScript), and the widget's markup."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from personnel.forms.fields import PersonPickerField
from personnel.models import Person
from personnel.picker import SEARCH_LIMIT, person_label
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("personnel:people_search")
PLANNING = "deployment"
ENROLLING = "enrolment"


@pytest.fixture
def battalion(commander):
    return factories.UnitFactory(code="KAZBAT", commander=commander)


@pytest.fixture
def zhumabayev(battalion):
    return factories.PersonFactory(
        last_name="Жумабаев", first_name="Арман", service_number="KZ-7001", unit=battalion
    )


@pytest.fixture
def outsider():
    """Somebody of another unit, whom a commander of KAZBAT does not see."""
    return factories.PersonFactory(
        last_name="Zhumabayev", first_name="Nurlan", service_number="KZ-9001",
        unit=factories.UnitFactory(code="MIA-FPU"),
    )  # fmt: skip


def search(client, q, purpose=PLANNING, **extra):
    return client.get(URL, {"q": q, "purpose": purpose, **extra})


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# -- the endpoint ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Жумабаев", "Zhumabayev", "zhumabaev", "Jumabaev", "жумабаев арман"]
)
def test_every_spelling_finds_the_person(client, registrar, zhumabayev, query):
    factories.PersonFactory(last_name="Other", first_name="Name")
    client.force_login(registrar)
    assert ids(search(client, query)) == [zhumabayev.pk]


def test_a_service_number_finds_the_person_first_with_what_the_list_shows(
    client, registrar, zhumabayev
):
    factories.PersonFactory(last_name="KZ-7001-prefixed", service_number="KZ-70010")
    client.force_login(registrar)
    response = search(client, "kz-7001")
    rows = response.json()["results"]
    assert rows[0] == {
        "id": zhumabayev.pk,
        "label": person_label(zhumabayev),
        "name": "Жумабаев Арман",
        "rank": str(zhumabayev.rank),
        "unit": "KAZBAT",
        "service_number": "KZ-7001",
        "active": True,
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_commander_finds_only_the_people_of_their_units(client, commander, zhumabayev, outsider):
    client.force_login(commander)
    assert ids(search(client, "Zhumabayev")) == [zhumabayev.pk]
    assert ids(search(client, "KZ-9001")) == []


def test_a_registrar_finds_everyone(client, registrar, zhumabayev, outsider):
    client.force_login(registrar)
    assert sorted(ids(search(client, "Zhumabayev"))) == sorted([zhumabayev.pk, outsider.pk])


def test_planning_offers_only_active_people(client, registrar, zhumabayev):
    Person.objects.filter(pk=zhumabayev.pk).update(is_active=False)
    client.force_login(registrar)
    assert ids(search(client, "Zhumabayev")) == []
    # Enrolment offers them: the preview says why they are left out.
    assert ids(search(client, "Zhumabayev", purpose=ENROLLING)) == [zhumabayev.pk]


@pytest.mark.parametrize(
    ("role", "purpose", "status"),
    [
        (Role.INSTRUCTOR, PLANNING, 403),
        (Role.INSTRUCTOR, ENROLLING, 403),
        (Role.COMMANDER, ENROLLING, 403),
        (Role.COMMANDER, PLANNING, 200),
        (Role.REGISTRAR, ENROLLING, 200),
        (Role.ADMINISTRATOR, PLANNING, 200),
    ],
)
def test_who_may_search_for_which_purpose(client, zhumabayev, role, purpose, status):
    client.force_login(factories.UserFactory(roles=[role]))
    assert search(client, "Zhumabayev", purpose=purpose).status_code == status


def test_a_user_without_a_role_is_refused(client, zhumabayev):
    client.force_login(factories.UserFactory())
    assert search(client, "Zhumabayev").status_code == 403


def test_signed_out_is_sent_to_sign_in(client, zhumabayev):
    response = search(client, "Zhumabayev")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_at_most_the_limit_is_sent_and_more_is_said(client, registrar, battalion):
    factories.PersonFactory.create_batch(SEARCH_LIMIT + 3, last_name="Seitkali", unit=battalion)
    client.force_login(registrar)
    data = search(client, "Сейтқали").json()
    assert len(data["results"]) == SEARCH_LIMIT
    assert data["more"] is True
    data = search(client, "Сейтқали", purpose=PLANNING, extra="ignored").json()
    assert data["limit"] == SEARCH_LIMIT


def test_the_queries_do_not_grow_with_the_register(client, commander, battalion):
    client.force_login(commander)
    factories.PersonFactory.create_batch(3, last_name="Seitkali", unit=battalion)
    search(client, "Seitkali")  # the session and permissions cached alike
    with CaptureQueriesContext(connection) as few:
        search(client, "Seitkali")
    factories.PersonFactory.create_batch(40, last_name="Seitkali", unit=battalion)
    with CaptureQueriesContext(connection) as many:
        assert len(ids(search(client, "Seitkali"))) == SEARCH_LIMIT
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Zhumabayev"},  # no purpose
        {"q": "Zhumabayev", "purpose": "everyone"},  # nobody registered it
        {"q": "Zhumabayev", "purpose": ""},
        {"q": "x" * 101, "purpose": PLANNING},
        {"q": "Zhuma\x00bayev", "purpose": PLANNING},
        {"q": "Zhuma\x1bbayev", "purpose": PLANNING},
        {"q": ["a", "b"], "purpose": [PLANNING, "x"]},
    ],
)
def test_junk_is_a_bad_request(client, registrar, zhumabayev, params):
    client.force_login(registrar)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["error"] == "bad request"


@pytest.mark.parametrize("query", ["", "   ", "%", "_", "'; --"])
def test_a_query_naming_nobody_finds_nobody(client, registrar, zhumabayev, query):
    client.force_login(registrar)
    assert ids(search(client, query)) == []


def test_only_get_is_answered(client, registrar):
    client.force_login(registrar)
    assert client.post(URL, {"q": "x", "purpose": PLANNING}).status_code == 405


@override_settings(PEOPLE_SEARCH_RATE="3/m")
def test_searches_are_throttled_per_user(client, registrar, zhumabayev):
    client.force_login(registrar)
    for _ in range(3):
        assert search(client, "Zhumabayev").status_code == 200
    throttled = search(client, "Zhumabayev")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    # Another user keeps their own count.
    client.force_login(factories.UserFactory(roles=[Role.REGISTRAR]))
    assert search(client, "Zhumabayev").status_code == 200


# -- the field ------------------------------------------------------------------------------


def field_for(people=None, **kwargs) -> PersonPickerField:
    field = PersonPickerField(purpose=PLANNING, **kwargs)
    field.queryset = people if people is not None else Person.objects.all()
    return field


def test_a_chosen_id_in_scope_is_the_person(zhumabayev):
    field = field_for(Person.objects.filter(unit__code="KAZBAT"))
    assert field.clean({"id": str(zhumabayev.pk), "text": person_label(zhumabayev)}) == zhumabayev
    assert field.clean({"id": str(zhumabayev.pk), "text": ""}) == zhumabayev
    # The text as the user typed it before choosing still names them.
    assert field.clean({"id": str(zhumabayev.pk), "text": "Жумабаев"}) == zhumabayev


def test_an_id_out_of_scope_is_the_fields_error(zhumabayev, outsider):
    field = field_for(Person.objects.filter(unit__code="KAZBAT"))
    with pytest.raises(ValidationError) as refused:
        field.clean({"id": str(outsider.pk), "text": person_label(outsider)})
    assert refused.value.code == "invalid_choice"


@pytest.mark.parametrize("forged", ["999999", "abc", "1.5", "-3", "١٢", "9" * 40, "1 OR 1=1"])
def test_a_forged_id_is_the_fields_error(zhumabayev, forged):
    with pytest.raises(ValidationError) as refused:
        field_for().clean({"id": forged, "text": ""})
    assert refused.value.code == "invalid_choice"


def test_a_service_number_typed_without_javascript_is_looked_up(zhumabayev, outsider):
    field = field_for(Person.objects.filter(unit__code="KAZBAT"))
    assert field.clean({"id": "", "text": " kz-7001 "}) == zhumabayev
    # Out of scope: the same answer as a number nobody has (nothing said of who exists).
    for number in ("KZ-9001", "KZ-0000"):
        with pytest.raises(ValidationError) as refused:
            field.clean({"id": "", "text": number})
        assert refused.value.code == "not_found"


def test_someone_else_typed_over_a_chosen_id_is_not_the_chosen_person(zhumabayev, battalion):
    other = factories.PersonFactory(service_number="KZ-7002", unit=battalion)
    field = field_for()
    # Without JavaScript the hidden id stays: the text wins when it names someone else.
    assert field.clean({"id": str(zhumabayev.pk), "text": "KZ-7002"}) == other
    with pytest.raises(ValidationError) as refused:
        field.clean({"id": str(zhumabayev.pk), "text": "Seitkali"})
    assert refused.value.code == "not_found"


def test_required_and_optional(zhumabayev):
    with pytest.raises(ValidationError) as refused:
        field_for().clean({"id": "", "text": "  "})
    assert refused.value.code == "required"
    assert field_for(required=False).clean({"id": "", "text": ""}) is None


# -- the widget -----------------------------------------------------------------------------


def test_the_widget_renders_a_combobox_with_the_chosen_person_and_no_list(zhumabayev, outsider):
    field = field_for(Person.objects.filter(unit__code="KAZBAT"))
    html = field.widget.render("person", zhumabayev.pk, attrs={"id": "id_person"})
    for part in (
        'role="combobox"',
        'aria-expanded="false"',
        'aria-controls="id_person_listbox"',
        'aria-autocomplete="list"',
        'role="listbox" id="id_person_listbox"',
        f'type="hidden" name="person" value="{zhumabayev.pk}"',
        'name="person_text"',
        f'value="{person_label(zhumabayev)}"',
        f'data-url="{URL}"',
        'data-purpose="deployment"',
    ):
        assert part in html, part
    assert "<option" not in html
    # An id out of scope (from a link) shows nobody.
    html = field.widget.render("person", outsider.pk, attrs={"id": "id_person"})
    assert "KZ-9001" not in html
    assert 'name="person" value=""' in html
