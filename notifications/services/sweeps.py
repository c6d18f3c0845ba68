"""The daily sweeps: each finds what should be reminded today and records one Reminder per
thing, threshold and recipient.

Every sweep is idempotent and set-based: a fixed number of queries whatever the number of
records (one per kind of record, plus the units, the recipients' accounts and the insert),
and the unique key (kind, object, threshold, recipient) makes a second run the same day, or
a run on another worker at once, record nothing new (INSERT ... ON CONFLICT DO NOTHING), and
each run reports the rows it inserted itself.

Thresholds take the smallest that applies: a record lapsing in `d` days gets the smallest of
90, 30, 7, 0 with d <= threshold. A day without a sweep loses no reminder (the next day
still finds the same threshold), and a record entered five days before it lapses gets only
the 7-day reminder. A record already lapsed gets nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from courses.models import Certification, Cohort, Course, Enrolment
from courses.selectors.catalogue import RECOGNITION_WARNING_MONTHS
from notifications.models import Reminder, ReminderKind
from notifications.selectors import cohorts_missing_results
from personnel.models import (
    DrivingLicence,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    Unit,
    WeaponsQualification,
)
from readiness.models import Deployment

LAPSING_THRESHOLDS = (0, 7, 30, 90)  # days before a record lapses
STARTING_THRESHOLDS = (1, 7)  # days before a cohort starts
REGISTRARS_AFTER_DAYS = 3  # results still missing this long after the end: tell the registrars
INSERT_BATCH = 5_000  # rows per INSERT: one statement on PostgreSQL up to the bench's volume

THRESHOLD_INSTRUCTORS = "instructors"
THRESHOLD_REGISTRARS = "registrars"
THRESHOLD_RECOGNITION = f"{RECOGNITION_WARNING_MONTHS}m"

# Qualification records: the model, its reminder kind, and the fields that make two records
# "the same qualification" (a newer one of these replaces the older: no reminder for the
# older), with the fields the sentence needs.
QUALIFICATIONS = (
    (MedicalClearance, ReminderKind.MEDICAL_LAPSING, (), ("fitness",)),
    (Passport, ReminderKind.PASSPORT_LAPSING, (), ("document_number", "kind")),
    (
        LanguageProficiency,
        ReminderKind.LANGUAGE_LAPSING,
        ("language",),
        ("language", "listening", "speaking", "reading", "writing"),
    ),
    (DrivingLicence, ReminderKind.DRIVING_LAPSING, (), ("categories",)),
    (WeaponsQualification, ReminderKind.WEAPONS_LAPSING, ("weapon",), ("weapon",)),
)
LAPSING_KINDS = (ReminderKind.CERTIFICATION_LAPSING, *(q[1] for q in QUALIFICATIONS))


def threshold_for(days_left: int, thresholds: Iterable[int]) -> int | None:
    """The smallest threshold with `days_left` <= it; None when none applies (too far ahead,
    or already past)."""
    if days_left < 0:
        return None
    return next((t for t in sorted(thresholds) if days_left <= t), None)


@dataclass(frozen=True)
class Recipient:
    email: str  # lower case
    user_id: int | None = None


def recipient(email: str | None, user_id: int | None = None) -> Recipient | None:
    email = (email or "").strip().lower()
    return Recipient(email, user_id) if email else None


def person_recipient(row: dict) -> Recipient | None:
    """The person themselves: their register e-mail, else their account's."""
    return recipient(row["person__email"] or row["person__user__email"], row["person__user_id"])


def person_name(row: dict) -> str:
    """ "Captain Nurlanova Asel": the rank (as written) and the name, as the register shows it."""
    names = (row["person__last_name"], row["person__first_name"], row["person__middle_name"])
    name = " ".join(part for part in names if part)
    return f"{row['person__rank__name']} {name}" if row["person__rank__name"] else name


PERSON_FIELDS = (
    "person_id",
    "person__email",
    "person__user_id",
    "person__user__email",
    "person__unit_id",
    "person__rank__name",
    "person__last_name",
    "person__first_name",
    "person__middle_name",
)


def unit_commanders() -> dict[int, Recipient | None]:
    """Unit id -> who is told about its people: the unit's commander or, when it has none,
    the nearest ancestor's. One query over the unit tree (a few hundred rows)."""
    rows = list(
        Unit.objects.order_by("path").values_list(
            "pk", "path", "commander_id", "commander__email", "commander__is_active"
        )
    )
    by_path: dict[str, Recipient | None] = {}
    for _pk, path, commander_id, email, active in rows:
        if commander_id is not None:
            by_path[path] = recipient(email, commander_id) if active else None
    steplen = Unit.steplen
    commanders: dict[int, Recipient | None] = {}
    for pk, path, *_rest in rows:
        found = None
        for end in range(len(path), 0, -steplen):
            if path[:end] in by_path:
                found = by_path[path[:end]]
                break
        commanders[pk] = found
    return commanders


def users_by_email(emails: Iterable[str]) -> dict[str, int]:
    """Lower-cased e-mail -> the active user with that address (the oldest account when
    several share one). One query."""
    found: dict[str, int] = {}
    rows = (
        User.objects.annotate(address=Lower("email"))
        .filter(address__in=set(emails), is_active=True)
        .order_by("-pk")
        .values_list("address", "pk")
    )
    for address, pk in rows:
        found[address] = pk
    return found


def registrars() -> list[Recipient]:
    """The active users holding the Registrar role, with an e-mail. One query."""
    rows = (
        User.objects.filter(groups__name=Role.REGISTRAR.value, is_active=True)
        .exclude(email="")
        .distinct()
    )
    return [r for pk, email in rows.values_list("pk", "email") if (r := recipient(email, pk))]


def reminders_record(reminders: list[Reminder]) -> int:
    """Record `reminders`, skipping those already recorded (the unique key) and duplicates
    among them; fills in the recipient's account from the e-mail when it is not known.
    Returns how many this call inserted (not another sweep running at the same time). Two
    queries at most (PostgreSQL; SQLite splits big inserts)."""
    unique: dict[tuple, Reminder] = {}
    for reminder in reminders:
        key = (
            reminder.kind,
            reminder.content_type_id,
            reminder.object_id,
            reminder.threshold,
            reminder.recipient_email,
        )
        kept = unique.setdefault(key, reminder)
        if kept.recipient_user_id is None and reminder.recipient_user_id is not None:
            kept.recipient_user_id = reminder.recipient_user_id
    if not unique:
        return 0
    unknown = {r.recipient_email for r in unique.values() if r.recipient_user_id is None}
    if unknown:
        accounts = users_by_email(unknown)
        for reminder in unique.values():
            if reminder.recipient_user_id is None:
                reminder.recipient_user_id = accounts.get(reminder.recipient_email)
    return _insert_new(list(unique.values()))


def _insert_new(reminders: list[Reminder]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id (PostgreSQL, and SQLite 3.35+): the
    rows returned are the ones this statement inserted, so two sweeps at once each count only
    their own (bulk_create(ignore_conflicts=True) tells nothing of which rows went in, and
    counting the table before and after counts the other sweep's rows too)."""
    meta = Reminder._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = min(INSERT_BATCH, connection.ops.bulk_batch_size(fields, reminders) or INSERT_BATCH)
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(reminders), batch):
            chunk = reminders[start : start + batch]
            params = [
                f.get_db_prep_save(f.pre_save(reminder, add=True), connection)
                for reminder in chunk
                for f in fields
            ]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
                f"{', '.join([row_sql] * len(chunk))} ON CONFLICT DO NOTHING "
                f"RETURNING {quote(meta.pk.column)}",
                params,
            )
            inserted += len(cursor.fetchall())
    return inserted


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


# --- 1. Certifications and qualification records lapsing --------------------------------


def _lapsing_reminders(
    *,
    rows: Iterable[dict],
    kind: str,
    content_type: ContentType,
    on: dt.date,
    commanders: dict[int, Recipient | None],
    details,
) -> list[Reminder]:
    reminders = []
    for row in rows:
        threshold = threshold_for((row["valid_until"] - on).days, LAPSING_THRESHOLDS)
        if threshold is None:
            continue
        person = person_recipient(row)
        commander = commanders.get(row["person__unit_id"])
        facts = {"person": person_name(row), "person_id": row["person_id"], **details(row)}
        for to in {person, commander} - {None}:
            reminders.append(
                Reminder(
                    kind=kind,
                    content_type=content_type,
                    object_id=row["pk"],
                    threshold=str(threshold),
                    recipient_email=to.email,
                    recipient_user_id=to.user_id,
                    due_on=row["valid_until"],
                    details=facts,
                )
            )
    return reminders


def _lapsing_window(queryset, on: dt.date):
    """Records of active people still valid on `on` and lapsing within the largest threshold."""
    return queryset.filter(
        valid_until__gte=on,
        valid_until__lte=on + dt.timedelta(days=max(LAPSING_THRESHOLDS)),
        person__is_active=True,
    ).order_by()


def lapsing_certifications(on: dt.date):
    """Certifications to remind about: unrevoked, not superseded, and not outlasted by
    another unrevoked certification of the same type held by the same person (a renewal)."""
    renewed = Certification.objects.filter(
        person_id=OuterRef("person_id"),
        certification_type_id=OuterRef("certification_type_id"),
        revoked_at__isnull=True,
        valid_until__gt=OuterRef("valid_until"),
    )
    superseded = Certification.objects.filter(supersedes_id=OuterRef("pk"))
    return (
        _lapsing_window(Certification.objects.filter(revoked_at__isnull=True), on)
        .exclude(Exists(superseded))
        .exclude(Exists(renewed))
        .values("pk", "valid_until", "number", "certification_type__code", *PERSON_FIELDS)
    )


def lapsing_qualifications(model, same: tuple[str, ...], fields: tuple[str, ...], on: dt.date):
    """Records of `model` to remind about: not outlasted by another record of the same
    person (and the same `same` fields: language, weapon) valid longer or for ever."""
    newer = model.objects.filter(person_id=OuterRef("person_id"), **{f: OuterRef(f) for f in same})
    newer = newer.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("valid_until")))
    return (
        _lapsing_window(model.objects.all(), on)
        .exclude(Exists(newer))
        .values("pk", "valid_until", *fields, *PERSON_FIELDS)
    )


def sweep_lapsing(*, on: dt.date | None = None) -> int:
    """Record the reminders of certifications and qualification records (medical, passport,
    language, driving, weapons) of active people lapsing within 90 days of `on` (default:
    today in the centre's time zone): to the person when they have an e-mail and to their
    unit's commander (or the nearest ancestor unit's). Returns how many this run inserted.
    Nine queries, whatever the number of records."""
    on = _today(on)
    commanders = unit_commanders()
    types = ContentType.objects.get_for_models(Certification, *(q[0] for q in QUALIFICATIONS))
    reminders = _lapsing_reminders(
        rows=lapsing_certifications(on),
        kind=ReminderKind.CERTIFICATION_LAPSING,
        content_type=types[Certification],
        on=on,
        commanders=commanders,
        details=lambda row: {
            "number": row["number"],
            "type": row["certification_type__code"],
        },
    )
    for model, kind, same, fields in QUALIFICATIONS:
        reminders += _lapsing_reminders(
            rows=lapsing_qualifications(model, same, fields, on),
            kind=kind,
            content_type=types[model],
            on=on,
            commanders=commanders,
            details=lambda row, fields=fields: {field: row[field] for field in fields},
        )
    return reminders_record(reminders)


# --- 2. Cohorts starting -----------------------------------------------------------------

NOT_RUNNING = (Cohort.Status.CANCELLED, Cohort.Status.FINALISED)


def cohort_facts(cohort: dict) -> dict:
    return {
        "cohort": cohort["code"],
        "course": cohort["course__code"],
        "title": cohort["course__title"],
        "location": cohort["location"],
        "starts_on": cohort["starts_on"].isoformat(),
        "ends_on": cohort["ends_on"].isoformat(),
    }


COHORT_FIELDS = ("pk", "code", "starts_on", "ends_on", "location", "course__code", "course__title")


def instructors_of(cohort_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Cohort id -> its active instructors with an e-mail. One query."""
    through = Cohort.instructors.through
    found: dict[int, list[Recipient]] = {}
    rows = through.objects.filter(cohort_id__in=cohort_ids, user__is_active=True).values_list(
        "cohort_id", "user_id", "user__email"
    )
    for cohort_id, user_id, email in rows:
        if to := recipient(email, user_id):
            found.setdefault(cohort_id, []).append(to)
    return found


def sweep_cohorts_starting(*, on: dt.date | None = None) -> int:
    """Record the reminders of cohorts (not cancelled, not finalised) starting within 7 days
    of `on`: threshold 7, then 1 (tomorrow; a cohort found only on its first day gets that
    one too); to the enrolled trainees with an e-mail and to the instructors. Returns how
    many this run inserted. Five queries."""
    on = _today(on)
    content_type = ContentType.objects.get_for_model(Cohort)
    cohorts = {
        c["pk"]: c
        for c in Cohort.objects.filter(
            starts_on__gte=on, starts_on__lte=on + dt.timedelta(days=max(STARTING_THRESHOLDS))
        )
        .exclude(status__in=NOT_RUNNING)
        .order_by()
        .values(*COHORT_FIELDS)
    }
    if not cohorts:
        return 0
    trainees: dict[int, list[Recipient]] = {}
    rows = (
        Enrolment.objects.filter(cohort_id__in=cohorts, status=Enrolment.Status.ENROLLED)
        .order_by()
        .values("cohort_id", "person__email", "person__user_id", "person__user__email")
    )
    for row in rows:
        if to := person_recipient(row):
            trainees.setdefault(row["cohort_id"], []).append(to)
    instructors = instructors_of(cohorts)
    reminders = []
    for pk, cohort in cohorts.items():
        threshold = threshold_for((cohort["starts_on"] - on).days, STARTING_THRESHOLDS)
        facts = cohort_facts(cohort)
        for to in {*trainees.get(pk, ()), *instructors.get(pk, ())}:
            reminders.append(
                Reminder(
                    kind=ReminderKind.COHORT_STARTING,
                    content_type=content_type,
                    object_id=pk,
                    threshold=str(threshold),
                    recipient_email=to.email,
                    recipient_user_id=to.user_id,
                    due_on=cohort["starts_on"],
                    details={**facts, "instructor": to in instructors.get(pk, ())},
                )
            )
    return reminders_record(reminders)


# --- 3. Results missing -------------------------------------------------------------------


def sweep_results_missing(*, on: dt.date | None = None) -> int:
    """Record the reminders of cohorts that ended before `on`, are neither finalised nor
    cancelled, and still miss scores or attendance (by the course's rules: see
    selectors.cohorts_missing_results): to the instructors, and to the registrars once the
    cohort ended 3 or more days ago. Returns how many this run inserted. A fixed number of
    queries."""
    on = _today(on)
    missing = cohorts_missing_results(on=on)
    if not missing:
        return 0
    content_type = ContentType.objects.get_for_model(Cohort)
    instructors = instructors_of(m.cohort.pk for m in missing)
    late = [m for m in missing if (on - m.cohort.ends_on).days >= REGISTRARS_AFTER_DAYS]
    office = registrars() if late else []
    reminders = []
    for found in missing:
        cohort = found.cohort
        facts = {
            "cohort": cohort.code,
            "course": cohort.course.code,
            "title": cohort.course.title,
            "ends_on": cohort.ends_on.isoformat(),
            "missing_scores": found.missing_scores,
            "unmarked": found.unmarked,
            "components": found.components,
        }
        told = [(THRESHOLD_INSTRUCTORS, to) for to in instructors.get(cohort.pk, ())]
        if found in late:
            told += [(THRESHOLD_REGISTRARS, to) for to in office]
        for threshold, to in told:
            reminders.append(
                Reminder(
                    kind=ReminderKind.RESULTS_MISSING,
                    content_type=content_type,
                    object_id=cohort.pk,
                    threshold=threshold,
                    recipient_email=to.email,
                    recipient_user_id=to.user_id,
                    due_on=cohort.ends_on,
                    details=facts,
                )
            )
    return reminders_record(reminders)


# --- 4. UN recognition lapsing ------------------------------------------------------------


def sweep_recognition_lapsing(*, on: dt.date | None = None) -> int:
    """Record the reminders of active UN-recognised courses whose recognition lapses within
    six months of `on` (the catalogue's LAPSING rule, courses.selectors.catalogue): to the
    registrars. Returns how many this run inserted. Three or four queries."""
    on = _today(on)
    courses = list(
        Course.objects.filter(
            is_active=True,
            un_recognised=True,
            recognition_valid_until__gte=on,
            recognition_valid_until__lt=on + relativedelta(months=RECOGNITION_WARNING_MONTHS),
        )
        .order_by()
        .values("pk", "code", "title", "recognition_valid_until")
    )
    if not courses:
        return 0
    content_type = ContentType.objects.get_for_model(Course)
    office = registrars()
    reminders = [
        Reminder(
            kind=ReminderKind.RECOGNITION_LAPSING,
            content_type=content_type,
            object_id=course["pk"],
            threshold=THRESHOLD_RECOGNITION,
            recipient_email=to.email,
            recipient_user_id=to.user_id,
            due_on=course["recognition_valid_until"],
            details={"course": course["code"], "title": course["title"]},
        )
        for course in courses
        for to in office
    ]
    return reminders_record(reminders)


# --- 5. Departures and returns due, not recorded -------------------------------------------

LATE_AFTER_DAYS = 7  # a second reminder when still not recorded a week after the day
NOT_DEPARTED = (Deployment.Status.PLANNED, Deployment.Status.CONFIRMED)


def _tour_facts(row: dict) -> dict:
    where = row["mission__acronym"]
    if row["contingent__name"]:
        where = f"{where}, {row['contingent__name']}"
    return {
        "person": person_name(row),
        "person_id": row["person_id"],
        "where": where,
        "status": row["status"],
    }


def sweep_deployments_due(*, on: dt.date | None = None) -> int:
    """Record the reminders of tours whose departure or return is due and not recorded: a
    planned or confirmed tour whose planned first day is `on` or past (departure), a deployed
    tour whose planned end is past (return: the day after the planned end). To the commander
    of the person's unit (or the nearest above). It records a reminder, never the move: the
    commander records the actual day on the person page. One reminder on the day ("due-<day>")
    and one a week later ("late-<day>"); the day is in the threshold, so a tour extended or
    moved gets its own reminders for its new day. Returns how many this run inserted. Four
    queries."""
    on = _today(on)
    fields = (*PERSON_FIELDS, "pk", "status", "starts_on", "ends_on", "mission__acronym")
    rows = list(
        Deployment.objects.filter(
            Q(status__in=NOT_DEPARTED, starts_on__lte=on)
            | Q(status=Deployment.Status.DEPLOYED, ends_on__lt=on)
        )
        .order_by()
        .values(*fields, "contingent__name")
    )
    if not rows:
        return 0
    content_type = ContentType.objects.get_for_model(Deployment)
    commanders = unit_commanders()
    reminders = []
    for row in rows:
        to = commanders.get(row["person__unit_id"])
        if to is None:
            continue
        departing = row["status"] in NOT_DEPARTED
        if departing:
            kind, due = ReminderKind.DEPARTURE_DUE, row["starts_on"]
        else:
            kind, due = ReminderKind.RETURN_DUE, row["ends_on"] + dt.timedelta(days=1)
        late = (on - due).days >= LATE_AFTER_DAYS
        reminders.append(
            Reminder(
                kind=kind,
                content_type=content_type,
                object_id=row["pk"],
                threshold=f"{'late' if late else 'due'}-{due.isoformat()}",
                recipient_email=to.email,
                recipient_user_id=to.user_id,
                due_on=due,
                details=_tour_facts(row),
            )
        )
    return reminders_record(reminders)
