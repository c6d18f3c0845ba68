"""The people import's pages: who may use them, the upload, the preview, the confirmation."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from common.spreadsheets import read_table
from imports.models import ImportFile
from personnel.models import Person
from personnel.services.imports import (
    PEOPLE_COLUMNS,
    PEOPLE_OPTIONAL,
    PEOPLE_REQUIRED,
    people_import_preview,
)
from tests import factories
from tests.imports.import_support import messages_of, read_csv
from tests.personnel import test_import_service
from tests.personnel.test_import_service import (
    existing_person,
    existing_row,
    people_csv,
    person_row,
    upload,
)

pytestmark = pytest.mark.django_db

register = test_import_service.register  # the same reference data fixture


post_file = test_import_service.PEOPLE.post_file
page_urls = test_import_service.PEOPLE.page_urls


@pytest.fixture
def own_import(registrar, register):
    return upload(people_csv([person_row()]), registrar)


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
    assert Person.objects.count() == 0


def test_a_user_without_a_role_is_refused(client, own_import):
    client.force_login(factories.UserFactory(username="nobody"))
    assert client.get(reverse("personnel:import")).status_code == 403


def test_another_registrars_import_is_not_found(client, own_import):
    client.force_login(factories.UserFactory(username="reg2", roles=[Role.REGISTRAR]))
    for method, url in page_urls(own_import)[3:]:
        assert getattr(client, method)(url).status_code == 404, url
    assert Person.objects.count() == 0
    own_import.refresh_from_db()
    assert not own_import.is_applied
    # ...and it is not in their list of recent imports.
    response = client.get(reverse("personnel:import"))
    assert own_import.original_name not in response.content.decode()


def test_an_administrator_opens_and_applies_anyones_import(client, administrator, own_import):
    client.force_login(administrator)
    response = client.get(reverse("personnel:import_preview", args=[own_import.pk]))
    assert response.status_code == 200
    digest = response.context["preview"].digest
    response = client.post(
        reverse("personnel:import_apply", args=[own_import.pk]), {"digest": digest}
    )
    assert response.status_code == 302
    assert Person.objects.count() == 1


def test_apply_answers_only_post(client, registrar, own_import):
    client.force_login(registrar)
    response = client.get(reverse("personnel:import_apply", args=[own_import.pk]))
    assert response.status_code == 405


# --- upload ------------------------------------------------------------------------------


def test_the_upload_page_explains_the_columns_and_offers_templates(client, registrar):
    client.force_login(registrar)
    response = client.get(reverse("personnel:import"))
    assert response.status_code == 200
    html = response.content.decode()
    for column in PEOPLE_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert "a blank cell, or a column left out of the file, leaves that value as it is" in html
    assert "blank nationality means KZ" in html
    assert "At most 5.0\xa0MB and 20\xa0000 rows per file." in html  # the centre's format
    assert reverse("personnel:import_template", args=["xlsx"]) in html
    assert 'enctype="multipart/form-data"' in html


def test_uploading_shows_the_preview_and_writes_nothing(client, registrar, register):
    client.force_login(registrar)
    response = post_file(client, people_csv([person_row()]))
    import_file = ImportFile.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("personnel:import_preview", args=[import_file.pk])
    assert import_file.uploaded_by == registrar
    assert Person.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"service_number,last_name\nKZ-1,X\n", "people.csv", "Required columns are missing"),
        (b"", "people.csv", "The submitted file is empty."),
        (b"service_number\n\xff\xfe\n", "people.csv", "is not UTF-8 text"),
        (b"PK\x03\x04 not really a workbook", "people.xlsx", "not a valid Excel workbook"),
        (b"a,b\n", "people.txt", "File extension \u201ctxt\u201d is not allowed"),
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
    assert message in response.content.decode().replace("&quot;", '"')
    assert ImportFile.objects.count() == 0


def test_a_file_over_the_row_limit_is_refused_on_the_page(client, registrar, settings):
    client.force_login(registrar)
    rows = [person_row(service_number=f"KZ-{n}") for n in range(20_001)]
    response = post_file(client, people_csv(rows, columns=PEOPLE_REQUIRED))
    assert response.status_code == 200
    assert "more than 20\xa0000 data rows, the limit" in response.content.decode()
    assert ImportFile.objects.count() == 0


# --- blank template ----------------------------------------------------------------------


def test_the_csv_template_is_the_header_row(client, registrar):
    client.force_login(registrar)
    response = client.get(reverse("personnel:import_template", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "people-import-template.csv" in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert rows == [list(PEOPLE_COLUMNS)]
    # The template reads back as an import with every column and no rows.
    table = read_table(
        SimpleUploadedFile("t.csv", response.content),
        required=PEOPLE_REQUIRED,
        optional=PEOPLE_OPTIONAL,
    )
    assert (table.columns, table.rows) == (list(PEOPLE_COLUMNS), [])


def test_the_xlsx_template_is_the_header_row(client, registrar):
    client.force_login(registrar)
    response = client.get(reverse("personnel:import_template", args=["xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [list(PEOPLE_COLUMNS)]


def test_an_unknown_template_format_is_not_found(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("personnel:import_template", args=["pdf"])).status_code == 404


# --- preview -----------------------------------------------------------------------------


def test_the_preview_shows_errors_new_and_updated_rows(client, registrar, register):
    person = existing_person(register)
    unchanged = existing_person(register, service_number="KZ-300003", email="")
    content = people_csv(
        [
            person_row(service_number="KZ-NEW"),
            existing_row(person, phone="+7 702 111 2233"),
            person_row(service_number="KZ-BAD", unit_code="NOPE-9"),
            existing_row(unchanged),
        ],
        columns=[*PEOPLE_COLUMNS, "notes"],
    )
    import_file = upload(content, registrar)
    client.force_login(registrar)
    response = client.get(reverse("personnel:import_preview", args=[import_file.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    preview = response.context["preview"]
    assert preview.counts == {"new": 1, "updated": 1, "unchanged": 1, "error": 1}
    assert 'data-testid="count-error">1<' in html
    assert "<code>notes</code>" in html  # the ignored column is named
    errors = html.split('data-testid="error-rows"')[1].split("</table>")[0]
    assert '<td class="text-end">4</td><td><code>unit_code</code></td>' in errors
    assert "“NOPE-9” is not the code of a unit in the register." in errors
    assert "KZ-NEW" in html.split('data-testid="new-rows"')[1]
    updated = html.split('data-testid="updated-rows"')[1].split("</table>")[0]
    assert "+7 701 000 0000" in updated
    assert "+7 702 111 2233" in updated
    assert "KZ-300003" in html.split('data-testid="unchanged-rows"')[1]
    # Errors come first, then new, then updated rows; unchanged rows are folded away.
    assert (
        html.index('data-testid="error-rows"')
        < html.index('data-testid="new-rows"')
        < html.index('data-testid="updated-rows"')
        < html.index('<details class="card shadow-sm mb-3" data-testid="unchanged-rows"')
    )
    # A file with an error cannot be confirmed: the button is disabled.
    form = html.split('data-testid="import-apply-form"')[1].split("</form>")[0]
    assert 'name="apply"' in form
    assert "disabled" in form
    assert Person.objects.count() == 2  # the preview wrote nothing


def test_a_clean_preview_can_be_confirmed(client, registrar, own_import):
    client.force_login(registrar)
    response = client.get(reverse("personnel:import_preview", args=[own_import.pk]))
    html = response.content.decode()
    form = html.split('data-testid="import-apply-form"')[1].split("</form>")[0]
    assert "disabled" not in form
    assert response.context["preview"].digest in form
    assert "Nothing has been written to the register yet" in html


def test_the_errors_download_lists_every_error(client, registrar, register):
    content = people_csv(
        [person_row(service_number="KZ-1", gender="X"), person_row(service_number="KZ-2")]
    )
    import_file = upload(content, registrar)
    client.force_login(registrar)
    response = client.get(reverse("personnel:import_errors", args=[import_file.pk]))
    rows = read_csv(response.content)
    assert rows == [["row", "column", "reason"], ["2", "gender", "“X” is not F or M."]]


def test_preview_page_queries_do_not_grow_with_rows(client, registrar, register):
    client.force_login(registrar)
    counts = []
    for rows in (10, 200):
        lines = []
        for n in range(rows):
            if n % 3 == 0:
                person = existing_person(register, service_number=f"KZ-OLD-{rows}-{n}")
                lines.append(existing_row(person, phone=f"+7 700 {n:07d}"))
            else:
                lines.append(person_row(service_number=f"KZ-{rows}-{n}", gender="FX"[n % 2]))
        import_file = upload(people_csv(lines), registrar)
        url = reverse("personnel:import_preview", args=[import_file.pk])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["preview"].counts["updated"] == len(range(0, rows, 3))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 10, counts


# --- confirm -----------------------------------------------------------------------------


def test_confirming_applies_and_says_what_was_done(client, registrar, own_import):
    client.force_login(registrar)
    digest = people_import_preview(import_file=own_import).digest
    response = client.post(
        reverse("personnel:import_apply", args=[own_import.pk]), {"digest": digest}
    )
    assert response.status_code == 302
    assert response.url == reverse("personnel:import")
    assert messages_of(response) == ["people.csv applied: 1 added, 0 updated, 0 unchanged."]
    assert Person.objects.get().service_number == "KZ-100001"
    # The applied import shows what it did, and can no longer be confirmed.
    response = client.get(reverse("personnel:import_preview", args=[own_import.pk]))
    html = response.content.decode()
    assert "1 added, 0 updated, 0 unchanged." in html
    assert 'data-testid="import-apply-form"' not in html
    response = client.post(
        reverse("personnel:import_apply", args=[own_import.pk]), {"digest": digest}
    )
    assert "was applied already" in messages_of(response)[0]
    assert Person.objects.count() == 1


def test_a_file_with_errors_is_refused_even_when_posted(client, registrar, register):
    import_file = upload(people_csv([person_row(), person_row(gender="?")]), registrar)
    client.force_login(registrar)
    response = test_import_service.PEOPLE.post_apply(client, import_file)
    assert response.url == reverse("personnel:import_preview", args=[import_file.pk])
    assert "cannot be applied" in messages_of(response)[0]
    assert Person.objects.count() == 0


def test_a_stale_preview_is_detected_and_the_new_one_shown(client, registrar, register):
    person = existing_person(register)
    import_file = upload(people_csv([existing_row(person, phone="+7 700 1")]), registrar)
    client.force_login(registrar)
    old_digest = people_import_preview(import_file=import_file).digest
    Person.objects.filter(pk=person.pk).update(phone="+7 799 9")  # someone else's edit
    response = client.post(
        reverse("personnel:import_apply", args=[import_file.pk]),
        {"digest": old_digest},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "personnel:import_preview", args=[import_file.pk]
    )
    html = response.content.decode()
    assert "The register changed since this preview was made" in html
    assert "alert-warning" in html
    assert "+7 799 9" in html  # the new preview shows the current value
    person.refresh_from_db()
    assert person.phone == "+7 799 9"


def test_a_confirmation_without_its_digest_writes_nothing(client, registrar, own_import):
    client.force_login(registrar)
    response = client.post(reverse("personnel:import_apply", args=[own_import.pk]), {})
    assert response.status_code == 302
    assert "nothing was written" in messages_of(response)[0]
    assert Person.objects.count() == 0


def test_recent_imports_list_the_users_own(client, registrar, own_import):
    client.force_login(registrar)
    response = client.get(reverse("personnel:import"))
    recent = response.content.decode().split('data-testid="recent-imports"')[1]
    assert reverse("personnel:import_preview", args=[own_import.pk]) in recent
    assert "not applied" in recent


def test_a_stored_file_that_is_gone_is_reported(client, registrar, own_import):
    own_import.file.storage.delete(own_import.file.name)
    client.force_login(registrar)
    response = client.get(reverse("personnel:import_preview", args=[own_import.pk]))
    assert response.url == reverse("personnel:import")
    assert messages_of(response) == ["The file people.csv is no longer stored; upload it again."]
