"""Applying the valid rows of a people file only: all or nothing stays the default; the rows in
error are left out, kept with the import and downloadable as the file had them plus the
reason, a file that uploads again as it is once corrected."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from imports.models import ImportFile
from personnel.models import Person
from personnel.services.imports import (
    people_import_apply,
    people_import_preview,
    people_import_refused_rows,
)
from tests.imports.import_support import read_csv
from tests.personnel import test_import_service
from tests.personnel.test_import_service import (
    existing_person,
    existing_row,
    people_csv,
    person_row,
    preview_of,
    upload,
)

pytestmark = pytest.mark.django_db

register = test_import_service.register  # the same reference data fixture

# A file as registrars send them: its own column order, a column the import does not know, a
# dotted date and a phone number starting with +.
COLUMNS = [
    "last_name",
    "first_name",
    "service_number",
    "notes",
    "gender",
    "date_of_birth",
    "category",
    "rank",
    "phone",
]


def mixed_file(register) -> bytes:
    """Row 2 new, row 3 updates a person, row 4 has a bad gender, row 5 a bad date."""
    kept = existing_person(register, service_number="KZ-KEPT", phone="+7 700 000 0001")
    return people_csv(
        [
            person_row(service_number="KZ-NEW", phone="+7 701 555 0101", notes="ok"),
            existing_row(kept, phone="+7 700 999 9999"),
            person_row(service_number="KZ-BAD-1", gender="X", phone="+7 702 1", notes="check"),
            person_row(service_number="KZ-BAD-2", date_of_birth="31.02.1990", phone="=1+2"),
        ],
        columns=COLUMNS,
    )


def test_all_or_nothing_stays_the_default(registrar, register):
    import_file, preview = preview_of(mixed_file(register), registrar)
    assert (preview.valid_count, preview.can_apply, preview.can_apply_valid_only) == (
        2,
        False,
        True,
    )

    with pytest.raises(ValidationError) as refused:
        people_import_apply(import_file=import_file, by=registrar, expected_digest=preview.digest)

    assert refused.value.code == "has_errors"
    assert Person.objects.get(service_number="KZ-KEPT").phone == "+7 700 000 0001"
    assert not Person.objects.filter(service_number="KZ-NEW").exists()


def test_the_valid_rows_only_are_applied_and_the_others_kept(registrar, register):
    bystander = existing_person(register, service_number="KZ-OTHER", phone="+7 777")
    import_file, preview = preview_of(mixed_file(register), registrar)

    summary = people_import_apply(
        import_file=import_file, by=registrar, expected_digest=preview.digest, valid_only=True
    )

    assert summary == {"new": 1, "updated": 1, "unchanged": 0, "refused": 2}
    assert Person.objects.get(service_number="KZ-NEW").phone == "+7 701 555 0101"
    assert Person.objects.get(service_number="KZ-KEPT").phone == "+7 700 999 9999"
    assert not Person.objects.filter(service_number__startswith="KZ-BAD").exists()
    bystander.refresh_from_db()
    assert bystander.phone == "+7 777"  # what was already saved stays
    import_file.refresh_from_db()
    assert import_file.is_applied
    assert import_file.summary["refused_rows"] == [
        [4, "gender: “X” is not F or M."],
        [5, "date_of_birth: “31.02.1990” is not a date written YYYY-MM-DD or DD.MM.YYYY."],
    ]


def test_the_stale_check_stays_for_the_valid_rows_only(registrar, register):
    import_file, preview = preview_of(mixed_file(register), registrar)
    Person.objects.filter(service_number="KZ-KEPT").update(first_name="Changed")

    with pytest.raises(ValidationError) as stale:
        people_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest, valid_only=True
        )

    assert stale.value.code == "stale"
    assert not Person.objects.filter(service_number="KZ-NEW").exists()
    import_file.refresh_from_db()
    assert not import_file.is_applied


def test_a_file_without_a_valid_row_is_not_applied(registrar, register):
    import_file, preview = preview_of(people_csv([person_row(gender="X")]), registrar)
    assert not preview.can_apply_valid_only

    with pytest.raises(ValidationError) as refused:
        people_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest, valid_only=True
        )

    assert refused.value.messages == [
        "Every row of the file is in error: there is nothing to apply."
    ]


def test_the_refused_rows_keep_the_file_columns_in_order_and_the_cells_as_written(
    registrar, register
):
    import_file, _preview = preview_of(mixed_file(register), registrar)
    refused = people_import_refused_rows(import_file=import_file)

    # "notes" is not a column of the import: read_table leaves it out, and so does the file.
    assert refused.columns == [c for c in COLUMNS if c != "notes"]
    assert [(number, cells) for cells, number, _reason in refused.rows] == [
        (4, ["Ospanova", "Gulnara", "KZ-BAD-1", "X", "1990-05-17", "military", "CPT", "+7 702 1"]),
        (5, ["Ospanova", "Gulnara", "KZ-BAD-2", "F", "31.02.1990", "military", "CPT", "=1+2"]),
    ]


def test_the_refused_rows_once_applied_are_those_left_out(registrar, register):
    import_file, preview = preview_of(mixed_file(register), registrar)
    people_import_apply(
        import_file=import_file, by=registrar, expected_digest=preview.digest, valid_only=True
    )

    refused = people_import_refused_rows(import_file=ImportFile.objects.get(pk=import_file.pk))

    assert [number for _cells, number, _reason in refused.rows] == [4, 5]


# --- pages ------------------------------------------------------------------------------


def test_the_preview_offers_the_valid_rows_only(client, registrar, register):
    import_file = upload(mixed_file(register), registrar)
    client.force_login(registrar)

    response = client.get(reverse("personnel:import_preview", args=[import_file.pk]))

    html = response.content.decode()
    assert 'data-testid="apply-valid-only"' in html
    assert "Apply the 2 valid rows only" in html
    assert reverse("personnel:import_refused", args=[import_file.pk]) in html


def test_a_clean_file_offers_no_valid_rows_only_button(client, registrar, register):
    import_file = upload(people_csv([person_row()]), registrar)
    client.force_login(registrar)

    response = client.get(reverse("personnel:import_preview", args=[import_file.pk]))

    assert 'data-testid="apply-valid-only"' not in response.content.decode()


def test_applying_the_valid_rows_only_from_the_page_and_downloading_the_refused(
    client, registrar, register
):
    import_file = upload(mixed_file(register), registrar)
    client.force_login(registrar)
    digest = people_import_preview(import_file=import_file).digest

    response = client.post(
        reverse("personnel:import_apply", args=[import_file.pk]),
        {"digest": digest, "valid_only": "Apply the 2 valid rows only"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "personnel:import_preview", args=[import_file.pk]
    )
    html = response.content.decode()
    assert 'data-testid="import-refused"' in html
    assert "2 rows in error were left out." in html
    assert Person.objects.filter(service_number__in=["KZ-NEW", "KZ-KEPT"]).count() == 2

    download = client.get(reverse("personnel:import_refused", args=[import_file.pk]))

    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(download.content)
    assert rows[0] == [c for c in COLUMNS if c != "notes"] + ["row", "reason"]
    assert rows[1][-2:] == ["4", "gender: “X” is not F or M."]
    assert rows[2][-3:-2] == ["=1+2"]  # the file's own cell, as written


def test_the_refused_csv_corrected_uploads_again_cleanly(client, registrar, register):
    import_file = upload(mixed_file(register), registrar)
    client.force_login(registrar)
    download = client.get(reverse("personnel:import_refused", args=[import_file.pk]))
    rows = read_csv(download.content)
    header = rows[0]
    rows[1][header.index("gender")] = "F"
    rows[2][header.index("date_of_birth")] = "28.02.1990"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)

    again, preview = preview_of(buffer.getvalue().encode(), registrar)

    assert preview.errors == []
    assert preview.ignored_columns == []  # row and reason are read without a word
    assert [row.service_number for row in preview.new] == ["KZ-BAD-1", "KZ-BAD-2"]
    assert preview.new[1].shown["phone"] == "=1+2"
    people_import_apply(import_file=again, by=registrar, expected_digest=preview.digest)
    assert Person.objects.get(service_number="KZ-BAD-1").phone == "+7 702 1"


def test_a_valid_only_post_on_a_file_whose_rows_are_all_wrong_writes_nothing(
    client, registrar, register
):
    import_file = upload(people_csv([person_row(gender="X")]), registrar)
    client.force_login(registrar)

    response = test_import_service.PEOPLE.post_apply(
        client, import_file, valid_only=True, follow=True
    )

    assert "nothing to apply" in response.content.decode()
    assert Person.objects.count() == 0


def test_the_refused_download_queries_do_not_grow_with_rows(client, registrar, register):
    client.force_login(registrar)
    counts = []
    for rows in (10, 200):
        lines = [
            person_row(service_number=f"KZ-{rows}-{n}", gender="FX"[n % 2]) for n in range(rows)
        ]
        import_file = upload(people_csv(lines), registrar)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("personnel:import_refused", args=[import_file.pk]))
        assert len(read_csv(response.content)) == 1 + rows // 2
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
