"""Every write through the services, in the administration site too.

- The walk: every ModelAdmin in admin.site, its add and change page rendered for a real
  object, fails on a field common/service_owned.py gives a service that the page still
  lets one edit (in the main form or an inline, as a form field and as a control in the HTML),
  and on a registered model missing from the declaration.
- The actions call the services, with their effects (a revocation with its reason and history,
  the waitlist served, a cohort cancelled with everyone withdrawn), their refusals shown as
  error messages, and only for the users the pages allow.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, SolarSchedule
from django_celery_results.models import GroupResult, TaskResult

from accounts.roles import Role
from common.outbox.models import OutboxTask
from common.service_owned import SERVICE_OWNED, owned_field_names, service_owned
from courses.admin import CertificationAdmin
from courses.models import (
    Certification,
    CertificationSequence,
    Cohort,
    CohortStatusChange,
    Enrolment,
)
from notifications.models import ReminderDigest
from personnel.models import DrivingLicence, WeaponsQualification
from readiness.models import (
    Deployment,
    GenderTarget,
    ReadinessSnapshot,
    RequirementProfile,
    UnitReadinessAssessment,
)
from readiness.models.units import AssessmentAreaResult
from reports.models import CommanderDigest
from tests import factories
from tests.peacecentre.permission_matrix_support import build_world
from tests.readiness.deployment_support import DeploymentFactory

TODAY = timezone.localdate()


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class _Controls(HTMLParser):
    """The names of the form controls a person can change (no hidden inputs, no buttons)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ("input", "select", "textarea") or not attrs.get("name"):
            return
        if tag == "input" and attrs.get("type") in ("hidden", "submit", "button", "reset"):
            return
        self.names.add(attrs["name"])


def _field_of(control: str, *, prefixes: set[str]) -> str:
    """The model field a control's name stands for: "starts_on_0" (a split date and time),
    "enrolments-0-status" and "enrolments-__prefix__-status" (an inline's row) are fields
    starts_on and status."""
    for prefix in prefixes:
        if control.startswith(f"{prefix}-"):
            control = control.split("-", 2)[-1]
            break
    if control.endswith(("_0", "_1")):
        control = control[:-2]
    return control


def editable_owned_fields(response, model) -> list[str]:
    """The service-owned fields an admin page lets one edit: a form field not shown read-only
    on a page that saves, or a control named after the field."""
    found: list[str] = []
    context = response.context_data
    adminform = context["adminform"]
    owned = set(owned_field_names(model))
    saves = context["add"] or context["has_change_permission"]
    if saves:
        editable = set(adminform.form.fields) - set(adminform.readonly_fields)
        found += [f"{model._meta.label}.{name} (form)" for name in sorted(editable & owned)]
    prefixes = set()
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        prefixes.add(formset.prefix)
        inline_owned = set(owned_field_names(formset.model))
        if inline.has_change_permission or inline.has_add_permission:
            editable = set(formset.form.base_fields) - set(inline.readonly_fields)
            editable.discard(formset.fk.name)  # set from the parent, never typed
            found += [
                f"{formset.model._meta.label}.{name} (inline form)"
                for name in sorted(editable & inline_owned)
            ]
    parser = _Controls()
    parser.feed(response.content.decode())
    for control in sorted(parser.names):
        name = _field_of(control, prefixes=prefixes)
        inline_models = [
            inline.formset.model
            for inline in context["inline_admin_formsets"]
            if control.startswith(f"{inline.formset.prefix}-")
        ]
        target = inline_models[0] if inline_models else model
        if name in owned_field_names(target):
            found.append(f"{target._meta.label}.{name} (control {control})")
    return found


def build_samples() -> None:
    """At least one row of every registered model: the permission matrix's world, and what it
    leaves out."""
    world = build_world()
    person = world.person
    DrivingLicence.objects.create(person=person, issued_on=TODAY, categories="B")
    WeaponsQualification.objects.create(
        person=person, issued_on=TODAY, weapon=WeaponsQualification.Weapon.choices[0][0]
    )
    assessment = UnitReadinessAssessment.objects.create(
        unit=world.unit_a,
        assessed_on=TODAY,
        kind=UnitReadinessAssessment.Kind.choices[0][0],
        outcome=UnitReadinessAssessment.Outcome.choices[0][0],
    )
    AssessmentAreaResult.objects.create(
        assessment=assessment,
        area_id="general",
        result=AssessmentAreaResult.Result.choices[0][0],
    )
    if not GenderTarget.objects.exists():
        GenderTarget.objects.create(
            category=GenderTarget._meta.get_field("category").choices[0][0],
            year=TODAY.year,
            percent=D("10"),
        )
    ReadinessSnapshot.objects.create(
        unit=world.unit_a,
        profile=RequirementProfile.objects.first(),
        taken_on=TODAY,
        headcount=3,
        ready=1,
    )
    CohortStatusChange.objects.create(
        cohort=world.cohort,
        from_status=Cohort.Status.OPEN,
        to_status=Cohort.Status.IN_PROGRESS,
        changed_by=world.users["registrar"],
    )
    CertificationSequence.objects.get_or_create(prefix="UNSOC-PM", year=TODAY.year)
    CommanderDigest.objects.create(commander=world.users["commander_own"], week=TODAY)
    ReminderDigest.objects.create(recipient_email="pm@example.org", day=TODAY)
    OutboxTask.objects.create(task_name="courses.send_waitlist_promotion", args=[1])
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    CrontabSchedule.objects.get_or_create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=D("51.1"), longitude=D("71.4"))
    TaskResult.objects.create(task_id="t-1", content_type="application/json", content_encoding="")
    GroupResult.objects.create(group_id="g-1", content_type="application/json", content_encoding="")
    sign_in = {"user_agent": "pytest", "http_accept": "*/*", "path_info": "/accounts/login/"}
    AccessAttempt.objects.create(**sign_in, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**sign_in)
    AccessFailureLog.objects.create(**sign_in)


# -- The declaration ---------------------------------------------------------------------------


def test_every_registered_model_is_declared():
    registered = {model._meta.label_lower for model in admin.site._registry}
    inline_models = {
        inline.model._meta.label_lower
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    assert sorted((registered | inline_models) - set(SERVICE_OWNED)) == []
    assert sorted(set(SERVICE_OWNED) - registered) == [], "declared but no longer registered"


def test_the_declaration_holds_what_the_services_keep():
    """The fields the services keep consistent are declared theirs (a declaration emptied by
    mistake would let the walk pass on nothing)."""
    expected = {
        "courses.enrolment": {"status", "waitlist_position", "status_reason", "final_score"},
        "courses.certification": {
            "number",
            "verification_code",
            "issued_on",
            "valid_until",
            "revoked_at",
            "revoked_by",
            "revocation_reason",
            "supersedes",
        },
        "courses.cohort": {"status", "capacity", "starts_on", "ends_on", "finalised_at"},
        "courses.attendance": {"status", "recorded_by"},
        "courses.assessmentresult": {"score", "recorded_by"},
        "readiness.deployment": {"starts_on", "ends_on", "override_reason", "override_by"},
        "reports.reportrequest": {"status", "progress", "file"},
        "notifications.reminder": {"sent_at"},
        "outbox.outboxtask": {"sent_at", "attempts"},
    }
    for label, fields in expected.items():
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        assert fields <= set(owned_field_names(model)), label
    # Only a service creates these, and nobody deletes them by hand.
    for label in ("courses.enrolment", "courses.certification", "courses.assessmentresult"):
        assert (SERVICE_OWNED[label].add, SERVICE_OWNED[label].delete) == (False, False), label


# -- The walk ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_admin_page_edits_a_service_owned_field(client, administrator):
    build_samples()
    client.force_login(administrator)
    problems: list[str] = []
    for model, model_admin in admin.site._registry.items():
        sample = model._default_manager.order_by("pk").first()
        assert sample is not None, f"no sample {model._meta.label}: build one in build_samples"
        owned = service_owned(model)
        add = client.get(_url(model, "add"))
        if add.status_code == 200:
            assert owned.add, f"{model._meta.label}: the admin adds what only a service creates"
            problems += editable_owned_fields(add, model)
        elif add.status_code == 302:
            # Created on a page of its own, through its service.
            assert add.url == reverse(model_admin.add_page_url_name), model._meta.label
        else:
            assert add.status_code == 403, (model._meta.label, add.status_code)
            assert not model_admin.has_add_permission(add.wsgi_request), model._meta.label
        change = client.get(_url(model, "change", sample.pk))
        assert change.status_code == 200, (model._meta.label, change.status_code)
        problems += editable_owned_fields(change, model)
        if not owned.delete and client.get(_url(model, "delete", sample.pk)).status_code != 403:
            problems.append(f"{model._meta.label} (deletable)")
    assert len(admin.site._registry) >= len(SERVICE_OWNED)  # every one walked above
    assert problems == []


@pytest.mark.django_db
def test_the_walk_finds_an_editable_owned_field(rf, administrator):
    """The check itself fails on an admin that forgets the declaration: the certification
    admin as it was, without the mixin."""

    class Forgetful(admin.ModelAdmin):
        fieldsets = CertificationAdmin.fieldsets
        readonly_fields = CertificationAdmin.readonly_fields

    site = admin.AdminSite(name="forgetful")
    site.register(Certification, Forgetful)
    certification = factories.CertificationFactory()
    request = rf.get("/")
    request.user = administrator
    response = site._registry[Certification].change_view(request, str(certification.pk))
    response.render()
    found = editable_owned_fields(response, Certification)
    assert "courses.Certification.number (form)" in found
    assert "courses.Certification.revoked_at (form)" in found
    assert "courses.Certification.valid_until (control valid_until)" in found


@pytest.mark.django_db
def test_history_pages_do_not_revert(client, administrator):
    certification = factories.CertificationFactory()
    history = certification.history.first()
    client.force_login(administrator)
    url = reverse("admin:courses_certification_simple_history", args=[certification.pk, history.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert client.post(url, {"number": "FORGED-1"}).status_code == 403
    certification.refresh_from_db()
    assert certification.number != "FORGED-1"


# -- The actions -------------------------------------------------------------------------------


def _act(client, model, action: str, objects, **confirm):
    """Choose `action` for `objects` on the changelist; with `confirm`, send the reason page."""
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects]}
    if confirm:
        data |= {"confirm": "yes", **confirm}
    else:
        data["index"] = "0"
    return client.post(_url(model, "changelist"), data, follow=bool(confirm))


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in response.context["messages"]]


@pytest.fixture
def certification(db):
    return factories.CertificationFactory(
        issued_on=TODAY - dt.timedelta(days=30), valid_until=TODAY + dt.timedelta(days=700)
    )


def test_revoke_asks_why_then_revokes_through_the_service(client, administrator, certification):
    client.force_login(administrator)
    page = _act(client, Certification, "revoke", [certification])
    assert page.status_code == 200
    assert page.templates[0].name == "admin/service_action_reason.html"
    assert certification.number in page.content.decode()
    assert 'name="reason"' in page.content.decode()

    # No reason: asked again, nothing revoked.
    again = _act(client, Certification, "revoke", [certification], reason="  ")
    assert again.templates[0].name == "admin/service_action_reason.html"
    assert "This field is required." in again.content.decode()
    certification.refresh_from_db()
    assert certification.revoked_at is None

    done = _act(client, Certification, "revoke", [certification], reason="Found to be forged")
    assert done.redirect_chain[-1][0] == _url(Certification, "changelist")
    assert ("success", f"Certification {certification.number} revoked.") in _messages(done)
    certification.refresh_from_db()
    assert certification.revoked_at is not None
    assert certification.revoked_by == administrator
    assert certification.revocation_reason == "Found to be forged"
    latest = certification.history.first()
    assert latest.history_user == administrator
    assert latest.revoked_at is not None

    # The service's refusal, as a message.
    twice = _act(client, Certification, "revoke", [certification], reason="Again")
    assert twice.status_code == 200
    [(level, message)] = _messages(twice)
    assert level == "error"
    assert "already revoked" in message
    certification.refresh_from_db()
    assert certification.revocation_reason == "Found to be forged"


def test_reissue_supersedes_and_refuses_a_lapsed_one(client, administrator, certification):
    lapsed = factories.CertificationFactory(
        person=certification.person,
        issued_on=TODAY - dt.timedelta(days=800),
        valid_until=TODAY - dt.timedelta(days=1),
    )
    client.force_login(administrator)
    done = _act(client, Certification, "reissue", [certification, lapsed], reason="Lost in transit")
    new = Certification.objects.get(supersedes=certification)
    assert new.source == Certification.Source.REISSUE
    assert new.valid_until == certification.valid_until
    certification.refresh_from_db()
    assert certification.revocation_reason == f"Reissued as {new.number}: Lost in transit"
    messages = _messages(done)
    assert ("success", f"Certification {certification.number} reissued as {new.number}.") in (
        messages
    )
    assert any(level == "error" and "lapsed" in m for level, m in messages)
    assert not Certification.objects.filter(supersedes=lapsed).exists()


@pytest.fixture
def full_cohort(db):
    """An open cohort of one seat: one enrolled, two waitlisted."""
    cohort = factories.CohortFactory(status=Cohort.Status.OPEN, capacity=1)
    seated = factories.EnrolmentFactory(cohort=cohort, person__last_name="Seated")
    first, second = (
        factories.EnrolmentFactory(
            cohort=cohort,
            person__last_name=name,
            status=Enrolment.Status.WAITLISTED,
            waitlist_position=position,
        )
        for position, name in ((1, "Firstwait"), (2, "Secondwait"))
    )
    return cohort, seated, first, second


def test_withdraw_serves_the_waitlist(client, administrator, full_cohort):
    _cohort, seated, first, second = full_cohort
    client.force_login(administrator)
    page = _act(client, Enrolment, "withdraw", [seated])
    assert 'maxlength="255"' in page.content.decode()
    done = _act(client, Enrolment, "withdraw", [seated], reason="Posted abroad")
    seated.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (seated.status, seated.status_reason) == (Enrolment.Status.WITHDRAWN, "Posted abroad")
    assert first.status == Enrolment.Status.ENROLLED
    assert first.waitlist_position is None
    assert second.waitlist_position == 1
    assert seated.history.first().history_user == administrator
    [(level, message)] = _messages(done)
    assert level == "success"
    assert first.person.full_name in message
    assert seated.person.full_name in message
    assert OutboxTask.objects.filter(
        task_name="courses.send_waitlist_promotion", args=[first.pk]
    ).exists()

    # Withdrawn already: the service refuses, nothing changes.
    twice = _act(client, Enrolment, "withdraw", [seated], reason="Again")
    [(level, message)] = _messages(twice)
    assert level == "error"
    assert "only enrolled, waitlisted or nominated" in message


def test_fill_from_waitlist(client, administrator, full_cohort):
    cohort, _seated, first, second = full_cohort
    Cohort.objects.filter(pk=cohort.pk).update(capacity=3)  # seats freed outside the service
    finalised = factories.CohortFactory(status=Cohort.Status.FINALISED, finalised_at=timezone.now())
    client.force_login(administrator)
    done = client.post(
        _url(Cohort, "changelist"),
        {
            "action": "fill_from_waitlist",
            "index": "0",
            helpers.ACTION_CHECKBOX_NAME: [cohort.pk, finalised.pk],
        },
        follow=True,
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Enrolment.Status.ENROLLED
    messages = {m: level for level, m in _messages(done)}
    assert any(code_line.startswith(f"Cohort {cohort.code}: 2 people") for code_line in messages)
    assert messages[
        f"Cohort {finalised.code}: nobody moved (no free seat, nobody waiting, or the cohort is "
        "finalised or cancelled)."
    ] == ("warning")


def test_cancel_withdraws_everyone_and_refuses_a_cohort_in_progress(
    client, administrator, full_cohort
):
    cohort, _seated, _first, _second = full_cohort
    running = factories.CohortFactory(status=Cohort.Status.IN_PROGRESS)
    client.force_login(administrator)
    done = _act(client, Cohort, "cancel", [cohort, running], reason="Instructor unavailable")
    cohort.refresh_from_db()
    running.refresh_from_db()
    assert cohort.status == Cohort.Status.CANCELLED
    assert running.status == Cohort.Status.IN_PROGRESS
    change = cohort.status_changes.get()
    assert (change.reason, change.changed_by) == ("Instructor unavailable", administrator)
    assert set(cohort.enrolments.values_list("status", flat=True)) == {"withdrawn"}
    messages = _messages(done)
    assert any(level == "success" and cohort.code in m for level, m in messages)
    assert any(level == "error" and "is in progress" in m for level, m in messages)


def test_planning_a_deployment_leads_to_the_planning_page(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:readiness_deployment_add"))
    assert response.status_code == 302
    assert response.url == reverse("readiness:deployment_plan")
    assert client.get(reverse("admin:courses_cohort_add")).url == reverse("courses:cohort_create")


@pytest.mark.django_db
def test_only_administrators_act(client, certification, full_cohort):
    _cohort, seated, _first, _second = full_cohort
    # Signed in without the admin's gate: sent to its sign-in page, nothing changes.
    client.force_login(factories.UserFactory(roles=[Role.REGISTRAR]))
    response = _act(client, Certification, "revoke", [certification], reason="No")
    assert response.redirect_chain[0][0].startswith(reverse("admin:login"))
    # Staff who may read certifications and enrolments but hold no role: no action offered.
    reader = factories.UserFactory(is_staff=True)
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_certification", "view_enrolment"])
    )
    client.force_login(reader)
    page = client.get(_url(Certification, "changelist"))
    assert b'value="revoke"' not in page.content
    _act(client, Certification, "revoke", [certification], reason="No")
    _act(client, Enrolment, "withdraw", [seated], reason="No")
    certification.refresh_from_db()
    seated.refresh_from_db()
    assert certification.revoked_at is None
    assert seated.status == Enrolment.Status.ENROLLED


# -- Changelists stay flat ---------------------------------------------------------------------


def _queries(client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(model, "changelist")).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_changelists_do_not_grow_with_rows(client, administrator):
    client.force_login(administrator)

    def add_rows():
        cohort = factories.CohortFactory()
        enrolment = factories.EnrolmentFactory(cohort=cohort)
        factories.CertificationFactory(person=enrolment.person, cohort=cohort)
        DeploymentFactory(person=enrolment.person)

    add_rows()
    models = (Certification, Enrolment, Cohort, Deployment)
    few = {model: _queries(client, model) for model in models}
    for _ in range(5):
        add_rows()
    many = {model: _queries(client, model) for model in models}
    assert many == few


def test_a_tours_status_and_dates_are_read_only_and_its_actions_call_the_services(
    client, administrator
):
    """The lifecycle is the services' (readiness/services/lifecycle.py): the admin shows a
    tour's status and dates and cannot save them; its actions confirm and cancel (with a
    reason) through the services, each refusal shown."""
    planned = DeploymentFactory(status=Deployment.Status.PLANNED)
    deployed = DeploymentFactory(
        status=Deployment.Status.DEPLOYED,
        starts_on=planned.ends_on + dt.timedelta(days=10),
        ends_on=planned.ends_on + dt.timedelta(days=100),
        person=planned.person,
    )
    client.force_login(administrator)
    url = _url(Deployment, "change", planned.pk)
    page = client.get(url).content.decode()
    assert 'name="status"' not in page
    assert 'name="returned_on"' not in page
    assert 'name="departed_on"' not in page
    response = client.post(url, {"status": Deployment.Status.CANCELLED, "status_reason": "x"})
    assert response.status_code == 403
    planned.refresh_from_db()
    assert planned.status == Deployment.Status.PLANNED

    done = _act(client, Deployment, "cancel", [planned, deployed], reason="Post withdrawn.")
    shown = _messages(done)
    assert ("success", f"Cancelled the tour of {planned.person} in {planned.mission}.") in shown
    assert any(level == "error" and "Only a planned or confirmed" in m for level, m in shown)
    planned.refresh_from_db()
    deployed.refresh_from_db()
    assert (planned.status, planned.status_reason) == (
        Deployment.Status.CANCELLED,
        "Post withdrawn.",
    )
    assert deployed.status == Deployment.Status.DEPLOYED
    assert planned.history.first().history_user == administrator
