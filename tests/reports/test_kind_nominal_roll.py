"""The nominal roll of a contingent (XLSX, PDF): who may ask for it, its columns and rows
(the members holding posts, by post, seniority and name, with the passport valid longest and
the engine's verdict), formula-safe cells, the PDF, and its buttons on the contingent page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from readiness.services.contingents import post_fill
from reports.kinds import kind_for
from reports.models import ReportFormat, ReportKindCode
from tests import factories
from tests.readiness.contingent_support import (
    TOUR_END,
    build_world,
    lapsing_person,
    ready_person,
)

pytestmark = pytest.mark.django_db

KIND = kind_for(ReportKindCode.NOMINAL_ROLL)


def noop(done: int, total: int) -> None:
    pass


@pytest.fixture
def world(commander):
    world = build_world(commander)
    major = factories.RankFactory(code="MAJ", name="Major", seniority=13)
    captain = factories.RankFactory(code="CPT", name="Captain", seniority=12)
    officer = ready_person(
        world.company, "Ospanov", first_name="Arman", service_number="KZ-1", rank=captain
    )
    factories.PassportFactory(
        person=officer, document_number="N0000001", valid_until=dt.date(2029, 1, 1)
    )
    senior = ready_person(
        world.company, "Zhaksybekov", first_name="Dias", service_number="KZ-2", rank=major
    )
    sly = lapsing_person(world.company, "=HYPERLINK(1)", medical_until=TOUR_END - dt.timedelta(1))
    post_fill(contingent=world.contingent, person=officer, role=world.staff, by=commander)
    post_fill(contingent=world.contingent, person=senior, role=world.staff, by=commander)
    post_fill(contingent=world.contingent, person=sly, role=world.member, by=commander)
    world.people = {"officer": officer, "senior": senior, "sly": sly}
    return world


def test_registrars_administrators_and_the_units_commanders_may_ask(world, registrar):
    for user in (registrar, world.commander, world.ministry_commander):
        parameters = KIND.clean(user, {"contingent": str(world.contingent.pk)})
        assert parameters["contingent"] == world.contingent.pk
    with pytest.raises(PermissionDenied):
        KIND.clean(world.other_commander, {"contingent": str(world.contingent.pk)})


def test_the_xlsx_lists_each_member_by_post_seniority_and_name_formula_safe(world):
    parameters = KIND.clean(world.commander, {"contingent": str(world.contingent.pk)})
    built = KIND.build(parameters, ReportFormat.XLSX, noop)
    assert built.filename.startswith("nominal-roll-KAZBAT-UNIFIL-r1-")
    assert built.filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(built.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [
        "Post",
        "Rank",
        "Last name",
        "First name",
        "Middle name",
        "Service number",
        "Gender",
        "Date of birth",
        "Nationality",
        "Passport number",
        "Passport valid until",
        "Readiness",
    ]
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("B staff", "Zhaksybekov"),  # the major before the captain
        ("B staff", "Ospanov"),
        ("C member", "=HYPERLINK(1)"),
    ]
    ospanov = rows[2]
    assert ospanov[1] == "Captain"
    assert ospanov[5] == "KZ-1"
    assert ospanov[8] == "Kazakhstan"
    # The passport valid longest: make_ready's (2032) over the one valid to 2029.
    assert ospanov[10].date() == dt.date(2032, 3, 1)
    assert ospanov[11] == "ready"
    assert rows[3][11] == "ready, lapsing"
    sly = sheet.cell(row=4, column=3)
    assert sly.data_type == "s"  # text, not a formula
    assert sly.quotePrefix


def test_the_pdf_prints_the_same_members(world):
    parameters = KIND.clean(world.commander, {"contingent": str(world.contingent.pk)})
    built = KIND.build(parameters, ReportFormat.PDF, noop)
    reader = PdfReader(io.BytesIO(built.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for expected in ("Nominal roll: KAZCOY, UNIFIL, rotation 1", "Zhaksybekov", "KZ-1", "Major"):
        assert expected in text


def test_the_contingent_page_offers_both_formats_to_its_commander_only(client, world):
    url = reverse("readiness:contingent_detail", args=[world.contingent.pk])
    client.force_login(world.commander)
    html = client.get(url).content.decode()
    assert 'data-testid="nominal-roll-offer"' in html
    assert html.count('value="nominal_roll"') == 2
    client.force_login(world.other_commander)
    assert 'data-testid="nominal-roll-offer"' not in client.get(url).content.decode()
