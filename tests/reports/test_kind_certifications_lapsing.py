"""The certifications lapsing report (XLSX): its parameters, who it covers, which
certifications it lists (from today to today + 90 days, neither revoked nor superseded, in
the requester's scope and filters), formula escaping, the queries its build takes at two
sizes, and the button on the certification list."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from common.spreadsheets import FORMULA_STARTS
from reports.kinds import kind_for
from reports.models import ReportFormat, ReportKindCode, ReportRequest
from tests import factories
from tests.readiness.matrix_support import build_tree

pytestmark = pytest.mark.django_db

KIND = kind_for(ReportKindCode.CERTIFICATIONS_LAPSING)
HOSTILE = '=HYPERLINK("http://evil.example","click")'


def no_progress(done: int, total: int) -> None:
    pass


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


@pytest.fixture
def world(commander):
    units = build_tree(commander)
    course = factories.CourseFactory(code="UNSOC-C", title="Staff Officer Course")
    unmem = factories.CertificationTypeFactory(code="TESTTYPE", name="Test type")

    def certify(number, offset, *, unit="KAZBAT-1", last_name="Nurlanov", **values):
        person = factories.PersonFactory(unit=units[unit], last_name=last_name, first_name="A")
        values.setdefault("course", course)
        return factories.CertificationFactory(
            person=person,
            number=number,
            issued_on=day(-700),
            valid_until=day(offset),
            **values,
        )

    certify("LAST-DAY-TODAY", 0)
    certify("IN-90-DAYS", 90, course=None, certification_type=unmem)
    certify("IN-91-DAYS", 91)
    certify("LAPSED", -1)
    certify("REVOKED", 30, revoked_at=timezone.now(), revocation_reason="Fraud")
    old = certify("SUPERSEDED", 20)
    factories.CertificationFactory(
        person=old.person, number="REISSUE", supersedes=old, issued_on=day(-1), valid_until=day(900)
    )
    certify("POLICE", 45, unit="MIA-FPU", last_name="Serikov")
    certify("HOSTILE", 60, last_name=HOSTILE)
    return {"units": units, "course": course, "unmem": unmem, "commander": commander}


def numbers(built) -> list[str]:
    sheet = load_workbook(io.BytesIO(built.content)).active
    return [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]


def build(user, **data):
    return KIND.build(KIND.clean(user, data), ReportFormat.XLSX, no_progress)


# -- clean, covers, title ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"unit": "KAZBAT"}, "Unit: “KAZBAT” is not an id."),
        ({"unit": "999999"}, "Unit: there is none with the id 999999."),
        ({"course": "999999"}, "Course: there is none with the id 999999."),
        ({"certification_type": "x1"}, "Certification type: “x1” is not an id."),
    ],
)
def test_clean_names_what_is_wrong(registrar, world, data, message):
    with pytest.raises(ValidationError) as raised:
        KIND.clean(registrar, data)
    assert raised.value.messages == [message]


def test_clean_refuses_a_unit_outside_the_commanders_and_an_instructor(world, instructor):
    with pytest.raises(PermissionDenied):
        KIND.clean(world["commander"], {"unit": world["units"]["MIA-FPU"].pk})
    with pytest.raises(PermissionDenied):
        KIND.clean(instructor, {})


def test_covers(world, registrar, administrator, instructor):
    commander, units = world["commander"], world["units"]
    assert KIND.covers(registrar, {"unit": None, "scope_user": commander.pk})
    assert KIND.covers(administrator, {"unit": units["MIA-FPU"].pk, "scope_user": 0})
    assert KIND.covers(commander, {"unit": None, "scope_user": commander.pk})
    assert KIND.covers(commander, {"unit": units["KAZBAT-1"].pk, "scope_user": registrar.pk})
    assert not KIND.covers(commander, {"unit": units["MIA-FPU"].pk, "scope_user": commander.pk})
    assert not KIND.covers(commander, {"unit": None, "scope_user": registrar.pk})
    assert not KIND.covers(instructor, {"unit": None, "scope_user": instructor.pk})


def test_title_names_the_filters(registrar, world):
    parameters = KIND.clean(
        registrar, {"unit": world["units"]["KAZBAT-1"].pk, "course": world["course"].pk}
    )
    assert KIND.title(parameters) == "Certifications lapsing within 90 days: KAZBAT-1, UNSOC-C"
    assert KIND.title(KIND.clean(registrar, {})) == "Certifications lapsing within 90 days"
    assert ("Course", "UNSOC-C Staff Officer Course") in KIND.describe(parameters)


# -- build -------------------------------------------------------------------------------------


def test_the_workbook_lists_what_lapses_within_90_days_soonest_first(registrar, world):
    built = build(registrar)
    assert built.filename == f"certifications-lapsing-{day(0).isoformat()}.xlsx"
    sheet = load_workbook(io.BytesIO(built.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Person",
        "Service number",
        "Unit",
        "Course",
        "Certification type",
        "Number",
        "Valid until",
        "Days left",
    )
    assert [(r[5], r[7]) for r in rows[1:]] == [
        ("LAST-DAY-TODAY", 0),
        ("POLICE", 45),
        ("HOSTILE", 60),
        ("IN-90-DAYS", 90),
    ]
    first = rows[1]
    assert first[0] == "Captain Nurlanov A"
    assert first[2] == "KAZBAT-1"
    assert first[3] == "UNSOC-C Staff Officer Course"
    assert first[4] == "UNSOC UN Staff Officer"
    assert first[6].date() == day(0)  # a date cell
    assert rows[4][3] is None
    assert rows[4][4] == "TESTTYPE Test type"
    hostile = next(c for c in sheet["A"] if c.value and HOSTILE in str(c.value))
    assert hostile.data_type == "s"  # text, never a formula
    assert hostile.quotePrefix == hostile.value.startswith(FORMULA_STARTS)


def test_a_commanders_workbook_holds_their_units_only(world):
    assert numbers(build(world["commander"])) == ["LAST-DAY-TODAY", "HOSTILE", "IN-90-DAYS"]


def test_the_filters_narrow_the_list(registrar, world):
    assert numbers(build(registrar, unit=world["units"]["MIA"].pk)) == ["POLICE"]
    assert numbers(build(registrar, course=world["course"].pk)) == [
        "LAST-DAY-TODAY",
        "POLICE",
        "HOSTILE",
    ]
    assert numbers(build(registrar, certification_type=world["unmem"].pk)) == ["IN-90-DAYS"]


def test_build_takes_the_same_queries_for_few_or_many_certifications(
    world, django_assert_num_queries
):
    parameters = KIND.clean(world["commander"], {})
    # The requester, their roles, the units they command, the certifications.
    with django_assert_num_queries(4):
        assert len(numbers(KIND.build(parameters, ReportFormat.XLSX, no_progress))) == 3
    for n in range(25):
        person = factories.PersonFactory(unit=world["units"]["KAZBAT-1"])
        factories.CertificationFactory(person=person, issued_on=day(-10), valid_until=day(n))
    with django_assert_num_queries(4):
        assert len(numbers(KIND.build(parameters, ReportFormat.XLSX, no_progress))) == 28


# -- the button on the certification list ------------------------------------------------------


def test_the_button_shows_to_who_may_request_with_the_course_filter(
    client, world, registrar, instructor
):
    course = world["course"]
    url = reverse("courses:certification_list") + f"?course={course.pk}"
    for user, shown in ((registrar, True), (world["commander"], True), (instructor, False)):
        client.force_login(user)
        content = client.get(url).content.decode()
        assert ('value="certifications_lapsing"' in content) is shown, user
        if shown:
            assert f'name="course" value="{course.pk}"' in content


def test_posting_the_button_records_the_request(client, world):
    commander = world["commander"]
    client.force_login(commander)
    response = client.post(
        reverse("reports:request"),
        {"kind": "certifications_lapsing", "format": "xlsx", "course": world["course"].pk},
    )
    report = ReportRequest.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert report.parameters["course"] == world["course"].pk
    assert report.parameters["unit"] is None
    assert report.parameters["scope_user"] == commander.pk


def test_another_units_report_is_refused_with_403_and_no_request(client, world):
    client.force_login(world["commander"])
    response = client.post(
        reverse("reports:request"),
        {"kind": "certifications_lapsing", "format": "xlsx", "unit": world["units"]["MIA"].pk},
    )
    assert response.status_code == 403
    assert not ReportRequest.objects.exists()
