"""Certifications: their numbers, revoking one, and reissuing one.

Numbers read "<COURSE CODE>-<YEAR>-<SEQ>" (UNSOC-2026-0007): the course's code, the year of
issue and a sequence of at least four digits per (code, year). The sequence lives in
CertificationSequence; taking numbers locks its row, so two finalisations (or a finalisation
and a reissue) never hand out the same one. Numbers already in the register, e.g. imported
from before the system, are skipped.

- Revoking needs a reason and is refused for a certification already revoked.
- Reissuing gives a new number of the current year (source "reissue", issued today, valid
  until the same day as the original) that supersedes the original, and revokes the original
  with "Reissued as <number>: <reason>" unless it was revoked already. A lapsed certification
  is not reissued (renewal is by passing the course again), nor one already superseded.
- Both need the permission courses.revoke_certification (registrars and administrators).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses.models import Certification, CertificationSequence

if TYPE_CHECKING:
    from accounts.models import User

REVOKE_PERMISSION = "courses.revoke_certification"
SEQUENCE_DIGITS = 4
CHANGE_REASON_LENGTH = 100  # simple_history's history_change_reason


def certification_number(*, prefix: str, year: int, sequence: int) -> str:
    """The number a certification of `prefix` gets as the `sequence`-th of `year`."""
    return f"{prefix}-{year}-{sequence:0{SEQUENCE_DIGITS}d}"


@transaction.atomic
def certification_numbers_take(*, prefix: str, year: int, count: int) -> list[str]:
    """Take the next `count` free numbers "<prefix>-<year>-<NNNN>", in order.

    The (prefix, year) sequence row is created when missing and locked until the caller's
    transaction ends, so concurrent callers get distinct numbers. A number already held by a
    certification (an imported one, say; "UNSOC-2026-7" and "unsoc-2026-0007" count as 0007)
    is skipped: one query reads the ones taken. Returns [] for a count of 0 without touching
    the sequence.
    """
    if count <= 0:
        return []
    sequence, _created = CertificationSequence.objects.select_for_update().get_or_create(
        prefix=prefix, year=year
    )
    stem = f"{prefix}-{year}-"
    # Letter case aside, as a reader (and the historical import) compares numbers.
    pattern = re.compile(rf"^{re.escape(stem)}(\d+)$", re.IGNORECASE)
    taken = {
        int(match.group(1))
        for number in Certification.objects.filter(number__istartswith=stem).values_list(
            "number", flat=True
        )
        if (match := pattern.match(number.strip()))
    }
    numbers: list[str] = []
    next_sequence = sequence.last
    while len(numbers) < count:
        next_sequence += 1
        if next_sequence not in taken:
            numbers.append(certification_number(prefix=prefix, year=year, sequence=next_sequence))
    sequence.last = next_sequence
    sequence.save(update_fields=["last"])
    return numbers


def _require_permission(by: User) -> None:
    if not by.has_perm(REVOKE_PERMISSION):
        raise PermissionDenied(_("Only registrars and administrators revoke or reissue."))


def _required_reason(reason: str, *, action: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(action, code="reason_required")},
        )
    return reason


def _locked(certification: Certification) -> Certification:
    return (
        Certification.objects.select_for_update(of=("self",))
        .select_related("course", "certification_type", "person", "revoked_by")
        .get(pk=certification.pk)
    )


def _already_revoked(certification: Certification) -> ValidationError:
    return ValidationError(
        _(
            "Certification %(number)s was already revoked on %(when)s by %(by)s (“%(reason)s”); "
            "nothing was changed."
        )
        % {
            "number": certification.number,
            "when": formats.date_format(
                timezone.localdate(certification.revoked_at), "SHORT_DATE_FORMAT"
            ),
            "by": _who(certification.revoked_by),
            "reason": certification.revocation_reason,
        },
        code="already_revoked",
    )


def _who(user: User | None) -> str:
    if user is None:
        return _("the system")
    return user.get_full_name() or user.get_username()


def _revoke(certification: Certification, *, by: User, reason: str, now: dt.datetime) -> None:
    certification.revoked_at = now
    certification.revoked_by = by
    certification.revocation_reason = reason
    certification._history_user = by
    certification.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])


@transaction.atomic
def certification_revoke(*, certification: Certification, by: User, reason: str) -> Certification:
    """Revoke `certification` with `reason` (kept on it and in its history). Raises
    PermissionDenied without courses.revoke_certification, and ValidationError when the
    reason is empty (code "reason_required") or it is already revoked ("already_revoked").
    Returns the revoked certification."""
    _require_permission(by)
    reason = _required_reason(
        reason, action=_("Say why the certification is revoked: the reason is kept with it.")
    )
    certification = _locked(certification)
    if certification.is_revoked:
        raise _already_revoked(certification)
    _revoke(certification, by=by, reason=reason, now=timezone.now())
    return certification


@transaction.atomic
def certification_reissue(
    *, certification: Certification, by: User, reason: str, today: dt.date | None = None
) -> Certification:
    """Issue a replacement of `certification` (a lost or damaged certificate, a corrected
    name): a new number of `today`'s year, issued `today`, valid until the original's day,
    source "reissue", same person, type, course and cohort, superseding the original. The
    original is revoked with "Reissued as <number>: <reason>" unless already revoked.

    Raises PermissionDenied without courses.revoke_certification, and ValidationError for an
    empty reason ("reason_required"), a lapsed original ("lapsed": renewal is by passing the
    course again) or one already superseded ("superseded"). Returns the new certification.
    """
    _require_permission(by)
    reason = _required_reason(
        reason, action=_("Say why the certification is reissued: the reason is kept with it.")
    )
    today = today or timezone.localdate()
    original = _locked(certification)
    successor = Certification.objects.filter(supersedes=original).values_list("number", flat=True)
    if successor_number := successor.first():
        raise ValidationError(
            _(
                "Certification %(number)s is already superseded by %(successor)s; reissue "
                "%(successor)s instead."
            )
            % {"number": original.number, "successor": successor_number},
            code="superseded",
        )
    if original.valid_until < today:
        raise ValidationError(
            _(
                "Certification %(number)s lapsed on %(date)s. A lapsed certification is not "
                "reissued: it is renewed by passing the course again."
            )
            % {
                "number": original.number,
                "date": formats.date_format(original.valid_until, "SHORT_DATE_FORMAT"),
            },
            code="lapsed",
        )
    prefix = original.course.code if original.course else original.certification_type.code
    (number,) = certification_numbers_take(prefix=prefix, year=today.year, count=1)
    reissued = Certification(
        person=original.person,
        certification_type=original.certification_type,
        course=original.course,
        cohort=original.cohort,
        number=number,
        issued_on=today,
        valid_until=original.valid_until,
        source=Certification.Source.REISSUE,
        supersedes=original,
    )
    reissued._history_user = by
    # The reason is kept in the original's revocation; here too, for an original revoked before.
    reissued._change_reason = f"reissued: {reason}"[:CHANGE_REASON_LENGTH]
    reissued.save()
    if not original.is_revoked:
        _revoke(
            original,
            by=by,
            reason=_("Reissued as %(number)s: %(reason)s") % {"number": number, "reason": reason},
            now=timezone.now(),
        )
    return reissued
