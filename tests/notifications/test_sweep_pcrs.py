"""The PCRS sweeps: pledges due for renewal (30, 7 days, the day, overdue once per cycle) to
the unit's commander; corrective actions past their due day to their owner and the
commander, once; each run records nothing twice, in a fixed number of queries."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import Role
from notifications import wording
from notifications.models import Reminder
from notifications.selectors import reminder_links
from notifications.services import sweep_pcrs_actions_overdue, sweep_pcrs_renewals
from readiness.models import PCRSPledge, UnitReadinessAssessment, VisitFinding
from tests import factories
from tests.notifications.support import ON, commanded_unit, days, recorded

pytestmark = pytest.mark.django_db

RENEWAL, OVERDUE = "pcrs_renewal_due", "pcrs_action_overdue"


def pledge(unit, due_in: int) -> PCRSPledge:
    return PCRSPledge.objects.create(
        unit=unit,
        registered_on=days(-400),
        capability="Infantry company (120)",
        level="1",
        level_since=days(-400),
        renewal_due_on=days(due_in),
    )


def finding(unit, due_in: int, **values) -> VisitFinding:
    visit = UnitReadinessAssessment.objects.create(
        unit=unit, assessed_on=days(-60), kind="aav", outcome="conditional", assessed_by="UN"
    )
    return VisitFinding.objects.create(
        visit=visit,
        finding="Radios",
        corrective_action="Issue radios",
        due_on=days(due_in),
        **values,
    )


@pytest.mark.parametrize(
    ("due_in", "step"),
    [(31, None), (30, "30"), (8, "30"), (7, "7"), (1, "7"), (0, "0"), (-1, "late"), (-90, "late")],
)
def test_a_renewal_is_reminded_at_the_smallest_step_that_applies(due_in, step):
    unit = commanded_unit()
    made = pledge(unit, due_in)
    sweep_pcrs_renewals(on=ON)
    expected = (
        set()
        if step is None
        else {(RENEWAL, made.pk, f"{days(due_in).isoformat()}/{step}", "cmdr@mod.kz")}
    )
    assert recorded() == expected


def test_a_renewal_is_reminded_once_and_again_in_the_next_cycle():
    made = pledge(commanded_unit(), 7)
    assert sweep_pcrs_renewals(on=ON) == 1
    assert sweep_pcrs_renewals(on=ON) == 0
    assert sweep_pcrs_renewals(on=days(1)) == 0  # still the 7-day step of the same due day
    PCRSPledge.objects.filter(pk=made.pk).update(renewal_due_on=days(180))
    assert sweep_pcrs_renewals(on=days(160)) == 1  # renewed: the next due day is reminded
    assert Reminder.objects.count() == 2


def test_the_nearest_commander_above_is_told_and_nobody_without_one():
    battalion = commanded_unit("KAZBAT", "bn@mod.kz")
    company = factories.UnitFactory(code="KAZBAT-1", parent=battalion)
    lonely = factories.UnitFactory(code="LONE")
    pledge(company, 5)
    pledge(lonely, 5)
    sweep_pcrs_renewals(on=ON)
    assert {r[3] for r in recorded()} == {"bn@mod.kz"}


def test_an_overdue_action_is_told_to_its_owner_and_the_commander_once():
    unit = commanded_unit()
    owner = factories.UserFactory(username="s4", email="S4@mod.kz")
    late = finding(unit, -1, owner=owner)
    finding(unit, 0, owner=owner)  # due today: not overdue yet
    finding(unit, -5, closed_on=days(-1), closure_note="Done")  # closed: nothing
    assert sweep_pcrs_actions_overdue(on=ON) == 2
    assert recorded() == {
        (OVERDUE, late.pk, f"{days(-1).isoformat()}/late", "s4@mod.kz"),
        (OVERDUE, late.pk, f"{days(-1).isoformat()}/late", "cmdr@mod.kz"),
    }
    assert sweep_pcrs_actions_overdue(on=days(1)) == 2  # the other one, now overdue: both told
    assert sweep_pcrs_actions_overdue(on=days(2)) == 0


def test_an_inactive_owner_is_not_told():
    unit = commanded_unit()
    gone = factories.UserFactory(username="gone", email="gone@mod.kz", is_active=False)
    finding(unit, -1, owner=gone)
    sweep_pcrs_actions_overdue(on=ON)
    assert {r[3] for r in recorded()} == {"cmdr@mod.kz"}


@pytest.mark.parametrize("count", [1, 15])
def test_the_sweeps_take_a_fixed_number_of_queries(count, django_assert_max_num_queries):
    unit = commanded_unit()
    for index in range(count):
        pledge(factories.UnitFactory(code=f"C{index}", parent=unit), index % 30)
        finding(unit, -1 - index)
    with django_assert_max_num_queries(4):
        sweep_pcrs_renewals(on=ON)
    with django_assert_max_num_queries(4):
        sweep_pcrs_actions_overdue(on=ON)


def test_the_sentences_and_links_lead_to_the_units_pcrs_page(client):
    unit = commanded_unit()
    pledge(unit, -2)
    finding(unit, -3)
    sweep_pcrs_renewals(on=ON)
    sweep_pcrs_actions_overdue(on=ON)
    renewal = Reminder.objects.get(kind=RENEWAL)
    action = Reminder.objects.get(kind=OVERDUE)
    assert "renew it" in wording.sentence(renewal, today=ON)
    assert "Issue radios" in wording.sentence(action, today=ON)
    page = reverse("readiness:unit_pcrs", args=[unit.pk])
    assert wording.link(renewal) == page
    commander = unit.commander
    commander.groups.add(Group.objects.get(name=Role.COMMANDER.value))
    links = reminder_links(user=commander, reminders=[renewal, action])
    assert links == {renewal.pk: page, action.pk: page}
    client.force_login(commander)
    assert client.get(page).status_code == 200
    stranger = factories.UserFactory(username="other", roles=[Role.COMMANDER])
    assert set(reminder_links(user=stranger, reminders=[renewal, action]).values()) == {None}
