"""The people import's services: upload, preview (row by row), apply (all or nothing)."""

import csv
import datetime as dt
import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.roles import Role
from common import spreadsheets
from devtools.demo.reference import seed_ranks
from imports.models import ImportFile
from personnel.models import Category, Person
from personnel.services import imports
from personnel.services.imports import (
    PEOPLE_COLUMNS,
    RowError,
    people_import_apply,
    people_import_preview,
    people_import_refused_rows,
)
from personnel.views.imports import PEOPLE_PAGES
from tests import factories
from tests.courses.certification_import_support import CERTIFICATIONS, cert_row
from tests.imports.import_support import ImportBuilder

pytestmark = pytest.mark.django_db


# --- helpers shared with test_import_views.py -------------------------------------------


def person_row(**overrides) -> dict[str, str]:
    """A valid row for a new military officer in KAZBAT-1; override any column."""
    row = {
        "service_number": "KZ-100001",
        "rank": "CPT",
        "last_name": "Ospanova",
        "first_name": "Gulnara",
        "middle_name": "Serikovna",
        "gender": "F",
        "date_of_birth": "1990-05-17",
        "category": "military",
        "unit_code": "KAZBAT-1",
        "nationality": "KZ",
        "email": "g.ospanova@mod.kz",
        "phone": "+7 701 555 0101",
        "service_start_date": "2012-08-01",
    }
    return row | overrides


PEOPLE = ImportBuilder(PEOPLE_PAGES, file_name="people.csv")
people_csv = PEOPLE.csv
people_xlsx = PEOPLE.xlsx
upload = PEOPLE.upload
preview_of = PEOPLE.preview_of
apply = PEOPLE.apply


@pytest.fixture
def register(db):
    """The reference data rows point at: units, a military and a police rank."""
    kazbat = factories.UnitFactory(code="KAZBAT", kind="battalion")
    return {
        "kazbat": kazbat,
        "kazbat1": factories.UnitFactory(code="KAZBAT-1", parent=kazbat),
        "fpu": factories.UnitFactory(code="MIA-FPU", kind="police_unit"),
        "cpt": factories.RankFactory(code="CPT", name="Captain", category="military"),
        "maj": factories.RankFactory(code="MAJ", name="Major", category="military", seniority=13),
        "psgt": factories.RankFactory(
            code="P-SGT", name="Sergeant of Police", category="police", seniority=1
        ),
    }


def existing_person(register, **overrides) -> Person:
    values = {
        "service_number": "KZ-200002",
        "rank": register["cpt"],
        "last_name": "Abenov",
        "first_name": "Yerlan",
        "middle_name": "",
        "gender": "M",
        "date_of_birth": dt.date(1985, 3, 2),
        "category": "military",
        "unit": register["kazbat1"],
        "nationality": "KZ",
        "email": "y.abenov@mod.kz",
        "phone": "+7 701 000 0000",
        "service_start_date": dt.date(2005, 9, 1),
    }
    return factories.PersonFactory(**(values | overrides))


def existing_row(person: Person, **overrides) -> dict[str, str]:
    """A row that matches `person` exactly."""
    row = {
        "service_number": person.service_number,
        "rank": person.rank.code if person.rank else "",
        "last_name": person.last_name,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "gender": person.gender,
        "date_of_birth": person.date_of_birth.isoformat(),
        "category": person.category,
        "unit_code": person.unit.code if person.unit else "",
        "nationality": person.nationality.code,
        "email": person.email,
        "phone": person.phone,
        "service_start_date": (
            person.service_start_date.isoformat() if person.service_start_date else ""
        ),
    }
    return row | overrides


# --- new people -------------------------------------------------------------------------


def test_preview_writes_nothing_and_apply_adds_every_row(registrar, register):
    content = people_csv(
        [
            person_row(),
            person_row(
                service_number="KZ-100002",
                rank="",
                last_name="Сейтқали",
                first_name="Алия",
                middle_name="",
                gender="F",
                category="civilian",
                unit_code="",
                nationality="",
                email="",
                phone="",
                service_start_date="",
            ),
        ]
    )
    import_file, preview = preview_of(content, registrar)
    assert preview.counts == {"new": 2, "updated": 0, "unchanged": 0, "error": 0}
    assert preview.can_apply
    assert Person.objects.count() == 0  # the preview wrote nothing

    summary = people_import_apply(
        import_file=import_file, by=registrar, expected_digest=preview.digest
    )

    assert summary == {"new": 2, "updated": 0, "unchanged": 0, "refused": 0}
    officer = Person.objects.get(service_number="KZ-100001")
    assert (officer.rank, officer.unit, officer.category) == (
        register["cpt"],
        register["kazbat1"],
        "military",
    )
    assert (officer.last_name, officer.first_name, officer.middle_name) == (
        "Ospanova",
        "Gulnara",
        "Serikovna",
    )
    assert officer.date_of_birth == dt.date(1990, 5, 17)
    assert officer.service_start_date == dt.date(2012, 8, 1)
    assert (officer.email, officer.phone, officer.nationality.code) == (
        "g.ospanova@mod.kz",
        "+7 701 555 0101",
        "KZ",
    )
    assert officer.is_active
    civilian = Person.objects.get(service_number="KZ-100002")
    assert civilian.rank is None
    assert civilian.unit is None
    assert civilian.nationality.code == "KZ"  # blank nationality: KZ for a new person
    assert civilian.email == ""
    assert civilian.service_start_date is None
    # bulk_create skips save(): the service sets search_text itself.
    assert list(Person.objects.search("seitkali")) == [civilian]
    assert list(Person.objects.search("OSPANOVA kz-100001")) == [officer]
    import_file.refresh_from_db()
    assert import_file.is_applied
    assert import_file.applied_by == registrar
    assert import_file.summary == summary


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("comma.csv", people_csv([person_row()])),
        ("bom.csv", people_csv([person_row()], bom=True)),
        ("semicolon.csv", people_csv([person_row()], delimiter=";")),
        (
            "headers.csv",
            people_csv(
                [person_row()], columns=[f"  {c.upper()} " for c in PEOPLE_COLUMNS], bom=True
            ),
        ),
        (
            "people.xlsx",
            people_xlsx(
                [
                    [
                        "KZ-100001",
                        "Captain",
                        "Ospanova",
                        "Gulnara",
                        "Serikovna",
                        "f",
                        dt.datetime(1990, 5, 17),  # a date cell
                        "Military",
                        "kazbat-1",
                        "kz",
                        "g.ospanova@mod.kz",
                        "+7 701 555 0101",
                        "01.08.2012",
                    ]
                ]
            ),
        ),
    ],
    ids=["comma", "bom", "semicolon", "header-case-and-spaces", "xlsx"],
)
def test_every_input_form_previews_the_same(registrar, register, name, content):
    _import_file, preview = preview_of(content, registrar, name)
    assert preview.errors == []
    [row] = preview.new
    assert row.number == 2
    assert row.shown == {
        "service_number": "KZ-100001",
        "rank": "Captain",
        "last_name": "Ospanova",
        "first_name": "Gulnara",
        "middle_name": "Serikovna",
        "gender": "F",
        "date_of_birth": "1990-05-17",
        "category": "military",
        "unit_code": "KAZBAT-1",
        "nationality": "KZ",
        "email": "g.ospanova@mod.kz",
        "phone": "+7 701 555 0101",
        "service_start_date": "2012-08-01",
    }


def test_only_the_required_columns_are_needed(registrar, register):
    required = imports.PEOPLE_REQUIRED
    import_file, preview = preview_of(people_csv([person_row()], columns=required), registrar)
    assert preview.counts["new"] == 1
    assert set(preview.absent_columns) == set(PEOPLE_COLUMNS) - set(required)
    apply(import_file, registrar)
    person = Person.objects.get()
    assert (person.rank, person.unit, person.nationality.code) == (None, None, "KZ")


# --- ranks as real files write them -----------------------------------------------------


def test_ranks_are_read_in_russian_and_kazakh_and_by_the_row_category(registrar, rank_catalogues):
    seed_ranks()
    factories.UnitFactory(code="KAZBAT-1")
    rows = [
        person_row(service_number="KZ-1", rank="Captain", category="police"),
        person_row(service_number="KZ-2", rank="Лейтенант", category="military"),
        person_row(service_number="KZ-3", rank="капитан", category="police"),
        person_row(service_number="KZ-4", rank="Аға лейтенант", category="military"),
    ]
    import_file, preview = preview_of(people_csv(rows), registrar)
    assert preview.errors == []

    apply(import_file, registrar)

    ranks = dict(Person.objects.values_list("service_number", "rank__code"))
    assert ranks == {"KZ-1": "P-CPT", "KZ-2": "LT", "KZ-3": "P-CPT", "KZ-4": "SLT"}


def test_a_civilian_row_with_a_rank_is_applied_without_it_and_warned(registrar, register):
    row = person_row(category="civilian", rank="Captain")
    import_file, preview = preview_of(people_csv([row]), registrar)

    assert preview.errors == []
    assert preview.warnings == [
        RowError(2, "rank", "“Captain” was left out: a civilian has no rank.")
    ]
    assert preview.new[0].shown["rank"] == ""
    apply(import_file, registrar)
    assert Person.objects.get().rank is None


# --- rows in error ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "reason"),
    [
        ({"unit_code": "NOPE-9"}, "unit_code", "“NOPE-9” is not the code of a unit"),
        (
            {"rank": "GEN"},
            "rank",
            "“GEN” is not a military rank. The military ranks: CPT (Captain), MAJ (Major).",
        ),
        ({"rank": "P-SGT"}, "rank", "“P-SGT” is a police rank, not a military one."),
        ({"rank": "sergeant of police"}, "rank", "is a police rank, not a military one"),
        (
            {"category": "police", "rank": "Major"},
            "rank",
            "“Major” is a military rank, not a police one. The police ranks: P-SGT (Sergeant "
            "of Police).",
        ),
        ({"gender": "X"}, "gender", "“X” is not F or M"),
        ({"gender": "female"}, "gender", "“female” is not F or M"),
        ({"date_of_birth": "1990/05/17"}, "date_of_birth", "not a date written YYYY-MM-DD"),
        ({"date_of_birth": "17-05-1990"}, "date_of_birth", "not a date written YYYY-MM-DD"),
        ({"date_of_birth": "31.02.1990"}, "date_of_birth", "“31.02.1990” is not a date"),
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", "2099-01-01 is in the future"),
        ({"service_start_date": "2012-13-01"}, "service_start_date", "is not a date"),
        (
            {"service_start_date": "01.01.1989"},
            "service_start_date",
            "1989-01-01 is not after the date of birth, 1990-05-17",
        ),
        (
            {"service_start_date": "1990-05-17"},  # the database check says "after", not "on"
            "service_start_date",
            "is not after the date of birth",
        ),
        ({"email": "ospanova-at-mod.kz"}, "email", "“ospanova-at-mod.kz” is not an e-mail"),
        ({"nationality": "KAZ"}, "nationality", "“KAZ” is not an ISO 3166-1 alpha-2"),
        ({"nationality": "XX"}, "nationality", "“XX” is not an ISO 3166-1 alpha-2"),
        ({"category": "army"}, "category", "“army” is not one of military, police, civilian"),
        ({"first_name": ""}, "first_name", "is empty; this column is required"),
        ({"service_number": ""}, "service_number", "is empty; this column is required"),
        ({"last_name": "x" * 101}, "last_name", "is 101 characters long; at most 100 fit"),
        ({"service_number": "9" * 33}, "service_number", "is 33 characters long; at most 32"),
        ({"phone": "7" * 33}, "phone", "is 33 characters long; at most 32"),
    ],
)
def test_a_bad_cell_is_an_error_naming_row_column_and_reason(
    registrar, register, overrides, column, reason
):
    content = people_csv([person_row(service_number="KZ-1"), person_row(**overrides)])
    import_file, preview = preview_of(content, registrar)
    [error] = preview.errors
    assert (error.row, error.column) == (3, column)
    assert reason in error.reason
    assert preview.counts == {"new": 1, "updated": 0, "unchanged": 0, "error": 1}
    assert not preview.can_apply
    with pytest.raises(ValidationError) as refused:
        people_import_apply(import_file=import_file, by=registrar, expected_digest=preview.digest)
    assert refused.value.code == "has_errors"
    assert "1 row(s) in error" in refused.value.messages[0]
    assert Person.objects.count() == 0  # not even the good row


def test_every_error_of_a_row_is_listed_in_column_order(registrar, register):
    content = people_csv(
        [person_row(unit_code="NOPE", gender="x", date_of_birth="1990.05.17", email="@")]
    )
    _import_file, preview = preview_of(content, registrar)
    assert [(e.row, e.column) for e in preview.errors] == [
        (2, "gender"),
        (2, "date_of_birth"),
        (2, "unit_code"),
        (2, "email"),
    ]


def test_a_service_number_twice_in_the_file_puts_both_rows_in_error(registrar, register):
    content = people_csv(
        [
            person_row(service_number="KZ-7"),
            person_row(service_number="KZ-8"),
            person_row(service_number="KZ-7", first_name="Other"),
        ]
    )
    _import_file, preview = preview_of(content, registrar)
    assert preview.errors == [
        RowError(2, "service_number", "KZ-7 appears again in row 4; each person once per file."),
        RowError(4, "service_number", "KZ-7 appears again in row 2; each person once per file."),
    ]
    assert [row.service_number for row in preview.new] == ["KZ-8"]


def test_row_numbers_are_the_spreadsheet_rows_blank_lines_included(registrar, register):
    content = (
        people_csv([person_row(service_number="KZ-1")])
        + b",,,,,,,,,,,,\r\n"
        + (people_csv([person_row(service_number="KZ-2", gender="Q")]).split(b"\r\n", 1)[1])
    )
    _import_file, preview = preview_of(content, registrar)
    assert [(e.row, e.column) for e in preview.errors] == [(4, "gender")]


def test_a_file_with_only_a_header_cannot_be_applied(registrar, register):
    import_file, preview = preview_of(people_csv([]), registrar)
    assert preview.rows == []
    assert not preview.can_apply
    with pytest.raises(ValidationError, match="no data rows"):
        people_import_apply(import_file=import_file, by=registrar, expected_digest=preview.digest)


# --- people already in the register -----------------------------------------------------


def test_an_existing_person_is_updated_with_what_changes(registrar, register):
    person = existing_person(register)
    before = Person.objects.get(pk=person.pk).updated_at
    row = existing_row(
        person,
        rank="Major",
        last_name="Abenov-Kassym",
        phone="+7 702 111 2233",
        unit_code="",  # blank: leave as it is
        email="",  # blank: leave as it is
    )
    import_file, preview = preview_of(people_csv([row]), registrar)
    [updated] = preview.updated
    assert [(c.column, c.old, c.new) for c in updated.changes] == [
        ("rank", "Captain", "Major"),
        ("last_name", "Abenov", "Abenov-Kassym"),
        ("phone", "+7 701 000 0000", "+7 702 111 2233"),
    ]
    assert preview.counts == {"new": 0, "updated": 1, "unchanged": 0, "error": 0}

    assert apply(import_file, registrar) == {"new": 0, "updated": 1, "unchanged": 0, "refused": 0}

    person.refresh_from_db()
    assert (person.rank, person.last_name, person.phone) == (
        register["maj"],
        "Abenov-Kassym",
        "+7 702 111 2233",
    )
    assert (person.unit, person.email) == (register["kazbat1"], "y.abenov@mod.kz")  # kept
    assert person.updated_at > before  # bulk_update skips auto_now: the service sets it
    assert list(Person.objects.search("kassym")) == [person]  # search_text follows the name


def test_absent_optional_columns_leave_values_as_they_are(registrar, register):
    person = existing_person(register)
    columns = [*imports.PEOPLE_REQUIRED, "phone"]
    row = existing_row(person, phone="+7 777 000 0001")
    import_file, preview = preview_of(people_csv([row], columns=columns), registrar)
    [updated] = preview.updated
    assert [c.column for c in updated.changes] == ["phone"]
    apply(import_file, registrar)
    person.refresh_from_db()
    assert person.rank == register["cpt"]
    assert person.unit == register["kazbat1"]
    assert person.email == "y.abenov@mod.kz"
    assert person.service_start_date == dt.date(2005, 9, 1)


def test_normalised_values_match_the_register(registrar, register):
    """Rank by name in any case, unit code in any case, f/m, category in capitals: the same
    person, unchanged."""
    person = existing_person(register)
    row = existing_row(
        person,
        rank="captain",
        unit_code="kazbat-1",
        gender="m",
        category="MILITARY",
        nationality="kz",
        date_of_birth=person.date_of_birth.strftime("%d.%m.%Y"),
    )
    _import_file, preview = preview_of(people_csv([row]), registrar)
    assert preview.counts == {"new": 0, "updated": 0, "unchanged": 1, "error": 0}


def test_becoming_civilian_without_a_rank_clears_the_rank(registrar, register):
    person = existing_person(register)
    row = existing_row(person, category="civilian", rank="")
    import_file, preview = preview_of(people_csv([row]), registrar)
    [updated] = preview.updated
    assert [(c.column, c.old, c.new) for c in updated.changes] == [
        ("rank", "Captain", ""),
        ("category", "military", "civilian"),
    ]
    apply(import_file, registrar)
    person.refresh_from_db()
    assert (person.rank, person.category) == (None, Category.CIVILIAN)


def test_a_kept_rank_of_the_wrong_category_is_an_error(registrar, register):
    person = existing_person(register)
    row = existing_row(person, category="police", rank="")
    _import_file, preview = preview_of(people_csv([row]), registrar)
    [error] = preview.errors
    assert error.column == "rank"
    assert "rank in the register, Captain, is a military rank; give a police rank" in (error.reason)


def test_a_birth_date_after_the_registered_service_start_is_an_error(registrar, register):
    person = existing_person(register)  # service started 2005-09-01
    row = existing_row(person, date_of_birth="2006-01-01", service_start_date="")
    _import_file, preview = preview_of(people_csv([row]), registrar)
    [error] = preview.errors
    assert error.column == "date_of_birth"
    assert "service start date in the register, 2005-09-01" in error.reason


def test_importing_the_same_file_again_changes_nothing(registrar, register):
    existing = existing_person(register)
    content = people_csv(
        [
            person_row(),
            existing_row(existing, phone="+7 705 123 4567"),
            person_row(service_number="KZ-100003", rank="P-SGT", category="police"),
        ],
        delimiter=";",
    )
    apply(upload(content, registrar), registrar)
    state = dict(Person.objects.values_list("service_number", "updated_at"))
    assert len(state) == 3

    again, preview = preview_of(content, registrar)
    assert preview.counts == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    with CaptureQueriesContext(connection) as queries:
        summary = people_import_apply(
            import_file=again, by=registrar, expected_digest=preview.digest
        )
    assert summary == {"new": 0, "updated": 0, "unchanged": 3, "refused": 0}
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPD"))]
    assert all("personnel_person" not in sql for sql in writes)
    assert dict(Person.objects.values_list("service_number", "updated_at")) == state


# --- what the user sees is what is written ----------------------------------------------


@pytest.mark.parametrize(
    "change",
    ["someone_edits_a_person", "someone_adds_a_person", "someone_removes_a_unit_code"],
)
def test_a_register_changed_since_the_preview_is_not_overwritten(registrar, register, change):
    person = existing_person(register)
    content = people_csv(
        [person_row(service_number="KZ-NEW"), existing_row(person, phone="+7 700 999 9999")]
    )
    import_file, preview = preview_of(content, registrar)
    if change == "someone_edits_a_person":
        Person.objects.filter(pk=person.pk).update(phone="+7 711 111 1111")
    elif change == "someone_adds_a_person":
        factories.PersonFactory(service_number="KZ-NEW", rank=register["cpt"])
    else:
        register["kazbat1"].code = "KAZBAT-ONE"
        register["kazbat1"].save()
    count = Person.objects.count()

    with pytest.raises(ValidationError) as refused:
        people_import_apply(import_file=import_file, by=registrar, expected_digest=preview.digest)

    assert refused.value.code == "stale"
    assert "register changed since this preview" in refused.value.messages[0]
    assert Person.objects.count() == count
    person.refresh_from_db()
    assert person.phone != "+7 700 999 9999"
    import_file.refresh_from_db()
    assert not import_file.is_applied
    assert people_import_preview(import_file=import_file).digest != preview.digest


def test_a_failure_mid_apply_writes_nothing(registrar, register, monkeypatch):
    """The new rows are inserted, then updating an existing person breaks a database check
    (the Python check is switched off to let the row through): every write is undone."""
    person = existing_person(register)
    content = people_csv(
        [
            person_row(service_number="KZ-NEW-1"),
            person_row(service_number="KZ-NEW-2"),
            existing_row(person, phone="+7 700 000 0001", date_of_birth="2005-09-01"),
        ]
    )
    monkeypatch.setattr(imports._RowChecker, "_check_combination", lambda *args: None)
    import_file, preview = preview_of(content, registrar)
    assert preview.counts == {"new": 2, "updated": 1, "unchanged": 0, "error": 0}

    with pytest.raises(ValidationError) as refused:
        people_import_apply(import_file=import_file, by=registrar, expected_digest=preview.digest)

    assert refused.value.code == "stale"
    assert "Nothing was written" in refused.value.messages[0]
    assert list(Person.objects.values_list("service_number", flat=True)) == ["KZ-200002"]
    person.refresh_from_db()
    assert person.phone == "+7 701 000 0000"
    import_file.refresh_from_db()
    assert not import_file.is_applied


def test_an_import_is_applied_once(registrar, register):
    import_file, preview = preview_of(people_csv([person_row()]), registrar)
    people_import_apply(import_file=import_file, by=registrar, expected_digest=preview.digest)
    with pytest.raises(ValidationError) as refused:
        people_import_apply(import_file=import_file, by=registrar, expected_digest=preview.digest)
    assert refused.value.code == "applied"
    assert Person.objects.count() == 1


def test_only_the_uploader_or_an_administrator_applies(registrar, administrator, register):
    other = factories.UserFactory(username="reg2", roles=[Role.REGISTRAR])
    import_file, preview = preview_of(people_csv([person_row()]), registrar)
    with pytest.raises(ValidationError) as refused:
        people_import_apply(import_file=import_file, by=other, expected_digest=preview.digest)
    assert refused.value.code == "not_yours"
    assert Person.objects.count() == 0
    people_import_apply(import_file=import_file, by=administrator, expected_digest=preview.digest)
    assert Person.objects.count() == 1


# --- formulas, limits, structure --------------------------------------------------------


def test_formula_like_values_are_stored_verbatim_and_exported_as_text(registrar, register):
    row = person_row(
        last_name='=HYPERLINK("http://evil.example","x")',
        first_name="@SUM(1)",
        middle_name="-2+3",
        phone="+7 701 555 0101",
        email="",
    )
    import_file, _preview = preview_of(people_csv([row]), registrar)
    apply(import_file, registrar)
    person = Person.objects.get()
    assert person.last_name == '=HYPERLINK("http://evil.example","x")'
    assert (person.first_name, person.middle_name) == ("@SUM(1)", "-2+3")
    assert (person.phone, person.email) == ("+7 701 555 0101", "")

    values = [person.last_name, person.first_name, person.middle_name, person.phone]
    exported = spreadsheets.csv_response("p.csv", ["a", "b", "c", "d"], [values])
    line = exported.content.decode("utf-8-sig").splitlines()[1]
    assert next(csv.reader([line])) == ["'" + value for value in values]
    workbook = load_workbook(
        io.BytesIO(spreadsheets.xlsx_response("p.xlsx", ["a"], [[person.last_name]]).content)
    )
    cell = workbook.active["A2"]
    assert (cell.value, cell.data_type) == (person.last_name, "s")  # text, not a formula
    assert cell.quotePrefix


def test_an_xlsx_formula_cell_is_refused_with_the_cell_named(registrar, register):
    cells = ["KZ-1", "", "=1+2", "Aliya", "", "F", "1990-05-17", "civilian"]
    content = people_xlsx([cells], columns=PEOPLE_COLUMNS[:8])
    with pytest.raises(ValidationError) as refused:
        upload(content, registrar, "p.xlsx")
    assert refused.value.code == "formula"
    assert 'Cell C2 of sheet "Sheet" holds a formula' in refused.value.messages[0]
    assert ImportFile.objects.count() == 0
    assert Person.objects.count() == 0


def test_formula_like_text_typed_into_an_xlsx_cell_is_kept_as_text(registrar, register):
    cells = ["KZ-1", "", "=1+2", "Aliya", "", "F", "1990-05-17", "civilian"]
    response = spreadsheets.xlsx_response("p.xlsx", PEOPLE_COLUMNS[:8], [cells])
    import_file, _preview = preview_of(response.content, registrar, "p.xlsx")
    apply(import_file, registrar)
    assert Person.objects.get().last_name == "=1+2"  # a string cell, never a formula


def test_a_file_over_the_size_limit_is_refused_with_the_limit(registrar, register):
    content = people_csv([person_row()]) + b"x" * (6 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        upload(content, registrar)
    assert "larger than the limit of 5.0\xa0MB" in refused.value.messages[0]
    assert ImportFile.objects.count() == 0


def test_a_file_over_the_row_limit_is_refused_with_the_limit(registrar, register):
    rows = [
        person_row(service_number=f"KZ-{n}", email="", phone="")
        for n in range(spreadsheets.MAX_ROWS + 1)
    ]
    with pytest.raises(ValidationError) as refused:
        upload(people_csv(rows, columns=imports.PEOPLE_REQUIRED), registrar)
    assert "more than 20\xa0000 data rows, the limit" in refused.value.messages[0]
    assert ImportFile.objects.count() == 0


def test_a_missing_required_column_is_named(registrar, register):
    columns = [c for c in PEOPLE_COLUMNS if c != "date_of_birth"]
    with pytest.raises(ValidationError, match="Required columns are missing: date_of_birth"):
        upload(people_csv([person_row()], columns=columns), registrar)


def test_unknown_columns_are_ignored_and_listed(registrar, register):
    columns = [*PEOPLE_COLUMNS, "notes", "Blood Group"]
    _import_file, preview = preview_of(people_csv([person_row()], columns=columns), registrar)
    assert preview.ignored_columns == ["notes", "blood group"]
    assert preview.counts["new"] == 1


def test_the_stored_file_has_a_random_name_and_its_fingerprint(registrar, register):
    content = people_csv([person_row()])
    import_file = upload(content, registrar, name="Personnel list (final).csv")
    assert import_file.original_name == "Personnel list (final).csv"
    assert re.fullmatch(r"imports/people/[0-9a-f]{32}\.csv", import_file.file.name)
    assert import_file.size == len(content)
    assert import_file.sha256 == hashlib.sha256(content).hexdigest()
    assert import_file.file.read() == content


def test_a_certifications_file_is_not_a_people_import(registrar, register):
    certifications = CERTIFICATIONS.upload(CERTIFICATIONS.csv([cert_row()]), registrar)
    for read in (people_import_preview, people_import_refused_rows):
        with pytest.raises(ValidationError, match="not a personnel import") as refused:
            read(import_file=certifications)
        assert refused.value.code == "wrong_kind"
    with pytest.raises(ValidationError) as refused:
        people_import_apply(import_file=certifications, by=registrar, expected_digest="x")
    assert refused.value.code == "wrong_kind"
    assert not ImportFile.objects.get(pk=certifications.pk).is_applied


# --- queries do not grow with rows ------------------------------------------------------


def _mixed_file(register, rows: int) -> bytes:
    """Half new people, half updates of people already in the register."""
    lines = []
    for n in range(rows):
        if n % 2:
            person = existing_person(register, service_number=f"KZ-OLD-{rows}-{n}")
            lines.append(existing_row(person, phone=f"+7 700 {n:07d}"))
        else:
            lines.append(person_row(service_number=f"KZ-NEW-{rows}-{n}"))
    return people_csv(lines)


@pytest.mark.parametrize("step", ["preview", "apply"])
def test_query_count_does_not_grow_with_rows(registrar, register, step):
    counts = []
    # Apply: 100 rows, not 200, because SQLite caps a statement at 999 parameters, so Django
    # splits an INSERT of more than 55 people (18 columns) in two; the reads never grow.
    for rows in (10, 200 if step == "preview" else 100):
        import_file = upload(_mixed_file(register, rows), registrar)
        digest = people_import_preview(import_file=import_file).digest
        with CaptureQueriesContext(connection) as queries:
            if step == "preview":
                preview = people_import_preview(import_file=import_file)
                assert preview.counts == {
                    "new": rows // 2,
                    "updated": rows // 2,
                    "unchanged": 0,
                    "error": 0,
                }
            else:
                people_import_apply(import_file=import_file, by=registrar, expected_digest=digest)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # preview: people, ranks, units; apply adds the import's lock, the writes and savepoints.
    assert counts[1] <= (3 if step == "preview" else 12), counts


def test_lookups_are_chunked_for_long_files(registrar, register, monkeypatch):
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 3)
    content = people_csv([person_row(service_number=f"KZ-{n}") for n in range(7)])
    import_file = upload(content, registrar)
    with CaptureQueriesContext(connection) as queries:
        preview = people_import_preview(import_file=import_file)
    assert preview.counts["new"] == 7
    person_lookups = [q for q in queries if 'FROM "personnel_person"' in q["sql"]]
    assert len(person_lookups) == 3  # 7 numbers in chunks of 3


def test_import_file_rules_are_database_constraints(registrar):
    """Applied means applied by someone; the kind is a known one."""
    import_file = upload(people_csv([person_row()]), registrar)
    import_file.applied_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        import_file.save()
    import_file.kind = "no_such_kind"
    import_file.applied_at = None
    with pytest.raises(IntegrityError), transaction.atomic():
        import_file.save()
