"""Writing an enrolment plan under the cohort lock, if it is still what was previewed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from courses.models import Cohort, Enrolment
from courses.services.enrolment.eligibility import Candidate
from courses.services.enrolment.plan import (
    EnrolmentPlan,
    EnrolmentPlanStale,
    Outcome,
    enrolment_plan,
)
from courses.services.enrolment.rules import (
    HOME_COUNTRY,
    cohort_lock,
    ensure_enrolling,
)
from courses.services.enrolment.waitlist import waitlist_serve
from personnel.models import Person

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def enrolment_apply(
    *,
    cohort: Cohort,
    person_ids: Sequence[int],
    expected: str | None,
    by: User | None,
    nominating_country: str = "",
    nominating_party: str = "",
) -> EnrolmentPlan:
    """Enrol, waitlist and nominate the people `person_ids` names (in that order), as
    `enrolment_plan` says; refused people are left out. Returns the plan that was applied.

    Locks the cohort, serves its waitlist from free seats first, then recomputes the plan
    inside the lock. When `expected` (a previewed plan's fingerprint) is given and the plan
    changed since, writes nothing and raises EnrolmentPlanStale carrying the fresh plan;
    with `expected=None` whatever the fresh plan says is applied (the last seat goes to
    whoever locks first; the other is waitlisted). History is written for every row. Raises
    ValidationError when the cohort takes no enrolments.
    """
    cohort = cohort_lock(cohort)
    ensure_enrolling(cohort)
    waitlist_serve(cohort, by=by)
    # The cohort lock serialises its seats; locking the people too (in primary-key order, so
    # two registrars never wait on each other in a cycle) serialises the overlap check of two
    # cohorts being filled at once with the same person.
    list(
        Person.objects.select_for_update()
        .filter(pk__in=set(person_ids))
        .order_by("pk")
        .values_list("pk")
    )
    people = Person.objects.select_related("rank", "unit").in_bulk(set(person_ids))
    candidates = [
        Candidate.of(people[pk]) if pk in people else Candidate(service_number=f"#{pk}")
        for pk in person_ids
    ]
    plan = enrolment_plan(
        cohort=cohort,
        people=candidates,
        by=by,
        nominating_country=nominating_country,
        nominating_party=nominating_party,
    )
    if expected is not None and plan.fingerprint != expected:
        raise EnrolmentPlanStale(plan)  # leaving the atomic block undoes the service above

    now = timezone.now()
    created: list[Enrolment] = []
    revived: list[Enrolment] = []
    for line in plan.lines:
        if line.outcome == Outcome.REFUSE:
            continue
        person = line.person
        values = {
            "status": {
                Outcome.ENROL: Enrolment.Status.ENROLLED,
                Outcome.WAITLIST: Enrolment.Status.WAITLISTED,
                Outcome.NOMINATE: Enrolment.Status.NOMINATED,
            }[line.outcome],
            "waitlist_position": line.waitlist_position,
            "nominating_country": "",
            "nominating_party": "",
        }
        if line.outcome == Outcome.NOMINATE:
            values["nominating_country"] = nominating_country or (
                person.nationality.code if person.nationality.code != HOME_COUNTRY else ""
            )
            values["nominating_party"] = nominating_party
        if line.existing is not None:
            enrolment = line.existing
            for name, value in values.items():
                setattr(enrolment, name, value)
            enrolment.status_reason = ""
            enrolment.promoted_at = None
            enrolment.promotion_notified_at = None
            enrolment.updated_at = now
            revived.append(enrolment)
        else:
            created.append(Enrolment(cohort=cohort, person=person, created_by=by, **values))
    if created:
        bulk_create_with_history(
            created, Enrolment, default_user=by, default_change_reason="enrolment_apply"
        )
    if revived:
        bulk_update_with_history(
            revived,
            Enrolment,
            [
                "status",
                "waitlist_position",
                "nominating_country",
                "nominating_party",
                "status_reason",
                "promoted_at",
                "promotion_notified_at",
                "updated_at",
            ],
            default_user=by,
            default_change_reason="enrolment_apply: back after withdrawal",
        )
    return plan
