"""The world the permission matrix (test_permission_matrix.py) asks every page about.

Two units side by side, each with its commander: the objects live in unit A ("KAZBAT"); the
"commander of another unit" commands unit B ("MIA-FPU"). People of unit A hold qualification
records; a course with two assessment components; cohort X (in progress, unit-A trainees,
taught by the "own" instructor) and cohort Y (taught by the "instructor of another cohort");
an enrolment in X with scores and attendance; a certification; an import file of each kind
(uploaded by the registrar); a mission with unit A's contingent and a deployment; a report
request of each kind (built, so it can be downloaded); reminders for the signed-in roles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from courses.models import (
    AssessmentComponent,
    AssessmentResult,
    Attendance,
    Certification,
    Cohort,
    Course,
    Enrolment,
)
from courses.services.certification_imports import certification_import_upload
from imports.models import ImportFile
from notifications.models import Reminder
from personnel.models import MedicalClearance, Passport, Person, Unit
from personnel.services.imports import people_import_upload
from readiness.models import (
    Contingent,
    Deployment,
    Mission,
    PCRSPledge,
    UnitReadinessAssessment,
    VisitFinding,
)
from reports.models import ReportKindCode, ReportRequest
from reports.services import report_build, report_request
from tests import factories
from tests.readiness.deployment_support import ContingentFactory, DeploymentFactory

D = Decimal

# Role names as they appear in the test ids. The first five are the roles the issue names;
# the two "own" roles are the owners of the objects, so each denial stands next to a success.
ANONYMOUS = "anonymous"
REGISTRAR = "registrar"
INSTRUCTOR_OTHER = "instructor_other"
COMMANDER_OTHER = "commander_other"
ADMINISTRATOR = "administrator"
INSTRUCTOR_OWN = "instructor_own"
COMMANDER_OWN = "commander_own"
ROLES = (
    ANONYMOUS,
    REGISTRAR,
    INSTRUCTOR_OTHER,
    COMMANDER_OTHER,
    ADMINISTRATOR,
    INSTRUCTOR_OWN,
    COMMANDER_OWN,
)
# Not a column of the matrix: a second registrar, for the pages that belong to their uploader.
REGISTRAR_OTHER = "registrar_other"
# Who holds is_staff (the administration site's gate): the administrator alone.
STAFF_ROLES = frozenset({ADMINISTRATOR})


@dataclass
class World:
    users: dict[str, User]
    unit_a: Unit
    unit_b: Unit
    person: Person
    medical: MedicalClearance
    passport: Passport
    nominee: Person  # only nominated to cohort X
    course: Course
    cohort: Cohort
    other_cohort: Cohort
    enrolment: Enrolment
    certification: Certification
    people_import: ImportFile
    certification_import: ImportFile
    mission: Mission
    contingent: Contingent
    deployment: Deployment
    pcrs_pledge: PCRSPledge
    pcrs_visit: UnitReadinessAssessment
    pcrs_finding: VisitFinding
    reports: dict[str, ReportRequest] = field(default_factory=dict)
    reminders: list[Reminder] = field(default_factory=list)
    sessions: dict[str, str] = field(default_factory=dict)  # role -> signed-in session key

    @property
    def report(self) -> ReportRequest:
        """The report the reports:* rows open: the readiness matrix of unit A, requested by
        unit A's commander."""
        return self.reports[ReportKindCode.READINESS_MATRIX]


def _user(username: str, role: Role, **kwargs) -> User:
    return factories.UserFactory(username=f"pm-{username}", roles=[role], **kwargs)


def _csv(name: str, header: tuple[str, ...], row: list[str]) -> SimpleUploadedFile:
    text = ",".join(header) + "\n" + ",".join(row) + "\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def build_world() -> World:
    today = timezone.localdate()
    users = {
        REGISTRAR: _user("registrar", Role.REGISTRAR),
        REGISTRAR_OTHER: _user("registrar-other", Role.REGISTRAR),
        ADMINISTRATOR: _user("administrator", Role.ADMINISTRATOR, is_staff=True),
        INSTRUCTOR_OWN: _user("instructor-own", Role.INSTRUCTOR),
        INSTRUCTOR_OTHER: _user("instructor-other", Role.INSTRUCTOR),
        COMMANDER_OWN: _user("commander-own", Role.COMMANDER),
        COMMANDER_OTHER: _user("commander-other", Role.COMMANDER),
    }
    unit_a = factories.UnitFactory(
        code="KAZBAT", kind=Unit.Kind.BATTALION, commander=users[COMMANDER_OWN]
    )
    unit_b = factories.UnitFactory(
        code="MIA-FPU", kind=Unit.Kind.BATTALION, commander=users[COMMANDER_OTHER]
    )

    person = factories.PersonFactory(
        unit=unit_a, service_number="KZ-900001", last_name="Abenov", first_name="Arman"
    )
    second = factories.PersonFactory(
        unit=unit_a, service_number="KZ-900002", last_name="Bekova", first_name="Aida"
    )
    medical = factories.MedicalClearanceFactory(person=person)
    passport = factories.PassportFactory(person=person, document_number="PM-N7731905")
    factories.LanguageProficiencyFactory(person=person)
    factories.MedicalClearanceFactory(person=second)
    outsider = factories.PersonFactory(unit=unit_b, service_number="KZ-900003")

    course = factories.CourseFactory(code="UNSOC-PM", pass_mark=D("60"))
    components = [
        AssessmentComponent.objects.create(
            course=course, name="Written exam", weight=D("60"), max_score=D("100"), order=1
        ),
        AssessmentComponent.objects.create(
            course=course, name="Field exercise", weight=D("40"), max_score=D("20"), order=2
        ),
    ]
    cohort = factories.CohortFactory(
        course=course,
        code="UNSOC-PM-X",
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=10),
        status=Cohort.Status.IN_PROGRESS,
        instructors=[users[INSTRUCTOR_OWN]],
    )
    other_cohort = factories.CohortFactory(
        course=course, code="UNSOC-PM-Y", instructors=[users[INSTRUCTOR_OTHER]]
    )
    enrolment = factories.EnrolmentFactory(cohort=cohort, person=person)
    factories.EnrolmentFactory(cohort=cohort, person=second)
    factories.EnrolmentFactory(cohort=other_cohort, person=outsider)
    nominee = factories.PersonFactory(unit=unit_a, service_number="KZ-900009", last_name="Nurova")
    factories.EnrolmentFactory(cohort=cohort, person=nominee, status=Enrolment.Status.NOMINATED)
    for component, score in zip(components, ("72", "15"), strict=True):
        result = AssessmentResult(
            enrolment=enrolment,
            component=component,
            score=D(score),
            recorded_by=users[INSTRUCTOR_OWN],
        )
        result._history_user = users[INSTRUCTOR_OWN]
        result.save()
    Attendance.objects.create(
        enrolment=enrolment,
        day=cohort.starts_on + dt.timedelta(days=(7 - cohort.starts_on.weekday()) % 7),
        status=Attendance.Status.PRESENT,
        recorded_by=users[INSTRUCTOR_OWN],
    )
    certification = factories.CertificationFactory(  # issued by cohort X
        person=person,
        course=course,
        cohort=cohort,
        certification_type=course.certification_type,
        issued_on=today - dt.timedelta(days=200),
        valid_until=today + dt.timedelta(days=1200),
    )

    people_import = people_import_upload(
        upload=_csv(
            "people.csv",
            ("service_number", "last_name", "first_name", "gender", "date_of_birth", "category"),
            ["KZ-900010", "Dosov", "Daniyar", "male", "1991-04-02", "military"],
        ),
        by=users[REGISTRAR],
    )
    certification_import = certification_import_upload(
        upload=_csv(
            "certifications.csv",
            ("service_number", "course_code", "number", "issued_on", "valid_until"),
            [person.service_number, course.code, "UNSOC-2019-0042", "2019-03-31", ""],
        ),
        by=users[REGISTRAR],
    )

    mission = factories.MissionFactory()
    contingent = ContingentFactory(mission=mission, unit=unit_a)
    deployment = DeploymentFactory(person=second, mission=mission, contingent=contingent)

    pcrs_pledge, pcrs_visit, pcrs_finding = _pcrs(unit_a, today=today)
    reports = _reports(users, unit_a=unit_a, cohort=cohort, contingent=contingent)
    reminders = _reminders(users, certification=certification, cohort=cohort, today=today)
    return World(
        users=users,
        unit_a=unit_a,
        unit_b=unit_b,
        person=person,
        medical=medical,
        passport=passport,
        nominee=nominee,
        course=course,
        cohort=cohort,
        other_cohort=other_cohort,
        enrolment=enrolment,
        certification=certification,
        people_import=people_import,
        certification_import=certification_import,
        mission=mission,
        contingent=contingent,
        deployment=deployment,
        pcrs_pledge=pcrs_pledge,
        pcrs_visit=pcrs_visit,
        pcrs_finding=pcrs_finding,
        reports=reports,
        reminders=reminders,
    )


def _pcrs(unit_a, *, today) -> tuple[PCRSPledge, UnitReadinessAssessment, VisitFinding]:
    """Unit A's pledge at Level 2, backed by a passed AAV with one area result and an open
    finding. (The contingent's planning check then lets unit A's contingent through.)"""
    visit = UnitReadinessAssessment.objects.create(
        unit=unit_a,
        kind=UnitReadinessAssessment.Kind.AAV,
        assessed_on=today - dt.timedelta(days=60),
        outcome=UnitReadinessAssessment.Outcome.PASSED,
        assessed_by="UN DPO AAV team",
    )
    visit.areas.create(area_id="training", result="needs_improvement", remarks="Convoy drills")
    finding = VisitFinding.objects.create(
        visit=visit,
        area_id=visit.areas.get().area.pk,
        finding="Convoy drills below standard",
        corrective_action="Two more convoy exercises",
        due_on=today + dt.timedelta(days=30),
    )
    pledge = PCRSPledge.objects.create(
        unit=unit_a,
        registered_on=today - dt.timedelta(days=200),
        capability="Infantry company (120)",
        level="2",
        level_since=visit.assessed_on,
        backing_visit=visit,
        renewal_due_on=today + dt.timedelta(days=165),
    )
    pledge.levels.create(level="2", changed_on=visit.assessed_on, backing_visit=visit)
    return pledge, visit, finding


def _reports(users, *, unit_a, cohort, contingent) -> dict[str, ReportRequest]:
    """One report of each kind, built. Unit A's commander asks for every kind their role may
    have; the cohort's results are not a commander's (cohort_results covers only who may open
    the cohort), so the registrar asks for those."""
    commander = users[COMMANDER_OWN]
    asks = {
        ReportKindCode.READINESS_MATRIX: (commander, {"format": "xlsx", "unit": unit_a.pk}),
        ReportKindCode.CONTINGENT_READINESS: (
            commander,
            {"format": "pdf", "contingent": contingent.pk},
        ),
        ReportKindCode.NOMINAL_ROLL: (commander, {"format": "xlsx", "contingent": contingent.pk}),
        ReportKindCode.CERTIFICATIONS_LAPSING: (commander, {"format": "xlsx"}),
        ReportKindCode.GENDER_BALANCE: (commander, {"format": "xlsx", "unit": unit_a.pk}),
        ReportKindCode.COHORT_RESULTS: (users[REGISTRAR], {"format": "xlsx", "cohort": cohort.pk}),
    }
    reports = {}
    for kind, (user, data) in asks.items():
        requested = report_request(
            user=user, data={"kind": kind, **{k: str(v) for k, v in data.items()}}
        )
        reports[kind] = report_build(request_id=requested.pk)
        assert reports[kind].status == ReportRequest.Status.DONE, (kind, reports[kind].error)
    return reports


def _reminders(users, *, certification, cohort, today) -> list[Reminder]:
    certification_type = ContentType.objects.get_for_model(Certification)
    cohort_type = ContentType.objects.get_for_model(Cohort)
    made = []
    for role in (REGISTRAR, COMMANDER_OWN, COMMANDER_OTHER):
        user = users[role]
        made.append(
            Reminder.objects.create(
                kind=Reminder.Kind.CERTIFICATION_LAPSING,
                content_type=certification_type,
                object_id=certification.pk,
                threshold="90",
                recipient_email=user.email.lower(),
                recipient_user=user,
                due_on=certification.valid_until,
                details={
                    "person": certification.person.full_name,
                    "person_id": certification.person_id,
                    "number": certification.number,
                    "type": certification.certification_type.code,
                },
            )
        )
    for role in (INSTRUCTOR_OWN, INSTRUCTOR_OTHER):
        user = users[role]
        made.append(
            Reminder.objects.create(
                kind=Reminder.Kind.COHORT_STARTING,
                content_type=cohort_type,
                object_id=cohort.pk,
                threshold="7",
                recipient_email=user.email.lower(),
                recipient_user=user,
                due_on=today + dt.timedelta(days=7),
                details={"cohort": cohort.code, "title": cohort.course.title},
            )
        )
    return made
