"""The reminders' benchmark, called by devtools/bench.py on the scale register
(`manage.py seed_scale --persons 10000`): the lapsing sweep over 100,000 certifications
(target: at most 10 s), and, as a reference figure, mailing the digests it leads to with the
in-memory mail backend.

The extra certifications are kept (like seed_scale's rows: the next run finds them); the
sweep and the digests run inside transactions that are rolled back, so every run measures
a first sweep of the day.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from courses.models import Certification, CertificationType
from notifications.models import Reminder
from notifications.services import digests_send, sweep_lapsing
from personnel.models import Person

CERTIFICATIONS = 100_000
NUMBER_PREFIX = "BR"  # BR-<type>-000001: the benchmark's own certifications
BENCH_SEED = 2026
BATCH = 2_000


class _Rollback(Exception):
    pass


def ensure_certifications(*, total: int = CERTIFICATIONS, today: dt.date | None = None) -> int:
    """Grow the register to `total` certifications with the benchmark's own, spread over
    every person and type, issued up to four years ago and valid four years (so about 6% lapse
    within 90 days, as in a register renewed as it goes). Returns how many were created."""
    today = today or timezone.localdate()
    missing = total - Certification.objects.count()
    if missing <= 0:
        return 0
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    types = list(CertificationType.objects.order_by("code").values_list("pk", "code"))
    start = Certification.objects.filter(number__startswith=f"{NUMBER_PREFIX}-").count()
    rng = random.Random(BENCH_SEED + start)
    rows = []
    for i in range(start, start + missing):
        type_id, code = types[i % len(types)]
        issued = today - dt.timedelta(days=rng.randrange(0, 4 * 365))
        rows.append(
            Certification(
                person_id=people[i % len(people)],
                certification_type_id=type_id,
                number=f"{NUMBER_PREFIX}-{code}-{i:06d}",
                issued_on=issued,
                valid_until=issued + dt.timedelta(days=4 * 365),
                source=Certification.Source.IMPORT,
            )
        )
    with transaction.atomic():
        Certification.objects.bulk_create(rows, batch_size=BATCH)
    return missing


def _sweep_in_rollback(outcome: dict, *, then_digests: bool) -> float:
    """One first sweep of the day, timed, inside a transaction rolled back afterwards; with
    `then_digests`, also a second sweep and the digests (locmem mail) before the rollback."""
    elapsed = 0.0
    try:
        with transaction.atomic():
            started = time.perf_counter()
            outcome["reminders"] = sweep_lapsing()
            elapsed = time.perf_counter() - started
            if then_digests:
                started = time.perf_counter()
                outcome["second_sweep_new"] = sweep_lapsing()
                outcome["second_sweep_seconds"] = time.perf_counter() - started
                outcome["recipients"] = (
                    Reminder.objects.values("recipient_email").distinct().count()
                )
                locmem = "django.core.mail.backends.locmem.EmailBackend"
                with override_settings(EMAIL_BACKEND=locmem):
                    started = time.perf_counter()
                    sent = digests_send()
                    outcome["digest_seconds"] = time.perf_counter() - started
                outcome["digests_mailed"] = len(sent.mailed)
                outcome["reminders_mailed"] = sent.reminders
            raise _Rollback
    except _Rollback:
        pass
    return elapsed


def bench_sweep_lapsing(persons: int = 10_000, runs: int = 3) -> dict:
    """Time the lapsing sweep (median of `runs` first sweeps of the day) over the register's
    certifications (grown to 100,000) and qualification records; then, once, a second sweep
    the same day (records nothing) and the digests it leads to (locmem mail). `persons` is
    what seed_scale was given (reported only). Seconds under "*_seconds"."""
    created = ensure_certifications()
    today = timezone.localdate()
    window = Certification.objects.filter(
        valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=90)
    )
    outcome: dict = {
        "persons": persons,
        "people": Person.objects.count(),
        "certifications": Certification.objects.count(),
        "certifications_created": created,
        "certifications_lapsing_within_90_days": window.count(),
    }
    timings = [_sweep_in_rollback(outcome, then_digests=False) for _ in range(runs - 1)]
    timings.append(_sweep_in_rollback(outcome, then_digests=True))
    outcome["sweep_seconds"] = statistics.median(timings)
    outcome["sweep_runs"] = runs
    return outcome
