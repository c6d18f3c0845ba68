"""The three ways in (one person, a unit, a list) preview before saving; apply saves what was
previewed or, when the cohort changed meanwhile, shows the new preview and saves nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from courses.models import Cohort, Enrolment
from courses.services.enrolment import Outcome
from personnel.models import Person
from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people, positions, seat, waitlist

pytestmark = pytest.mark.django_db

ENTRY_PAGES = ("enrol_person", "enrol_unit", "enrol_file")


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


@pytest.fixture
def cohort():
    return make_cohort(capacity=3, code="PDT-2027-01")


@pytest.fixture
def signed_in(client, registrar):
    client.force_login(registrar)
    return client


def outcomes(response) -> list[str]:
    return [line.outcome for line in response.context["plan"].lines]


def apply_data(response) -> dict:
    """What the preview page's apply form would post."""
    form = response.context["apply_form"]
    return {
        "person": form.initial["person"],
        "fingerprint": form.initial["fingerprint"],
        "source": form.initial["source"],
        "nominating_country": form.initial["nominating_country"],
        "nominating_party": form.initial["nominating_party"],
    }


# Access


@pytest.mark.parametrize("name", [*ENTRY_PAGES, "enrol_apply"])
def test_anonymous_users_are_sent_to_sign_in(client, cohort, name):
    response = client.get(url(name, cohort.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ENTRY_PAGES)
def test_instructors_and_commanders_cannot_enrol(client, cohort, instructor, commander, name):
    cohort.instructors.add(instructor)
    for user in (instructor, commander):
        client.force_login(user)
        assert client.get(url(name, cohort.pk)).status_code == 403
    person = factories.PersonFactory()
    response = client.post(
        url("enrol_apply", cohort.pk), {"person": [person.pk], "fingerprint": "x", "source": "unit"}
    )
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("name", ENTRY_PAGES)
def test_a_cohort_that_does_not_exist_is_not_found(signed_in, name):
    assert signed_in.get(url(name, 999_999)).status_code == 404


@pytest.mark.parametrize("name", ENTRY_PAGES)
def test_a_cancelled_cohort_sends_the_registrar_back_with_the_reason(signed_in, name):
    cohort = make_cohort(status=Cohort.Status.CANCELLED)

    response = signed_in.get(url(name, cohort.pk), follow=True)

    assert response.redirect_chain[-1][0] == url("cohort_detail", cohort.pk)
    assert [str(m) for m in response.context["messages"]] == [
        f"Cohort {cohort.code} is cancelled: it takes no enrolments."
    ]


# One person


def test_search_then_preview_one_person(signed_in, cohort):
    person = factories.PersonFactory(last_name="Сейтқали", first_name="Aliya")
    factories.PersonFactory(last_name="Other")

    found = signed_in.get(url("enrol_person", cohort.pk), {"q": "seitkali"})

    assert [p.pk for p in found.context["results"]] == [person.pk]
    assert found.context["plan"] is None
    html = found.content.decode()
    assert f"person={person.pk}" in html  # the result's Preview link

    preview = signed_in.get(url("enrol_person", cohort.pk), {"q": "seitkali", "person": person.pk})

    assert outcomes(preview) == [Outcome.ENROL]
    assert 'data-testid="enrol-preview"' in preview.content.decode()
    assert not Enrolment.objects.exists()

    saved = signed_in.post(url("enrol_apply", cohort.pk), apply_data(preview), follow=True)

    assert saved.redirect_chain[-1][0] == url("cohort_detail", cohort.pk)
    assert [str(m) for m in saved.context["messages"]] == ["Saved: 1 enrolled."]
    assert Enrolment.objects.get().person == person


@pytest.mark.parametrize("forged", ["999999", "12abc", "-1", "1" * 40])
def test_a_forged_person_id_is_the_pickers_error(signed_in, cohort, forged):
    response = signed_in.get(url("enrol_person", cohort.pk), {"person": forged})

    assert response.status_code == 200
    assert response.context["form"].has_error("person", "invalid_choice")
    assert response.context["plan"] is None


def test_a_service_number_typed_without_the_list_previews_the_person(signed_in, cohort):
    person = factories.PersonFactory(service_number="KZ-4711")

    preview = signed_in.get(url("enrol_person", cohort.pk), {"q": "kz-4711"})

    assert preview.context["form"].cleaned_data["person"] == person
    assert outcomes(preview) == [Outcome.ENROL]


def test_the_enrol_page_does_not_grow_with_the_register(client, registrar):
    cohort = make_cohort(capacity=3, code="PDT-2027-09")
    page = url("enrol_person", cohort.pk)
    client.force_login(registrar)

    def measure() -> tuple[int, int]:
        client.get(page)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        return len(response.content), len(queries)

    size, queries = measure()
    unit = factories.UnitFactory()
    Person.objects.bulk_create(
        factories.PersonFactory.build(unit=unit, rank=None, service_number=f"GROW-{i:04d}")
        for i in range(300)
    )
    grown_size, grown_queries = measure()
    assert grown_queries == queries
    assert abs(grown_size - size) < 64  # the CSRF token's length aside, the same page


def test_a_name_nobody_has_is_the_pickers_error(signed_in, cohort):
    factories.PersonFactory(last_name="Other")

    response = signed_in.get(url("enrol_person", cohort.pk), {"q": "Жумабаев"})

    assert response.context["results"] == []
    assert response.context["form"].has_error("person", "not_found")


def test_an_explicit_nomination_is_carried_to_the_apply(signed_in, cohort):
    person = factories.PersonFactory()

    preview = signed_in.get(
        url("enrol_person", cohort.pk),
        {"person": person.pk, "nominating_country": "KG", "nominating_party": "MoD KG"},
    )
    assert outcomes(preview) == [Outcome.NOMINATE]
    signed_in.post(url("enrol_apply", cohort.pk), apply_data(preview))

    enrolment = Enrolment.objects.get()
    assert (enrolment.status, enrolment.nominating_country.code, enrolment.nominating_party) == (
        "nominated",
        "KG",
        "MoD KG",
    )


# A unit


def test_a_unit_with_the_units_under_it(signed_in, cohort):
    battalion = factories.UnitFactory(code="KAZBAT")
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    battalion.refresh_from_db()
    elsewhere = factories.UnitFactory(code="KAZPOL")
    in_battalion = make_people(2, unit=battalion)
    in_company = make_people(3, unit=company)
    make_people(2, unit=elsewhere)

    whole = signed_in.get(
        url("enrol_unit", cohort.pk), {"unit": battalion.pk, "include_subunits": "on"}
    )
    alone = signed_in.get(url("enrol_unit", cohort.pk), {"unit": battalion.pk})

    plan = whole.context["plan"]
    assert {line.person for line in plan.lines} == {*in_battalion, *in_company}
    assert outcomes(whole).count(Outcome.ENROL) == 3
    assert outcomes(whole).count(Outcome.WAITLIST) == 2
    assert {line.person for line in alone.context["plan"].lines} == set(in_battalion)
    html = whole.content.decode()
    assert "3 to enrol" in html
    assert "2 to waitlist" in html


def test_the_unit_form_needs_a_unit(signed_in, cohort):
    response = signed_in.get(url("enrol_unit", cohort.pk), {"unit": "999999"})

    assert response.context["plan"] is None
    assert "unit" in response.context["form"].errors


def test_unit_preview_query_count_does_not_grow_with_people(signed_in):
    few_unit, many_unit = factories.UnitFactory(), factories.UnitFactory()
    make_people(3, unit=few_unit)
    make_people(60, unit=many_unit)
    cohort = make_cohort(capacity=10)
    signed_in.get(url("enrol_unit", cohort.pk))

    counts = []
    for unit in (few_unit, many_unit):
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get(url("enrol_unit", cohort.pk), {"unit": unit.pk})
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 16


# A list


def csv_upload(text: str, name: str = "list.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_csv_list_keeps_file_order_rows_and_unknown_numbers(signed_in, cohort):
    a, b = (
        factories.PersonFactory(service_number="KZ-1"),
        factories.PersonFactory(service_number="KZ-2"),
    )

    response = signed_in.post(
        url("enrol_file", cohort.pk),
        {"file": csv_upload("Service_Number;name\nKZ-2;b\nKZ-404;x\n\nKZ-1;a\nKZ-2;again\n")},
    )

    plan = response.context["plan"]
    assert [(line.candidate.row, line.candidate.service_number) for line in plan.lines] == [
        (2, "KZ-2"),
        (3, "KZ-404"),
        (5, "KZ-1"),
        (6, "KZ-2"),
    ]
    assert [line.person for line in plan.lines] == [b, None, a, b]
    assert [line.reasons for line in plan.refused] == [
        ("unknown service number",),
        ("listed twice (first on row 2)",),
    ]
    assert response.context["ignored_columns"] == ["name"]
    html = response.content.decode()
    assert "KZ-404" in html
    assert "not in the register" in html
    assert "Columns not used: name." in html


def test_an_excel_list(signed_in, cohort):
    person = factories.PersonFactory(service_number="123456")
    workbook = Workbook()
    workbook.active.append(["service_number"])
    workbook.active.append([123456])  # typed as a number in Excel
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = signed_in.post(
        url("enrol_file", cohort.pk),
        {"file": SimpleUploadedFile("list.xlsx", buffer.getvalue())},
    )

    assert [line.person for line in response.context["plan"].lines] == [person]


def test_a_file_without_the_column_says_so_and_previews_nothing(signed_in, cohort):
    response = signed_in.post(url("enrol_file", cohort.pk), {"file": csv_upload("number\nKZ-1\n")})

    assert response.status_code == 200
    assert response.context["plan"] is None
    assert response.context["form"].errors["file"] == [
        "Required columns are missing: service_number. The file has: number."
    ]


# Apply


def test_apply_after_someone_enrolled_meanwhile_shows_the_new_preview(signed_in, cohort):
    unit = factories.UnitFactory()
    make_people(3, unit=unit)
    preview = signed_in.get(url("enrol_unit", cohort.pk), {"unit": unit.pk})
    assert outcomes(preview) == [Outcome.ENROL] * 3
    seat(cohort, make_people(1))  # another registrar, meanwhile

    response = signed_in.post(url("enrol_apply", cohort.pk), apply_data(preview))

    assert response.status_code == 200
    assert outcomes(response) == [Outcome.ENROL, Outcome.ENROL, Outcome.WAITLIST]
    html = response.content.decode()
    assert 'data-testid="stale"' in html
    assert "The cohort changed since your preview" in html
    assert Enrolment.objects.filter(cohort=cohort).count() == 1  # only the other registrar's

    again = signed_in.post(url("enrol_apply", cohort.pk), apply_data(response), follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "Saved: 2 enrolled, 1 waitlisted (position 1)."
    ]


def test_apply_after_the_waitlist_grew_meanwhile_saves_and_gives_the_new_positions(
    signed_in, cohort
):
    seat(cohort, make_people(3))
    unit = factories.UnitFactory()
    mine = make_people(2, unit=unit)
    preview = signed_in.get(url("enrol_unit", cohort.pk), {"unit": unit.pk})
    assert preview.context["plan"].waitlist_positions == [1, 2]
    waitlist(cohort, make_people(1))  # another registrar, meanwhile

    response = signed_in.post(url("enrol_apply", cohort.pk), apply_data(preview), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Saved: 2 waitlisted (positions 2 to 3)."
    ]
    assert [number for number, _position in positions(cohort)[1:]] == [
        person.service_number for person in mine
    ]


def test_apply_reports_the_refused(signed_in, cohort):
    factories.PersonFactory(service_number="KZ-1")
    refused = factories.PersonFactory(service_number="KZ-2", is_active=False)
    preview = signed_in.post(
        url("enrol_file", cohort.pk), {"file": csv_upload("service_number\nKZ-1\nKZ-2\n")}
    )

    response = signed_in.post(url("enrol_apply", cohort.pk), apply_data(preview), follow=True)

    assert response.redirect_chain[-1][0] == url("cohort_detail", cohort.pk) + "#refused"
    assert [str(m) for m in response.context["messages"]] == [
        "Saved: 1 enrolled.",
        "1 person was refused and not enrolled: the reasons are below.",
    ]
    assert Enrolment.objects.get().person.service_number == "KZ-1"
    # The cohort page the apply leads to keeps who was refused and why, from the apply.
    assert response.context["refused"] == [
        {
            "name": refused.rank_and_name,
            "service_number": "KZ-2",
            "reasons": ["inactive person (not active in the register)"],
        }
    ]
    html = response.content.decode()
    assert 'data-testid="enrol-refused"' in html
    assert "KZ-2" in html
    assert "inactive person (not active in the register)" in html
    # Shown once: the next visit of the cohort page is the page as usual.
    again = signed_in.get(url("cohort_detail", cohort.pk))
    assert 'data-testid="enrol-refused"' not in again.content.decode()


def test_refusals_kept_for_one_cohort_are_not_shown_on_another(signed_in, cohort):
    factories.PersonFactory(service_number="KZ-2", is_active=False)
    factories.PersonFactory(service_number="KZ-1")
    preview = signed_in.post(
        url("enrol_file", cohort.pk), {"file": csv_upload("service_number\nKZ-1\nKZ-2\n")}
    )
    signed_in.post(url("enrol_apply", cohort.pk), apply_data(preview))
    other = make_cohort(capacity=3, code="PDT-2027-02")
    assert signed_in.get(url("cohort_detail", other.pk)).context["refused"] == []


def test_a_damaged_apply_form_saves_nothing(signed_in, cohort):
    response = signed_in.post(
        url("enrol_apply", cohort.pk),
        {"person": ["x"], "fingerprint": "f", "source": "unit"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "The preview could not be read back; nothing was saved."
    ]
    assert not Enrolment.objects.exists()


def test_apply_to_a_cohort_cancelled_meanwhile(signed_in, cohort):
    person = factories.PersonFactory()
    preview = signed_in.get(url("enrol_person", cohort.pk), {"person": person.pk})
    Cohort.objects.filter(pk=cohort.pk).update(status=Cohort.Status.CANCELLED)

    response = signed_in.post(url("enrol_apply", cohort.pk), apply_data(preview), follow=True)

    assert "takes no enrolments" in str(next(iter(response.context["messages"])))
    assert not Enrolment.objects.exists()


def test_apply_only_answers_post(signed_in, cohort):
    assert signed_in.get(url("enrol_apply", cohort.pk)).status_code == 405
