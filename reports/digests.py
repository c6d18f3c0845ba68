"""The weekly readiness digest of each commander: their subtree's readiness per requirement
profile in the mail, with the readiness matrix XLSX attached (one sheet per active profile).

Once per commander per week: CommanderDigest is unique on (commander, week), the send holds
the row's lock while it mails and marks it sent only once the mail server accepted the mail;
a failing mail server raises, and the task retries with backoff (reports/tasks.py).

The figures come from the readiness matrix selector run once per profile over each unit the
commander commands (with the units under it), the same run that fills the attachment, so the
mail and the file cannot disagree. They count as the unit readiness page does
(readiness/selectors/units.py: ready = no requirement unmet, lapsing = ready with something
lapsing soon; the same Gap and the same number of gaps per profile), but always live, never
from a nightly snapshot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.roles import Role
from common.mail import mail_subject_render
from common.spreadsheets import XLSX_CONTENT_TYPE
from personnel.models import Unit
from readiness.models import RequirementProfile
from readiness.selectors.matrix import (
    DEFAULT_SORT,
    Matrix,
    RequirementTotal,
    matrix_export_rows,
    readiness_matrix,
    sort_rows,
)
from readiness.selectors.units import GAPS_PER_PROFILE, Gap, active_profiles

from .kinds.readiness_matrix import top_units, xlsx_bytes
from .models import CommanderDigest

if TYPE_CHECKING:
    from accounts.models import User


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s week: the digest's key."""
    return day - dt.timedelta(days=day.weekday())


def digest_commanders() -> list[User]:
    """Active users with the commander role who command at least one unit."""
    from accounts.models import User

    return list(
        User.objects.filter(
            is_active=True, groups__name=Role.COMMANDER.value, commanded_units__isnull=False
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def commander_digests_prepare(*, today: dt.date | None = None) -> list[int]:
    """Make this week's digest row for every commander (the unique key makes a second run add
    nothing) and return the ids of those not sent yet, for the caller to queue."""
    week = week_of(today or timezone.localdate())
    commanders = digest_commanders()
    CommanderDigest.objects.bulk_create(
        [CommanderDigest(commander=user, week=week) for user in commanders],
        ignore_conflicts=True,
    )
    return list(
        CommanderDigest.objects.filter(
            week=week, sent_at__isnull=True, commander__in=commanders
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class ProfileSummary:
    """One requirement profile over the commander's subtree."""

    matrix: Matrix
    gaps: list[Gap]

    @property
    def profile(self):
        return self.matrix.profile

    @property
    def percent(self) -> int | None:
        return self.matrix.ready_percent


@dataclass(frozen=True)
class DigestContent:
    units: list[Unit]
    summaries: list[ProfileSummary]
    on: dt.date


def commander_digest_content(*, commander: User, on: dt.date) -> DigestContent:
    """The readiness of `commander`'s scope per active profile, with the most common gaps.
    The engine runs once per profile; a fixed number of queries per profile."""
    units = top_units(Unit.objects.filter(commander=commander).order_by("path"))
    summaries = []
    for profile in active_profiles():
        matrix = _subtree_matrix(commander=commander, units=units, profile=profile, on=on)
        gaps = sorted(
            (total for total in matrix.per_requirement if total.not_met),
            key=lambda total: (-total.not_met, str(total.requirement.label)),
        )[:GAPS_PER_PROFILE]
        summaries.append(
            ProfileSummary(
                matrix=matrix,
                gaps=[Gap(requirement=t.requirement, count=t.not_met) for t in gaps],
            )
        )
    return DigestContent(units=units, summaries=summaries, on=on)


def _subtree_matrix(
    *, commander: User, units: list[Unit], profile: RequirementProfile, on: dt.date
) -> Matrix:
    """The matrix of the units `commander` commands and those under them, even when the user
    also holds a role that sees the whole register: one matrix per commanded top unit (their
    subtrees do not overlap), rows and totals put together."""
    matrices = [
        readiness_matrix(user=commander, profile=profile, unit=unit, on=on) for unit in units
    ]
    merged = Matrix(
        profile=profile,
        requirements=matrices[0].requirements if matrices else [],
        rows=sort_rows([row for m in matrices for row in m.rows], DEFAULT_SORT),
        per_requirement=[RequirementTotal(r) for r in matrices[0].requirements] if matrices else [],
    )
    for matrix in matrices:
        merged.people += matrix.people
        merged.ready += matrix.ready
        merged.lapsing += matrix.lapsing
        merged.not_ready += matrix.not_ready
        for total, part in zip(merged.per_requirement, matrix.per_requirement, strict=True):
            total.met += part.met
            total.lapsing += part.lapsing
            total.not_met += part.not_met
    return merged


def commander_digest_message(*, commander: User, on: dt.date) -> EmailMessage | None:
    """The digest mail in the commander's language with the matrix XLSX attached (a sheet per
    active profile); None when they have no e-mail address or command no unit."""
    if not commander.email:
        return None
    content = commander_digest_content(commander=commander, on=on)
    if not content.units:
        return None
    with translation.override(commander.language or settings.LANGUAGE_CODE):
        context = {
            "commander": commander,
            "units": content.units,
            "summaries": content.summaries,
            "on": on,
            "centre_name": getattr(settings, "PEACECENTRE_NAME", "Peace Operations Centre"),
            "site_url": getattr(settings, "SITE_URL", ""),
        }
        subject = mail_subject_render(
            template_name="reports/email/commander_digest_subject.txt", context=context
        )
        body = render_to_string("reports/email/commander_digest_body.txt", context)
        sheets = [
            (summary.profile.name, *matrix_export_rows(summary.matrix))
            for summary in content.summaries
        ]
    codes = "-".join(unit.code for unit in content.units)
    message = EmailMessage(subject=subject, body=body, to=[commander.email])
    message.attach(f"readiness-{codes}-{on:%Y-%m-%d}.xlsx", xlsx_bytes(sheets), XLSX_CONTENT_TYPE)
    return message


def commander_digest_send(*, digest_id: int) -> bool:
    """Send digest `digest_id` unless it was sent. The row is locked while mailing (a second
    delivery of the same digest waits, then finds it sent) and marked sent only after the mail
    server accepted it. A mail error is recorded on the row and raised, for the task to retry.
    Returns whether a mail went out."""
    CommanderDigest.objects.filter(pk=digest_id, sent_at__isnull=True).update(
        attempts=F("attempts") + 1
    )
    try:
        with transaction.atomic():
            digest = (
                CommanderDigest.objects.select_for_update()
                .select_related("commander")
                .get(pk=digest_id)
            )
            if digest.sent_at is not None:
                return False
            message = commander_digest_message(commander=digest.commander, on=timezone.localdate())
            if message is None:
                digest.last_error = "no e-mail address or no unit commanded"
                digest.save(update_fields=["last_error"])
                return False
            message.send()
            digest.sent_at = timezone.now()
            digest.last_error = ""
            digest.save(update_fields=["sent_at", "last_error"])
            return True
    except Exception as error:
        CommanderDigest.objects.filter(pk=digest_id, sent_at__isnull=True).update(
            last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
