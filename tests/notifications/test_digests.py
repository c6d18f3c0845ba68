"""The daily digest: one mail per recipient per day, grouped by kind, in the recipient's
language; marked sent only once it went."""

import datetime as dt
from smtplib import SMTPException

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings
from django.utils import translation

from accounts.roles import Role
from notifications import wording
from notifications.models import Reminder, ReminderDigest
from notifications.services import digest_send, digests_send, sweep_lapsing
from tests import factories
from tests.notifications import mail_backends
from tests.notifications.support import ON, commanded_unit, days, person

pytestmark = pytest.mark.django_db

FLAKY = "tests.notifications.mail_backends.FlakyBackend"


def lapsing_things():
    """Asel (no account) has a certificate and a passport lapsing; her commander is told of
    both."""
    holder = person(unit=commanded_unit(), rank=factories.RankFactory(code="CPT", name="Капитан"))
    cert = factories.CertificationFactory(
        person=holder,
        certification_type=factories.CertificationTypeFactory(code="UNMEM"),
        number="POCJ-2025-0012",
        issued_on=days(-400),
        valid_until=days(30),
    )
    factories.PassportFactory(
        person=holder, document_number="N0001", issued_on=days(-3000), valid_until=days(7)
    )
    sweep_lapsing(on=ON)
    return holder, cert


@override_settings(SITE_URL="https://pc.example.kz")
def test_one_mail_per_recipient_with_every_reminder_grouped_by_kind():
    holder, cert = lapsing_things()
    holder.unit.commander.groups.add(Group.objects.get(name=Role.COMMANDER))

    outcome = digests_send(on=ON)

    assert sorted(outcome.mailed) == ["asel@mod.kz", "cmdr@mod.kz"]
    assert outcome.reminders == 4
    assert sorted(m.to[0] for m in mail.outbox) == ["asel@mod.kz", "cmdr@mod.kz"]
    message = next(m for m in mail.outbox if m.to == ["asel@mod.kz"])
    assert message.subject == "2 reminders from the Peace Operations Centre for 2026-11-23"
    body = message.body
    assert (
        "UNMEM certificate POCJ-2025-0012 of Капитан Nurlanova Asel lapses on 2026-12-23 "
        "(in 30 days)." in body
    )
    # Asel has no account: no page of the centre opens for her, so the mail links to none.
    assert "https://pc.example.kz/courses/" not in body
    assert (
        "National passport N0001 of Капитан Nurlanova Asel lapses on 2026-11-30 (in 7 days)" in body
    )
    assert body.index("Certification lapsing") < body.index("Passport lapsing")
    assert "https://pc.example.kz/reminders/" in body
    assert "&" not in body  # plain text, not HTML-escaped
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<a href="https://pc.example.kz/courses/' not in html
    # Her commander opens the certification's and her own page.
    to_commander = next(m for m in mail.outbox if m.to == ["cmdr@mod.kz"])
    assert f"https://pc.example.kz/courses/certifications/{cert.pk}/" in to_commander.body
    html, _mimetype = to_commander.alternatives[0]
    assert f'<a href="https://pc.example.kz/courses/certifications/{cert.pk}/">' in html
    assert f"https://pc.example.kz/personnel/people/{holder.pk}/" in to_commander.body

    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    digest = ReminderDigest.objects.get(recipient_email="asel@mod.kz")
    assert (digest.day, digest.item_count) == (ON, 2)
    assert set(
        Reminder.objects.filter(recipient_email="asel@mod.kz").values_list("digest", flat=True)
    ) == {digest.pk}


def test_digests_twice_the_same_day_send_nothing_new_and_new_items_wait_for_tomorrow():
    holder, _cert = lapsing_things()
    digests_send(on=ON)
    assert len(mail.outbox) == 2

    assert digests_send(on=ON).mailed == []
    factories.MedicalClearanceFactory(person=holder, issued_on=days(-300), valid_until=days(5))
    sweep_lapsing(on=ON)
    again = digests_send(on=ON)

    assert (again.mailed, sorted(again.deferred)) == ([], ["asel@mod.kz", "cmdr@mod.kz"])
    assert len(mail.outbox) == 2
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 2

    tomorrow = digests_send(on=ON + dt.timedelta(days=1))
    assert sorted(tomorrow.mailed) == ["asel@mod.kz", "cmdr@mod.kz"]
    assert len(mail.outbox) == 4
    assert "Medical clearance (fit) of" in mail.outbox[-1].body


def test_nothing_to_send_keeps_no_digest_row():
    assert digest_send(email="nobody@mod.kz", day=ON) == 0
    assert not ReminderDigest.objects.exists()


def test_the_mail_is_written_in_the_recipients_language(monkeypatch):
    commander_unit = commanded_unit()
    commander_unit.commander.language = "ru"
    commander_unit.commander.save()
    holder = person(unit=commander_unit)
    factories.CertificationFactory(person=holder, issued_on=days(-400), valid_until=days(7))
    sweep_lapsing(on=ON)
    languages = {}
    real = wording.sentence

    def spy(reminder, *, today):
        languages[reminder.recipient_email] = translation.get_language()
        return real(reminder, today=today)

    monkeypatch.setattr(wording, "sentence", spy)
    with translation.override("kk"):
        digests_send(on=ON)

    assert languages == {"cmdr@mod.kz": "ru", "asel@mod.kz": "en"}  # no account: the default


@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_failing_mail_server_marks_nothing_sent_that_was_not():
    lapsing_things()
    mail_backends.fail_on(2)  # the first recipient goes through, the second fails

    with pytest.raises(SMTPException):
        digests_send(on=ON)

    assert [m.to for m in mail.outbox] == [["asel@mod.kz"]]
    assert set(
        Reminder.objects.filter(sent_at__isnull=False).values_list("recipient_email", flat=True)
    ) == {"asel@mod.kz"}
    assert list(ReminderDigest.objects.values_list("recipient_email", flat=True)) == ["asel@mod.kz"]

    outcome = digests_send(on=ON)  # the retry

    assert outcome.mailed == ["cmdr@mod.kz"]
    assert sorted(m.to[0] for m in mail.outbox) == ["asel@mod.kz", "cmdr@mod.kz"]
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.parametrize("recipients", [1, 4])
def test_digest_queries_per_recipient_are_fixed(recipients, django_assert_max_num_queries):
    unit = commanded_unit()
    unit.commander.groups.add(Group.objects.get(name=Role.COMMANDER))
    for i in range(recipients):
        holder = person(unit=unit, email=f"p{i}@mod.kz", service_number=f"KZ-D{i}")
        for n in range(3):
            factories.CertificationFactory(
                person=holder,
                certification_type=factories.CertificationTypeFactory(code=f"T{n}"),
                number=f"D-{i}-{n}",
                issued_on=days(-400),
                valid_until=days(5 + n),
            )
    sweep_lapsing(on=ON)

    # The recipients, then per recipient (commander included), whatever their number of
    # reminders: its transaction (a savepoint inside the test's: 2), lock the digest, create
    # it (in a savepoint: 3), the reminders, save the digest, mark the reminders; and for the
    # one with an account (the commander) the links they may open: their roles, their
    # units, the certifications.
    with django_assert_max_num_queries(1 + 9 * (recipients + 1) + 3):
        digests_send(on=ON)
