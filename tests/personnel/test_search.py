"""Searching people by name in Latin or Cyrillic, any case, or by service number."""

import pytest

from personnel.models import Person
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
