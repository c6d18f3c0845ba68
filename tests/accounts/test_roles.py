"""Role groups, their permissions, and the scoping rules every page uses."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts import roles
from accounts.roles import Role
from courses import scope as course_scope
from personnel import scope
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_data_migration_created_the_four_roles():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.INSTRUCTOR, Role.COMMANDER])
def test_each_role_holds_exactly_its_listed_permissions(role):
    held = {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=role.value).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    assert held == set(roles.ROLE_PERMISSIONS[role])


def test_every_listed_permission_exists():
    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    listed = {name for names in roles.ROLE_PERMISSIONS.values() for name in names}
    assert listed - existing == set()


def test_administrators_hold_every_permission():
    assert (
        Group.objects.get(name=Role.ADMINISTRATOR).permissions.count() == Permission.objects.count()
    )


def test_sync_is_idempotent():
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    roles.sync_role_groups()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


def test_role_permissions_reach_the_user(registrar, instructor, commander):
    assert registrar.has_perm("personnel.change_person")
    assert not instructor.has_perm("personnel.change_person")
    assert instructor.has_perm("courses.change_assessmentresult")
    assert instructor.has_perm("courses.finalise_cohort")
    assert not commander.has_perm("courses.change_assessmentresult")
    assert commander.has_perm("personnel.view_readiness")


@pytest.fixture
def tree():
    """HQ > battalion > two companies; a police unit beside the battalion."""
    hq = factories.UnitFactory(code="HQ", kind="headquarters")
    battalion = factories.UnitFactory(code="KAZBAT", kind="battalion", parent=hq)
    company_1 = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    company_2 = factories.UnitFactory(code="KAZBAT-2", parent=battalion)
    police = factories.UnitFactory(code="POLICE", kind="police_unit", parent=hq)
    people = {
        unit.code: factories.PersonFactory(unit=unit)
        for unit in (hq, battalion, company_1, company_2, police)
    }
    return {
        "hq": hq,
        "battalion": battalion,
        "company_1": company_1,
        "company_2": company_2,
        "police": police,
        "people": people,
    }


def test_commander_sees_their_unit_and_every_unit_under_it(tree, commander):
    tree["battalion"].commander = commander
    tree["battalion"].save()
    assert set(scope.units_for(commander).values_list("code", flat=True)) == {
        "KAZBAT",
        "KAZBAT-1",
        "KAZBAT-2",
    }
    seen = set(scope.people_for(commander).values_list("unit__code", flat=True))
    assert seen == {"KAZBAT", "KAZBAT-1", "KAZBAT-2"}
    assert scope.can_see_person(commander, tree["people"]["KAZBAT-2"])
    assert not scope.can_see_person(commander, tree["people"]["POLICE"])
    assert not scope.can_see_person(commander, tree["people"]["HQ"])


def test_commander_of_two_units_sees_both_subtrees(tree, commander):
    for key in ("company_1", "police"):
        tree[key].commander = commander
        tree[key].save()
    assert set(scope.units_for(commander).values_list("code", flat=True)) == {"KAZBAT-1", "POLICE"}


def test_commander_of_a_sibling_with_a_shared_prefix_is_not_leaked(tree, commander):
    """Paths are fixed-width steps, so KAZBAT-1's path is not a prefix of KAZBAT-2's."""
    tree["company_1"].commander = commander
    tree["company_1"].save()
    assert set(scope.units_for(commander).values_list("code", flat=True)) == {"KAZBAT-1"}


def test_commander_without_a_unit_sees_nobody(tree, commander):
    assert not scope.units_for(commander).exists()
    assert not scope.people_for(commander).exists()


def test_commanding_a_unit_without_the_role_gives_no_scope(tree):
    user = factories.UserFactory()
    tree["battalion"].commander = user
    tree["battalion"].save()
    assert not scope.units_for(user).exists()


def test_instructor_sees_only_the_cohorts_they_teach(instructor):
    other = factories.UserFactory(roles=[Role.INSTRUCTOR])
    mine = factories.CohortFactory(instructors=[instructor])
    theirs = factories.CohortFactory(instructors=[other])
    assert list(course_scope.cohorts_for(instructor)) == [mine]
    assert course_scope.can_open_cohort(instructor, mine)
    assert not course_scope.can_open_cohort(instructor, theirs)


def test_instructor_sees_the_trainees_of_their_cohorts_only(instructor):
    mine = factories.CohortFactory(instructors=[instructor])
    theirs = factories.CohortFactory()
    trainee = factories.EnrolmentFactory(cohort=mine).person
    stranger = factories.EnrolmentFactory(cohort=theirs).person
    assert scope.can_see_person(instructor, trainee)
    assert not scope.can_see_person(instructor, stranger)


def test_registrar_and_administrator_see_everything(tree, registrar, administrator):
    cohort = factories.CohortFactory()
    for user in (registrar, administrator):
        assert scope.people_for(user).count() == 5
        assert scope.units_for(user).count() == 5
        assert course_scope.can_open_cohort(user, cohort)


def test_superuser_counts_as_administrator():
    superuser = factories.UserFactory(is_superuser=True)
    assert roles.roles_of(superuser) == {Role.ADMINISTRATOR}


def test_a_user_without_a_role_sees_nothing(tree):
    user = factories.UserFactory()
    factories.CohortFactory(instructors=[user])
    assert roles.roles_of(user) == set()
    assert not scope.people_for(user).exists()
    assert not course_scope.cohorts_for(user).exists()


def test_commander_and_instructor_together_see_both_scopes(tree):
    user = factories.UserFactory(roles=[Role.COMMANDER, Role.INSTRUCTOR])
    tree["police"].commander = user
    tree["police"].save()
    cohort = factories.CohortFactory(instructors=[user])
    trainee = factories.EnrolmentFactory(cohort=cohort).person
    seen = set(scope.people_for(user))
    assert seen == {tree["people"]["POLICE"], trainee}
