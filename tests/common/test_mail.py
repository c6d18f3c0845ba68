"""Every mail's subject is plain text on one line (a header, not HTML); HTML bodies stay
escaped. Names and titles with "&", "<" and newlines, through each mail the centre sends."""

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone

from common.mail import mail_subject_line, mail_subject_render
from courses.services.enrolment import enrolment_promotion_notify
from notifications.services import digests_send, sweep_lapsing
from personnel.models import Unit
from reports import digests
from tests import factories
from tests.notifications.support import ON, days, person
from tests.reports.support import build_world

pytestmark = pytest.mark.django_db

TITLE = "Women, Peace & Security"
SCRIPT_NAME = "<script>alert(1)</script>"


def assert_plain_one_line(subject: str) -> None:
    for escaped_or_break in ("&amp;", "&lt;", "&gt;", "&#", "\n", "\r"):
        assert escaped_or_break not in subject
    assert subject == subject.strip()


def test_a_subject_template_renders_unescaped_on_one_line():
    context = {"cohort": {"code": "WPS-1", "course": {"title": f"{TITLE}\n<Advanced>"}}}
    name = "courses/email/waitlist_promotion_subject.txt"
    # What the templates' autoescape makes of it, and what a subject must be instead.
    assert "&amp;" in render_to_string(name, context)
    subject = mail_subject_render(template_name=name, context=context)
    assert subject == "You have a seat in Women, Peace & Security <Advanced> (WPS-1)"


def test_a_subject_line_is_one_line():
    assert mail_subject_line("  Two\r\nlines\tand  spaces \n") == "Two lines and spaces"


def test_the_waitlist_promotion_mail_shows_the_title_as_typed():
    course = factories.CourseFactory(title=TITLE)
    cohort = factories.CohortFactory(course=course, code="WPS-2026-1")
    enrolment = factories.EnrolmentFactory(
        cohort=cohort,
        person=factories.PersonFactory(
            first_name=SCRIPT_NAME, last_name="Nurlanova", email="a.nurlanova@mod.kz"
        ),
        promoted_at=timezone.now(),
    )

    assert enrolment_promotion_notify(enrolment_id=enrolment.pk) is True

    (message,) = mail.outbox
    assert message.subject == "You have a seat in Women, Peace & Security (WPS-2026-1)"
    assert_plain_one_line(message.subject)
    # The body is plain text too: the name as typed, nothing for a mail client to run.
    assert f"Dear Nurlanova {SCRIPT_NAME}," in message.body
    assert "Women, Peace & Security" in message.body
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])


def test_the_commander_digest_names_the_units_as_typed(commander):
    world = build_world(commander)
    Unit.objects.filter(pk=world["units"]["KAZBAT"].pk).update(name=f"{TITLE} <Bn>")

    message = digests.commander_digest_message(commander=commander, on=timezone.localdate())

    assert "KAZBAT Women, Peace & Security <Bn>" in message.subject
    assert_plain_one_line(message.subject)
    assert "Women, Peace & Security <Bn>" in message.body


@override_settings(PEACECENTRE_NAME=TITLE + " Centre", SITE_URL="https://pc.example.kz")
def test_the_reminder_digest_subject_is_plain_and_its_html_escaped():
    holder = person(first_name=SCRIPT_NAME)
    factories.PassportFactory(
        person=holder, document_number="N0001", issued_on=days(-3000), valid_until=days(7)
    )
    sweep_lapsing(on=ON)

    digests_send(on=ON)

    message = next(m for m in mail.outbox if m.to == ["asel@mod.kz"])
    assert message.subject == f"1 reminder from the Women, Peace & Security Centre for {ON}"
    assert_plain_one_line(message.subject)
    assert SCRIPT_NAME in message.body  # text/plain: shown, never run
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Women, Peace &amp; Security Centre" in html
