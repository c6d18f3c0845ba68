"""The certification history import's pages: who may use them, the upload, the template, the
preview, the confirmation."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from common.spreadsheets import read_table
from courses.models import Certification
from courses.services.certification_imports import (
    CERTIFICATION_COLUMNS,
    CERTIFICATION_OPTIONAL,
    CERTIFICATION_REQUIRED,
    certification_import_preview,
)
from imports.models import ImportFile
from tests import factories
from tests.courses import certification_import_support as support
from tests.courses.certification_import_support import cert_row, certs_csv, recorded, upload
from tests.imports.import_support import messages_of, read_csv

pytestmark = pytest.mark.django_db


post_file = support.CERTIFICATIONS.post_file
page_urls = support.CERTIFICATIONS.page_urls


@pytest.fixture
def own_import(registrar, catalogue):
    return upload(certs_csv([cert_row()]), registrar)


def html_of(response) -> str:
    return response.content.decode()


# --- who may -----------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, own_import):
    for method, url in page_urls(own_import):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.COMMANDER])
def test_other_roles_are_refused(client, own_import, role):
    client.force_login(factories.UserFactory(username="someone", roles=[role]))
    for method, url in page_urls(own_import):
        assert getattr(client, method)(url).status_code == 403, url
    assert Certification.objects.count() == 0


def test_a_user_without_a_role_is_refused(client, own_import):
    client.force_login(factories.UserFactory(username="nobody"))
    for method, url in page_urls(own_import):
        assert getattr(client, method)(url).status_code == 403, url


def test_another_registrars_import_is_not_found(client, own_import):
    client.force_login(factories.UserFactory(username="reg2", roles=[Role.REGISTRAR]))
    digest = certification_import_preview(import_file=own_import).digest
    for method, url in page_urls(own_import)[3:]:
        response = getattr(client, method)(url, {"digest": digest} if method == "post" else {})
        assert response.status_code == 404, url
    assert Certification.objects.count() == 0
    own_import.refresh_from_db()
    assert not own_import.is_applied
    # ...and it is not in their list of recent imports.
    response = client.get(reverse("courses:certification_import"))
    assert own_import.original_name not in html_of(response)


def test_a_people_import_is_not_found_here(client, registrar, catalogue):
    from personnel.services.imports import people_import_upload
    from tests.personnel.test_import_service import people_csv, person_row

    people = people_import_upload(
        upload=SimpleUploadedFile("people.csv", people_csv([person_row()])), by=registrar
    )
    client.force_login(registrar)
    url = reverse("courses:certification_import_preview", args=[people.pk])
    assert client.get(url).status_code == 404


def test_an_administrator_opens_and_applies_anyones_import(client, administrator, own_import):
    client.force_login(administrator)
    response = client.get(reverse("courses:certification_import_preview", args=[own_import.pk]))
    assert response.status_code == 200
    digest = response.context["preview"].digest
    response = client.post(
        reverse("courses:certification_import_apply", args=[own_import.pk]), {"digest": digest}
    )
    assert response.status_code == 302
    assert Certification.objects.get().history.get().history_user == administrator


def test_apply_answers_only_post(client, registrar, own_import):
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_apply", args=[own_import.pk]))
    assert response.status_code == 405


# --- upload ------------------------------------------------------------------------------


def test_the_upload_page_explains_the_columns_and_offers_templates(client, registrar, catalogue):
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import"))
    assert response.status_code == 200
    html = html_of(response)
    for column in CERTIFICATION_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert "All or nothing: while one row is in error, nothing is written." in html
    assert "Dates are written YYYY-MM-DD or DD.MM.YYYY" in html
    assert "issued 2019-03-31 for 48 months is valid until 2023-03-31" in html
    assert "a newer one supersedes the one before it" in html
    assert "At most 5.0\xa0MB and 20\xa0000 rows per file." in html
    assert reverse("courses:certification_import_template", args=["xlsx"]) in html
    assert reverse("courses:certification_import_template", args=["csv"]) in html
    assert 'enctype="multipart/form-data"' in html
    # The courses whose certifications can be imported, with their validity; not ENG-B1.
    courses = html.split('data-testid="import-courses"')[1].split("</table>")[0]
    assert "<code>UNSOC</code>" in courses
    assert "48 months" in courses
    assert "<code>POC</code>" in courses
    assert "ENG-B1" not in courses


def test_uploading_shows_the_preview_and_writes_nothing(client, registrar, catalogue):
    client.force_login(registrar)
    response = post_file(client, certs_csv([cert_row()]))
    import_file = ImportFile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("courses:certification_import_preview", args=[import_file.pk])
    assert (import_file.kind, import_file.uploaded_by) == ("certifications", registrar)
    assert Certification.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"service_number,number\nKZ-1,X\n", "c.csv", "Required columns are missing"),
        (b"", "c.csv", "The submitted file is empty."),
        (b"service_number\n\xff\xfe\n", "c.csv", "is not UTF-8 text"),
        (b"PK\x03\x04 not really a workbook", "c.xlsx", "not a valid Excel workbook"),
        (b"a,b\n", "c.txt", "File extension \u201ctxt\u201d is not allowed"),
    ],
    ids=["missing-columns", "empty", "not-utf8", "broken-xlsx", "wrong-extension"],
)
def test_a_file_that_cannot_be_read_stays_on_the_upload_page(
    client, registrar, content, name, message
):
    client.force_login(registrar)
    response = post_file(client, content, name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert message in html_of(response).replace("&quot;", '"')
    assert ImportFile.objects.count() == 0


# --- template ----------------------------------------------------------------------------


def test_the_csv_template_is_the_header_and_an_example_row(client, registrar, catalogue):
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_template", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "certification-import-template.csv" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = read_csv(response.content)
    # The first active course that grants a certification (by code): POC, 24 months.
    assert rows == [
        list(CERTIFICATION_COLUMNS),
        ["KZ-000123", "POC", "POC-2019-0042", "2019-03-31", "2021-03-31"],
    ]
    table = read_table(
        SimpleUploadedFile("t.csv", response.content),
        required=CERTIFICATION_REQUIRED,
        optional=CERTIFICATION_OPTIONAL,
    )
    assert table.columns == list(CERTIFICATION_COLUMNS)
    assert len(table.rows) == 1


def test_the_xlsx_template_is_the_header_and_an_example_row(client, registrar, catalogue):
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_template", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, example = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == list(CERTIFICATION_COLUMNS)
    assert example == [
        "KZ-000123",
        "POC",
        "POC-2019-0042",
        dt.datetime(2019, 3, 31),  # date cells
        dt.datetime(2021, 3, 31),
    ]


def test_the_template_of_an_empty_catalogue_still_has_an_example(client, registrar):
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_template", args=["csv"]))
    rows = read_csv(response.content)
    assert rows[1] == ["KZ-000123", "UNSOC", "UNSOC-2019-0042", "2019-03-31", "2023-03-31"]


def test_an_unknown_template_format_is_not_found(client, registrar):
    client.force_login(registrar)
    url = reverse("courses:certification_import_template", args=["pdf"])
    assert client.get(url).status_code == 404


# --- preview -----------------------------------------------------------------------------


def test_the_preview_shows_errors_and_new_rows_with_their_chain(client, registrar, catalogue):
    recorded(catalogue["abenov"], catalogue["unsoc"], "UNSOC-2015-0003", dt.date(2015, 5, 5))
    content = certs_csv(
        [
            cert_row(),
            cert_row(number="UNSOC-2021-0001", issued_on="2021-04-01", valid_until=""),
            cert_row(service_number="KZ-200003", issued_on="31.02.2019", number="X-1"),
        ],
        columns=[*CERTIFICATION_COLUMNS, "remarks"],
    )
    import_file = upload(content, registrar)
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_preview", args=[import_file.pk]))
    assert response.status_code == 200
    html = html_of(response)
    preview = response.context["preview"]
    assert preview.counts == {"new": 2, "error": 1, "computed": 1, "linked": 2}
    assert 'data-testid="count-error">1<' in html
    assert 'data-testid="count-new">2<' in html
    assert 'data-testid="count-computed">1<' in html
    assert 'data-testid="count-linked">2<' in html
    assert "<code>remarks</code>" in html  # the ignored column is named
    errors = html.split('data-testid="error-rows"')[1].split("</table>")[0]
    assert '<td class="text-end">4</td><td><code>issued_on</code></td>' in errors
    assert "“31.02.2019” is not a date written YYYY-MM-DD or DD.MM.YYYY." in errors
    new = html.split('data-testid="new-rows"')[1].split("</table>")[0]
    assert "Abenov Yerlan" in new  # the name in the register, to check the service number
    assert "UNSOC-2021-0001" in new
    assert "2025-04-01" in new  # worked out: 2021-04-01 + 48 months
    assert "worked out: issue date + 48 months" in new
    assert 'supersedes <span class="text-nowrap">UNSOC-2015-0003</span>' in new
    assert "(2015-05-05, recorded)" in new
    assert 'superseded by <span class="text-nowrap">UNSOC-2021-0001</span>' in new
    assert "(2021-04-01, row 3)" in new
    # Errors come first, then the new rows; a file with an error cannot be confirmed.
    assert html.index('data-testid="error-rows"') < html.index('data-testid="new-rows"')
    form = html.split('data-testid="import-apply-form"')[1].split("</form>")[0]
    assert 'name="apply"' in form
    assert "disabled" in form
    assert "cannot be applied until every row is right" in html
    assert Certification.objects.count() == 1  # the preview wrote nothing


def test_a_clean_preview_can_be_confirmed(client, registrar, own_import):
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_preview", args=[own_import.pk]))
    html = html_of(response)
    form = html.split('data-testid="import-apply-form"')[1].split("</form>")[0]
    assert "disabled" not in form
    assert response.context["preview"].digest in form
    assert "Add the certifications" in form
    assert "Nothing has been written yet." in html


def test_a_file_without_valid_until_says_where_validity_comes_from(client, registrar, catalogue):
    import_file = upload(certs_csv([cert_row()], columns=CERTIFICATION_REQUIRED), registrar)
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_preview", args=[import_file.pk]))
    absent = html_of(response).split('data-testid="absent-columns"')[1].split("</div>")[0]
    assert "every validity is worked out from the course" in absent


def test_the_errors_download_lists_every_error(client, registrar, catalogue):
    content = certs_csv([cert_row(course_code="NOPE"), cert_row(number="B", issued_on="2099-1-1")])
    import_file = upload(content, registrar)
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_errors", args=[import_file.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response.content)
    assert rows == [
        ["row", "column", "reason"],
        ["2", "course_code", "“NOPE” is not the code of a course in the catalogue."],
        ["3", "issued_on", "2099-1-1 is in the future."],
    ]


def test_an_applied_import_has_no_errors_download(client, registrar, own_import):
    support.apply(own_import, registrar)
    client.force_login(registrar)
    url = reverse("courses:certification_import_errors", args=[own_import.pk])
    assert client.get(url).status_code == 404


def test_preview_page_queries_do_not_grow_with_rows(client, registrar, catalogue):
    client.force_login(registrar)
    counts = []
    for rows in (5, 200):
        lines = []
        for n in range(rows):
            person = factories.PersonFactory(service_number=f"KZ-{rows}-{n}")
            recorded(person, catalogue["unsoc"], f"OLD-{rows}-{n}", dt.date(2015, 1, 1))
            bad = n % 4 == 0
            lines.append(
                cert_row(
                    service_number=person.service_number,
                    number=f"UNSOC-{rows}-{n}",
                    issued_on="31.02.2019" if bad else "2019-03-31",
                    valid_until="" if n % 2 else "2023-03-31",
                )
            )
        import_file = upload(certs_csv(lines), registrar)
        url = reverse("courses:certification_import_preview", args=[import_file.pk])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["preview"].counts["error"] == len(range(0, rows, 4))
        assert response.context["preview"].counts["linked"] == rows - len(range(0, rows, 4))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # session, user, roles; the import; the preview's 4 lookups
    assert counts[1] <= 9, counts


# --- confirm -----------------------------------------------------------------------------


def test_confirming_applies_and_says_what_was_done(client, registrar, own_import):
    client.force_login(registrar)
    digest = certification_import_preview(import_file=own_import).digest
    response = client.post(
        reverse("courses:certification_import_apply", args=[own_import.pk]), {"digest": digest}
    )
    assert response.status_code == 302
    assert response.url == reverse("courses:certification_import")
    assert messages_of(response) == [
        "certifications.csv applied: 1 certification added (0 with the validity worked out "
        "from the course), 0 supersede links made."
    ]
    assert Certification.objects.get().number == "UNSOC-2019-0042"
    # The applied import shows what it did, and can no longer be confirmed.
    response = client.get(reverse("courses:certification_import_preview", args=[own_import.pk]))
    html = html_of(response)
    applied = " ".join(html.split('data-testid="import-applied">')[1].split("</div>")[0].split())
    assert applied.endswith(
        "1 certification added (0 with the validity worked out from the course), 0 supersede "
        "links made."
    )
    assert 'data-testid="import-apply-form"' not in html
    response = client.post(
        reverse("courses:certification_import_apply", args=[own_import.pk]), {"digest": digest}
    )
    assert "was applied already" in messages_of(response)[0]
    assert Certification.objects.count() == 1
    # The list of recent imports says so too.
    recent = html_of(client.get(reverse("courses:certification_import"))).split(
        'data-testid="recent-imports"'
    )[1]
    assert reverse("courses:certification_import_preview", args=[own_import.pk]) in recent
    assert ">applied<" in recent


def test_a_file_with_errors_is_refused_even_when_posted(client, registrar, catalogue):
    import_file = upload(certs_csv([cert_row(), cert_row(number="B", course_code="?")]), registrar)
    client.force_login(registrar)
    response = support.CERTIFICATIONS.post_apply(client, import_file)
    assert response.url == reverse("courses:certification_import_preview", args=[import_file.pk])
    assert "cannot be applied" in messages_of(response)[0]
    assert Certification.objects.count() == 0


def test_a_number_taken_since_the_preview_is_reported_and_the_new_preview_shown(
    client, registrar, own_import, catalogue
):
    client.force_login(registrar)
    old_digest = certification_import_preview(import_file=own_import).digest
    recorded(catalogue["ospanova"], catalogue["poc"], "UNSOC-2019-0042", dt.date(2020, 1, 1))
    response = client.post(
        reverse("courses:certification_import_apply", args=[own_import.pk]),
        {"digest": old_digest},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "courses:certification_import_preview", args=[own_import.pk]
    )
    html = html_of(response)
    assert "The certification records changed since this preview was made" in html
    assert "alert-warning" in html
    errors = html.split('data-testid="error-rows"')[1]
    assert "UNSOC-2019-0042 is already the number of a certification" in errors
    assert list(Certification.objects.values_list("number", flat=True)) == ["UNSOC-2019-0042"]
    assert Certification.objects.get().person == catalogue["ospanova"]


def test_a_confirmation_without_its_digest_writes_nothing(client, registrar, own_import):
    client.force_login(registrar)
    response = client.post(reverse("courses:certification_import_apply", args=[own_import.pk]))
    assert response.status_code == 302
    assert "nothing was written" in messages_of(response)[0]
    assert Certification.objects.count() == 0


def test_a_stored_file_that_is_gone_is_reported(client, registrar, own_import):
    own_import.file.storage.delete(own_import.file.name)
    client.force_login(registrar)
    response = client.get(reverse("courses:certification_import_preview", args=[own_import.pk]))
    assert response.url == reverse("courses:certification_import")
    assert messages_of(response) == [
        "The file certifications.csv is no longer stored; upload it again."
    ]
