"""The audit trail (audit/): each sensitive change, made through the app's own
path (a service, an admin form), is listed with who, when and old -> new in words; only
administrators read it; the page's queries do not grow with its rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.roles import Role
from audit.selectors import audit_page
from courses.services.certifications import certification_reissue, certification_revoke
from courses.services.gradebook import results_record
from personnel.models import Unit
from readiness.models import RequirementProfile
from readiness.services.deployments import deployment_plan
from tests import factories
from tests.audit.support import (
    AUDIT_URL,
    admin_post,
    audit_rows,
    change_url,
    changes_of,
)
from tests.courses.gradebook_support import components, enrolments, make_instructor, running_cohort
from tests.readiness.deployment_support import START, plain_role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.audit.urls")]

D = Decimal


@pytest.fixture
def signed_in_admin(client, administrator):
    client.force_login(administrator)
    return administrator


def only(rows, kind, action=None):
    found = [row for row in rows if row.kind.code == kind and action in (None, row.action)]
    assert found, f"no {kind} {action or ''} row in {[(r.kind.code, r.action) for r in rows]}"
    return found


def assert_recent(entry):
    assert timezone.now() - entry.when < dt.timedelta(minutes=5)


# Who may read it


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(AUDIT_URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["registrar", "instructor", "commander"])
def test_other_roles_are_refused(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.get(AUDIT_URL).status_code == 403


def test_a_user_without_a_role_is_refused_even_as_staff(client):
    client.force_login(factories.UserFactory(username="staffer", is_staff=True))
    assert client.get(AUDIT_URL).status_code == 403


def test_administrators_read_it(client, signed_in_admin):
    response = client.get(AUDIT_URL)
    assert response.status_code == 200
    assert b'data-testid="audit-filters"' in response.content


def test_a_post_is_not_allowed(client, signed_in_admin):
    assert client.post(AUDIT_URL).status_code == 405


# Each sensitive kind


def test_a_score_change_shows_who_and_old_and_new(client, signed_in_admin):
    teacher = make_instructor("aliya", first_name="Aliya", last_name="Seitkali")
    colleague = make_instructor("marat", first_name="Marat", last_name="Ospanov")
    cohort = running_cohort(trainees=1, instructors=[teacher, colleague], code="UNSOC-2026-07")
    trainee = enrolments(cohort)[0]
    written, _field = components(cohort)
    cell = (trainee.pk, written.pk)
    results_record(cohort=cohort, scores={cell: D("70")}, seen={}, by=teacher)
    results_record(cohort=cohort, scores={cell: D("74.5")}, seen={cell: D("70")}, by=colleague)
    results_record(cohort=cohort, scores={cell: None}, seen={cell: D("74.5")}, by=teacher)

    cleared, changed, created = only(audit_rows(client, kind="score"), "score")
    assert (cleared.action, cleared.who) == ("-", teacher)
    assert (changed.action, changed.who) == ("~", colleague)
    assert changes_of(changed) == {"score": ("70.00", "74.50")}
    assert (created.action, created.who) == ("+", teacher)
    assert changes_of(created)["score"] == ("", "70.00")
    assert trainee.person.full_name in changed.object_name
    assert "Written exam" in changed.object_name
    assert changed.object_url == f"/courses/enrolments/{trainee.pk}/results/"
    assert_recent(changed)
    page = client.get(AUDIT_URL, {"kind": "score"}).content.decode()
    assert "Marat Ospanov" in page
    assert "74.50" in page


def test_certification_revoke_and_reissue_show_who_and_what(client, signed_in_admin, registrar):
    person = factories.PersonFactory(last_name="Abenov", first_name="Arman")
    certification = factories.CertificationFactory(person=person, number="UNSOC-2026-0001")
    certification_revoke(certification=certification, by=registrar, reason="Issued in error")

    rows = audit_rows(client, kind="certification")
    revoked = only(rows, "certification", "~")[0]
    assert revoked.who == registrar
    changes = changes_of(revoked)
    assert changes["revocation reason"] == ("—", "Issued in error")
    assert changes["revoked by"] == ("—", str(registrar))
    assert revoked.object_name == f"UNSOC-2026-0001 · Abenov Arman ({person.service_number})"
    assert_recent(revoked)

    certification = factories.CertificationFactory(person=person, number="UNSOC-2026-0002")
    reissued = certification_reissue(certification=certification, by=registrar, reason="Lost")
    rows = audit_rows(client, kind="certification", user=registrar.pk)
    issued = [row for row in rows if row.action == "+"]
    assert [row.object_id for row in issued] == [reissued.pk]
    assert issued[0].who == registrar
    assert changes_of(issued[0])["supersedes"] == ("", "UNSOC-2026-0002")
    assert changes_of(issued[0])["source"] == ("", "reissued")


def test_a_deployment_planned_with_an_override_shows_who_and_the_reason(
    client, signed_in_admin, administrator
):
    person = factories.PersonFactory()  # not ready: no medical clearance, no passport
    deployment = deployment_plan(
        person=person,
        mission=factories.MissionFactory(),
        contingent=None,
        role=plain_role(),
        starts_on=START,
        months=12,
        by=administrator,
        override_reason="Passport renewal under way.",
    )

    (planned,) = only(audit_rows(client, kind="deployment"), "deployment", "+")
    assert planned.who == administrator
    assert planned.object_id == deployment.pk
    changes = changes_of(planned)
    assert changes["readiness override reason"] == ("", "Passport renewal under way.")
    assert changes["override recorded by"] == ("", str(administrator))
    assert changes["status"] == ("", "planned")
    assert changes["role"] == ("", "Plain role")
    assert planned.object_url == f"/personnel/people/{person.pk}/"


def test_a_requirement_profile_edited_in_the_admin_shows_fields_and_sets(
    client, signed_in_admin, administrator
):
    profile = factories.RequirementProfileFactory(name="Sector staff", min_speaking=2)
    unsoc = factories.CertificationTypeFactory(code="UNSOC", name="UN Staff Officer")
    profile.required_certifications.add(unsoc)
    heat = factories.CertificationTypeFactory(code="HEAT", name="Hostile Environment")
    admin_post(
        client,
        change_url(profile),
        {"min_speaking": "4", "required_certifications": [str(unsoc.pk), str(heat.pk)]},
    )

    rows = only(
        audit_rows(client, kind="requirement_profile", user=administrator.pk),
        "requirement_profile",
        "~",
    )
    # One row per real change: the admin's save of the other, unchanged set left none.
    fields_row, set_row = sorted(rows, key=lambda row: row.when)
    assert {fields_row.who, set_row.who} == {administrator}
    assert changes_of(fields_row) == {"minimum speaking": ("2", "4")}
    assert changes_of(set_row) == {"required certifications": ("UNSOC", "HEAT, UNSOC")}
    assert fields_row.object_name == "Sector staff"
    assert fields_row.object_url == change_url(profile)


def test_a_seeded_profile_changed_shows_its_earlier_values_as_not_recorded(client, signed_in_admin):
    profile = RequirementProfile.objects.get(code="staff-officer")  # migration 0006's
    admin_post(client, change_url(profile), {"min_age": "30"})

    (row,) = only(audit_rows(client, kind="requirement_profile"), "requirement_profile", "~")
    assert changes_of(row)["minimum age"] == ("not recorded", "30")


def test_roles_and_flags_changed_in_the_admin_show_who_did_it(
    client, signed_in_admin, administrator
):
    clerk = factories.UserFactory(username="clerk", roles=[Role.INSTRUCTOR])
    registrar_group = Group.objects.get(name=Role.REGISTRAR.value)
    admin_post(
        client,
        change_url(clerk),
        {"groups": [str(registrar_group.pk)], "is_staff": True, "is_active": False},
    )

    rows = only(audit_rows(client, kind="role", user=administrator.pk), "role", "~")
    assert {row.object_id for row in rows} == {clerk.pk}
    assert {row.who for row in rows} == {administrator}
    # The admin saves the flags, then takes the old role away and gives the new one.
    flags, removed, added = sorted(rows, key=lambda row: row.when)
    assert changes_of(flags) == {"active": ("yes", "no"), "staff status": ("no", "yes")}
    assert changes_of(removed) == {"groups": ("Instructor", "—")}
    assert changes_of(added) == {"groups": ("—", "Registrar")}
    assert added.object_url == change_url(clerk)
    page = client.get(AUDIT_URL, {"kind": "role"}).content.decode()
    assert "Registrar" in page
    assert "staff status" in page.lower()


def test_a_role_given_from_the_group_side_is_recorded_on_the_user(client, signed_in_admin):
    clerk = factories.UserFactory(username="clerk")
    Group.objects.get(name=Role.COMMANDER.value).user_set.add(clerk)

    rows = only(audit_rows(client, kind="role", action="~"), "role", "~")
    (row,) = [row for row in rows if row.object_id == clerk.pk]
    assert changes_of(row) == {"groups": ("—", "Commander")}


def test_a_sign_in_leaves_no_row(client, signed_in_admin):
    clerk = factories.UserFactory(username="clerk")
    count = clerk.history.count()
    client.force_login(clerk)  # saves last_login
    assert clerk.history.count() == count


def test_a_unit_commander_changed_in_the_admin_shows_old_and_new(
    client, signed_in_admin, administrator, commander
):
    other = factories.UserFactory(username="ospanov", first_name="Marat", last_name="Ospanov")
    unit = factories.UnitFactory(code="KAZBAT", name="Peacekeeping Battalion", commander=commander)
    admin_post(client, change_url(unit), {"commander": str(other.pk)})

    (row,) = only(audit_rows(client, kind="unit", action="~"), "unit", "~")
    assert row.who == administrator
    assert changes_of(row) == {"commander": (str(commander), "Marat Ospanov")}
    assert row.object_name == "KAZBAT Peacekeeping Battalion"
    assert Unit.objects.get(pk=unit.pk).commander == other


# Filters


def test_filters_by_kind_user_action_and_dates(client, signed_in_admin, registrar, administrator):
    first = factories.CertificationFactory(number="UNSOC-2026-0011")
    second = factories.CertificationFactory(number="UNSOC-2026-0012")
    certification_revoke(certification=first, by=registrar, reason="Error")
    certification_revoke(certification=second, by=administrator, reason="Error")
    today = timezone.localdate()

    by_registrar = audit_rows(client, kind="certification", user=registrar.pk)
    assert [(row.object_id, row.who) for row in by_registrar] == [(first.pk, registrar)]
    changed = audit_rows(client, kind="certification", action="~")
    assert [row.object_id for row in changed] == [second.pk, first.pk]  # newest first
    assert audit_rows(client, date_from=today, date_to=today, kind="certification")
    assert not audit_rows(client, date_to=today - dt.timedelta(days=1))
    assert not audit_rows(client, date_from=today + dt.timedelta(days=1))


def test_a_date_range_backwards_is_refused_on_the_form(client, signed_in_admin):
    response = client.get(AUDIT_URL, {"date_from": "2026-12-05", "date_to": "2026-12-01"})
    assert response.status_code == 200
    assert response.context["entries"] == []
    assert "The end of the date range is before its start." in response.content.decode()
    response = client.get(AUDIT_URL, {"kind": "nonsense"})
    assert "Select a valid choice" in response.content.decode()


def test_fifty_a_page_newest_first(signed_in_admin, registrar):
    for n in range(53):
        certification = factories.CertificationFactory(number=f"UNSOC-2026-{n + 100:04d}")
        certification._history_user = registrar
        certification.revocation_reason = "x"
        certification.save()
    page, entries = audit_page(kinds=["certification"])
    assert page.paginator.count == 106
    assert len(entries) == 50
    dates = [entry.when for entry in entries]
    assert dates == sorted(dates, reverse=True)
    page, entries = audit_page(kinds=["certification"], page_number=3)
    assert len(entries) == 6


# Queries


def grow(n: int, by) -> None:
    """`n` more changes of every kind."""
    for _ in range(n):
        person = factories.PersonFactory()
        certification = factories.CertificationFactory(person=person)
        certification_revoke(certification=certification, by=by, reason="Error")
        unit = factories.UnitFactory()
        unit.commander = by
        unit.save()
        profile = factories.RequirementProfileFactory()
        profile.allowed_ranks.add(factories.RankFactory())
        profile.required_certifications.add(factories.CertificationTypeFactory())
        user = factories.UserFactory(roles=[Role.REGISTRAR])
        user.groups.clear()


def test_the_page_takes_the_same_queries_at_two_sizes(
    client, signed_in_admin, administrator, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grow(2, administrator)
    with CaptureQueriesContext(connection) as small:
        response = client.get(AUDIT_URL)
    rows_small = len(response.context["entries"])
    grow(10, administrator)
    with django_assert_num_queries(len(small)):
        response = client.get(AUDIT_URL)
    assert len(response.context["entries"]) == 50 > rows_small


def test_the_date_range_is_whole_local_days(client, signed_in_admin, registrar):
    today = timezone.localdate()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    certification = factories.CertificationFactory()
    certification._history_user = registrar
    certification._history_date = midnight - dt.timedelta(minutes=1)  # yesterday, 23:59
    certification.revocation_reason = "Late"
    certification.save()
    yesterday = today - dt.timedelta(days=1)

    late = audit_rows(
        client, kind="certification", action="~", date_from=yesterday, date_to=yesterday
    )
    assert [row.object_id for row in late] == [certification.pk]
    assert not audit_rows(client, kind="certification", action="~", date_from=today, date_to=today)
