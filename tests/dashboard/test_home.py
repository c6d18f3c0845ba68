"""Each role gets its own home page; the page's query count does not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from courses.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


def test_login_page_renders_with_vendored_bootstrap(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in html
    assert "//cdn" not in html
    assert "https://" not in html


def test_sign_in_and_out(client, registrar):
    response = client.post(
        reverse("login"), {"username": "reg", "password": "correct-horse-battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == registrar
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert not response.context["user"].is_authenticated


def test_wrong_password_says_so_and_stays_on_login(client, registrar):
    response = client.post(reverse("login"), {"username": "reg", "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_change(client, registrar):
    client.force_login(registrar)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "blue-helmets-in-naqoura",
            "new_password2": "blue-helmets-in-naqoura",
        },
    )
    assert response.status_code == 302
    registrar.refresh_from_db()
    assert registrar.check_password("blue-helmets-in-naqoura")


def test_password_change_refuses_a_weak_password(client, registrar):
    client.force_login(registrar)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    registrar.refresh_from_db()
    assert registrar.check_password("correct-horse-battery")


@pytest.mark.parametrize(
    ("role", "section", "absent"),
    [
        (
            Role.REGISTRAR,
            "registrar-home",
            ["commander-home", "instructor-home", "administrator-home"],
        ),
        (
            Role.INSTRUCTOR,
            "instructor-home",
            ["registrar-home", "commander-home", "administrator-home"],
        ),
        (
            Role.COMMANDER,
            "commander-home",
            ["registrar-home", "instructor-home", "administrator-home"],
        ),
        (
            Role.ADMINISTRATOR,
            "administrator-home",
            ["registrar-home", "instructor-home", "commander-home"],
        ),
    ],
)
def test_each_role_sees_its_own_home(client, role, section, absent):
    user = factories.UserFactory(roles=[role])
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert f'data-testid="{section}"' in html
    for other in absent:
        assert f'data-testid="{other}"' not in html


def test_navigation_offers_administration_only_to_administrators(client, registrar, administrator):
    client.force_login(registrar)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    client.force_login(administrator)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_user_without_role_is_told(client):
    client.force_login(factories.UserFactory())
    assert "has no role yet" in client.get(reverse("home")).content.decode()


def test_commander_home_counts_only_their_subtree(client, commander):
    battalion = factories.UnitFactory(code="KAZBAT", kind="battalion", commander=commander)
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    other = factories.UnitFactory(code="POLICE")
    factories.PersonFactory.create_batch(3, unit=company)
    factories.PersonFactory(unit=battalion, gender="F")
    factories.PersonFactory.create_batch(5, unit=other)
    client.force_login(commander)
    summary = client.get(reverse("home")).context["commander"]
    assert (summary.people, summary.women) == (4, 1)
    rows = [(row.unit.code, row.level, row.own, row.total) for row in summary.units]
    assert rows == [("KAZBAT", 0, 1, 4), ("KAZBAT-1", 1, 3, 3)]


def test_instructor_home_lists_only_their_cohorts(client, instructor):
    today = dt.date.today()
    mine = factories.CohortFactory(
        instructors=[instructor], starts_on=today, ends_on=today + dt.timedelta(days=5)
    )
    factories.CohortFactory(starts_on=today, ends_on=today + dt.timedelta(days=5))
    client.force_login(instructor)
    summary = client.get(reverse("home")).context["instructor"]
    assert summary.running == [mine]


def _grow(n: int, commander, instructor) -> None:
    """n more people, cohorts with enrolments, certifications in every role's scope."""
    unit = factories.UnitFactory(commander=commander)
    for _ in range(n):
        person = factories.PersonFactory(unit=unit)
        factories.MedicalClearanceFactory(person=person)
        factories.PassportFactory(person=person)
        factories.CertificationFactory(
            person=person, valid_until=dt.date.today() + dt.timedelta(days=30)
        )
        cohort = factories.CohortFactory(instructors=[instructor])
        factories.EnrolmentFactory(cohort=cohort, person=person)
        factories.EnrolmentFactory(
            cohort=cohort, status=Enrolment.Status.WAITLISTED, waitlist_position=1
        )


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "roles",
    [[Role.REGISTRAR], [Role.INSTRUCTOR], [Role.COMMANDER], [Role.ADMINISTRATOR], list(Role)],
)
def test_home_query_count_does_not_grow_with_rows(client, roles):
    user = factories.UserFactory(roles=roles)
    _grow(1, user, user)
    small = _queries(client, user)
    _grow(8, user, user)
    assert _queries(client, user) == small
    assert small <= 12 + 3 * len(roles)  # session, user, roles, then a few per section


def test_administrator_home_shows_worker_status(client, administrator):
    from django.utils import timezone
    from django_celery_results.models import TaskResult

    client.force_login(administrator)
    assert client.get(reverse("home")).context["administrator"].worker_silent
    TaskResult.objects.create(
        task_id="beat-1",
        task_name="peacecentre.health_ping",
        status="SUCCESS",
        date_done=timezone.now(),
    )
    summary = client.get(reverse("home")).context["administrator"]
    assert not summary.worker_silent
    assert summary.last_heartbeat is not None


def test_heartbeat_is_scheduled_in_the_database():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="Worker heartbeat")
    assert task.task == "peacecentre.health_ping"
    assert task.enabled
    assert (task.interval.every, task.interval.period) == (5, "minutes")


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (
            Role.REGISTRAR,
            [
                "nav-people",
                "nav-readiness",
                "nav-units",
                "nav-gender",
                "nav-missions",
                "nav-import",
                "nav-courses",
                "nav-cohorts",
                "nav-certifications",
            ],
            [],
        ),
        (
            Role.INSTRUCTOR,
            ["nav-courses", "nav-cohorts"],
            ["nav-people", "nav-import", "nav-certifications", "nav-readiness", "nav-missions"],
        ),
        (
            Role.COMMANDER,
            [
                "nav-people",
                "nav-readiness",
                "nav-units",
                "nav-gender",
                "nav-missions",
                "nav-courses",
                "nav-certifications",
            ],
            ["nav-import", "nav-cohorts"],
        ),
    ],
)
def test_navigation_fits_the_role(client, role, shown, hidden):
    client.force_login(factories.UserFactory(roles=[role]))
    html = client.get(reverse("home")).content.decode()
    for testid in shown:
        assert f'data-testid="{testid}"' in html
    for testid in hidden:
        assert f'data-testid="{testid}"' not in html


def test_every_navigation_link_opens_for_its_role(client):
    """A link the navigation offers must not answer 403 to the user it is offered to."""
    import re

    for role in (Role.REGISTRAR, Role.INSTRUCTOR, Role.COMMANDER, Role.ADMINISTRATOR):
        client.force_login(factories.UserFactory(roles=[role], is_staff=role == Role.ADMINISTRATOR))
        nav = (
            client.get(reverse("home")).content.decode().split('id="main-nav"')[1].split("</ul>")[0]
        )
        for href in re.findall(r'href="(/[^"]*)"', nav):
            assert client.get(href).status_code == 200, (role, href)
