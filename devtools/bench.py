"""The benchmarks behind `make bench`: each measures one speed target of the issues on the
scale register (`seed_scale`), prints its figure beside the target, and can write them all to
docs/benchmarks.md.

Page figures are median server time: the whole Django request (middleware, view, queries,
template) through the test client in-process, with no network, after warm-up requests. Every
benchmark that writes runs inside a transaction that is rolled back, so runs repeat.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User


@dataclass
class Figure:
    name: str
    seconds: float
    target: float | None  # seconds; None for a reference figure
    detail: str = ""

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "reference"
        return "met" if self.seconds <= self.target else "MISSED"


@dataclass
class Benchmark:
    name: str
    run: Callable[[], list[Figure]]


BENCHMARKS: list[Benchmark] = []


def benchmark(name: str):
    def register(run: Callable[[], list[Figure]]):
        BENCHMARKS.append(Benchmark(name, run))
        return run

    return register


class Rollback(Exception):
    """Raised to leave a benchmark's transaction without keeping what it wrote."""


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def in_rollback(action: Callable[[], object]) -> float:
    """Time `action` inside a transaction that is then rolled back."""
    elapsed = 0.0
    try:
        with transaction.atomic():
            elapsed = timed(action)
            raise Rollback
    except Rollback:
        pass
    return elapsed


def median_server_time(client: Client, url: str, *, runs: int = 30, warmup: int = 3) -> float:
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timed(lambda: client.get(url)) for _ in range(runs))


def signed_in(username: str) -> Client:
    client = Client(SERVER_NAME="localhost")
    client.force_login(User.objects.get(username=username))
    return client


@benchmark("trivial signed-in page")
def trivial_page() -> list[Figure]:
    client = signed_in("registrar")
    url = reverse("password_change")
    return [
        Figure(
            "trivial signed-in page (password change form)", median_server_time(client, url), None
        )
    ]


IMPORT_ROWS = 5_000


def people_csv(rows: int) -> bytes:
    """A people file of `rows` new people in the scale register's units, as registrars send it:
    semicolons, a BOM, DD.MM.YYYY dates, some optional cells blank."""
    from personnel.models import Unit

    units = list(Unit.objects.filter(code__startswith="BN-").values_list("code", flat=True))
    lines = [
        "service_number;rank;last_name;first_name;middle_name;gender;date_of_birth;category;"
        "unit_code;nationality;email;phone;service_start_date"
    ]
    for i in range(rows):
        lines.append(
            f"IMP-{i:06d};SGT;Imported{i};Serik;;{'F' if i % 10 == 0 else 'M'};"
            f"{1 + i % 28:02d}.{1 + i % 12:02d}.{1975 + i % 25};military;{units[i % len(units)]};"
            f"KZ;{'' if i % 3 else f'imp{i}@mod.example.kz'};+7 701 555 {i % 10_000:04d};"
        )
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


@benchmark("import people")
def import_people() -> list[Figure]:
    """Upload, preview and apply a 5,000-person CSV (the registrar's whole journey's work)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from personnel.services.imports import (
        people_import_apply,
        people_import_preview,
        people_import_upload,
    )

    by = User.objects.get(username="registrar")
    content = people_csv(IMPORT_ROWS)
    counts = {}

    def journey() -> None:
        upload = SimpleUploadedFile("people.csv", content, content_type="text/csv")
        import_file = people_import_upload(upload=upload, by=by)
        preview = people_import_preview(import_file=import_file)
        counts.update(
            people_import_apply(import_file=import_file, by=by, expected_digest=preview.digest)
        )

    # The stored uploads go to a scratch folder: the rolled-back runs must leave nothing.
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        seconds = statistics.median(in_rollback(journey) for _ in range(3))
    detail = f"{counts.get('new', 0):,} new people; upload, preview and apply; median of 3"
    return [Figure(f"import {IMPORT_ROWS:,} people (CSV)", seconds, 5.0, detail)]


@benchmark("import certifications")
def import_certifications() -> list[Figure]:
    """Upload, preview and apply 5,000 historical UNSOC certifications of the scale register's
    people (a third with valid_until given, the rest worked out from the course)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from courses.services.certification_imports import (
        certification_import_apply,
        certification_import_preview,
        certification_import_upload,
    )
    from personnel.models import Person

    by = User.objects.get(username="registrar")
    numbers = Person.objects.order_by("service_number").values_list("service_number", flat=True)
    lines = ["service_number;course_code;number;issued_on;valid_until"]
    for i, number in enumerate(numbers[:IMPORT_ROWS]):
        until = "" if i % 3 else "31.03.2020"
        lines.append(f"{number};UNSOC;HIST-UNSOC-{i:06d};{1 + i % 28:02d}.03.2016;{until}")
    content = ("\ufeff" + "\n".join(lines) + "\n").encode()
    counts = {}

    def journey() -> None:
        upload = SimpleUploadedFile("certifications.csv", content, content_type="text/csv")
        import_file = certification_import_upload(upload=upload, by=by)
        preview = certification_import_preview(import_file=import_file)
        counts.update(
            certification_import_apply(
                import_file=import_file, by=by, expected_digest=preview.digest
            )
        )

    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        seconds = statistics.median(in_rollback(journey) for _ in range(3))
    detail = f"{counts.get('new', 0):,} certifications; upload, preview and apply; median of 3"
    return [Figure(f"import {IMPORT_ROWS:,} certifications (CSV)", seconds, 5.0, detail)]


@benchmark("enrol unit")
def enrol_unit() -> list[Figure]:
    """Preview and apply enrolling a 150-person company (with its platoons) into a 120-seat
    cohort of the contingent pre-deployment course, as the registrar's "enrol a unit" page
    does: every check runs, most are enrolled, the rest waitlisted (a few inactive refused)."""
    from courses.models import Cohort, Course
    from courses.selectors.enrolment import candidates_in_unit
    from courses.services.enrolment import enrolment_apply, enrolment_plan
    from personnel.models import Unit

    by = User.objects.get(username="registrar")
    company = Unit.objects.get(code="BN-01-2")
    course = Course.objects.get(code="PDT")
    outcome = {}

    def journey() -> None:
        cohort = Cohort.objects.create(
            course=course,
            code="BENCH-ENROL",
            starts_on=timezone.localdate() + dt.timedelta(days=400),
            ends_on=timezone.localdate() + dt.timedelta(days=410),
            capacity=120,
            status=Cohort.Status.OPEN,
        )
        people = candidates_in_unit(unit=company, include_subunits=True)
        plan = enrolment_plan(cohort=cohort, people=people, by=by)
        applied = enrolment_apply(
            cohort=cohort, person_ids=[p.pk for p in people], expected=plan.fingerprint, by=by
        )
        outcome["people"] = len(people)
        outcome["summary"] = (
            f"{len(applied.to_enrol)} enrolled, {len(applied.to_waitlist)} waitlisted, "
            f"{len(applied.refused)} refused"
        )

    seconds = statistics.median(in_rollback(journey) for _ in range(5))
    detail = f"{outcome['people']} people of {company.code}, {course.code}: {outcome['summary']}"
    return [Figure("enrol a 150-person unit (preview and apply)", seconds, 2.0, detail)]


FINALISE_TRAINEES = 150
FINALISE_COMPONENTS = 6


def finalisable_cohort(*, by: User):
    """A cohort of a six-component course that ended last week, with 150 trainees of one
    battalion, every course day marked and every component scored: ready to finalise."""
    from decimal import Decimal

    from courses.grading import course_days
    from courses.models import (
        AssessmentComponent,
        AssessmentResult,
        Attendance,
        CertificationType,
        Cohort,
        Course,
        Enrolment,
    )
    from personnel.models import Person

    ends_on = timezone.localdate() - dt.timedelta(days=7)
    starts_on = ends_on - dt.timedelta(days=11)
    course = Course.objects.create(
        code="BENCH6",
        title="Benchmark course",
        kind=Course.Kind.SPECIALISED,
        duration_days=12,
        certification_type=CertificationType.objects.create(code="BENCH6", name="Benchmark"),
        validity_months=36,
    )
    components = AssessmentComponent.objects.bulk_create(
        AssessmentComponent(
            course=course,
            name=f"Part {n + 1}",
            weight=Decimal(100) / FINALISE_COMPONENTS,
            pass_score=50 if n == 0 else None,
            must_pass=n == 0,
            order=n,
        )
        for n in range(FINALISE_COMPONENTS)
    )
    cohort = Cohort.objects.create(
        course=course,
        code="BENCH6-FIN",
        starts_on=starts_on,
        ends_on=ends_on,
        capacity=FINALISE_TRAINEES,
        status=Cohort.Status.IN_PROGRESS,
    )
    cohort.instructors.add(by)
    people = Person.objects.filter(unit__code__startswith="BN-02").order_by("pk")
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, person=person) for person in people[:FINALISE_TRAINEES]
    )
    days = course_days(starts_on, ends_on)
    Attendance.objects.bulk_create(
        Attendance(
            enrolment=enrolment,
            day=day,
            status=Attendance.Status.ABSENT if (i + d) % 17 == 0 else Attendance.Status.PRESENT,
        )
        for i, enrolment in enumerate(enrolments)
        for d, day in enumerate(days)
    )
    AssessmentResult.objects.bulk_create(
        AssessmentResult(enrolment=enrolment, component=component, score=40 + (i * 7 + c) % 60)
        for i, enrolment in enumerate(enrolments)
        for c, component in enumerate(components)
    )
    return cohort


@benchmark("finalise cohort")
def finalise_cohort() -> list[Figure]:
    """Finalise a 150-trainee cohort with 6 components: check every score and day, decide
    every outcome, number and issue the certificates. Only the finalisation is timed."""
    from courses.services.finalisation import cohort_finalise

    by = User.objects.get(username="instructor")
    outcome = {}

    def run_once() -> float:
        elapsed = 0.0
        try:
            with transaction.atomic():
                cohort = finalisable_cohort(by=by)
                started = time.perf_counter()
                result = cohort_finalise(cohort=cohort, by=by, seen_status=cohort.status)
                elapsed = time.perf_counter() - started
                outcome["result"] = result
                raise Rollback
        except Rollback:
            pass
        return elapsed

    seconds = statistics.median(run_once() for _ in range(5))
    detail = (
        f"{FINALISE_TRAINEES} trainees by {FINALISE_COMPONENTS} components: {outcome['result']}"
    )
    return [Figure("finalise a 150-trainee cohort", seconds, 2.0, detail)]


@benchmark("certificate pdf")
def certificate_pdf_render() -> list[Figure]:
    """Render one certificate PDF (template, QR code, fonts, WeasyPrint), after one warm-up
    render that loads the fonts."""
    from courses.models import Certification
    from courses.services.certificates import certificate_pdf

    certification = Certification.objects.select_related(
        "person__rank", "course", "certification_type", "cohort"
    ).first()
    url = f"http://localhost:8000/verify/{certification.verification_code}/"
    certificate_pdf(certification=certification, verify_url=url)
    seconds = statistics.median(
        timed(lambda: certificate_pdf(certification=certification, verify_url=url))
        for _ in range(5)
    )
    return [
        Figure("render one certificate PDF", seconds, 1.0, f"{certification.number}; median of 5")
    ]


@benchmark("personnel list")
def personnel_list() -> list[Figure]:
    """The register's list page at 10,000 people: the first page, a search, a unit filter
    and a sort, each beside the trivial signed-in page."""
    from personnel.models import Unit

    client = signed_in("registrar")
    base = reverse("personnel:person_list")
    battalion = Unit.objects.get(code="BN-03")
    cases = [
        ("first page", base),
        ("search 'abenov'", f"{base}?q=abenov"),
        (
            "battalion filter, sorted by date of birth",
            f"{base}?unit={battalion.pk}&sort=-date_of_birth",
        ),
        ("page 100", f"{base}?page=100"),
    ]
    return [
        Figure(f"personnel list at 10,000 people: {label}", median_server_time(client, url), 0.150)
        for label, url in cases
    ]


def trivial_reference(client: Client) -> float:
    """The trivial signed-in page for `client`: a page figure divided by it reads as a ratio."""
    return median_server_time(client, reverse("password_change"))


def page_figures(client: Client, cases: list[tuple[str, str]], target: float) -> list[Figure]:
    """Each page's median server time beside the same user's trivial signed-in page."""
    reference = trivial_reference(client)
    figures = []
    for label, url in cases:
        seconds = median_server_time(client, url)
        detail = (
            f"{seconds / reference:.1f}x the trivial signed-in page ({reference * 1000:.1f} ms)"
        )
        figures.append(Figure(label, seconds, target, detail))
    return figures


@benchmark("deployability engine")
def deployability_engine() -> list[Figure]:
    """The engine over every person of the register for one profile: each requirement's
    verdict and reason for all of them."""
    from personnel.models import Person
    from readiness.deployability import deployability
    from readiness.models import RequirementProfile

    profile = RequirementProfile.objects.get(code="un-military-observer")
    people = Person.objects.all()
    count = people.count()
    deployability(people=people, profile=profile)  # warm-up
    seconds = statistics.median(
        timed(lambda: deployability(people=people, profile=profile)) for _ in range(5)
    )
    detail = f"{count:,} people, {profile.name}; median of 5"
    return [Figure(f"deployability engine over {count:,} people", seconds, 1.0, detail)]


@benchmark("readiness matrix")
def readiness_matrix_page() -> list[Figure]:
    """One 50-row page of the readiness matrix: the registrar over the whole register, and a
    commander over a 1,000-person battalion."""
    from personnel.models import Unit
    from readiness.models import RequirementProfile

    profile = RequirementProfile.objects.get(code="contingent-member")
    base = reverse("readiness:readiness_matrix")
    battalion = Unit.objects.get(code="BN-01")
    cases = [
        ("readiness matrix, whole register, first page", f"{base}?profile={profile.pk}"),
        (
            "readiness matrix, one battalion, sorted by readiness",
            f"{base}?profile={profile.pk}&unit={battalion.pk}&sort=readiness",
        ),
    ]
    return page_figures(signed_in("registrar"), cases, 0.300)


@benchmark("unit readiness")
def unit_readiness_page() -> list[Figure]:
    """The nightly snapshot over the register, then the unit readiness page of a company
    (counted live), a battalion and the whole ministry (above the live limit: from tonight's
    snapshot, as the page says)."""
    from personnel.models import Unit
    from readiness.services.snapshots import readiness_snapshots_take

    # What beat runs at 02:00; kept (it is today's snapshot), so the pages below read it.
    seconds = timed(readiness_snapshots_take)
    figures = [Figure("nightly readiness snapshot, every unit and profile", seconds, None)]
    cases = [
        (
            f"unit readiness, {code}",
            reverse("readiness:unit_readiness", args=[Unit.objects.get(code=code).pk]),
        )
        for code in ("BN-01-1", "BN-01", "MOD")
    ]
    return figures + page_figures(signed_in("registrar"), cases, 0.300)


@benchmark("readiness report")
def readiness_report() -> list[Figure]:
    """The readiness matrix XLSX report over the whole register, built as the worker does."""
    from devtools.bench_reports import bench_readiness_xlsx

    result = bench_readiness_xlsx()
    return [Figure(result["name"], result["seconds"], result["target"], result["detail"])]


ROTATION_POSTS = {"staff-officer": 20, "un-military-observer": 10, "contingent-member": 120}


@benchmark("next rotation proposal")
def next_rotation_proposal() -> list[Figure]:
    """Rotation N+1 of a 150-post contingent of a battalion (20 staff officer, 10 military
    observer and 120 contingent-member posts) created from rotation N, then its roster proposed
    from the battalion's people with the engine's verdicts over the new tour (median of 5,
    each run rolled back), and the proposal page as the commander opens it."""
    from personnel.models import Person, Unit
    from readiness.models import Contingent, ContingentPost, Mission, RequirementProfile
    from readiness.selectors.contingents import proposal_people, rotation_proposal
    from readiness.services.contingents import contingent_next_rotation

    admin = User.objects.filter(is_superuser=True).first() or User.objects.get(username="registrar")
    battalion = Unit.objects.get(code="BN-01")
    mission = Mission.objects.filter(ended_on__isnull=True).order_by("started_on").first()
    roles = RequirementProfile.objects.in_bulk(ROTATION_POSTS, field_name="code")
    outcome: dict[str, object] = {}

    def seed() -> Contingent:
        contingent = Contingent.objects.create(
            mission=mission,
            unit=battalion,
            name="Bench company",
            rotation=900,
            # Rotation N ends in 59 days: N+1 starts 60 days ahead, as a rotation is planned.
            starts_on=timezone.localdate() - dt.timedelta(days=305),
            ends_on=timezone.localdate() + dt.timedelta(days=59),
            planned_strength=sum(ROTATION_POSTS.values()),
        )
        ContingentPost.objects.bulk_create(
            ContingentPost(contingent=contingent, role=roles[code], count=count)
            for code, count in ROTATION_POSTS.items()
        )
        return contingent

    def propose() -> None:
        following = contingent_next_rotation(contingent=seed(), by=admin)
        proposal = rotation_proposal(contingent=following)
        outcome.update(proposed=proposal.proposed, considered=proposal.considered, pk=following.pk)

    in_rollback(propose)  # warm-up
    seconds = statistics.median(in_rollback(propose) for _ in range(5))
    people = Person.objects.count()
    detail = (
        f"{people:,} people; BN-01: {outcome['considered']:,} free people considered, "
        f"{outcome['proposed']} of 150 posts proposed; median of 5 (creating N+1 included)"
    )
    figures = [
        Figure(
            f"next rotation proposal for a 150-post contingent at {people:,} people",
            seconds,
            1.0,
            detail,
        )
    ]
    # The page, as the administrator opens it (one rolled-back contingent kept for the runs).
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    try:
        with transaction.atomic():
            contingent = seed()
            url = reverse("readiness:contingent_proposal", args=[contingent.pk])
            figures.append(
                Figure(
                    "next rotation proposal page (150 posts, BN-01)",
                    median_server_time(client, url, runs=5, warmup=1),
                    None,  # the proposal above, with its 150 rows rendered
                    f"{proposal_people(contingent).count():,} free people; median of 5",
                )
            )
            raise Rollback
    except Rollback:
        pass
    return figures


# Last: it grows the register to 100,000 certifications, and keeps them for the next run.
@benchmark("reminder sweep")
def reminder_sweep() -> list[Figure]:
    """The daily lapsing sweep over 100,000 certifications and the register's qualification
    records (median of 3 first sweeps of the day, each rolled back); the digests it leads to,
    as a reference (in-memory mail, so the figure is ours, not a mail server's)."""
    from devtools.bench_notifications import bench_sweep_lapsing
    from personnel.models import Person

    result = bench_sweep_lapsing(Person.objects.count())
    return [
        Figure(
            f"lapsing sweep over {result['certifications']:,} certifications",
            result["sweep_seconds"],
            10.0,
            f"{result['reminders']:,} reminders; median of {result['sweep_runs']}; the same "
            f"day again: {result['second_sweep_seconds'] * 1000:.0f} ms, "
            f"{result['second_sweep_new']} new",
        ),
        Figure(
            "reminder digests after the sweep (in-memory mail)",
            result["digest_seconds"],
            None,
            f"{result['digests_mailed']:,} digests, {result['reminders_mailed']:,} reminders",
        ),
    ]


def run(selected: list[str] | None = None) -> list[Figure]:
    figures: list[Figure] = []
    for bench in BENCHMARKS:
        if selected and not any(word in bench.name for word in selected):
            continue
        figures += bench.run()
    return figures


def table(figures: list[Figure]) -> str:
    lines = [
        "| benchmark | measured | target | verdict | detail |",
        "|---|---:|---:|---|---|",
    ]
    for figure in figures:
        target = f"{figure.target * 1000:,.0f} ms" if figure.target is not None else ""
        lines.append(
            f"| {figure.name} | {figure.seconds * 1000:,.1f} ms | {target} | {figure.verdict} "
            f"| {figure.detail} |"
        )
    return "\n".join(lines)


def environment() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()"
        )
        (version,) = cursor.fetchone()
    from personnel.models import Person

    return (
        f"{timezone.localdate():%Y-%m-%d}, Python {platform.python_version()}, "
        f"{connection.vendor} ({version.split(',')[0]}), {Person.objects.count():,} people, "
        f"{platform.machine()} with {os.cpu_count()} cores"
    )
