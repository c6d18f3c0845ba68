"""The reminder log's rules, held by the database."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Certification
from notifications.models import Reminder, ReminderDigest
from tests.notifications.support import ON

pytestmark = pytest.mark.django_db


def row(**kwargs):
    values = {
        "kind": "certification_lapsing",
        "content_type": ContentType.objects.get_for_model(Certification),
        "object_id": 1,
        "threshold": "30",
        "recipient_email": "asel@mod.kz",
        "due_on": ON,
        **kwargs,
    }
    return Reminder(**values)


def refused(reminder_or_digest) -> bool:
    try:
        with transaction.atomic():
            reminder_or_digest.save()
    except IntegrityError:
        return True
    return False


def test_a_reminder_is_recorded_once_per_kind_object_threshold_and_recipient():
    row().save()
    assert refused(row())
    assert not refused(row(threshold="7"))
    assert not refused(row(recipient_email="cmdr@mod.kz"))
    assert not refused(row(object_id=2))
    assert not refused(row(kind="passport_lapsing"))


@pytest.mark.parametrize(
    "broken",
    [
        {"recipient_email": "Asel@mod.kz"},
        {"recipient_email": ""},
        {"threshold": ""},
        {"kind": "gossip"},
        {"sent_at": timezone.now()},  # sent without a digest
    ],
)
def test_the_database_refuses_a_broken_reminder(broken):
    assert refused(row(**broken))


def test_one_digest_per_recipient_and_day_and_a_sent_one_has_items():
    ReminderDigest.objects.create(recipient_email="asel@mod.kz", day=ON)
    assert refused(ReminderDigest(recipient_email="asel@mod.kz", day=ON))
    assert refused(ReminderDigest(recipient_email="Cmdr@mod.kz", day=ON))
    assert refused(ReminderDigest(recipient_email="cmdr@mod.kz", day=ON, sent_at=timezone.now()))
