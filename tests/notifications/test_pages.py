"""The user's own reminders: the page, the home include, the badge, the admin; and the
schedules beat runs."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from courses.models import Certification, Cohort, Course
from notifications.models import Reminder, ReminderDigest
from notifications.services import sweep_lapsing
from personnel.models import Passport
from tests import factories
from tests.notifications.support import ON, commanded_unit, days, person

pytestmark = pytest.mark.django_db

URL = reverse("notifications:list")


def reminder(user, *, kind="certification_lapsing", model=Certification, object_id=1, **kw):
    defaults = {
        "content_type": ContentType.objects.get_for_model(model),
        "object_id": object_id,
        "threshold": kw.pop("threshold", "30"),
        "recipient_email": (user.email if user else "someone@mod.kz").lower(),
        "recipient_user": user,
        "due_on": kw.pop("due_on", timezone.localdate() + dt.timedelta(days=30)),
        "details": kw.pop(
            "details",
            {"person": "Captain Nurlanova Asel", "person_id": 7, "number": "N-1", "type": "UNSOC"},
        ),
    }
    return Reminder.objects.create(kind=kind, **defaults, **kw)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_user_sees_only_their_own_reminders_newest_first(client, commander, instructor):
    mine_old = reminder(commander, object_id=1, details={**reminder_details(), "number": "OLD-1"})
    mine_new = reminder(commander, object_id=2, details={**reminder_details(), "number": "NEW-2"})
    reminder(instructor, object_id=3, details={**reminder_details(), "number": "THEIRS-3"})
    reminder(None, object_id=4, details={**reminder_details(), "number": "NOBODY-4"})
    Reminder.objects.filter(pk=mine_old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(commander)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert [row["reminder"] for row in response.context["rows"]] == [mine_new, mine_old]
    assert "NEW-2" in html
    assert "OLD-1" in html
    assert "THEIRS-3" not in html
    assert "NOBODY-4" not in html
    # Certifications 1 and 2 are of nobody in the commander's units: no link (test_links.py).
    assert reverse("courses:certification_detail", args=[2]) not in html
    assert "not yet" in html


def reminder_details():
    return {"person": "Captain Nurlanova Asel", "person_id": 7, "number": "N", "type": "UNSOC"}


def test_each_kind_links_to_its_page_and_says_whether_it_was_mailed(client, registrar):
    today = timezone.localdate()
    abenov = factories.PersonFactory(last_name="Abenov", first_name="Serik")
    cohort = factories.CohortFactory(code="UNSOC-26-1")
    course = cohort.course
    digest = ReminderDigest.objects.create(
        recipient_email=registrar.email,
        day=today,
        sent_at=timezone.now(),
        item_count=1,
    )
    reminder(
        registrar,
        kind="passport_lapsing",
        model=Passport,
        object_id=11,
        details={
            "person": "Serik Abenov",
            "person_id": abenov.pk,
            "document_number": "N9",
            "kind": "national",
        },
        sent_at=timezone.now(),
        digest=digest,
    )
    reminder(
        registrar,
        kind="cohort_starting",
        model=Cohort,
        object_id=cohort.pk,
        threshold="7",
        details={"cohort": "UNSOC-26-1", "title": "UN Staff Officer", "location": "Almaty"},
    )
    reminder(
        registrar,
        kind="recognition_lapsing",
        model=Course,
        object_id=course.pk,
        threshold="6m",
        details={"course": "UNSOC", "title": "UN Staff Officer"},
    )
    client.force_login(registrar)

    html = client.get(URL).content.decode()

    assert f'href="{reverse("personnel:person_detail", args=[abenov.pk])}"' in html
    assert f'href="{reverse("courses:cohort_detail", args=[cohort.pk])}"' in html
    assert f'href="{reverse("courses:course_detail", args=[course.pk])}"' in html
    assert "National passport N9 of Serik Abenov lapses on" in html
    assert "Cohort UNSOC-26-1 of UN Staff Officer starts on" in html
    assert "UN recognition of UNSOC UN Staff Officer lapses on" in html
    assert html.count('data-testid="reminder-mailed"><i class="bi bi-envelope-check') == 1


def test_the_page_is_paginated(client, commander):
    for n in range(30):
        reminder(commander, object_id=n + 1)
    client.force_login(commander)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 5
    assert 'data-testid="page-next"' in first.content.decode()


def test_a_user_without_reminders_is_told_so(client, instructor):
    client.force_login(instructor)
    assert 'data-testid="reminder-empty"' in client.get(URL).content.decode()


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_query_count_does_not_grow(client, commander, count, django_assert_num_queries):
    for n in range(count):
        reminder(commander, object_id=n + 1)
    client.force_login(commander)

    # session, user, the user's roles (navigation), count, page, and for the links the user
    # may open their units (none: so no certification of theirs to look up)
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert len(response.context["rows"]) == count


def render_home_include(user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% include "notifications/_home_reminders.html" %}')
    return template.render(Context({"request": request, "user": user}))


def test_the_home_include_lists_five_due_soonest_one_per_thing(
    commander, django_assert_num_queries
):
    today = timezone.localdate()
    for n in range(7):
        reminder(
            commander,
            object_id=n + 1,
            due_on=today + dt.timedelta(days=10 + n),
            details={**reminder_details(), "number": f"SOON-{n}"},
        )
    # The same certificate at two thresholds: listed once.
    reminder(commander, object_id=1, threshold="90", due_on=today + dt.timedelta(days=10))
    reminder(
        commander,
        object_id=99,
        due_on=today + dt.timedelta(days=91),
        details={**reminder_details(), "number": "LATER"},
    )
    reminder(
        commander,
        object_id=98,
        due_on=today - dt.timedelta(days=1),
        details={**reminder_details(), "number": "PAST"},
    )

    # the reminders; for the links the user's roles and units (none: nothing more to look up)
    with django_assert_num_queries(3):
        html = render_home_include(commander)

    assert html.count('data-testid="home-reminder"') == 5
    assert "SOON-4" in html
    assert "SOON-5" not in html
    assert "LATER" not in html
    assert "PAST" not in html
    assert reverse("notifications:list") in html


def test_the_badge_counts_unsent_and_recent_reminders(commander, instructor):
    long_ago = timezone.now() - dt.timedelta(days=30)
    digest = ReminderDigest.objects.create(
        recipient_email=commander.email, day=ON, sent_at=long_ago, item_count=2
    )
    reminder(commander, object_id=1)  # not mailed yet
    old_sent = reminder(commander, object_id=2, sent_at=long_ago, digest=digest)
    Reminder.objects.filter(pk=old_sent.pk).update(created_at=long_ago)
    recent_sent = reminder(commander, object_id=3, sent_at=timezone.now(), digest=digest)
    assert recent_sent.sent_at
    reminder(instructor, object_id=4)
    template = Template("{% load reminders %}{% reminder_count user as n %}[{{ n }}]")

    assert template.render(Context({"user": commander})) == "[2]"
    assert template.render(Context({"user": instructor})) == "[1]"
    from django.contrib.auth.models import AnonymousUser

    assert template.render(Context({"user": AnonymousUser()})) == "[0]"


def test_the_admin_lists_are_read_only(client, administrator, commander):
    unit = commanded_unit()
    holder = person(unit=unit)
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(7))
    sweep_lapsing(on=ON)
    client.force_login(administrator)

    for name in ("reminder", "reminderdigest"):
        response = client.get(reverse(f"admin:notifications_{name}_changelist"))
        assert response.status_code == 200
    one = Reminder.objects.first()
    response = client.get(reverse("admin:notifications_reminder_change", args=[one.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.get(reverse("admin:notifications_reminder_add")).status_code == 403
    client.force_login(commander)
    assert client.get(reverse("admin:notifications_reminder_changelist")).status_code == 302


def test_beat_runs_the_sweeps_then_the_digests_in_almaty_and_the_migration_reverses():
    tasks = {
        t.task: t
        for t in PeriodicTask.objects.select_related("crontab").filter(
            task__startswith="notifications."
        )
    }
    times = {name: (int(t.crontab.hour), int(t.crontab.minute)) for name, t in tasks.items()}
    assert times == {
        "notifications.sweep_lapsing": (5, 30),
        "notifications.sweep_cohorts_starting": (5, 35),
        "notifications.sweep_results_missing": (5, 40),
        "notifications.sweep_recognition_lapsing": (5, 45),
        "notifications.sweep_deployments_due": (5, 50),
        "notifications.sweep_pcrs_renewals": (5, 50),
        "notifications.sweep_pcrs_actions_overdue": (5, 52),
        "notifications.send_digests": (6, 0),
    }
    assert {str(t.crontab.timezone) for t in tasks.values()} == {"Asia/Almaty"}
    assert all(t.enabled for t in tasks.values())

    for name, count in (
        ("0002_reminder_schedules", 5),
        ("0003_deployment_reminders", 1),
        ("0004_pcrs_reminders", 2),
    ):
        migration = importlib.import_module(f"notifications.migrations.{name}")
        names = [schedule[0] for schedule in migration.SCHEDULES]
        migration.remove(apps, None)
        assert not PeriodicTask.objects.filter(name__in=names).exists()
        migration.create(apps, None)
        migration.create(apps, None)  # again: nothing doubled
        assert PeriodicTask.objects.filter(name__in=names).count() == count
