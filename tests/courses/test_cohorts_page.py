"""The cohort page: who may open it, what it shows, its roster exports and its actions
(withdraw, move on the waitlist, approve or decline a nomination)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from courses.models import Cohort, Enrolment
from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people, positions, seat, waitlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(instructor):
    """Capacity 2, full, two waiting, one partner nomination, one withdrawn."""
    cohort = make_cohort(
        capacity=2, code="UNSOC-2027-01", location="Almaty", instructors=[instructor]
    )
    seat(cohort, make_people(2))
    waitlist(cohort, make_people(2))
    factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(last_name="Rahimov", nationality="TJ", unit=None),
        status=Enrolment.Status.NOMINATED,
        nominating_country="TJ",
        nominating_party="MoD Tajikistan",
    )
    factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(last_name="Gone"),
        status=Enrolment.Status.WITHDRAWN,
        status_reason="Posted abroad",
    )
    return cohort


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


# Who may open it


def test_anonymous_users_are_sent_to_sign_in(client, cohort):
    for name in ("cohort_detail", "cohort_roster_csv", "cohort_roster_xlsx"):
        response = client.get(url(name, cohort.pk))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_commanders_are_refused(client, commander, cohort):
    client.force_login(commander)
    for name in ("cohort_detail", "cohort_roster_csv", "cohort_roster_xlsx"):
        assert client.get(url(name, cohort.pk)).status_code == 403


def test_an_instructor_of_another_cohort_gets_not_found(client, cohort):
    other = factories.UserFactory(username="instr2", roles=[Role.INSTRUCTOR])
    client.force_login(other)
    for name in ("cohort_detail", "cohort_roster_csv", "cohort_roster_xlsx"):
        assert client.get(url(name, cohort.pk)).status_code == 404


def test_a_cohort_that_does_not_exist_is_not_found(client, registrar):
    client.force_login(registrar)
    assert client.get(url("cohort_detail", 999_999)).status_code == 404


def test_the_instructor_of_the_cohort_reads_without_buttons(client, instructor, cohort):
    client.force_login(instructor)

    response = client.get(url("cohort_detail", cohort.pk))

    assert response.status_code == 200
    html = response.content.decode()
    # Trainees (seated, waiting, withdrawn), not the partner nomination: no need to know.
    assert "Waitlist" in html
    assert "Gone" in html
    assert "Rahimov" not in html
    assert "MoD Tajikistan" not in html
    assert 'data-testid="nominations"' not in html
    assert url("enrol_unit", cohort.pk) not in html
    assert "Withdraw" not in html
    assert "Approve" not in html
    assert url("cohort_roster_csv", cohort.pk) in html


@pytest.mark.parametrize("role_user", ["registrar", "administrator"])
def test_registrars_and_administrators_manage(client, cohort, role_user, request):
    client.force_login(request.getfixturevalue(role_user))

    response = client.get(url("cohort_detail", cohort.pk))

    assert response.status_code == 200
    html = response.content.decode()
    for name in ("enrol_person", "enrol_unit", "enrol_file"):
        assert url(name, cohort.pk) in html
    page = response.context["page"]
    assert url("enrolment_withdraw", page.roster[0].pk) in html
    assert url("waitlist_move", page.waitlist[0].pk) in html
    assert url("nomination_approve", page.nominations[0].pk) in html
    assert url("nomination_decline", page.nominations[0].pk) in html


# What it shows


def test_the_page_shows_capacity_roster_waitlist_nominations_and_who_left(
    client, registrar, instructor, cohort
):
    client.force_login(registrar)

    response = client.get(url("cohort_detail", cohort.pk))

    page = response.context["page"]
    assert (page.seated, page.free, cohort.capacity) == (2, 0, 2)
    assert [e.waitlist_position for e in page.waitlist] == [1, 2]
    assert [e.person.last_name for e in page.nominations] == ["Rahimov"]
    assert [e.status_reason for e in page.departed] == ["Posted abroad"]
    html = response.content.decode()
    assert cohort.course.title in html
    assert "Almaty" in html
    assert instructor.get_full_name() in html
    assert 'data-testid="seats-taken">2 / 2<' in html
    assert "MoD Tajikistan" in html
    assert "Tajikistan" in html
    assert "Posted abroad" in html


def test_a_finalised_cohort_shows_no_changes_to_make(client, registrar):
    from django.utils import timezone

    cohort = make_cohort(status=Cohort.Status.FINALISED, finalised_at=timezone.now())
    seat(cohort, make_people(1))
    client.force_login(registrar)

    html = client.get(url("cohort_detail", cohort.pk)).content.decode()

    assert "it takes no enrolments" in html
    assert url("enrol_person", cohort.pk) not in html
    assert "Withdraw" not in html


def _grow(cohort, count):
    seat(cohort, make_people(count))
    waitlist(cohort, make_people(count))
    for _ in range(count):
        factories.EnrolmentFactory(
            cohort=cohort, person=factories.PersonFactory(nationality="UZ"), status="nominated"
        )


@pytest.mark.parametrize("name", ["cohort_detail", "cohort_roster_csv", "cohort_roster_xlsx"])
def test_query_count_does_not_grow_with_enrolments(client, registrar, name):
    few, many = make_cohort(capacity=50), make_cohort(capacity=50)
    few.instructors.add(factories.UserFactory())
    many.instructors.add(*factories.UserFactory.create_batch(3))
    _grow(few, 1)
    _grow(many, 25)
    client.force_login(registrar)
    client.get(url(name, few.pk))  # warm the session

    with CaptureQueriesContext(connection) as few_queries:
        assert client.get(url(name, few.pk)).status_code == 200
    with CaptureQueriesContext(connection) as many_queries:
        assert client.get(url(name, many.pk)).status_code == 200

    assert len(many_queries) == len(few_queries) <= 8


# Exports


@pytest.fixture
def export_cohort():
    cohort = make_cohort(capacity=1, code="POC-2027-02")
    unit = factories.UnitFactory(code="KAZBAT-1")
    rank = factories.RankFactory(code="MAJ", name="Major", seniority=13)
    factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(
            rank=rank,
            last_name='=HYPERLINK("http://evil")',
            first_name="Aidos",
            middle_name="Serikovich",
            service_number="KZ-100001",
            unit=unit,
            gender="M",
        ),
    )
    factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(
            rank=rank,
            last_name="Сейтқали",
            first_name="Әлия",
            service_number="KZ-100002",
            unit=unit,
            gender="F",
        ),
        status=Enrolment.Status.WAITLISTED,
        waitlist_position=1,
    )
    factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WITHDRAWN)  # left out
    return cohort


EXPECTED_ROWS = [
    [
        "rank",
        "last_name",
        "first_name",
        "middle_name",
        "service_number",
        "unit",
        "category",
        "gender",
        "nationality",
        "status",
        "waitlist_position",
    ],
    [
        "Major",
        '\'=HYPERLINK("http://evil")',
        "Aidos",
        "Serikovich",
        "KZ-100001",
        "KAZBAT-1",
        "military",
        "male",
        "KZ",
        "enrolled",
        "",
    ],
    [
        "Major",
        "Сейтқали",
        "Әлия",
        "",
        "KZ-100002",
        "KAZBAT-1",
        "military",
        "female",
        "KZ",
        "waitlisted",
        "1",
    ],
]


def test_csv_export_lists_the_roster_then_the_waitlist_with_formulas_escaped(
    client, registrar, export_cohort
):
    client.force_login(registrar)

    response = client.get(url("cohort_roster_csv", export_cohort.pk))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="POC-2027-02-roster.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == EXPECTED_ROWS


def test_xlsx_export_reads_back_with_text_not_formulas(client, registrar, export_cohort):
    client.force_login(registrar)

    response = client.get(url("cohort_roster_xlsx", export_cohort.pk))

    assert response["Content-Disposition"] == 'attachment; filename="POC-2027-02-roster.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "POC-2027-02"
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    # A workbook keeps the text as a text cell (never a formula) rather than prefixing it.
    assert rows[1][1] == '=HYPERLINK("http://evil")'
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].quotePrefix  # Excel keeps it text when the cell is edited
    rows[1][1] = EXPECTED_ROWS[1][1]
    assert rows == EXPECTED_ROWS


def test_an_instructor_exports_their_own_cohort(client, instructor, export_cohort):
    export_cohort.instructors.add(instructor)
    client.force_login(instructor)

    assert client.get(url("cohort_roster_csv", export_cohort.pk)).status_code == 200


# Actions


def test_withdraw_asks_for_a_reason_then_promotes(client, registrar, cohort):
    client.force_login(registrar)
    seated = Enrolment.objects.filter(cohort=cohort, status="enrolled").first()
    first_waiting = Enrolment.objects.get(cohort=cohort, waitlist_position=1)

    page = client.get(url("enrolment_withdraw", seated.pk))
    assert page.status_code == 200
    assert "The seat goes at once to the first person on the waitlist" in page.content.decode()

    missing = client.post(
        url("enrolment_withdraw", seated.pk), {"reason": " ", "expected_status": "enrolled"}
    )
    assert missing.status_code == 200
    assert "This field is required." in missing.content.decode()

    response = client.post(
        url("enrolment_withdraw", seated.pk),
        {"reason": "Posted to UNIFIL", "expected_status": "enrolled"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == url("cohort_detail", cohort.pk)
    seated.refresh_from_db()
    assert (seated.status, seated.status_reason) == ("withdrawn", "Posted to UNIFIL")
    first_waiting.refresh_from_db()
    assert first_waiting.status == "enrolled"
    texts = [str(m) for m in response.context["messages"]]
    assert f"{seated.person.full_name} was withdrawn." in texts
    assert (
        f"{first_waiting.person.full_name} moved from the waitlist into the free seat and will be "
        "told by e-mail." in texts
    )
    assert len(positions(cohort)) == 1


def test_withdraw_from_a_stale_page_changes_nothing(client, registrar, cohort):
    client.force_login(registrar)
    waiting = Enrolment.objects.get(cohort=cohort, waitlist_position=2)

    response = client.post(
        url("enrolment_withdraw", waiting.pk),
        {"reason": "x", "expected_status": "enrolled"},  # the page showed them enrolled
        follow=True,
    )

    texts = [str(m) for m in response.context["messages"]]
    assert any("the page was out of date and nothing was changed" in t for t in texts)
    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def test_moving_on_the_waitlist(client, registrar, cohort):
    client.force_login(registrar)
    second = Enrolment.objects.get(cohort=cohort, waitlist_position=2)

    response = client.post(url("waitlist_move", second.pk), {"direction": "up", "position": 2})

    assert response.status_code == 302
    assert response.url == url("cohort_detail", cohort.pk) + "#waitlist"
    second.refresh_from_db()
    assert second.waitlist_position == 1

    stale = client.post(
        url("waitlist_move", second.pk), {"direction": "up", "position": 2}, follow=True
    )
    assert any("The waitlist changed" in str(m) for m in stale.context["messages"])
    bad = client.post(url("waitlist_move", second.pk), {"direction": "sideways"}, follow=True)
    assert any("Say which way to move" in str(m) for m in bad.context["messages"])


def test_approving_and_declining_nominations(client, registrar, cohort):
    client.force_login(registrar)
    nomination = Enrolment.objects.get(cohort=cohort, status="nominated")

    response = client.post(url("nomination_approve", nomination.pk), follow=True)

    nomination.refresh_from_db()
    assert (nomination.status, nomination.waitlist_position) == ("waitlisted", 3)
    assert any(
        "the cohort is full, so waitlisted at position 3" in str(m)
        for m in response.context["messages"]
    )

    other = factories.EnrolmentFactory(cohort=cohort, status="nominated")
    assert client.get(url("nomination_decline", other.pk)).status_code == 200
    client.post(url("nomination_decline", other.pk), {"reason": "No English certificate"})
    other.refresh_from_db()
    assert (other.status, other.status_reason) == ("declined", "No English certificate")


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("enrolment_withdraw", "get"),
        ("enrolment_withdraw", "post"),
        ("waitlist_move", "post"),
        ("nomination_approve", "post"),
        ("nomination_decline", "post"),
    ],
)
def test_instructors_cannot_change_enrolments(client, instructor, cohort, name, method):
    enrolment = Enrolment.objects.filter(cohort=cohort, status="nominated").first()
    if name == "waitlist_move":
        enrolment = Enrolment.objects.get(cohort=cohort, waitlist_position=2)
    client.force_login(instructor)

    before = (enrolment.status, enrolment.waitlist_position)

    response = getattr(client, method)(
        url(name, enrolment.pk), {"reason": "x", "direction": "up", "position": 2}
    )

    assert response.status_code == 403
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.waitlist_position) == before


def test_actions_on_an_unknown_enrolment_are_not_found(client, registrar):
    client.force_login(registrar)
    assert client.post(url("nomination_approve", 999_999)).status_code == 404
    assert client.get(url("enrolment_withdraw", 999_999)).status_code == 404
