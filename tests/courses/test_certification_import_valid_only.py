"""Applying the valid rows of a certification history file only (the shared pipeline,
imports/services.py): all or nothing stays the default; the rows in error are left out and
downloadable as the file had them plus the reason, to correct and upload again; the supersede
chain links the rows applied and leaves what was recorded intact."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from courses.models import Certification
from courses.services.certification_imports import (
    certification_import_apply,
    certification_import_refused_rows,
)
from tests import factories
from tests.courses import certification_import_support as support
from tests.courses.certification_import_support import (
    cert_row,
    certs_csv,
    preview_of,
    recorded,
    upload,
)
from tests.imports.import_support import read_csv

pytestmark = pytest.mark.django_db


COLUMNS = ["number", "service_number", "valid_until", "course_code", "issued_on"]


def mixed_file() -> bytes:
    """Row 2 supersedes a recorded certificate; row 3 names nobody; row 4 is valid."""
    return certs_csv(
        [
            cert_row(number="UNSOC-2023-0001", issued_on="2023-04-01", valid_until=""),
            cert_row(service_number="KZ-NOBODY", number="UNSOC-2019-0007"),
            cert_row(service_number="KZ-200003", course_code="POC", number="POC-2020-1"),
        ],
        columns=COLUMNS,
    )


def test_all_or_nothing_stays_the_default(registrar, catalogue):
    import_file, preview = preview_of(mixed_file(), registrar)

    with pytest.raises(ValidationError) as refused:
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest
        )

    assert refused.value.code == "has_errors"
    assert Certification.objects.count() == 0


def test_the_valid_rows_only_are_added_and_linked(registrar, catalogue):
    old = recorded(catalogue["abenov"], catalogue["unsoc"], "UNSOC-2019-0042", dt.date(2019, 3, 31))
    import_file, preview = preview_of(mixed_file(), registrar)

    summary = certification_import_apply(
        import_file=import_file, by=registrar, expected_digest=preview.digest, valid_only=True
    )

    assert summary == {"new": 2, "computed": 1, "linked": 1, "refused": 1}
    newer = Certification.objects.get(number="UNSOC-2023-0001")
    assert newer.supersedes == old
    old.refresh_from_db()
    assert (old.number, old.revoked_at) == ("UNSOC-2019-0042", None)  # the record stays
    assert not Certification.objects.filter(number="UNSOC-2019-0007").exists()
    import_file.refresh_from_db()
    [(cells, number, reason)] = certification_import_refused_rows(import_file=import_file).rows
    assert (number, cells[:2]) == (3, ["UNSOC-2019-0007", "KZ-NOBODY"])
    assert reason.startswith("service_number: ")


def test_the_stale_check_stays(registrar, catalogue):
    import_file, preview = preview_of(mixed_file(), registrar)
    recorded(catalogue["ospanova"], catalogue["poc"], "POC-2020-1", dt.date(2018, 1, 1))

    with pytest.raises(ValidationError) as stale:
        certification_import_apply(
            import_file=import_file, by=registrar, expected_digest=preview.digest, valid_only=True
        )

    assert stale.value.code == "stale"
    assert Certification.objects.count() == 1  # the one recorded meanwhile


def test_the_page_offers_it_and_the_refused_csv_uploads_again(client, registrar, catalogue):
    import_file = upload(mixed_file(), registrar)
    client.force_login(registrar)
    page = client.get(reverse("courses:certification_import_preview", args=[import_file.pk]))
    assert "Apply the 2 valid rows only" in page.content.decode()

    response = support.CERTIFICATIONS.post_apply(client, import_file, valid_only=True, follow=True)

    assert "1 row in error was left out." in response.content.decode()
    assert Certification.objects.count() == 2
    download = client.get(reverse("courses:certification_import_refused", args=[import_file.pk]))
    rows = read_csv(download.content)
    assert rows[0] == [*COLUMNS, "row", "reason"]
    assert rows[1][:5] == ["UNSOC-2019-0007", "KZ-NOBODY", "2023-03-31", "UNSOC", "2019-03-31"]
    rows[1][1] = "KZ-200003"  # corrected
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)

    _again, preview = preview_of(buffer.getvalue().encode(), registrar)

    assert (preview.errors, preview.ignored_columns, len(preview.new)) == ([], [], 1)


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.COMMANDER])
def test_other_roles_cannot_apply_the_valid_rows_or_download_the_refused(
    client, registrar, catalogue, role
):
    import_file = upload(mixed_file(), registrar)
    client.force_login(factories.UserFactory(username="someone", roles=[role]))

    apply_response = support.CERTIFICATIONS.post_apply(client, import_file, valid_only=True)
    download = client.get(reverse("courses:certification_import_refused", args=[import_file.pk]))

    assert (apply_response.status_code, download.status_code) == (403, 403)
    assert Certification.objects.count() == 0
