"""The certification history import's services: upload, preview (row by row), apply (all or
nothing), the supersede chain, and the queries they make."""

import datetime as dt
import math

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from courses.models import Certification
from courses.services import certification_imports as imports
from courses.services.certification_imports import (
    CERTIFICATION_COLUMNS,
    CERTIFICATION_REQUIRED,
    Link,
    certification_import_apply,
    certification_import_preview,
)
from imports.models import ImportFile
from imports.services import RowError
from personnel.services.imports import people_import_upload
from tests import factories
from tests.courses.certification_import_support import (
    apply,
    cert_row,
    certs_csv,
    certs_xlsx,
    preview_of,
    recorded,
    upload,
)
from tests.personnel.test_import_service import people_csv, person_row

pytestmark = pytest.mark.django_db


# --- new certifications -----------------------------------------------------------------


def test_preview_writes_nothing_and_apply_adds_every_row(registrar, catalogue):
    content = certs_csv(
        [
            cert_row(),
            cert_row(
                service_number="KZ-200003",
                course_code="POC",
                number="POC-2020-0007",
                issued_on="15.06.2020",
                valid_until="",
            ),
        ]
    )
    import_file, preview = preview_of(content, registrar)
    assert preview.counts == {"new": 2, "error": 0, "computed": 1, "linked": 0}
    assert preview.can_apply
    assert Certification.objects.count() == 0  # the preview wrote nothing
    computed = preview.new[1]
    assert (computed.valid_until, computed.valid_until_computed) == (dt.date(2022, 6, 15), True)

    summary = certification_import_apply(
        import_file=import_file, by=registrar, expected_digest=preview.digest
    )

    assert summary == {"new": 2, "computed": 1, "linked": 0, "refused": 0}
    unsoc = Certification.objects.get(number="UNSOC-2019-0042")
    assert unsoc.person == catalogue["abenov"]
    assert unsoc.course == catalogue["unsoc"]
    assert unsoc.certification_type == catalogue["unsoc"].certification_type
    assert unsoc.cohort is None
    assert unsoc.source == Certification.Source.IMPORT
    assert (unsoc.issued_on, unsoc.valid_until) == (dt.date(2019, 3, 31), dt.date(2023, 3, 31))
    assert unsoc.supersedes is None
    assert len(unsoc.verification_code) >= 20
    poc = Certification.objects.get(number="POC-2020-0007")
    assert (poc.person, poc.course.code) == (catalogue["ospanova"], "POC")
    # issued 2020-06-15 + the course's 24 months, as finalisation counts them
    assert (poc.issued_on, poc.valid_until) == (dt.date(2020, 6, 15), dt.date(2022, 6, 15))
    assert poc.verification_code != unsoc.verification_code
    # Each record's history says who imported it, from which file.
    [created] = unsoc.history.all()
    assert (created.history_type, created.history_user) == ("+", registrar)
    assert created.history_change_reason == "Imported from certifications.csv"
    import_file.refresh_from_db()
    assert import_file.is_applied
    assert import_file.applied_by == registrar
    assert import_file.summary == summary


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("comma.csv", certs_csv([cert_row()])),
        ("bom.csv", certs_csv([cert_row()], bom=True)),
        ("semicolon.csv", certs_csv([cert_row()], delimiter=";", bom=True)),
        (
            "headers.csv",
            certs_csv(
                [cert_row()], columns=[f"  {c.upper()} " for c in CERTIFICATION_COLUMNS], bom=True
            ),
        ),
        (
            "dotted.csv",
            certs_csv([cert_row(issued_on="31.03.2019", valid_until="31.3.2023")]),
        ),
        (
            "certifications.xlsx",
            certs_xlsx(
                [
                    [
                        "KZ-200002",
                        "unsoc",  # any case
                        "UNSOC-2019-0042",
                        dt.datetime(2019, 3, 31),  # a date cell
                        "31.03.2023",
                    ]
                ]
            ),
        ),
    ],
    ids=["comma", "bom", "semicolon-bom", "header-case-and-spaces", "dotted-dates", "xlsx"],
)
def test_every_input_form_previews_the_same(registrar, catalogue, name, content):
    _import_file, preview = preview_of(content, registrar, name)
    assert preview.errors == []
    [row] = preview.new
    assert row.row == 2
    assert (row.person, row.course, row.number) == (
        catalogue["abenov"],
        catalogue["unsoc"],
        "UNSOC-2019-0042",
    )
    assert (row.issued_on, row.valid_until, row.valid_until_computed) == (
        dt.date(2019, 3, 31),
        dt.date(2023, 3, 31),
        False,
    )


def test_without_a_valid_until_column_every_validity_comes_from_the_course(registrar, catalogue):
    rows = [cert_row(), cert_row(number="UNSOC-2016-0001", issued_on="2016-02-29")]
    import_file, preview = preview_of(certs_csv(rows, columns=CERTIFICATION_REQUIRED), registrar)
    assert preview.absent_columns == ["valid_until"]
    assert [(r.valid_until, r.valid_until_computed) for r in preview.new] == [
        (dt.date(2023, 3, 31), True),
        (dt.date(2020, 2, 29), True),  # 48 months after a 29 February
    ]
    assert apply(import_file, registrar)["computed"] == 2


def test_a_past_validity_is_imported_as_written(registrar, catalogue):
    """History is mostly lapsed: a valid_until long past is fine, and so is one equal to the
    issue date."""
    rows = [
        cert_row(valid_until="2019-03-31"),
        cert_row(number="UNSOC-2010-0001", issued_on="2010-01-10", valid_until="2014-01-09"),
    ]
    import_file, preview = preview_of(certs_csv(rows), registrar)
    assert preview.errors == []
    apply(import_file, registrar)
    assert Certification.objects.get(number="UNSOC-2010-0001").valid_until == dt.date(2014, 1, 9)


# --- rows in error ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "column", "reason"),
    [
        ({"service_number": ""}, "service_number", "is empty; this column is required"),
        (
            {"service_number": "KZ-999999"},
            "service_number",
            "“KZ-999999” is not the service number of a person in the register.",
        ),
        ({"course_code": ""}, "course_code", "is empty; this column is required"),
        (
            {"course_code": "UNSOC-X"},
            "course_code",
            "“UNSOC-X” is not the code of a course in the catalogue.",
        ),
        (
            {"course_code": "eng-b1"},
            "course_code",
            "ENG-B1 grants no certification, so none can be imported for it.",
        ),
        ({"number": ""}, "number", "is empty; this column is required"),
        ({"number": "N" * 41}, "number", "is 41 characters long; at most 40 fit."),
        ({"issued_on": ""}, "issued_on", "is empty; this column is required"),
        (
            {"issued_on": "31.02.2019"},
            "issued_on",
            "“31.02.2019” is not a date written YYYY-MM-DD or DD.MM.YYYY.",
        ),
        ({"issued_on": "2019/03/31"}, "issued_on", "“2019/03/31” is not a date written"),
        ({"issued_on": "March 2019"}, "issued_on", "“March 2019” is not a date written"),
        ({"issued_on": "2099-01-01"}, "issued_on", "2099-01-01 is in the future."),
        ({"valid_until": "2023-13-01"}, "valid_until", "“2023-13-01” is not a date written"),
        (
            {"valid_until": "30.03.2019"},
            "valid_until",
            "2019-03-30 is before the issue date, 2019-03-31.",
        ),
    ],
)
def test_a_bad_cell_is_an_error_naming_row_column_and_reason(
    registrar, catalogue, overrides, column, reason
):
    good = cert_row(service_number="KZ-200003", number="UNSOC-2019-0001")
    content = certs_csv([good, cert_row(**overrides)])
    import_file, preview = preview_of(content, registrar)
    [error] = preview.errors
    assert (error.row, error.column) == (3, column)
    assert reason in error.reason
    assert preview.counts["new"] == 1
    assert preview.counts["error"] == 1
    assert not preview.can_apply
    with pytest.raises(ValidationError) as refused:
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest
        )
    assert refused.value.code == "has_errors"
    assert "1 row(s) in error" in refused.value.messages[0]
    assert Certification.objects.count() == 0  # not even the good row
    import_file.refresh_from_db()
    assert not import_file.is_applied


def test_one_bad_row_among_many_writes_nothing(registrar, catalogue):
    rows = [
        cert_row(number=f"UNSOC-2019-{n:04d}", issued_on=f"2019-03-{n:02d}") for n in range(1, 8)
    ]
    rows[5]["issued_on"] = "31.02.2019"  # row 7 of the spreadsheet
    import_file, preview = preview_of(certs_csv(rows), registrar)
    assert preview.errors == [
        RowError(7, "issued_on", "“31.02.2019” is not a date written YYYY-MM-DD or DD.MM.YYYY.")
    ]
    with pytest.raises(ValidationError):
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest
        )
    assert Certification.objects.count() == 0


def test_every_error_of_a_row_is_listed_in_column_order(registrar, catalogue):
    row = cert_row(
        service_number="NOPE", course_code="NOPE", number="", issued_on="x", valid_until="y"
    )
    _import_file, preview = preview_of(certs_csv([row]), registrar)
    assert [e.column for e in preview.errors] == [
        "service_number",
        "course_code",
        "number",
        "issued_on",
        "valid_until",
    ]


@pytest.mark.parametrize("number", ["UNSOC-2019-0042", "unsoc-2019-0042"])
def test_a_number_already_used_is_an_error_naming_its_holder(registrar, catalogue, number):
    """In any letter case: to a reader they are the same number."""
    recorded(catalogue["ospanova"], catalogue["poc"], "UNSOC-2019-0042", dt.date(2020, 1, 1))
    _import_file, preview = preview_of(certs_csv([cert_row(number=number)]), registrar)
    assert preview.errors == [
        RowError(
            2,
            "number",
            "UNSOC-2019-0042 is already the number of a certification, held by Ospanova "
            "Gulnara (KZ-200003).",
        )
    ]


def test_a_number_twice_in_the_file_puts_both_rows_in_error(registrar, catalogue):
    content = certs_csv(
        [
            cert_row(number="UNSOC-7", issued_on="2019-01-01"),
            cert_row(number="UNSOC-8", issued_on="2019-02-01"),
            cert_row(number="unsoc-7", issued_on="2019-03-01", service_number="KZ-200003"),
        ]
    )
    _import_file, preview = preview_of(content, registrar)
    assert preview.errors == [
        RowError(2, "number", "UNSOC-7 appears again in row 4; each number once per file."),
        RowError(4, "number", "unsoc-7 appears again in row 2; each number once per file."),
    ]
    assert [row.number for row in preview.new] == ["UNSOC-8"]


def test_one_persons_certificate_of_a_course_and_day_twice_in_the_file(registrar, catalogue):
    content = certs_csv(
        [
            cert_row(number="A-1"),
            cert_row(number="A-2", course_code="POC"),  # another course: fine
            cert_row(number="A-3", service_number="KZ-200003"),  # another person: fine
            cert_row(number="A-4", issued_on="31.03.2019"),  # the same day, written otherwise
        ]
    )
    _import_file, preview = preview_of(content, registrar)
    assert preview.errors == [
        RowError(
            2,
            "issued_on",
            "row 5 has this person's UNSOC certification of 2019-03-31 too; each "
            "certification once per file.",
        ),
        RowError(
            5,
            "issued_on",
            "row 2 has this person's UNSOC certification of 2019-03-31 too; each "
            "certification once per file.",
        ),
    ]
    assert [row.number for row in preview.new] == ["A-2", "A-3"]


def test_a_certification_already_recorded_under_another_number_is_named(registrar, catalogue):
    recorded(catalogue["abenov"], catalogue["unsoc"], "UNSOC-2019-0001", dt.date(2019, 3, 31))
    _import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert preview.errors == [
        RowError(
            2,
            "issued_on",
            "KZ-200002 already holds UNSOC-2019-0001 of UNSOC issued on 2019-03-31: one "
            "certification per person, course and day.",
        )
    ]


def test_a_row_that_is_recorded_already_says_so_once(registrar, catalogue):
    recorded(catalogue["abenov"], catalogue["unsoc"], "UNSOC-2019-0042", dt.date(2019, 3, 31))
    _import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert preview.errors == [
        RowError(
            2,
            "number",
            "UNSOC-2019-0042 is recorded already: this person's UNSOC certification issued on "
            "2019-03-31. Remove the row.",
        )
    ]


def test_a_cohort_certification_without_a_course_counts_as_its_cohorts(registrar, catalogue):
    cohort = factories.CohortFactory(course=catalogue["unsoc"])
    factories.CertificationFactory(
        person=catalogue["abenov"],
        certification_type=catalogue["unsoc"].certification_type,
        cohort=cohort,
        course=None,
        number="UNSOC-2019-0001",
        issued_on=dt.date(2019, 3, 31),
    )
    _import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert [e.column for e in preview.errors] == ["issued_on"]


def test_a_file_with_only_a_header_cannot_be_applied(registrar, catalogue):
    import_file, preview = preview_of(certs_csv([]), registrar)
    assert preview.rows == []
    assert not preview.can_apply
    with pytest.raises(ValidationError, match="no data rows"):
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest
        )


def test_a_missing_required_column_is_refused_at_upload(registrar, catalogue):
    columns = [c for c in CERTIFICATION_COLUMNS if c != "issued_on"]
    with pytest.raises(ValidationError, match="Required columns are missing: issued_on"):
        upload(certs_csv([cert_row()], columns=columns), registrar)
    assert ImportFile.objects.count() == 0


def test_unknown_columns_are_ignored_and_listed(registrar, catalogue):
    columns = [*CERTIFICATION_COLUMNS, "remarks"]
    _import_file, preview = preview_of(certs_csv([cert_row()], columns=columns), registrar)
    assert preview.ignored_columns == ["remarks"]
    assert preview.counts["new"] == 1


def test_a_people_file_is_not_a_certifications_import(registrar, catalogue):
    people = people_import_upload(
        upload=SimpleUploadedFile("people.csv", people_csv([person_row()])), by=registrar
    )
    with pytest.raises(ValidationError, match="not a certifications import"):
        certification_import_preview(import_file=people)
    with pytest.raises(ValidationError) as refused:
        certification_import_apply(import_file=people, by=registrar, expected_digest="x")
    assert refused.value.code == "wrong_kind"


# --- applied once, by whom, and only as previewed ---------------------------------------


def test_an_import_is_applied_once(registrar, catalogue):
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    certification_import_apply(
        import_file=import_file, by=registrar, expected_digest=preview.digest
    )
    with pytest.raises(ValidationError) as refused:
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest
        )
    assert refused.value.code == "applied"
    assert "was applied already" in refused.value.messages[0]
    assert Certification.objects.count() == 1


def test_the_same_file_uploaded_again_is_refused_row_by_row(registrar, catalogue):
    content = certs_csv([cert_row()])
    apply(upload(content, registrar), registrar)
    _again, preview = preview_of(content, registrar)
    assert [e.column for e in preview.errors] == ["number"]
    assert "is recorded already" in preview.errors[0].reason


def test_only_the_uploader_or_an_administrator_applies(registrar, administrator, catalogue):
    other = factories.UserFactory(username="reg2", roles=[Role.REGISTRAR])
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    with pytest.raises(ValidationError) as refused:
        certification_import_apply(
            import_file=import_file, by=other, expected_digest=preview.digest
        )
    assert refused.value.code == "not_yours"
    assert Certification.objects.count() == 0
    certification_import_apply(
        import_file=import_file, by=administrator, expected_digest=preview.digest
    )
    assert Certification.objects.get().history.get().history_user == administrator


def test_a_number_taken_since_the_preview_stops_the_whole_import(registrar, catalogue):
    content = certs_csv([cert_row(number="UNSOC-2019-0001", issued_on="2019-01-10"), cert_row()])
    import_file, preview = preview_of(content, registrar)
    assert preview.can_apply
    # Meanwhile a colleague records another certificate under one of these numbers.
    recorded(catalogue["ospanova"], catalogue["poc"], "UNSOC-2019-0042", dt.date(2020, 1, 1))

    with pytest.raises(ValidationError) as refused:
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest
        )

    assert refused.value.code == "stale"
    message = refused.value.messages[0]
    assert "The certification records changed since this preview was made" in message
    assert "Nothing was written" in message
    assert (
        "It now finds 1 row(s) in error, first row 3, number: UNSOC-2019-0042 is already the "
        "number of a certification, held by Ospanova Gulnara (KZ-200003)." in message
    )
    assert list(Certification.objects.values_list("number", flat=True)) == ["UNSOC-2019-0042"]
    import_file.refresh_from_db()
    assert not import_file.is_applied
    fresh = certification_import_preview(import_file=import_file)
    assert fresh.digest != preview.digest
    assert [(e.row, e.column) for e in fresh.errors] == [(3, "number")]


def test_a_certification_recorded_since_the_preview_changes_the_chain_and_is_caught(
    registrar, catalogue
):
    """Still no error, but the import would now link differently from what was shown."""
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert preview.new[0].supersedes is None
    recorded(catalogue["abenov"], catalogue["unsoc"], "UNSOC-2015-0003", dt.date(2015, 5, 5))
    with pytest.raises(ValidationError) as refused:
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest
        )
    assert refused.value.code == "stale"
    assert "row(s) in error" not in refused.value.messages[0]
    assert Certification.objects.count() == 1
    assert certification_import_preview(import_file=import_file).new[0].supersedes == Link(
        "UNSOC-2015-0003", dt.date(2015, 5, 5)
    )


# --- the supersede chain ----------------------------------------------------------------


def _chain(person, course) -> list[tuple[str, str | None]]:
    """(number, number it supersedes) of the person's certifications of `course`, oldest
    first."""
    return [
        (c.number, c.supersedes.number if c.supersedes else None)
        for c in Certification.objects.filter(person=person, course=course)
        .select_related("supersedes")
        .order_by("issued_on")
    ]


def test_an_import_newer_than_the_newest_recorded_supersedes_it(registrar, catalogue):
    abenov, unsoc = catalogue["abenov"], catalogue["unsoc"]
    old = recorded(abenov, unsoc, "UNSOC-2011-0001", dt.date(2011, 1, 1))
    recorded(abenov, unsoc, "UNSOC-2015-0001", dt.date(2015, 1, 1), supersedes=old)
    recorded(abenov, catalogue["poc"], "POC-2018-0001", dt.date(2018, 1, 1))  # another course
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert preview.new[0].supersedes == Link("UNSOC-2015-0001", dt.date(2015, 1, 1))
    assert preview.counts["linked"] == 1

    assert apply(import_file, registrar)["linked"] == 1

    assert _chain(abenov, unsoc) == [
        ("UNSOC-2011-0001", None),
        ("UNSOC-2015-0001", "UNSOC-2011-0001"),
        ("UNSOC-2019-0042", "UNSOC-2015-0001"),
    ]
    assert not Certification.objects.filter(supersedes__number="POC-2018-0001").exists()


def test_imports_newer_than_the_records_chain_among_themselves(registrar, catalogue):
    abenov, unsoc = catalogue["abenov"], catalogue["unsoc"]
    recorded(abenov, unsoc, "UNSOC-2011-0001", dt.date(2011, 1, 1))
    rows = [
        cert_row(number="UNSOC-2023-0001", issued_on="2023-01-01"),  # order in the file
        cert_row(number="UNSOC-2015-0001", issued_on="2015-01-01"),  # does not matter
        cert_row(number="UNSOC-2019-0001", issued_on="2019-01-01"),
    ]
    import_file, preview = preview_of(certs_csv(rows), registrar)
    by_number = {row.number: row for row in preview.new}
    assert by_number["UNSOC-2023-0001"].supersedes == Link(
        "UNSOC-2019-0001", dt.date(2019, 1, 1), 4
    )
    assert by_number["UNSOC-2019-0001"].superseded_by == Link(
        "UNSOC-2023-0001", dt.date(2023, 1, 1), 2
    )
    assert by_number["UNSOC-2015-0001"].supersedes == Link("UNSOC-2011-0001", dt.date(2011, 1, 1))

    assert apply(import_file, registrar)["linked"] == 3

    assert _chain(abenov, unsoc) == [
        ("UNSOC-2011-0001", None),
        ("UNSOC-2015-0001", "UNSOC-2011-0001"),
        ("UNSOC-2019-0001", "UNSOC-2015-0001"),
        ("UNSOC-2023-0001", "UNSOC-2019-0001"),
    ]


def test_an_import_older_than_a_recorded_one_that_supersedes_nothing_is_linked_under_it(
    registrar, catalogue
):
    abenov, unsoc = catalogue["abenov"], catalogue["unsoc"]
    newer = recorded(abenov, unsoc, "UNSOC-2024-0001", dt.date(2024, 1, 1))
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert preview.new[0].superseded_by == Link("UNSOC-2024-0001", dt.date(2024, 1, 1))
    assert preview.new[0].supersedes is None

    apply(import_file, registrar)

    assert _chain(abenov, unsoc) == [
        ("UNSOC-2019-0042", None),
        ("UNSOC-2024-0001", "UNSOC-2019-0042"),
    ]
    # The recorded certification's history shows the link, who made it and why.
    latest = newer.history.order_by("-history_id").first()
    assert (latest.history_type, latest.history_user) == ("~", registrar)
    assert latest.supersedes.number == "UNSOC-2019-0042"
    assert latest.history_change_reason == "Imported from certifications.csv"


def test_an_import_older_than_a_recorded_one_that_supersedes_already_stays_unlinked(
    registrar, catalogue
):
    abenov, unsoc = catalogue["abenov"], catalogue["unsoc"]
    first = recorded(abenov, unsoc, "UNSOC-2011-0001", dt.date(2011, 1, 1))
    recorded(abenov, unsoc, "UNSOC-2024-0001", dt.date(2024, 1, 1), supersedes=first)
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    [row] = preview.new
    # Between two recorded ones already linked: neither end is free.
    assert (row.supersedes, row.superseded_by) == (None, None)
    assert preview.counts["linked"] == 0

    apply(import_file, registrar)

    assert _chain(abenov, unsoc) == [
        ("UNSOC-2011-0001", None),
        ("UNSOC-2019-0042", None),
        ("UNSOC-2024-0001", "UNSOC-2011-0001"),
    ]


def test_an_import_between_two_unlinked_records_joins_them(registrar, catalogue):
    abenov, unsoc = catalogue["abenov"], catalogue["unsoc"]
    recorded(abenov, unsoc, "UNSOC-2011-0001", dt.date(2011, 1, 1))
    recorded(abenov, unsoc, "UNSOC-2024-0001", dt.date(2024, 1, 1))
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert preview.counts["linked"] == 2
    apply(import_file, registrar)
    assert _chain(abenov, unsoc) == [
        ("UNSOC-2011-0001", None),
        ("UNSOC-2019-0042", "UNSOC-2011-0001"),
        ("UNSOC-2024-0001", "UNSOC-2019-0042"),
    ]


def test_chains_are_per_person_and_course(registrar, catalogue):
    abenov, ospanova = catalogue["abenov"], catalogue["ospanova"]
    unsoc, poc = catalogue["unsoc"], catalogue["poc"]
    recorded(ospanova, unsoc, "UNSOC-2011-0009", dt.date(2011, 1, 1))
    recorded(abenov, poc, "POC-2011-0001", dt.date(2011, 1, 1))
    import_file, preview = preview_of(certs_csv([cert_row()]), registrar)
    assert preview.new[0].supersedes is None
    apply(import_file, registrar)
    assert _chain(abenov, unsoc) == [("UNSOC-2019-0042", None)]


# --- queries do not grow with rows ------------------------------------------------------


def _file_for(catalogue, rows: int, tag: str) -> bytes:
    """`rows` people, each with a recorded 2015 certificate the imported 2019 one supersedes;
    every other one also with a recorded 2023 certificate that will supersede the import."""
    unsoc = catalogue["unsoc"]
    lines = []
    for n in range(rows):
        person = factories.PersonFactory(
            service_number=f"KZ-{tag}-{n:04d}", rank=catalogue["abenov"].rank
        )
        recorded(person, unsoc, f"OLD-{tag}-{n}", dt.date(2015, 1, 1))
        if n % 2 == 0:
            recorded(person, unsoc, f"NEW-{tag}-{n}", dt.date(2023, 1, 1))
        lines.append(
            cert_row(
                service_number=person.service_number,
                number=f"UNSOC-2019-{tag}-{n}",
                valid_until="" if n % 3 else "2023-03-31",
            )
        )
    return certs_csv(lines)


def _insert_batches(rows: int, links: int) -> int:
    """INSERT and UPDATE statements Django sends for `rows` certifications (and history) and
    `links` linked ones: one each per batch of WRITE_BATCH, or fewer rows where the database
    bounds a statement's parameters (SQLite: 999)."""

    def batches(model, objs: int, fields) -> int:
        if not objs:
            return 0
        size = min(imports.WRITE_BATCH, connection.ops.bulk_batch_size(fields, [None] * objs))
        return math.ceil(objs / size)

    history = Certification.history.model
    insert_fields = [f for f in Certification._meta.concrete_fields if not f.primary_key]
    history_fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    update_fields = ["pk", "pk", Certification._meta.get_field("supersedes")]
    return (
        batches(Certification, rows, insert_fields)
        + batches(history, rows, history_fields)
        + batches(Certification, links, update_fields)
        + batches(history, links, history_fields)
    )


@pytest.mark.parametrize("step", ["preview", "apply"])
def test_query_count_does_not_grow_with_rows(registrar, catalogue, step):
    counts, writes = [], []
    for rows in (5, 200):
        import_file = upload(_file_for(catalogue, rows, f"{step}{rows}"), registrar)
        preview = certification_import_preview(import_file=import_file)
        assert preview.counts["new"] == rows
        assert preview.counts["linked"] == rows + len(range(0, rows, 2))
        with CaptureQueriesContext(connection) as queries:
            if step == "preview":
                certification_import_preview(import_file=import_file)
            else:
                certification_import_apply(
                    import_file=import_file, by=registrar, expected_digest=preview.digest
                )
        counts.append(len(queries))
        writes.append(_insert_batches(rows, len(range(0, rows, 2))) if step == "apply" else 0)
    if step == "apply":
        assert Certification.objects.filter(source="import").count() == 205
    # Only the database's own bound on a statement's size may add statements (SQLite).
    assert counts[1] - counts[0] == writes[1] - writes[0], (counts, writes)
    if connection.vendor == "postgresql":
        assert counts[0] == counts[1], counts
    # preview: people, numbers, their certifications, the catalogue; apply adds the import's
    # lock, the writes, the import's update and savepoints.
    assert counts[0] <= (4 if step == "preview" else 15), counts


def test_lookups_are_chunked_for_long_files(registrar, catalogue, monkeypatch):
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 4)
    people = [factories.PersonFactory(service_number=f"KZ-C-{n}") for n in range(7)]
    rows = [
        cert_row(service_number=person.service_number, number=f"C-{n}")
        for n, person in enumerate(people)
    ]
    import_file = upload(certs_csv(rows), registrar)
    with CaptureQueriesContext(connection) as queries:
        preview = certification_import_preview(import_file=import_file)
    assert preview.counts["new"] == 7
    people_lookups = [q for q in queries if 'FROM "personnel_person"' in q["sql"]]
    number_lookups = [q for q in queries if 'UPPER("courses_certification"."number")' in q["sql"]]
    assert len(people_lookups) == 2  # 7 service numbers in chunks of 4
    assert len(number_lookups) == 4  # 7 numbers in chunks of 2 (each asked twice over)
