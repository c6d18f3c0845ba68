"""Enrolment: who may join a cohort, its waitlist, and partner countries' nominations.

One module per concern: `eligibility` (who may join), `plan` (the preview and its
fingerprint), `apply` (writing it), `waitlist` (promotion, positions, the promotion e-mail),
`withdrawal` and `nominations` (status changes); `rules` holds what they share. Import the
public names from this package.

One engine serves the three ways in (one person, a unit and the units under it, a list of
service numbers): `enrolment_plan` says, writing nothing, who would be enrolled, waitlisted,
nominated or refused and why; `enrolment_apply` locks the cohort row, recomputes the plan
inside the lock and writes it only if it is still what the registrar previewed.

Decisions this module makes:
- Cohorts take enrolments while planned, open or in progress (late joiners in the first days
  are the registrar's call); finalised and cancelled cohorts take none, and their waitlists
  no longer move.
- An enrolment is *active* (a place or a claim on one) when nominated, enrolled, waitlisted,
  passed or failed. Active enrolments in other non-cancelled cohorts at overlapping dates
  refuse a candidate; an active enrolment in this cohort means "already enrolled".
- Someone withdrawn or declined may come back: their row (one per person per cohort, a
  database constraint) is brought back to enrolled, waitlisted or nominated.
- Partner countries' candidates (nationality other than HOME_COUNTRY), and everyone when the
  registrar records nominations explicitly, are nominated: no seat until a registrar approves.
- Free seats go to the waitlist before newcomers: the plan counts seats as if the waitlist
  had been served, and `enrolment_apply` serves it first.
- Every seat-changing write locks the cohort row first (select_for_update), so two
  registrars never give away the same last seat.
"""

from courses.services.enrolment.apply import enrolment_apply
from courses.services.enrolment.eligibility import (
    Candidate,
    Findings,
    register_eligibility_check,
)
from courses.services.enrolment.nominations import nomination_approve, nomination_decline
from courses.services.enrolment.plan import (
    OUTCOME_LABELS,
    EnrolmentPlan,
    EnrolmentPlanStale,
    Outcome,
    PlanLine,
    enrolment_plan,
)
from courses.services.enrolment.rules import (
    ACTIVE_STATUSES,
    ENROLLING_STATUSES,
    HOME_COUNTRY,
    MAX_CANDIDATES,
    WITHDRAWABLE,
)
from courses.services.enrolment.waitlist import (
    enrolment_promotion_notify,
    waitlist_move,
    waitlist_promote,
)
from courses.services.enrolment.withdrawal import enrolment_withdraw, enrolments_withdraw_all

__all__ = [
    "ACTIVE_STATUSES",
    "ENROLLING_STATUSES",
    "HOME_COUNTRY",
    "MAX_CANDIDATES",
    "OUTCOME_LABELS",
    "WITHDRAWABLE",
    "Candidate",
    "EnrolmentPlan",
    "EnrolmentPlanStale",
    "Findings",
    "Outcome",
    "PlanLine",
    "enrolment_apply",
    "enrolment_plan",
    "enrolment_promotion_notify",
    "enrolment_withdraw",
    "enrolments_withdraw_all",
    "nomination_approve",
    "nomination_decline",
    "register_eligibility_check",
    "waitlist_move",
    "waitlist_promote",
]
