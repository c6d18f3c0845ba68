"""Cohorts of every course around demo today, with their trainees: finalised cohorts with
attendance, results and certifications for those who passed; running cohorts with partial
attendance and results; open and planned cohorts with enrolments, nominations and a waitlist."""

import base64
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from courses.grading import standing_of, weekdays
from courses.models import (
    AssessmentComponent,
    AssessmentResult,
    Attendance,
    Certification,
    CertificationSequence,
    Cohort,
    Course,
    Enrolment,
)
from personnel.models import Category, Person

from .context import DemoContext
from .dates import add_months, at, monday_on_or_before

PAST, RUNNING, FUTURE = "past", "running", "future"
OPEN_WITHIN_DAYS = 60  # a future cohort opens for enrolment two months before it starts
BATCH = 1000  # rows per INSERT: attendance runs to tens of thousands of rows


@dataclass(frozen=True)
class CohortSpec:
    course: str
    offset: int  # days from demo today to the Monday the cohort starts on (or before)
    pool: str  # who is nominated: see `pool_for`
    instructors: tuple[str, ...]
    capacity: int | None = None  # the course's default capacity when None
    waitlist: int = 0
    cancelled: bool = False


# About two years of cohorts. With these offsets, on any day of the week, ENG (-25) and
# UNMEM (-10) are running, the later ones open or planned, the earlier ones finalised; PDT
# (-535) trained the UNIFIL company now deployed and PDT (-300) the UNDOF company.
T1, T2 = ("instructor",), ("instructor2",)
SCHEDULE = (
    CohortSpec("ENG", -800, "english", T2),
    CohortSpec("ENG", -480, "english", T2),
    CohortSpec("ENG", -230, "english", T2),
    CohortSpec("ENG", -100, "english", T2),
    CohortSpec("ENG", -25, "english", T2),
    CohortSpec("ENG", 60, "english", T2),
    CohortSpec("UNMEM", -720, "observers", T1),
    CohortSpec("UNMEM", -400, "observers", T1),
    CohortSpec("UNMEM", -120, "observers", T1),
    CohortSpec("UNMEM", -10, "observers", T1),
    CohortSpec("UNMEM", 100, "observers", T1),
    CohortSpec("UNSOC", -620, "staff", T1),
    CohortSpec("UNSOC", -380, "staff", T1),
    CohortSpec("UNSOC", -200, "staff", T1),
    CohortSpec("UNSOC", -60, "staff", T1),
    CohortSpec("UNSOC", 45, "staff", T1, waitlist=4),
    CohortSpec("POC", -690, "mixed", T1),
    CohortSpec("POC", -250, "mixed", T1),
    CohortSpec("POC", -150, "mixed", T1, cancelled=True),
    CohortSpec("POC", -90, "mixed", T1),
    CohortSpec("POC", 30, "mixed", T1, capacity=16, waitlist=3),
    CohortSpec("PDT", -535, "unit:KAZBAT-1", T1 + T2, capacity=60),
    CohortSpec("PDT", -300, "unit:KAZBAT,KAZBAT-2,KAZBAT-3,KAZBAT-4", T1 + T2),
    CohortSpec("PDT", 90, "unit:KAZBAT-1,KAZBAT-3", T1 + T2),
    CohortSpec("GENDER", -500, "everyone", T2),
    CohortSpec("GENDER", -180, "everyone", T2),
    CohortSpec("GENDER", 75, "everyone", T2),
    CohortSpec("UNPOL", -700, "police", T2),
    CohortSpec("UNPOL", -210, "police", T2),
    CohortSpec("UNPOL", 20, "police", T2),
)

NOMINATING_PARTIES = {
    ("TJ", "military"): "Ministry of Defence of the Republic of Tajikistan",
    ("KG", "military"): "Ministry of Defence of the Kyrgyz Republic",
    ("UZ", "military"): "Ministry of Defence of the Republic of Uzbekistan",
    ("TJ", "police"): "Ministry of Internal Affairs of the Republic of Tajikistan",
    ("KG", "police"): "Ministry of Internal Affairs of the Kyrgyz Republic",
    ("UZ", "police"): "Ministry of Internal Affairs of the Republic of Uzbekistan",
}
WITHDRAWAL_REASONS = ("Recalled to unit duties", "Medical reasons", "Family circumstances")


@dataclass
class CohortRun:
    """One cohort being filled: its course, components, phase and designated trainees."""

    spec: CohortSpec
    cohort: Cohort
    components: list[AssessmentComponent]
    phase: str
    designated: list[Person] = field(default_factory=list)

    @property
    def course(self) -> Course:
        return self.cohort.course


@dataclass
class Training:
    """What the simulation produced, to be inserted in one go."""

    enrolments: list[Enrolment] = field(default_factory=list)
    attendance: list[Attendance] = field(default_factory=list)
    results: list[AssessmentResult] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    # person id -> certification type code -> [(issued on, valid until)]
    held: dict[int, dict[str, list[tuple[dt.date, dt.date]]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    numbers: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))

    def holds(self, person: Person, code: str, on: dt.date) -> bool:
        return any(issued <= on <= until for issued, until in self.held[person.pk][code])

    def certify(self, ctx: DemoContext, certification: Certification, code: str) -> None:
        """Number it (course code, year, sequence), give it a verification code from the
        seeded RNG (so runs are identical) and note that the person holds it."""
        if not certification.number:
            year = certification.issued_on.year
            self.numbers[code, year] += 1
            certification.number = f"{code}-{year}-{self.numbers[code, year]:04d}"
        certification.verification_code = (
            base64.urlsafe_b64encode(ctx.rng.randbytes(16)).rstrip(b"=").decode()
        )
        self.certifications.append(certification)
        self.held[certification.person.pk][code].append(
            (certification.issued_on, certification.valid_until)
        )


def plan_cohorts(ctx: DemoContext) -> list[CohortRun]:
    """Insert every cohort of SCHEDULE, dated from demo today, with its instructors."""
    runs = []
    sequence: dict[tuple[str, int], int] = defaultdict(int)
    for spec in sorted(SCHEDULE, key=lambda s: (s.course, s.offset)):
        course = ctx.courses[spec.course]
        starts_on = monday_on_or_before(ctx.days(spec.offset))
        ends_on = starts_on + dt.timedelta(days=course.duration_days - 1)
        sequence[spec.course, starts_on.year] += 1
        phase = PAST if ends_on < ctx.today else RUNNING if starts_on <= ctx.today else FUTURE
        if spec.cancelled:
            status = Cohort.Status.CANCELLED
        elif phase == PAST:
            status = Cohort.Status.FINALISED
        elif phase == RUNNING:
            status = Cohort.Status.IN_PROGRESS
        elif (starts_on - ctx.today).days <= OPEN_WITHIN_DAYS:
            status = Cohort.Status.OPEN
        else:
            status = Cohort.Status.PLANNED
        finalised = status == Cohort.Status.FINALISED
        cohort = Cohort(
            course=course,
            code=f"{spec.course}-{starts_on.year}-{sequence[spec.course, starts_on.year]:02d}",
            starts_on=starts_on,
            ends_on=ends_on,
            location=(
                "KAZCENT training ground, Almaty region"
                if spec.course == "PDT"
                else "KAZCENT, Almaty region"
            ),
            capacity=spec.capacity or course.default_capacity,
            status=status,
            finalised_at=at(finalised_on(ends_on, ctx.today), 16) if finalised else None,
            finalised_by=ctx.users[spec.instructors[0]] if finalised else None,
        )
        components = list(course.components.order_by("order", "pk"))
        runs.append(CohortRun(spec, cohort, components, phase))
    Cohort.objects.bulk_create([run.cohort for run in runs])
    Through = Cohort.instructors.through
    Through.objects.bulk_create(
        Through(cohort_id=run.cohort.pk, user_id=ctx.users[username].pk)
        for run in runs
        for username in run.spec.instructors
    )
    runs.sort(key=lambda run: (run.cohort.starts_on, run.cohort.code))
    return runs


def finalised_on(ends_on: dt.date, today: dt.date) -> dt.date:
    """Results are finalised a few days after the last day, and never after yesterday."""
    return max(ends_on, min(ends_on + dt.timedelta(days=3), today - dt.timedelta(days=1)))


def designate(
    ctx: DemoContext,
    runs: list[CohortRun],
    person: Person,
    course: str,
    before: dt.date,
    training: Training,
) -> None:
    """Put `person` in the latest past cohort of `course` that ends three weeks before
    `before` (and in an English cohort first when the course requires one); when there is
    none, they hold the certificate from before the system: an imported record."""
    for run in reversed(runs):
        cohort = run.cohort
        if (
            run.course.code == course
            and run.phase == PAST
            and not run.spec.cancelled
            and cohort.ends_on <= before - dt.timedelta(days=21)
            and len(run.designated) < cohort.capacity
            and ctx.is_free(person, cohort.starts_on, cohort.ends_on)
        ):
            run.designated.append(person)
            ctx.book(person, cohort.starts_on, cohort.ends_on)
            for prerequisite in run.course.prerequisites.all():
                designate(ctx, runs, person, prerequisite.code, cohort.starts_on, training)
            return
    issued = before - dt.timedelta(days=90)
    import_certification(ctx, training, person, course, issued)


def import_certification(
    ctx: DemoContext,
    training: Training,
    person: Person,
    code: str,
    issued: dt.date,
    number: str = "",
    course: bool = True,
) -> None:
    """A certification from before the system (or from a partner centre): no cohort."""
    source_course = ctx.courses[code]
    training.certify(
        ctx,
        Certification(
            person=person,
            certification_type=ctx.certification_types[code],
            course=source_course if course else None,
            number=number,
            issued_on=issued,
            valid_until=add_months(issued, source_course.validity_months),
            source=Certification.Source.IMPORT,
        ),
        code,
    )


def pool_for(ctx: DemoContext, run: CohortRun) -> list[Person]:
    """Who may be nominated to a cohort: active people (not the demo users themselves) that
    the course admits, by the spec's pool."""
    pool = run.spec.pool
    units = pool.removeprefix("unit:").split(",") if pool.startswith("unit:") else ()

    def fits(person: Person) -> bool:
        rank = person.rank
        officer = bool(rank and rank.is_officer)
        national = person.nationality == "KZ"
        if units:
            return bool(person.unit and person.unit.code in units)
        if pool == "english":
            return (
                national
                and person.category != Category.CIVILIAN
                and (officer or person.category == Category.POLICE or rank.seniority >= 4)
            )
        if pool == "observers":
            return national and officer and rank.seniority >= 9
        if pool == "staff":
            return officer and person.category == Category.MILITARY
        if pool == "mixed":
            return officer or person.category == Category.CIVILIAN
        if pool == "police":
            return person.category == Category.POLICE
        return pool == "everyone"

    return [
        person
        for person in ctx.people
        if person.is_active
        and person.user_id is None
        and run.course.admits_category(person.category)
        and fits(person)
    ]


def choose_trainees(ctx: DemoContext, run: CohortRun, training: Training) -> list[Person]:
    """The designated trainees, then partner countries' participants (two to four where the
    pool takes them), then others from the pool who are free and hold the prerequisites."""
    rng, cohort, spec = ctx.rng, run.cohort, run.spec
    prerequisites = [t.code for t in run.course.prerequisites.all()]
    pool = pool_for(ctx, run)
    rng.shuffle(pool)
    if spec.pool.startswith("unit:"):
        target = len(pool)  # a contingent's training takes the whole company
    elif run.phase == FUTURE and spec.waitlist:
        target = cohort.capacity + spec.waitlist
    elif run.phase == FUTURE:
        share = rng.uniform(0.3, 0.5) if cohort.status == Cohort.Status.PLANNED else 0.7
        target = round(cohort.capacity * share)
    else:
        target = round(cohort.capacity * rng.uniform(0.75, 0.95))
    chosen = list(run.designated)
    takes_partners = spec.pool in ("staff", "mixed", "police", "everyone")
    foreign_quota = rng.randint(2, 4) if takes_partners else 0
    for person in sorted(pool, key=lambda p: p.nationality == "KZ"):  # partners first
        if len(chosen) >= target:
            break
        foreign = person.nationality != "KZ"
        if (
            (not foreign or foreign_quota > 0)
            and person not in chosen
            and ctx.is_free(person, cohort.starts_on, cohort.ends_on)
            and all(training.holds(person, code, cohort.starts_on) for code in prerequisites)
        ):
            chosen.append(person)
            foreign_quota -= foreign
    if run.phase != FUTURE:
        chosen = chosen[: cohort.capacity]
    for person in chosen[: cohort.capacity]:  # the waitlisted keep their diaries free
        if person not in run.designated:
            ctx.book(person, cohort.starts_on, cohort.ends_on)
    return chosen


def simulate(
    ctx: DemoContext, runs: list[CohortRun], training: Training, protected: set[int]
) -> None:
    """Fill every cohort in date order and run its course: enrolments, attendance, results,
    outcomes and certifications. `protected` people (designated for a tour or earmarked
    for a contingent) attend and pass."""
    registrar = ctx.users["registrar"]
    for run in runs:
        cohort = run.cohort
        if run.spec.cancelled:
            withdraw_cancelled(ctx, run, training)
            continue
        trainees = choose_trainees(ctx, run, training)
        instructor = ctx.users[run.spec.instructors[0]]
        for index, person in enumerate(trainees):
            enrolment = Enrolment(
                cohort=cohort,
                person=person,
                status=Enrolment.Status.ENROLLED,
                created_by=registrar,
                **nomination(person),
            )
            enrolment._history_user = registrar
            # Enrolled three weeks before the start, or today for a cohort starting sooner:
            # never a history dated in the future.
            enrolment._history_date = min(
                at(cohort.starts_on - dt.timedelta(days=21), 10), timezone.now()
            )
            if run.phase == FUTURE and index >= cohort.capacity:
                enrolment.status = Enrolment.Status.WAITLISTED
                enrolment.waitlist_position = index - cohort.capacity + 1
            elif cohort.status == Cohort.Status.PLANNED:
                enrolment.status = Enrolment.Status.NOMINATED
            training.enrolments.append(enrolment)
            if run.phase != FUTURE:
                attend_and_assess(ctx, run, enrolment, instructor, person.pk in protected, training)


def nomination(person: Person) -> dict:
    if person.nationality != "KZ":
        return {
            "nominating_country": person.nationality,
            "nominating_party": NOMINATING_PARTIES[person.nationality, person.category],
        }
    return {"nominating_party": person.unit.name if person.unit else ""}


def withdraw_cancelled(ctx: DemoContext, run: CohortRun, training: Training) -> None:
    """A cancelled cohort keeps the few nominations it had, withdrawn with the reason."""
    pool = pool_for(ctx, run)
    for person in ctx.rng.sample(pool, 5):
        enrolment = Enrolment(
            cohort=run.cohort,
            person=person,
            status=Enrolment.Status.WITHDRAWN,
            status_reason="Cohort cancelled: too few nominations",
            created_by=ctx.users["registrar"],
            **nomination(person),
        )
        enrolment._history_user = ctx.users["registrar"]
        enrolment._history_date = min(
            at(run.cohort.starts_on - dt.timedelta(days=30), 10), timezone.now()
        )
        training.enrolments.append(enrolment)


def attend_and_assess(
    ctx: DemoContext,
    run: CohortRun,
    enrolment: Enrolment,
    instructor: User,
    protected: bool,
    training: Training,
) -> None:
    """Attendance for each taught day so far, scores for the components assessed so far and,
    once the cohort is over, the outcome and the certification."""
    rng, cohort, course = ctx.rng, run.cohort, run.course
    last_day = min(cohort.ends_on, ctx.today - dt.timedelta(days=1))
    days = list(weekdays(cohort.starts_on, last_day))
    if not days:
        return
    withdrawn_after = None
    if not protected and rng.random() < 0.03:
        withdrawn_after = rng.randrange(1, max(2, len(days) // 2))
    absence = 0.0 if protected else 0.3 if rng.random() < 0.03 else 0.02
    present = 0
    for number, day in enumerate(days):
        if withdrawn_after is not None and number >= withdrawn_after:
            break
        draw = rng.random()
        status = Attendance.Status.PRESENT
        if draw < absence:
            status = Attendance.Status.ABSENT if draw < absence * 0.6 else Attendance.Status.EXCUSED
        present += status == Attendance.Status.PRESENT
        training.attendance.append(
            Attendance(enrolment=enrolment, day=day, status=status, recorded_by=instructor)
        )
    if withdrawn_after is not None:
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.status_reason = rng.choice(WITHDRAWAL_REASONS)
        return
    # A running cohort has assessed its first component once a third of it is over.
    components = run.components
    if run.phase == RUNNING:
        elapsed = (ctx.today - cohort.starts_on).days / course.duration_days
        components = components[:1] if elapsed >= 1 / 3 else []
    # Trainee's level and each component's spread: about one in ten fails a course.
    ability = rng.gauss(81, 6)
    if protected:
        ability = max(ability, float(course.pass_mark) + 12)
    scores = {}
    for component in components:
        score = min(100.0, max(0.0, rng.gauss(ability, 5)))
        if protected and component.pass_score is not None:
            score = max(score, float(component.pass_score) + 5)
        scores[component] = Decimal(round(score * 2) / 2).quantize(Decimal("0.01"))
        result = AssessmentResult(
            enrolment=enrolment,
            component=component,
            score=scores[component],
            recorded_by=instructor,
        )
        result._history_user = instructor
        result._history_date = at(min(last_day, cohort.ends_on), 15)
        training.results.append(result)
    if run.phase == PAST:
        conclude(ctx, run, enrolment, scores, present, len(days), training)


def conclude(
    ctx: DemoContext,
    run: CohortRun,
    enrolment: Enrolment,
    scores: dict[AssessmentComponent, Decimal],
    present: int,
    days: int,
    training: Training,
) -> None:
    """The outcome by the course's rules (courses/grading.py, as finalisation decides it)
    and, for a pass, the certification, issued on the day the cohort was finalised."""
    course = run.course
    standing = standing_of(
        course=course,
        components=run.components,
        scores={component.pk: score for component, score in scores.items()},
        present_days=present,
        marked_days=days,
        course_day_count=days,
    )
    enrolment.final_score = standing.total
    enrolment.attendance_percent = standing.attendance
    enrolment.status = Enrolment.Status.PASSED if standing.passed else Enrolment.Status.FAILED
    enrolment.status_reason = " ".join(standing.reasons)
    if standing.passed and course.certification_type_id:
        issued_on = run.cohort.finalised_at.date()
        certification = Certification(
            person=enrolment.person,
            certification_type=course.certification_type,
            course=course,
            cohort=run.cohort,
            issued_on=issued_on,
            valid_until=add_months(issued_on, course.validity_months),
            source=Certification.Source.COHORT,
        )
        certification._history_user = run.cohort.finalised_by
        certification._history_date = run.cohort.finalised_at
        training.certify(ctx, certification, course.code)


def revoke_one(ctx: DemoContext, training: Training) -> None:
    """One POC certification revoked after a disciplinary finding, to show revocation."""
    issued = [c for c in training.certifications if c.cohort and c.cohort.course.code == "POC"]
    certification = issued[len(issued) // 2]
    revoked_on = min(certification.issued_on + dt.timedelta(days=40), ctx.today)
    certification.revoked_at = at(revoked_on, 9)
    certification.revoked_by = ctx.users["admin"]
    certification.revocation_reason = (
        "Revoked after a disciplinary finding on conduct during the course's field exercise."
    )


def save_training(ctx: DemoContext, training: Training) -> None:
    """Insert enrolments, attendance, results and certifications (with their first history
    entries) in batches."""
    bulk_create_with_history(training.enrolments, Enrolment, batch_size=BATCH)
    Attendance.objects.bulk_create(training.attendance, batch_size=BATCH)
    bulk_create_with_history(training.results, AssessmentResult, batch_size=BATCH)
    bulk_create_with_history(training.certifications, Certification, batch_size=BATCH)
    # Numbering carries on from the demo's certificates when a cohort is finalised live.
    CertificationSequence.objects.bulk_create(
        CertificationSequence(prefix=prefix, year=year, last=last)
        for (prefix, year), last in training.numbers.items()
    )


def import_from_partner_centre(ctx: DemoContext, training: Training, deployed: set[int]) -> None:
    """An officer at home (not in `deployed`) who took the UNMEM course at FINCENT (Finland):
    the partner centre's record, imported under its own number."""
    officer = next(
        p
        for p in ctx.people
        if p.is_active and p.unit and p.unit.code == "MOD-SOD" and p.pk not in deployed
    )
    import_certification(
        ctx,
        training,
        officer,
        "UNMEM",
        dt.date(2024, 5, 24),
        "FINCENT-UNMEM-2024-117",
        course=False,
    )
