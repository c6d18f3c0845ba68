"""Each personnel rule that must never break is refused by the database itself."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from tests import factories

pytestmark = pytest.mark.django_db


def refused(action) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_service_number_is_unique():
    person = factories.PersonFactory(service_number="KZ-000001")
    refused(lambda: factories.PersonFactory(service_number=person.service_number, unit=person.unit))


def test_service_number_is_not_blank():
    refused(lambda: factories.PersonFactory(service_number=""))


@pytest.mark.parametrize(("field", "value"), [("gender", "X"), ("category", "contractor")])
def test_person_choices_are_enforced(field, value):
    refused(lambda: factories.PersonFactory(**{field: value}))


def test_service_cannot_start_before_birth():
    refused(
        lambda: factories.PersonFactory(
            date_of_birth=dt.date(1990, 1, 1), service_start_date=dt.date(1989, 12, 31)
        )
    )


@pytest.mark.parametrize("skill", ["listening", "speaking", "reading", "writing"])
@pytest.mark.parametrize("level", [6, 9])
def test_stanag_levels_run_from_0_to_5(skill, level):
    refused(lambda: factories.LanguageProficiencyFactory(**{skill: level}))


def test_stanag_level_5_and_0_are_accepted():
    record = factories.LanguageProficiencyFactory(listening=5, speaking=0, reading=5, writing=0)
    assert record.profile == "5-0-5-0"


@pytest.mark.parametrize(
    "factory",
    [
        factories.LanguageProficiencyFactory,
        factories.MedicalClearanceFactory,
        factories.PassportFactory,
    ],
)
def test_qualification_cannot_lapse_before_it_is_issued(factory):
    refused(lambda: factory(issued_on=dt.date(2026, 5, 2), valid_until=dt.date(2026, 5, 1)))


def test_qualification_valid_one_day_is_accepted():
    record = factories.MedicalClearanceFactory(
        issued_on=dt.date(2026, 5, 1), valid_until=dt.date(2026, 5, 1)
    )
    assert record.pk


def test_only_a_police_rank_has_a_military_equivalent():
    captain = factories.RankFactory(code="CPT", name="Captain", category="military")
    police = factories.RankFactory(
        code="P-CPT", name="Captain of Police", category="police", military_equivalent=captain
    )
    assert police.military_equivalent == captain
    refused(
        lambda: factories.RankFactory(
            code="MAJ", name="Major", category="military", military_equivalent=captain
        )
    )
