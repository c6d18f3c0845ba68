"""Reading a rank cell (personnel/ranks.py): by code, English, Russian or Kazakh name, in any
case and spacing, police and military equivalents resolved by the row's category; an unknown
or ambiguous rank names the choices; a civilian's rank is left out with a warning."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from devtools.demo.reference import seed_ranks
from personnel.models import Rank
from personnel.ranks import RankIndex, rank_key
from tests import factories

pytestmark = pytest.mark.django_db

MILITARY_CHOICES = (
    "The military ranks: PTE (Private), CPL (Corporal), JSGT (Junior Sergeant), SGT (Sergeant), "
    "SSGT (Senior Sergeant), SGM (Sergeant Major), LT (Lieutenant), SLT (Senior Lieutenant), "
    "CPT (Captain), MAJ (Major), LTC (Lieutenant Colonel), COL (Colonel)."
)
POLICE_CHOICES = (
    "The police ranks: P-SGT (Sergeant of Police), P-SSGT (Senior Sergeant of Police), "
    "P-LT (Lieutenant of Police), P-SLT (Senior Lieutenant of Police), P-CPT (Captain of "
    "Police), P-MAJ (Major of Police), P-LTC (Lieutenant Colonel of Police), P-COL (Colonel of "
    "Police)."
)


@pytest.fixture
def index(rank_catalogues):
    seed_ranks()  # the centre's reference ranks, police ones linked to their equivalents
    return RankIndex(Rank.objects.all())


@pytest.mark.parametrize(
    ("text", "category", "code"),
    [
        # codes, any case
        ("CPT", "military", "CPT"),
        ("p-cpt", "police", "P-CPT"),
        # English names, any case and spacing
        ("Captain", "military", "CPT"),
        ("  senior   LIEUTENANT ", "military", "SLT"),
        ("Captain of Police", "police", "P-CPT"),
        ("captainofpolice", "police", "P-CPT"),
        # the equivalent of the other category, by the row's category
        ("Captain", "police", "P-CPT"),
        ("cpt", "police", "P-CPT"),
        ("Captain of Police", "military", "CPT"),
        ("Sergeant", "police", "P-SGT"),
        # Russian
        ("Лейтенант", "military", "LT"),
        ("лейтенант", "police", "P-LT"),
        ("Капитан", "military", "CPT"),
        ("Капитан", "police", "P-CPT"),
        ("капитан полиции", "police", "P-CPT"),
        ("Старший  лейтенант", "military", "SLT"),
        ("Рядовой", "military", "PTE"),
        ("Подполковник полиции", "police", "P-LTC"),
        # Kazakh
        ("Қатардағы жауынгер", "military", "PTE"),
        ("аға лейтенант", "military", "SLT"),
        ("Аға лейтенант", "police", "P-SLT"),
        ("Полиция капитаны", "police", "P-CPT"),
        ("ПОЛИЦИЯ ПОЛКОВНИГІ", "police", "P-COL"),
    ],
)
def test_a_rank_is_read_by_code_or_name_in_any_language(index, text, category, code):
    reading = index.read(text, category=category)

    assert (reading.error, reading.warning) == ("", "")
    assert reading.rank.code == code


@pytest.mark.parametrize(
    ("text", "category", "reason"),
    [
        ("General", "military", f"“General” is not a military rank. {MILITARY_CHOICES}"),
        ("Генерал", "police", f"“Генерал” is not a police rank. {POLICE_CHOICES}"),
        # a military rank with no police equivalent, on a police row
        ("Рядовой", "police", f"“Рядовой” is a military rank, not a police one. {POLICE_CHOICES}"),
        ("JSGT", "police", f"“JSGT” is a military rank, not a police one. {POLICE_CHOICES}"),
    ],
)
def test_an_unknown_rank_names_the_choices_of_the_category(index, text, category, reason):
    reading = index.read(text, category=category)

    assert reading.rank is None
    assert reading.error == reason


def test_the_choices_are_named_in_the_interface_language(index):
    with translation.override("ru"):
        reading = index.read("General", category="military")

    assert "CPT (Капитан)" in reading.error


def test_a_name_two_ranks_of_the_category_go_by_is_ambiguous_and_names_both(index):
    factories.RankFactory(code="MAJOR", name="Major General", category="military", seniority=13)
    index = RankIndex(Rank.objects.all())

    reading = index.read("major", category="military")

    assert reading.rank is None
    assert reading.error == (
        "“major” could be MAJ (Major), MAJOR (Major General); write the code of the one meant."
    )
    assert index.read("MAJOR", category="military").rank is None  # the code is one of both
    assert index.read("Майор", category="military").rank.code == "MAJ"


def test_own_names_win_over_the_equivalent_ones():
    # A police rank whose own name is a military rank's: the police row means the police one.
    captain = factories.RankFactory(code="CPT", name="Captain", category="military")
    factories.RankFactory(
        code="P-CPT", name="Captain of Police", category="police", military_equivalent=captain
    )
    inspector = factories.RankFactory(code="P-INS", name="Captain", category="police")

    reading = RankIndex(Rank.objects.all()).read("captain", category="police")

    assert reading.rank == inspector


def test_a_civilian_rank_is_left_out_with_a_warning(index):
    reading = index.read("Captain", category="civilian")

    assert reading.rank is None
    assert reading.error == ""
    assert reading.warning == "“Captain” was left out: a civilian has no rank."


@pytest.mark.parametrize(("text", "category"), [("", "military"), ("  ", "police"), ("CPT", "")])
def test_no_rank_or_no_category_reads_as_nothing(index, text, category):
    assert (
        index.read(text, category=category).rank,
        index.read(text, category=category).error,
    ) == (
        None,
        "",
    )


def test_folding_ignores_case_spaces_and_yo():
    assert rank_key(" Старшина  Ёлкин ") == rank_key("старшина елкин") == "старшинаелкин"


def test_without_translations_a_rank_is_still_read_by_code_and_english_name():
    seed_ranks()
    index = RankIndex(Rank.objects.all())

    assert index.read("Captain", category="police").rank.code == "P-CPT"
    assert index.read("p-ltc", category="military").rank.code == "LTC"


def test_the_reference_ranks_link_each_police_rank_to_its_military_equivalent(db):
    ranks = seed_ranks()

    assert ranks["P-CPT"].military_equivalent == ranks["CPT"]
    assert ranks["P-SGT"].military_equivalent == ranks["SGT"]
    assert all(
        rank.military_equivalent is None
        for code, rank in ranks.items()
        if not code.startswith("P-")
    )


def test_the_migration_links_the_police_ranks_of_an_existing_register():
    captain = factories.RankFactory(code="CPT", name="Captain", category="military")
    police = factories.RankFactory(code="P-CPT", name="Captain of Police", category="police")
    alone = factories.RankFactory(code="P-INS", name="Inspector", category="police")
    migration = importlib.import_module("personnel.migrations.0012_rank_military_equivalent")

    migration.link_police_ranks(django_apps, None)

    police.refresh_from_db()
    alone.refresh_from_db()
    assert (police.military_equivalent, alone.military_equivalent) == (captain, None)
