"""Qualification records from a person's page: one generic view and form for five kinds."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from personnel import models as personnel
from personnel.services import people as services
from tests import factories

pytestmark = pytest.mark.django_db

KINDS = ("language", "medical", "passport", "driving-licence", "weapons")


@pytest.fixture
def person():
    return factories.PersonFactory(unit=factories.UnitFactory(code="KAZBAT"))


@pytest.fixture
def language(person):
    return factories.LanguageProficiencyFactory(person=person)


def create_url(person, kind: str) -> str:
    return reverse("personnel:qualification_create", args=[person.pk, kind])


def update_url(record, kind: str) -> str:
    return reverse("personnel:qualification_update", args=[record.person_id, kind, record.pk])


def delete_url(record, kind: str) -> str:
    return reverse("personnel:qualification_delete", args=[record.person_id, kind, record.pk])


LANGUAGE = {
    "language": "en",
    "listening": "3",
    "speaking": "2",
    "reading": "3",
    "writing": "2",
    "issued_on": "2026-05-01",
    "valid_until": "2029-05-01",
    "document_number": "ELT-2026-1",
    "remarks": "",
}
VALID_POSTS = {
    "language": LANGUAGE,
    "medical": {"fitness": "fit", "issued_on": "2026-10-01", "valid_until": "2027-10-01"},
    "passport": {
        "kind": "service",
        "document_number": "N12345678",
        "issued_on": "2024-07-10",
        "valid_until": "2034-07-09",
    },
    "driving-licence": {
        "categories": "B, C",
        "manual_transmission": "on",
        "issued_on": "2015-04-01",
        "valid_until": "2035-04-01",
    },
    "weapons": {"weapon": "rifle", "issued_on": "2026-01-10", "valid_until": "2027-01-10"},
}


def as_posted(record, post: dict) -> dict:
    """The record's stored values of the posted fields, written as the form posts them."""
    record = type(record).objects.get(pk=record.pk)  # what the database holds
    values = {}
    for name in post:
        value = getattr(record, name)
        if isinstance(value, bool):
            values[name] = "on" if value else ""
        elif isinstance(value, dt.date):
            values[name] = value.isoformat()
        else:
            values[name] = str(value)
    return values


# --- who may use them ---------------------------------------------------------------------


def _all_urls(record) -> list[str]:
    return [
        create_url(record.person, "language"),
        update_url(record, "language"),
        delete_url(record, "language"),
    ]


def test_anonymous_user_is_sent_to_login(client, language):
    for target in _all_urls(language):
        for response in (client.get(target), client.post(target, LANGUAGE)):
            assert response.status_code == 302
            assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("roles", [[Role.COMMANDER], [Role.INSTRUCTOR], []])
def test_other_roles_are_refused(client, language, roles):
    user = factories.UserFactory(roles=roles)
    language.person.unit.commander = user  # even the person's own commander
    language.person.unit.save()
    client.force_login(user)
    for target in _all_urls(language):
        assert client.get(target).status_code == 403
        assert client.post(target, LANGUAGE).status_code == 403
    assert personnel.LanguageProficiency.objects.get() == language


def test_unknown_kind_person_or_record_is_not_found(client, registrar, person, language):
    other = factories.LanguageProficiencyFactory()  # someone else's record
    client.force_login(registrar)
    assert client.get(create_url(person, "diploma")).status_code == 404
    assert (
        client.get(reverse("personnel:qualification_create", args=[999999, "medical"])).status_code
        == 404
    )
    wrong_person = reverse("personnel:qualification_update", args=[person.pk, "language", other.pk])
    assert client.get(wrong_person).status_code == 404
    assert client.get(update_url(language, "passport")).status_code == 404  # wrong kind
    foreign_delete = reverse(
        "personnel:qualification_delete", args=[person.pk, "language", other.pk]
    )
    assert client.post(foreign_delete).status_code == 404
    assert personnel.LanguageProficiency.objects.count() == 2


# --- add, edit, remove --------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_add_each_kind(client, registrar, person, kind):
    client.force_login(registrar)
    assert client.get(create_url(person, kind)).status_code == 200
    response = client.post(create_url(person, kind), VALID_POSTS[kind])
    assert response.status_code == 302
    assert response.url == f"{person.get_absolute_url()}#{kind}"
    model = {
        "language": personnel.LanguageProficiency,
        "medical": personnel.MedicalClearance,
        "passport": personnel.Passport,
        "driving-licence": personnel.DrivingLicence,
        "weapons": personnel.WeaponsQualification,
    }[kind]
    record = model.objects.get()
    assert record.person == person
    assert as_posted(record, VALID_POSTS[kind]) == VALID_POSTS[kind]


def test_language_form_offers_the_un_languages_and_names_the_test_date(client, registrar, person):
    client.force_login(registrar)
    form = client.get(create_url(person, "language")).context["form"]
    assert [value for value, _label in form.fields["language"].choices] == [
        "en",
        "fr",
        "ar",
        "ru",
        "es",
        "zh",
    ]
    assert form.fields["issued_on"].label == "Test date"
    assert 'max="5"' in str(form["listening"])


def test_edit_a_record(client, registrar, language):
    client.force_login(registrar)
    page = client.get(update_url(language, "language"))
    assert page.context["form"]["version"].value() == language.updated_at.isoformat()
    data = {**LANGUAGE, "speaking": "3", "version": language.updated_at.isoformat()}
    assert client.post(update_url(language, "language"), data).status_code == 302
    language.refresh_from_db()
    assert language.profile == "3-3-3-2"


def test_remove_a_record_after_asking(client, registrar, language):
    client.force_login(registrar)
    page = client.get(delete_url(language, "language"))
    assert page.status_code == 200
    assert "Remove this language proficiency?" in page.content.decode()
    assert personnel.LanguageProficiency.objects.exists()
    response = client.post(delete_url(language, "language"))
    assert response.status_code == 302
    assert not personnel.LanguageProficiency.objects.exists()


# --- bad input ----------------------------------------------------------------------------


def _errors(response) -> dict:
    assert response.status_code == 200, "expected the form again, with errors"
    return response.context["form"].errors


@pytest.mark.parametrize("kind", KINDS)
def test_valid_until_before_issued_is_an_error_on_valid_until(client, registrar, person, kind):
    client.force_login(registrar)
    data = {**VALID_POSTS[kind], "issued_on": "2026-05-01", "valid_until": "2026-04-30"}
    errors = _errors(client.post(create_url(person, kind), data))
    assert errors["valid_until"] == ["Valid until cannot be before the issue date (2026-05-01)."]
    assert "__all__" not in errors  # said once, on the field, not again by the constraint


@pytest.mark.parametrize("skill", ["listening", "speaking", "reading", "writing"])
def test_stanag_level_out_of_range_names_the_skill(client, registrar, person, skill):
    client.force_login(registrar)
    errors = _errors(client.post(create_url(person, "language"), {**LANGUAGE, skill: "6"}))
    assert errors == {
        skill: [
            f"{skill.capitalize()} level 6 is out of range: STANAG 6001 levels run from 0 to 5."
        ]
    }
    assert not personnel.LanguageProficiency.objects.exists()


@pytest.mark.parametrize(
    ("kind", "changes", "field", "message"),
    [
        ("language", {"listening": "-1"}, "listening", "greater than or equal to 0"),
        ("language", {"language": "kk"}, "language", "Select a valid choice."),
        ("language", {"issued_on": ""}, "issued_on", "This field is required."),
        ("passport", {"document_number": ""}, "document_number", "This field is required."),
        ("weapons", {"weapon": "sword"}, "weapon", "Select a valid choice."),
        ("driving-licence", {"categories": ""}, "categories", "This field is required."),
        ("medical", {"valid_until": "31.02.2027"}, "valid_until", "Enter a valid date."),
    ],
)
def test_bad_input_is_named_on_its_field(client, registrar, person, kind, changes, field, message):
    client.force_login(registrar)
    errors = _errors(client.post(create_url(person, kind), {**VALID_POSTS[kind], **changes}))
    assert message in " ".join(errors[field])


def test_a_failed_edit_keeps_what_was_saved(client, registrar, language):
    client.force_login(registrar)
    data = {**LANGUAGE, "writing": "9", "version": language.updated_at.isoformat()}
    _errors(client.post(update_url(language, "language"), data))
    language.refresh_from_db()
    assert language.profile == "3-2-3-2"


def test_stale_edit_is_refused_with_the_current_values(client, registrar, language):
    client.force_login(registrar)
    loaded = {**LANGUAGE, "speaking": "4", "version": language.updated_at.isoformat()}
    services.qualification_update(
        record=language,
        values={"reading": 4},
        expected_updated_at=language.updated_at,
    )
    response = client.post(update_url(language, "language"), loaded)
    assert response.status_code == 200
    assert "Someone else changed this language proficiency" in response.content.decode()
    differences = {d.label: (d.saved, d.yours) for d in response.context["outcome"].differences}
    assert differences["Reading"] == ("4", "3")
    assert differences["Speaking"] == ("2", "4")
    language.refresh_from_db()
    assert language.profile == "3-2-4-2"


# --- the services on their own ------------------------------------------------------------


def test_qualification_create_validates(person):
    with pytest.raises(ValidationError) as caught:
        services.qualification_create(
            person=person,
            model=personnel.LanguageProficiency,
            values={
                "language": "en",
                "listening": 6,
                "speaking": 2,
                "reading": 3,
                "writing": 2,
                "issued_on": dt.date(2026, 5, 1),
                "valid_until": dt.date(2026, 1, 1),
            },
        )
    assert set(caught.value.message_dict) == {"listening", "valid_until"}


def test_a_check_constraint_the_validation_missed_is_named_on_its_field(monkeypatch, person):
    monkeypatch.setattr(personnel.MedicalClearance, "full_clean", lambda self: None)
    with pytest.raises(ValidationError) as caught:
        services.qualification_create(
            person=person,
            model=personnel.MedicalClearance,
            values={"issued_on": dt.date(2026, 5, 1), "valid_until": dt.date(2026, 1, 1)},
        )
    assert caught.value.message_dict == {
        "valid_until": ["Valid until cannot be before the issue date."]
    }
    assert not personnel.MedicalClearance.objects.exists()


def test_qualification_update_refuses_a_stale_version(language):
    loaded_at = language.updated_at
    services.qualification_update(
        record=language, values={"remarks": "first"}, expected_updated_at=loaded_at
    )
    with pytest.raises(services.StaleRecordError):
        services.qualification_update(
            record=language, values={"remarks": "second"}, expected_updated_at=loaded_at
        )
    language.refresh_from_db()
    assert language.remarks == "first"
