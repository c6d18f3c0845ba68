"""Adding and editing people: the forms, the services behind them, and who may use them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from personnel.models import Category, Person
from personnel.services import people as services
from tests import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("personnel:person_create")


def edit_url(person) -> str:
    return reverse("personnel:person_update", args=[person.pk])


@pytest.fixture
def unit():
    return factories.UnitFactory(code="KAZBAT-1")


@pytest.fixture
def captain():
    return factories.RankFactory()


@pytest.fixture
def police_major():
    return factories.RankFactory(
        code="P-MAJ", name="Major of Police", category=Category.POLICE, seniority=6
    )


def form_data(unit, rank, **changes) -> dict:
    data = {
        "last_name": "Сейтқали",
        "first_name": "Әлия",
        "middle_name": "",
        "gender": "F",
        "date_of_birth": "1990-04-12",
        "nationality": "KZ",
        "category": "military",
        "rank": rank.pk if rank else "",
        "service_number": "KZ-M-555001",
        "unit": unit.pk if unit else "",
        "service_start_date": "2010-09-01",
        "email": "seitkali@mil.example",
        "phone": "",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Every field the person form saves, as the form posts it.
STORED_FIELDS = (
    "last_name", "first_name", "middle_name", "gender", "date_of_birth", "nationality",
    "category", "rank", "service_number", "unit", "service_start_date", "email", "phone",
    "is_active",
)  # fmt: skip


def stored(person) -> dict:
    """The person as the database holds them, each field written as the form posts it."""
    person = Person.objects.get(pk=person.pk)
    values = {}
    for name in STORED_FIELDS:
        value = getattr(person, name)
        if name in {"rank", "unit"}:
            value = value.pk if value else ""
        elif isinstance(value, bool):
            value = "on" if value else ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[name] = value if isinstance(value, int) else str(value)
    return values


def edit_data(person, **changes) -> dict:
    """What the edit form posts for `person` as loaded, with `changes`."""
    data = form_data(
        person.unit,
        person.rank,
        last_name=person.last_name,
        first_name=person.first_name,
        gender=person.gender,
        date_of_birth=person.date_of_birth.isoformat(),
        category=person.category,
        service_number=person.service_number,
        service_start_date=person.service_start_date.isoformat(),
        email=person.email,
        version=person.updated_at.isoformat(),
    )
    data.update(changes)
    return data


# --- who may use them ---------------------------------------------------------------------


@pytest.fixture
def someone(unit):
    return factories.PersonFactory(unit=unit)


@pytest.mark.parametrize("page", ["create", "update"])
def test_anonymous_user_is_sent_to_login(client, someone, page):
    target = CREATE if page == "create" else edit_url(someone)
    for response in (client.get(target), client.post(target, {})):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("roles", [[Role.COMMANDER], [Role.INSTRUCTOR], []])
@pytest.mark.parametrize("page", ["create", "update"])
def test_other_roles_are_refused(client, someone, unit, captain, roles, page):
    user = factories.UserFactory(roles=roles)
    unit.commander = user  # even a commander of this person's own unit
    unit.save()
    client.force_login(user)
    target = CREATE if page == "create" else edit_url(someone)
    assert client.get(target).status_code == 403
    assert client.post(target, form_data(unit, captain)).status_code == 403
    assert Person.objects.count() == 1


def test_editing_an_unknown_person_is_not_found(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("personnel:person_update", args=[999999])).status_code == 404


# --- create -------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["registrar", "administrator"])
def test_add_a_person(client, request, unit, captain, user):
    client.force_login(request.getfixturevalue(user))
    response = client.post(CREATE, form_data(unit, captain))
    person = Person.objects.get(service_number="KZ-M-555001")
    assert response.status_code == 302
    assert response.url == person.get_absolute_url()
    assert stored(person) == {name: form_data(unit, captain)[name] for name in STORED_FIELDS}
    assert person.search_text.startswith("seitkali")
    assert "Saved" in client.get(response.url).content.decode()


def test_the_form_offers_units_indented_and_ranks_marked_with_their_category(
    client, registrar, unit, captain, police_major
):
    child = factories.UnitFactory(code="KAZBAT-1-1", parent=unit)
    client.force_login(registrar)
    html = client.get(CREATE).content.decode()
    assert f'<option value="{child.pk}">\u00a0\u00a0\u00a0KAZBAT-1-1' in html
    assert f'data-category="police" value="{police_major.pk}"' in html or (
        f'value="{police_major.pk}" data-category="police"' in html
    )
    assert 'name="version"' not in html  # nothing to be stale against yet


def _errors(response) -> dict:
    assert response.status_code == 200, "expected the form again, with errors"
    return response.context["form"].errors


def test_duplicate_service_number_is_named_on_its_field(client, registrar, unit, captain):
    factories.PersonFactory(service_number="KZ-M-555001")
    client.force_login(registrar)
    errors = _errors(client.post(CREATE, form_data(unit, captain)))
    assert errors["service_number"] == [
        "Another person in the register already has this service number."
    ]
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"service_start_date": "1990-04-12"},
            "service_start_date",
            "Service cannot start on or before the date of birth",
        ),
        (
            {"service_start_date": "1985-01-01"},
            "service_start_date",
            "Service cannot start on or before the date of birth",
        ),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "cannot be in the future"),
        ({"email": "seitkali-at-mil"}, "email", "Enter a valid email address."),
        ({"service_number": "  "}, "service_number", "This field is required."),
        ({"last_name": ""}, "last_name", "This field is required."),
        ({"date_of_birth": "12/04/1990x"}, "date_of_birth", "Enter a valid date."),
        ({"category": "civilian"}, "rank", "Civilians hold no rank"),
        ({"gender": "X"}, "gender", "Select a valid choice."),
    ],
)
def test_bad_input_is_named_on_its_field(client, registrar, unit, captain, changes, field, message):
    client.force_login(registrar)
    errors = _errors(client.post(CREATE, form_data(unit, captain, **changes)))
    assert message in " ".join(errors[field])
    assert not Person.objects.exists()


def test_a_rank_of_another_category_is_refused(client, registrar, unit, police_major):
    client.force_login(registrar)
    errors = _errors(client.post(CREATE, form_data(unit, police_major)))
    assert errors["rank"] == ["Major of Police is a police rank; choose a military rank."]


def test_civilian_without_rank_and_partner_without_unit_are_fine(client, registrar):
    client.force_login(registrar)
    data = form_data(None, None, category="civilian", nationality="TJ")
    assert client.post(CREATE, data).status_code == 302
    person = Person.objects.get()
    assert (person.rank, person.unit, person.nationality.code) == (None, None, "TJ")


def test_a_unit_outside_the_offered_units_is_refused(client, registrar, captain):
    client.force_login(registrar)
    data = {**form_data(None, captain), "unit": "999999"}
    errors = _errors(client.post(CREATE, data))
    assert "Select a valid choice" in errors["unit"][0]


# --- edit ---------------------------------------------------------------------------------


def test_edit_a_person(client, registrar, someone):
    client.force_login(registrar)
    response = client.get(edit_url(someone))
    assert f'value="{someone.updated_at.isoformat()}"' in response.content.decode()
    response = client.post(edit_url(someone), edit_data(someone, phone="+7 701 111 22 33"))
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.phone == "+7 701 111 22 33"


def test_edit_form_shows_the_saved_values_and_a_refused_edit_keeps_the_page_right(
    client, registrar, someone, unit
):
    client.force_login(registrar)
    html = client.get(edit_url(someone)).content.decode()
    assert f'<option value="{unit.pk}" selected>' in html
    factories.PersonFactory(service_number="KZ-M-999998")
    response = client.post(edit_url(someone), edit_data(someone, service_number="KZ-M-999998"))
    assert response.context["form"].errors["service_number"]
    assert response.context["person"].service_number == someone.service_number  # breadcrumb


def test_edit_keeps_the_own_service_number(client, registrar, someone):
    client.force_login(registrar)
    posted = edit_data(someone, first_name="Marat")
    response = client.post(edit_url(someone), posted)
    assert response.status_code == 302
    assert stored(someone) == {
        **{name: posted[name] for name in STORED_FIELDS},
        "first_name": "Marat",
        "service_number": someone.service_number,
    }


def test_edit_to_a_taken_service_number_is_refused(client, registrar, someone):
    factories.PersonFactory(service_number="KZ-M-999999")
    client.force_login(registrar)
    errors = _errors(
        client.post(edit_url(someone), edit_data(someone, service_number="KZ-M-999999"))
    )
    assert errors["service_number"] == [
        "Another person in the register already has this service number."
    ]


def test_stale_edit_is_refused_with_the_current_values(client, registrar, someone):
    client.force_login(registrar)
    loaded = edit_data(someone, phone="+7 701 000 00 01")  # the form as the user loaded it
    # Meanwhile another registrar changes the e-mail.
    services.person_update(
        person=someone,
        values={"email": "new@mil.example"},
        expected_updated_at=someone.updated_at,
    )
    response = client.post(edit_url(someone), loaded)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this person after you opened the form" in html
    assert 'data-testid="stale-warning"' in html
    differences = {d.label: (d.saved, d.yours) for d in response.context["outcome"].differences}
    assert differences["E-mail"] == ("new@mil.example", "—")  # the user's form had none
    assert differences["Phone"] == ("—", "+7 701 000 00 01")
    someone.refresh_from_db()
    assert (someone.email, someone.phone) == ("new@mil.example", "")
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert f'value="{someone.updated_at.isoformat()}"' in html
    again = {**loaded, "version": someone.updated_at.isoformat()}
    assert client.post(edit_url(someone), again).status_code == 302
    someone.refresh_from_db()
    assert (someone.email, someone.phone) == (loaded["email"], "+7 701 000 00 01")


def test_a_mangled_version_is_refused(client, registrar, someone):
    client.force_login(registrar)
    errors = _errors(client.post(edit_url(someone), edit_data(someone, version="yesterday")))
    assert "reload the page" in errors["version"][0]


# --- the services on their own ------------------------------------------------------------


def _values(unit, rank, **changes) -> dict:
    values = {
        "service_number": "KZ-M-777001",
        "rank": rank,
        "last_name": "Ospanov",
        "first_name": "Daniyar",
        "gender": "M",
        "date_of_birth": dt.date(1991, 3, 3),
        "category": Category.MILITARY,
        "unit": unit,
        "service_start_date": dt.date(2012, 8, 1),
    }
    values.update(changes)
    return values


def test_person_create_validates(unit, captain):
    factories.PersonFactory(service_number="KZ-M-777001")
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            values=_values(unit, captain, service_start_date=dt.date(1990, 1, 1))
        )
    assert set(caught.value.message_dict) == {"service_number", "service_start_date"}


def test_person_create_turns_a_racing_duplicate_into_a_field_error(monkeypatch, unit, captain):
    """Validation passed, then another request inserted the number: the unique constraint
    answers, and the user still reads which field is wrong."""
    factories.PersonFactory(service_number="KZ-M-777001")
    monkeypatch.setattr(services, "_validate_person", lambda person: None)
    with pytest.raises(ValidationError) as caught:
        services.person_create(values=_values(unit, captain))
    assert caught.value.message_dict == {
        "service_number": ["Another person in the register already has this service number."]
    }
    assert isinstance(caught.value.__cause__, IntegrityError)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"service_start_date": dt.date(1991, 3, 3)},
            "service_start_date",
            "Service cannot start before the date of birth.",
        ),
        ({"category": Category.CIVILIAN}, "rank", "Civilians hold no rank."),
    ],
)
def test_person_create_turns_a_check_constraint_into_a_field_error(
    monkeypatch, unit, captain, changes, field, message
):
    monkeypatch.setattr(services, "_validate_person", lambda person: None)
    with pytest.raises(ValidationError) as caught:
        services.person_create(values=_values(unit, captain, **changes))
    assert caught.value.message_dict == {field: [message]}
    assert not Person.objects.exists()


def test_the_database_refuses_a_civilian_with_a_rank(captain):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.PersonFactory(category=Category.CIVILIAN, rank=captain)


def test_person_update_refuses_a_stale_version(someone):
    loaded_at = someone.updated_at
    services.person_update(person=someone, values={"phone": "1"}, expected_updated_at=loaded_at)
    with pytest.raises(services.StaleRecordError) as caught:
        services.person_update(person=someone, values={"phone": "2"}, expected_updated_at=loaded_at)
    assert caught.value.current.phone == "1"
    someone.refresh_from_db()
    assert someone.phone == "1"


def test_services_refuse_fields_they_do_not_know(someone):
    with pytest.raises(TypeError, match="search_text"):
        services.person_update(
            person=someone, values={"search_text": "x"}, expected_updated_at=someone.updated_at
        )
