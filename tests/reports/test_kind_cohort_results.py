"""The cohort results report (XLSX and PDF): its parameters, who it covers, what the files
hold (checked against courses.selectors.standings.cohort_standings, the gradebook's source,
for the same data), formula escaping, the queries its build takes at two sizes, and the
buttons on the cohort's page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from common.spreadsheets import FORMULA_STARTS
from courses.grading import course_days
from courses.models import AssessmentComponent, Attendance, Cohort
from courses.selectors.standings import cohort_standings
from reports.kinds import kind_for
from reports.models import ReportFormat, ReportKindCode, ReportRequest
from tests import factories
from tests.courses.gradebook_support import (
    add_trainees,
    components,
    enrolments,
    make_instructor,
    mark,
    running_cohort,
    score,
)

pytestmark = pytest.mark.django_db

KIND = kind_for(ReportKindCode.COHORT_RESULTS)
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def no_progress(done: int, total: int) -> None:
    pass


@pytest.fixture
def teacher(db):
    return make_instructor("teacher")


@pytest.fixture
def cohort(teacher):
    """A finished cohort: Trainee000 passes (certified), Trainee001 fails the must-pass exam,
    Trainee002 lacks a score (undecided), and the hostile-named trainee misses too many days."""
    cohort = running_cohort(
        trainees=3, instructors=[teacher], started_days_ago=25, ends_in_days=-4, code="POC-26-1"
    )
    hostile = add_trainees(cohort, 1)[0]
    hostile.person.last_name = HOSTILE
    hostile.person.save()
    written, field = components(cohort)
    by_name = {e.person.last_name: e for e in enrolments(cohort)}
    days = course_days(cohort.starts_on, cohort.ends_on)
    for name, scores in {
        "Trainee000": (80, 15),
        "Trainee001": (40, 20),
        "Trainee002": (90, None),
        HOSTILE: (70, 10),
    }.items():
        enrolment = by_name[name]
        for component, value in zip((written, field), scores, strict=True):
            if value is not None:
                score(enrolment, component, value, by=teacher)
        for index, day in enumerate(days):
            absent = name == HOSTILE and index % 2
            mark(enrolment, day, Attendance.Status.ABSENT if absent else Attendance.Status.PRESENT)
    factories.CertificationFactory(
        person=by_name["Trainee000"].person,
        cohort=cohort,
        course=cohort.course,
        number="POC-2026-0001",
        issued_on=timezone.localdate(),
    )
    factories.CertificationFactory(  # revoked: not printed
        person=by_name["Trainee001"].person,
        cohort=cohort,
        course=cohort.course,
        number="POC-2026-0002",
        revoked_at=timezone.now(),
        revocation_reason="Issued in error",
    )
    return cohort


def params(user, cohort) -> dict:
    return KIND.clean(user, {"cohort": str(cohort.pk)})


# -- clean, covers, title ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "Cohort: choose one."),
        ("POC-26-1", "Cohort: “POC-26-1” is not an id."),
        ("999999", "Cohort: there is none with the id 999999."),
    ],
)
def test_clean_names_what_is_wrong(registrar, cohort, value, message):
    with pytest.raises(ValidationError) as raised:
        KIND.clean(registrar, {} if value is None else {"cohort": value})
    assert raised.value.messages == [message]


def test_clean_refuses_who_may_not_open_the_cohort(cohort, commander):
    other = make_instructor("other-teacher")
    factories.CohortFactory(instructors=[other])
    for user in (other, commander):
        with pytest.raises(PermissionDenied):
            params(user, cohort)


def test_covers(cohort, registrar, administrator, teacher, commander):
    other = make_instructor("other-teacher")
    factories.CohortFactory(instructors=[other])
    parameters = {"cohort": cohort.pk, "scope_user": registrar.pk}
    assert KIND.covers(registrar, parameters)
    assert KIND.covers(administrator, parameters)
    assert KIND.covers(teacher, parameters)
    assert not KIND.covers(other, parameters)
    assert not KIND.covers(commander, parameters)  # commanders do not open cohorts
    cohort.instructors.remove(teacher)
    assert not KIND.covers(teacher, parameters)


def test_title_and_source(teacher, cohort):
    parameters = params(teacher, cohort)
    assert KIND.title(parameters) == f"Cohort results: POC-26-1, {cohort.course.title}"
    assert KIND.source_url(parameters) == reverse("courses:cohort_detail", args=[cohort.pk])


# -- build -------------------------------------------------------------------------------------


def test_the_workbook_holds_the_gradebooks_standings(teacher, cohort):
    built = KIND.build(params(teacher, cohort), ReportFormat.XLSX, no_progress)
    today = timezone.localdate().isoformat()
    assert built.filename == f"results-POC-26-1-{today}.xlsx"
    sheet = load_workbook(io.BytesIO(built.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Person",
        "Service number",
        "Unit",
        "Written exam (0-100, weight 60)",
        "Field exercise (0-20, weight 40)",
        "Weighted total",
        "Attendance (%)",
        "Standing",
        "Reasons",
        "Certificate number",
    )
    standings = cohort_standings(cohort=Cohort.objects.select_related("course").get(pk=cohort.pk))
    assert len(rows) - 1 == len(standings.trainees) == 4
    labels = {True: "passed", False: "failed", None: "undecided"}
    for row, trainee in zip(rows[1:], standings.trainees, strict=True):
        standing = trainee.standing
        assert row[0] == trainee.person.rank_and_name
        assert row[1] == trainee.person.service_number
        assert row[3:5] == tuple(
            None if trainee.scores.get(c.pk) is None else float(trainee.scores[c.pk])
            for c in standings.components
        )
        assert row[5] == float(standing.total)
        assert row[6] == float(standing.attendance)
        assert row[7] == labels[standing.passed]
        assert (row[8] or "") == " ".join(standing.reasons)  # a blank cell reads as None
    by_name = {row[0].split(" ", 1)[1]: row for row in rows[1:]}  # "Captain <name>"
    assert by_name["Trainee000 Test"][7:] == ("passed", None, "POC-2026-0001")
    assert by_name["Trainee001 Test"][7] == "failed"
    assert "Written exam must be passed" in by_name["Trainee001 Test"][8]
    assert by_name["Trainee001 Test"][9] is None  # its certificate was revoked
    assert by_name["Trainee002 Test"][7] == "undecided"
    hostile = by_name[f"{HOSTILE} Test"]
    assert hostile[7] == "failed"
    assert "Attendance" in hostile[8]
    # The hostile name is text, never a formula.
    cell = next(c for c in sheet["A"] if c.value and HOSTILE in str(c.value))
    assert cell.data_type == "s"
    assert cell.quotePrefix == cell.value.startswith(FORMULA_STARTS)


def test_a_formula_like_component_name_is_escaped_in_the_header(teacher, cohort):
    AssessmentComponent.objects.filter(course=cohort.course, name="Field exercise").update(
        name="=1+2"
    )
    built = KIND.build(params(teacher, cohort), ReportFormat.XLSX, no_progress)
    header = next(load_workbook(io.BytesIO(built.content)).active.iter_rows(max_row=1))
    assert header[4].value == "=1+2 (0-20, weight 40)"
    assert header[4].data_type == "s"
    assert header[4].quotePrefix  # Excel keeps it text when the cell is edited


def test_the_pdf_prints_the_same_results(registrar, cohort):
    built = KIND.build(params(registrar, cohort), ReportFormat.PDF, no_progress)
    assert built.content_type == "application/pdf"
    assert built.filename.endswith(".pdf")
    page = PdfReader(io.BytesIO(built.content)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    text = pdf_text(built.content)
    standings = cohort_standings(cohort=Cohort.objects.select_related("course").get(pk=cohort.pk))
    for trainee in standings.trainees:
        assert trainee.person.service_number in text
        assert f"{trainee.standing.total:.2f}" in text
        for reason in trainee.standing.reasons:
            assert reason in text
    passed = next(t for t in standings.trainees if t.person.last_name == "Trainee000")
    number = passed.person.service_number
    assert f"Captain Trainee000 Test {number} 80 15 78.00 100% passed POC-2026-0001" in text
    assert HOSTILE in text.replace("http:// ", "http://")  # the long word wraps in its cell
    assert "POC-2026-0001" in text
    assert "POC-2026-0002" not in text
    assert text.count("undecided") == 1
    assert text.count("passed") >= 1
    assert "Page 1 of 1" in text


@pytest.mark.parametrize(
    ("format", "count"),
    # The cohort with its course, its components, seated enrolments, scores, attendance
    # marks and certificates; the PDF's title reads the cohort again.
    [(ReportFormat.XLSX, 6), (ReportFormat.PDF, 7)],
)
def test_build_takes_the_same_queries_for_few_or_many_trainees(
    teacher, cohort, format, count, django_assert_num_queries
):
    parameters = params(teacher, cohort)
    with django_assert_num_queries(count):
        KIND.build(parameters, format, no_progress)
    for enrolment in add_trainees(cohort, 20):
        for component in components(cohort):
            score(enrolment, component, 10)
        mark(enrolment, cohort.starts_on + dt.timedelta(days=1), Attendance.Status.PRESENT)
    with django_assert_num_queries(count):
        built = KIND.build(parameters, format, no_progress)
    if format == ReportFormat.XLSX:
        assert load_workbook(io.BytesIO(built.content)).active.max_row == 1 + 24


# -- the buttons on the cohort's page ----------------------------------------------------------


def test_the_buttons_show_to_who_may_open_the_cohort(client, cohort, registrar, teacher):
    url = reverse("courses:cohort_detail", args=[cohort.pk])
    for user in (registrar, teacher):
        client.force_login(user)
        content = client.get(url).content.decode()
        assert 'data-testid="report-offer"' in content
        assert content.count('value="cohort_results"') == 2  # XLSX and PDF
        assert 'value="xlsx"' in content
        assert 'value="pdf"' in content
    client.force_login(make_instructor("other-teacher"))
    assert client.get(url).status_code == 404


def test_posting_a_button_records_the_request(client, cohort, teacher):
    client.force_login(teacher)
    response = client.post(
        reverse("reports:request"), {"kind": "cohort_results", "format": "pdf", "cohort": cohort.pk}
    )
    report = ReportRequest.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert (report.kind, report.format, report.parameters["cohort"]) == (
        "cohort_results",
        "pdf",
        cohort.pk,
    )


def test_others_get_403_and_no_request(client, cohort, commander):
    for user in (make_instructor("other-teacher"), commander):
        client.force_login(user)
        response = client.post(
            reverse("reports:request"),
            {"kind": "cohort_results", "format": "xlsx", "cohort": cohort.pk},
        )
        assert response.status_code == 403
    assert not ReportRequest.objects.exists()
