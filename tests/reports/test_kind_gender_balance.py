"""The gender balance report (CSV and XLSX): its parameters, who it covers, that the files
hold the figures counted by hand for a small world, the queries its build takes at two sizes,
and the buttons on the gender balance page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from personnel.models import GenderCategory
from readiness.models import Deployment, GenderTarget
from reports.kinds import kind_for
from reports.models import ReportFormat, ReportKindCode, ReportRequest
from tests import factories
from tests.readiness.matrix_support import (
    FEMALE,
    build_tree,
    contingent_profile,
    make_person,
    only_active,
    today,
)

pytestmark = pytest.mark.django_db

KIND = kind_for(ReportKindCode.GENDER_BALANCE)
URL = reverse("readiness:gender_balance")
HEADER = [
    "UN category",
    "UN target (%)",
    "Target year",
    "Deployed now: women",
    "Deployed now: people",
    "Deployed now: share of women (%)",
    "Deployed now: status",
    "Ready to deploy: women",
    "Ready to deploy: people",
    "Ready to deploy: share of women (%)",
    "Ready to deploy: status",
]


def no_progress(done: int, total: int) -> None:
    pass


def deploy(person, profile):
    return Deployment.objects.create(
        person=person,
        mission=factories.MissionFactory(),
        role=profile,
        starts_on=today() - dt.timedelta(days=30),
        ends_on=today() + dt.timedelta(days=300),
        status=Deployment.Status.DEPLOYED,
        departed_on=today() - dt.timedelta(days=30),
    )


@pytest.fixture
def world(commander):
    units = build_tree(commander)
    profile = contingent_profile()
    observer = contingent_profile(
        code="test-observer", name="Test observer", gender_category=GenderCategory.OBSERVERS_STAFF
    )
    only_active(profile, observer)
    year = today().year
    GenderTarget.objects.filter(year__gte=year - 3).delete()
    GenderTarget.objects.create(category=GenderCategory.CONTINGENT, year=year, percent="15")
    GenderTarget.objects.create(
        category=GenderCategory.OBSERVERS_STAFF, year=year - 2, percent="25"
    )
    for _n in range(2):
        deploy(make_person("ready", unit=units["KAZBAT-1"], gender=FEMALE), profile)
    for _n in range(3):
        make_person("ready", unit=units["KAZBAT"])
    make_person("not_ready", unit=units["KAZBAT-1"], gender=FEMALE)
    deploy(make_person("ready", unit=units["MIA-FPU"]), observer)  # outside the commander's
    return {"units": units, "profile": profile, "commander": commander}


def expected_rows(who: str) -> list[list]:
    """The world's figures, counted by hand. Contingents: the 2 deployed women are all the
    deployed (100 %, target 15 % met); ready to deploy are those 2 women, the 3 men in KAZBAT
    and, for a reader who sees MIA-FPU (the registrar), its man: 2 of 6, else 2 of 5.
    Observers: the same people are ready under the observer profile; the man deployed as an
    observer in MIA-FPU is, for the registrar, all its deployed (0 women of 1). Police: no
    profile, no one counted."""
    year, nobody = today().year, [0, 0, None, "no one counted"]
    if who == "registrar":
        return [
            ["military contingents", Decimal("15.00"), year, 2, 2, Decimal("100.0"),
             "target met", 2, 6, Decimal("33.3"), "target met"],
            ["military observers and staff officers", Decimal("25.00"), year - 2, 0, 1,
             Decimal("0.0"), "no women", 2, 6, Decimal("33.3"), "target met"],
            ["formed police units", None, None, *nobody, *nobody],
            ["individual police officers", None, None, *nobody, *nobody],
        ]  # fmt: skip
    return [  # the commander, or anyone reading KAZBAT only
        ["military contingents", Decimal("15.00"), year, 2, 2, Decimal("100.0"),
         "target met", 2, 5, Decimal("40.0"), "target met"],
        ["military observers and staff officers", Decimal("25.00"), year - 2, 0, 0,
         None, "no one counted", 2, 5, Decimal("40.0"), "target met"],
        ["formed police units", None, None, *nobody, *nobody],
        ["individual police officers", None, None, *nobody, *nobody],
    ]  # fmt: skip


def as_text(value) -> str:
    if value is None:
        return ""
    return str(float(value)) if isinstance(value, Decimal) else str(value)


# -- clean, covers, title ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("KAZBAT", "Unit: “KAZBAT” is not an id."),
        ("999999", "Unit: there is none with the id 999999."),
    ],
)
def test_clean_names_what_is_wrong(registrar, world, value, message):
    with pytest.raises(ValidationError) as raised:
        KIND.clean(registrar, {"unit": value})
    assert raised.value.messages == [message]


def test_clean_refuses_another_unit_and_an_instructor(world, instructor):
    with pytest.raises(PermissionDenied):
        KIND.clean(world["commander"], {"unit": world["units"]["MIA"].pk})
    with pytest.raises(PermissionDenied):
        KIND.clean(instructor, {})


def test_covers(world, registrar, administrator, instructor):
    commander, units = world["commander"], world["units"]
    assert KIND.covers(registrar, {"unit": units["MIA"].pk, "scope_user": registrar.pk})
    assert KIND.covers(administrator, {"unit": None, "scope_user": commander.pk})
    assert KIND.covers(commander, {"unit": None, "scope_user": commander.pk})
    assert KIND.covers(commander, {"unit": units["KAZBAT-1"].pk, "scope_user": registrar.pk})
    assert not KIND.covers(commander, {"unit": units["MIA"].pk, "scope_user": commander.pk})
    assert not KIND.covers(commander, {"unit": None, "scope_user": registrar.pk})
    assert not KIND.covers(instructor, {"unit": None, "scope_user": instructor.pk})


def test_title_and_source(registrar, world):
    unit = world["units"]["KAZBAT"]
    parameters = KIND.clean(registrar, {"unit": unit.pk})
    assert KIND.title(parameters) == "Gender balance: KAZBAT"
    assert KIND.source_url(parameters) == f"{URL}?unit={unit.pk}"
    assert KIND.title(KIND.clean(registrar, {})) == "Gender balance"


# -- build -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["registrar", "commander"])
def test_the_csv_holds_the_pages_figures(request, world, who):
    user = request.getfixturevalue(who)
    built = KIND.build(KIND.clean(user, {}), ReportFormat.CSV, no_progress)
    assert built.filename == f"gender-balance-all-{today().isoformat()}.csv"
    assert built.content_type.startswith("text/csv")
    text = built.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == HEADER
    expected = expected_rows(who)
    assert rows[1:] == [[as_text(value) for value in row] for row in expected]


def test_the_workbook_holds_the_figures_for_the_unit(registrar, world):
    unit = world["units"]["KAZBAT"]
    built = KIND.build(KIND.clean(registrar, {"unit": unit.pk}), ReportFormat.XLSX, no_progress)
    assert built.filename == f"gender-balance-KAZBAT-{today().isoformat()}.xlsx"
    rows = list(load_workbook(io.BytesIO(built.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    expected = expected_rows("KAZBAT")
    assert [list(r) for r in rows[1:]] == [
        [float(v) if isinstance(v, Decimal) else v for v in row] for row in expected
    ]
    assert (rows[1][4], rows[2][4]) == (2, 0)  # the observer in MIA-FPU is not in KAZBAT


def test_build_takes_the_same_queries_for_few_or_many_people(world, django_assert_num_queries):
    parameters = KIND.clean(world["commander"], {"unit": world["units"]["KAZBAT"].pk})
    # The unit, the requester, their roles, the units they command; then the page's own:
    # targets, deployed counts, active profiles, and per profile (2) the people it admits,
    # its certification types and the medical clearances and passports of those people.
    with django_assert_num_queries(15):
        KIND.build(parameters, ReportFormat.XLSX, no_progress)
    for n in range(15):
        person = make_person("ready", unit=world["units"]["KAZBAT-1"], gender=FEMALE)
        if n % 2:
            deploy(person, world["profile"])
    with django_assert_num_queries(15):
        built = KIND.build(parameters, ReportFormat.XLSX, no_progress)
    rows = list(load_workbook(io.BytesIO(built.content)).active.iter_rows(values_only=True))
    assert rows[1][3:5] == (2 + 7, 2 + 7)  # the deployed women of the contingents


# -- the buttons on the gender balance page -----------------------------------------------------


def test_the_buttons_show_with_the_unit_filter(client, world, registrar):
    unit = world["units"]["KAZBAT"]
    for user in (registrar, world["commander"]):
        client.force_login(user)
        content = client.get(URL, {"unit": unit.pk}).content.decode()
        assert content.count('value="gender_balance"') == 2  # CSV and XLSX
        assert f'name="unit" value="{unit.pk}"' in content
    content = client.get(URL).content.decode()
    assert 'value="gender_balance"' in content
    assert 'name="unit"' not in content.split('data-testid="report-offer"')[1].split("</div>")[0]


def test_posting_a_button_records_the_request(client, world):
    commander, unit = world["commander"], world["units"]["KAZBAT-1"]
    client.force_login(commander)
    response = client.post(
        reverse("reports:request"), {"kind": "gender_balance", "format": "csv", "unit": unit.pk}
    )
    report = ReportRequest.objects.get()
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert (report.format, report.parameters["unit"]) == ("csv", unit.pk)
    assert report.title == "Gender balance: KAZBAT-1"


def test_another_unit_or_an_instructor_gets_403_and_no_request(client, world, instructor):
    client.force_login(world["commander"])
    data = {"kind": "gender_balance", "format": "xlsx", "unit": world["units"]["MIA"].pk}
    assert client.post(reverse("reports:request"), data).status_code == 403
    client.force_login(instructor)
    assert client.get(URL).status_code == 403
    data = {"kind": "gender_balance", "format": "xlsx"}
    assert client.post(reverse("reports:request"), data).status_code == 403
    assert not ReportRequest.objects.exists()
