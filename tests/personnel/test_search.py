"""Searching people by name in Latin or Cyrillic, any spelling and case, or by service number;
every person search (the register, the enrolment picker, the certifications list, the admin and
its autocomplete pickers) folds spellings alike, and every write keeps the stored key."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from personnel.models import Person
from personnel.spelling import name_key
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "abenov": factories.PersonFactory(
            last_name="Абенов", first_name="Ерлан", service_number="KZ-100200"
        ),
        "seitkali": factories.PersonFactory(last_name="Seitkali", first_name="Aliya"),
        "zhakupov": factories.PersonFactory(last_name="Жақыпов", first_name="Марат"),
        "ospanova": factories.PersonFactory(last_name="Ospanova", first_name="Gulnara"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Абенов", {"abenov"}),
        ("абенов", {"abenov"}),
        ("Abenov", {"abenov"}),
        ("ABEN", {"abenov"}),
        ("Сейтқали", {"seitkali"}),
        ("seytqali", {"seitkali"}),
        ("Zhakypov", {"zhakupov"}),
        ("жақыпов марат", {"zhakupov"}),
        ("ospanova aliya", set()),
        ("kz-100200", {"abenov"}),
        ("100200", {"abenov"}),
        ("", {"abenov", "seitkali", "zhakupov", "ospanova"}),
    ],
)
def test_search_finds_names_in_either_script_and_any_case(people, query, expected):
    found = set(Person.objects.search(query))
    assert found == {people[key] for key in expected}


def test_search_text_follows_an_edit(people):
    person = people["ospanova"]
    person.last_name = "Оспанова-Ким"
    person.save(update_fields=["last_name"])
    assert list(Person.objects.search("ospanova-kim")) == [person]


# --- the spellings of one name -----------------------------------------------------------

ZHUMABAYEV = ["Zhumabayev", "Zhumabaev", "Jumabaev", "Жумабаев", "Zhumabaiev", "ZHUMABAYEV"]
YESSENOV = ["Yessenov", "Yesenov", "Esenov", "Есенов", "YESSENOV"]
SERIKBAYEV = ["Serikbayev", "Serikbaev", "Серикбаев"]


@pytest.fixture
def spellings():
    """The same surnames written as passports, English and Kazakh Latin and Cyrillic have them,
    and names that must not be found with them."""
    people = {}
    for group in (ZHUMABAYEV, YESSENOV, SERIKBAYEV):
        for i, last_name in enumerate(group):
            people[last_name] = factories.PersonFactory(last_name=last_name, first_name=f"N{i}")
    for last_name in ("Шумабаев", "Ясенов", "Серикбеков", "Abenov"):
        people[last_name] = factories.PersonFactory(last_name=last_name, first_name="Other")
    return people


@pytest.mark.parametrize(
    ("query", "group"),
    [
        ("Жумабаев", ZHUMABAYEV),
        ("zhumabayev", ZHUMABAYEV),
        ("Jumabaev", ZHUMABAYEV),
        ("Есенов", YESSENOV),
        ("Yessenov", YESSENOV),
        ("Серикбаев", SERIKBAYEV),
        ("serikbaev", SERIKBAYEV),
    ],
)
def test_every_spelling_finds_every_spelling(spellings, query, group):
    assert set(Person.objects.search(query)) == {spellings[name] for name in group}


def test_the_register_page_finds_every_spelling_in_flat_queries(client, registrar, spellings):
    client.force_login(registrar)
    url = reverse("personnel:person_list")
    client.get(url, {"q": "Жумабаев"})  # warm-up: session, content types
    with CaptureQueriesContext(connection) as few:
        response = client.get(url, {"q": "Есенов"})
    found = {person.last_name for person in response.context["page"].object_list}
    assert found == set(YESSENOV)
    for i in range(30):
        factories.PersonFactory(last_name="Есенов", first_name=f"More{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, {"q": "Yessenov"})
    assert response.context["page"].paginator.count == len(YESSENOV) + 30
    assert len(many) == len(few)


def test_the_enrolment_picker_finds_every_spelling(client, registrar, spellings):
    cohort = factories.CohortFactory()
    client.force_login(registrar)
    response = client.get(reverse("courses:enrol_person", args=[cohort.pk]), {"q": "Жумабаев"})
    assert {p.last_name for p in response.context["results"]} == set(ZHUMABAYEV)


def test_the_admin_and_its_autocomplete_find_every_spelling(client, administrator, spellings):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    changelist = client.get(reverse("admin:personnel_person_changelist"), {"q": "Серикбаев"})
    assert {p.last_name for p in changelist.context["cl"].result_list} == set(SERIKBAYEV)
    # The person picker of the enrolment admin (a typing picker) asks the person admin.
    picked = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Zhumabayev",
            "app_label": "courses",
            "model_name": "enrolment",
            "field_name": "person",
        },
    ).json()
    found = {int(result["id"]) for result in picked["results"]}
    assert found == {spellings[name].pk for name in ZHUMABAYEV}


def test_admin_search_through_a_relation_folds_spellings(client, administrator, spellings):
    administrator.is_superuser = True
    administrator.save()
    passport = factories.PassportFactory(person=spellings["Жумабаев"])
    factories.PassportFactory(person=spellings["Шумабаев"])
    client.force_login(administrator)
    response = client.get(reverse("admin:personnel_passport_changelist"), {"q": "Jumabaev"})
    assert list(response.context["cl"].result_list) == [passport]


# --- the stored key follows every write ---------------------------------------------------


def test_bulk_create_and_bulk_update_fill_the_key(spellings):
    unit = factories.UnitFactory()
    template = factories.PersonFactory.build(unit=unit, rank=None, category="civilian")
    created = Person(
        **{
            field.attname: getattr(template, field.attname)
            for field in Person._meta.concrete_fields
            if field.attname not in {"id", "service_number", "last_name"}
        },
        service_number="KZ-BULK-1",
        last_name="Құдайбергенов",
    )
    Person.objects.bulk_create([created])
    assert list(Person.objects.search("Qudaibergenov")) == [created]

    created.last_name = "Өтепов"
    Person.objects.bulk_update([created], ["last_name"])
    assert list(Person.objects.search("Otepov")) == [created]
    assert not Person.objects.search("Kudaibergenov").exists()


def test_the_migration_fills_the_key_of_existing_people(spellings):
    Person.objects.update(name_key="")
    assert not Person.objects.search("Jumabaev").exists()
    migration = __import__("personnel.migrations.0011_person_name_key", fromlist=["fill_name_key"])
    migration.fill_name_key(apps, None)
    assert Person.objects.search("Jumabaev").count() == len(ZHUMABAYEV)
    person = Person.objects.get(last_name="Жумабаев")
    assert (
        person.name_key
        == f"jumabav {name_key(person.first_name)} {name_key(person.service_number)}"
    )
