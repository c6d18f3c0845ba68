"""The daily digest: one mail per recipient per day listing all their reminders not mailed
yet, grouped by kind, in the recipient's language.

Each recipient is one transaction: the day's ReminderDigest row is created or locked (two
workers never mail one recipient twice), the mail is sent, then the reminders and the digest
are marked sent. When the mail server fails the transaction rolls back, so nothing is marked
sent that was not, and the exception reaches the task, which retries; recipients done before
the failure are committed and are not mailed again. A recipient already mailed today keeps
new reminders for tomorrow's digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from common.mail import mail_subject_line
from notifications import wording
from notifications.models import Reminder, ReminderDigest, ReminderKind
from notifications.selectors import reminder_links

KIND_ORDER = {kind: index for index, kind in enumerate(ReminderKind.values)}


@dataclass
class DigestOutcome:
    mailed: list[str] = field(default_factory=list)  # recipients mailed now
    deferred: list[str] = field(default_factory=list)  # already mailed today: tomorrow
    reminders: int = 0  # reminders marked sent


@dataclass
class DigestLine:
    text: str
    url: str | None


@dataclass
class DigestGroup:
    label: str
    lines: list[DigestLine]


def _absolute(path: str | None) -> str | None:
    return f"{settings.SITE_URL.rstrip('/')}{path}" if path else None


def digest_groups(
    reminders: list[Reminder], *, day: dt.date, user: User | None = None
) -> list[DigestGroup]:
    """The reminders grouped by kind (in the kinds' order), each a sentence and a link to a
    page `user` (the recipient's account; None: no account, so no link) may open, in the
    active language."""
    links = reminder_links(user=user, reminders=reminders)
    ordered = sorted(reminders, key=lambda r: (KIND_ORDER[r.kind], r.due_on, r.pk))
    return [
        DigestGroup(
            label=capfirst(str(ReminderKind(kind).label)),
            lines=[
                DigestLine(wording.sentence(r, today=day), _absolute(links[r.pk])) for r in items
            ],
        )
        for kind, items in groupby(ordered, key=lambda r: r.kind)
    ]


def digest_message(
    *,
    email: str,
    reminders: list[Reminder],
    day: dt.date,
    language: str,
    user: User | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """The digest mail (plain text and HTML) of `reminders` to `email` (the account `user`,
    if any), in `language`."""
    with translation.override(language):
        context = {
            "groups": digest_groups(reminders, day=day, user=user),
            "count": len(reminders),
            "day": day.isoformat(),
            "reminders_url": _absolute(reverse("notifications:list")),
            "site_url": settings.SITE_URL,
            "centre_name": settings.PEACECENTRE_NAME or _("Peace Operations Centre"),
        }
        subject = mail_subject_line(
            ngettext(
                "%(count)s reminder from the %(centre)s for %(day)s",
                "%(count)s reminders from the %(centre)s for %(day)s",
                len(reminders),
            )
            % {"count": len(reminders), "centre": context["centre_name"], "day": day.isoformat()}
        )
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [email], connection=connection
    )
    message.attach_alternative(html, "text/html")
    return message


def _lock_digest(email: str, day: dt.date) -> ReminderDigest:
    """The day's digest row of `email`, created if missing, locked until the transaction ends."""
    digest = ReminderDigest.objects.select_for_update().filter(recipient_email=email, day=day)
    if found := digest.first():
        return found
    try:
        with transaction.atomic():
            return ReminderDigest.objects.create(recipient_email=email, day=day)
    except IntegrityError:  # another worker created it meanwhile: wait for its lock
        return digest.get()


def digest_send(*, email: str, day: dt.date, connection=None) -> int | None:
    """Mail `email` their reminders not mailed yet, as the digest of `day`. Returns how many
    reminders were mailed, 0 when there was nothing to mail, None when the recipient was
    already mailed on `day` (what is new waits for tomorrow). Raises what the mail backend
    raises (SMTPException, OSError), and then nothing is marked sent."""
    with transaction.atomic():
        digest = _lock_digest(email, day)
        if digest.sent_at is not None:
            return None
        reminders = list(
            Reminder.objects.filter(recipient_email=email, sent_at__isnull=True)
            .select_related("recipient_user")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if not reminders:
            transaction.set_rollback(True)  # keep no empty digest row
            return 0
        user = next((r.recipient_user for r in reminders if r.recipient_user), None)
        language = user.language if user and user.language else settings.LANGUAGE_CODE
        digest_message(
            email=email,
            reminders=reminders,
            day=day,
            language=language,
            user=user,
            connection=connection,
        ).send()
        # Marked only after the mail went; a failure above rolls all of this back.
        now = timezone.now()
        digest.sent_at, digest.item_count, digest.user = now, len(reminders), user
        digest.save(update_fields=["sent_at", "item_count", "user"])
        Reminder.objects.filter(pk__in=[r.pk for r in reminders]).update(sent_at=now, digest=digest)
        return len(reminders)


def digests_send(*, on: dt.date | None = None) -> DigestOutcome:
    """Send the digest of day `on` (default today, Almaty) to every recipient with reminders
    not mailed yet, over one mail connection. Safe to run again: those mailed today are not
    mailed twice."""
    day = on or timezone.localdate()
    outcome = DigestOutcome()
    emails = list(
        Reminder.objects.filter(sent_at__isnull=True)
        .order_by("recipient_email")
        .values_list("recipient_email", flat=True)
        .distinct()
    )
    if not emails:
        return outcome
    with get_connection() as connection:
        for email in emails:
            sent = digest_send(email=email, day=day, connection=connection)
            if sent is None:
                outcome.deferred.append(email)
            elif sent:
                outcome.mailed.append(email)
                outcome.reminders += sent
    return outcome
