"""Reads for contingents and rotations: which contingents a user manages, a contingent's posts
filled / open / at risk per role, and the roster proposed for a rotation.

A post is filled by a tour of the contingent in its role that still holds it
(`filling_deployments`: every status but cancelled, returned and repatriated; one function so
the deployment lifecycle can change the rule in one place). At risk: a tour filling a post
whose person is not ready over the contingent's whole tour by the engine's verdict (a record
lapsing before the contingent ends, or a requirement not met, as when planned with an
override).

Every read is a fixed number of queries, however many people or posts: the engine runs once
per role of the contingent (tests/readiness/test_contingents_selectors.py asserts it).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from accounts.roles import Role, has_role
from personnel.models import Person, Unit
from personnel.scope import personal_records_for, units_for
from readiness.deployability import PERSON_FACTS, PersonReadiness, Verdict, deployability
from readiness.models import Contingent, ContingentPost, Deployment, RequirementProfile
from readiness.selectors.units import ancestor_paths

if TYPE_CHECKING:
    from accounts.models import User

# Statuses of a tour that no longer holds its post. The lifecycle (issue 14, point 2) adds
# "returned"; listed as values so this module does not wait for it.
NOT_FILLING = ("cancelled", "returned", "repatriated")
# Who may create contingents, edit them and fill their posts: commanders in their subtree,
# administrators everywhere. Registrars read.
MANAGERS = (Role.COMMANDER, Role.ADMINISTRATOR)


def filling_deployments(deployments: QuerySet[Deployment]) -> QuerySet[Deployment]:
    """The tours of `deployments` that hold a post (see NOT_FILLING)."""
    return deployments.exclude(status__in=NOT_FILLING)


def may_manage_contingents(user: User) -> bool:
    return has_role(user, *MANAGERS)


def managed_units(user: User) -> QuerySet[Unit]:
    """Units whose contingents `user` manages: all for administrators, a commander's subtree,
    none for anyone else."""
    if has_role(user, Role.ADMINISTRATOR):
        return Unit.objects.all()
    if has_role(user, Role.COMMANDER):
        return units_for(user)
    return Unit.objects.none()


def managed_contingents(user: User) -> QuerySet[Contingent]:
    """Contingents of the units `user` manages."""
    return Contingent.objects.filter(unit__in=managed_units(user))


def manages(user: User, contingent: Contingent) -> bool:
    """Whether `user` manages `contingent` (its unit loaded): one query for a commander."""
    if has_role(user, Role.ADMINISTRATOR):
        return True
    if not has_role(user, Role.COMMANDER):
        return False
    above = ancestor_paths(contingent.unit.path)
    return Unit.objects.filter(commander=user, path__in=above).exists()


def tour_window(contingent: Contingent, *, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days the engine judges a contingent's people over: from its first day (or today,
    once it has begun) to its last day."""
    on = min(max(contingent.starts_on, today), contingent.ends_on)
    return on, contingent.ends_on


def _profiles(role_ids) -> dict[int, RequirementProfile]:
    profiles = RequirementProfile.objects.filter(pk__in=role_ids).prefetch_related(
        "required_certifications", "allowed_ranks"
    )
    return {profile.pk: profile for profile in profiles}


# -- the roster by role ---------------------------------------------------------------------


@dataclass
class AtRisk:
    deployment: Deployment
    readiness: PersonReadiness
    visible: bool  # whether the user may read this person's records (name and reasons)

    @property
    def reasons(self) -> list[str]:
        return [
            check.reason or check.requirement.label
            for check in self.readiness.checks
            if check.verdict != Verdict.MET
        ]


@dataclass
class PostRow:
    """One role of a contingent: its posts, the tours filling them, who of them is at risk."""

    role: RequirementProfile
    posts: int
    filled: int = 0
    at_risk: list[AtRisk] = field(default_factory=list)

    @property
    def open(self) -> int:
        return max(self.posts - self.filled, 0)

    @property
    def over(self) -> int:
        """Tours beyond the posts (a count lowered after planning, or tours planned before
        the posts were set)."""
        return max(self.filled - self.posts, 0)


@dataclass
class PostsSummary:
    rows: list[PostRow]
    unposted: int  # tours filling no post of the contingent (a role it has no posts for)

    @property
    def posts(self) -> int:
        return sum(row.posts for row in self.rows)

    @property
    def filled(self) -> int:
        return sum(min(row.filled, row.posts) for row in self.rows)

    @property
    def open(self) -> int:
        return sum(row.open for row in self.rows)

    @property
    def at_risk(self) -> int:
        return sum(len(row.at_risk) for row in self.rows)


def posts_summary(
    *, contingent: Contingent, user: User, today: dt.date | None = None
) -> PostsSummary:
    """Per role: posts, filled, open and at risk (the engine over the contingent's tour for
    the people filling its posts). Counts every tour, whoever may see its person: posts are
    not personal; who is at risk and why is, so each at-risk entry says whether `user` may
    read that person's records (personal_records_for). Queries: posts, tours, the engine
    once per role with tours, and one for the user's scope when someone is at risk."""
    today = today or timezone.localdate()
    posts = list(
        ContingentPost.objects.filter(contingent=contingent)
        .select_related("role")
        .order_by("role__name", "pk")
    )
    rows = {post.role_id: PostRow(role=post.role, posts=post.count) for post in posts}
    if not rows:
        return PostsSummary(rows=[], unposted=0)
    tours = list(
        filling_deployments(Deployment.objects.filter(contingent=contingent))
        .select_related("person__rank")
        .order_by("person__search_text", "pk")
    )
    by_role: dict[int, list[Deployment]] = defaultdict(list)
    unposted = 0
    for tour in tours:
        if tour.role_id in rows:
            rows[tour.role_id].filled += 1
            by_role[tour.role_id].append(tour)
        else:
            unposted += 1
    on, ends_on = tour_window(contingent, today=today)
    profiles = _profiles(by_role) if by_role else {}
    for role_id, role_tours in by_role.items():
        verdicts = deployability(
            people=[tour.person for tour in role_tours],
            profile=profiles[role_id],
            on=on,
            tour_ends_on=ends_on,
        )
        for tour in role_tours:
            readiness = verdicts[tour.person_id]
            if readiness.verdict != Verdict.MET:
                rows[role_id].at_risk.append(AtRisk(tour, readiness, visible=False))
    risky = [entry for row in rows.values() for entry in row.at_risk]
    if risky:
        ids = {entry.deployment.person_id for entry in risky}
        visible = set(personal_records_for(user).filter(pk__in=ids).values_list("pk", flat=True))
        for entry in risky:
            entry.visible = entry.deployment.person_id in visible
    return PostsSummary(rows=list(rows.values()), unposted=unposted)


# -- the proposal for a rotation --------------------------------------------------------------

PROPOSAL_FACTS = (
    *PERSON_FACTS,
    "service_number",
    "last_name",
    "first_name",
    "rank__name",
    "unit__code",
    "search_text",
)


@dataclass
class Candidate:
    person: object  # a row of PROPOSAL_FACTS
    readiness: PersonReadiness

    @property
    def lapsing(self) -> list:
        return [check for check in self.readiness.checks if check.verdict == Verdict.LAPSING]


@dataclass
class ProposalRow:
    role: RequirementProfile
    open: int
    candidates: list[Candidate]  # at most `open`, each person in one role only
    ready: int  # how many of the unit's people were ready for the role (before sharing out)


@dataclass
class Proposal:
    contingent: Contingent
    rows: list[ProposalRow]
    considered: int  # the unit subtree's active people free over the tour

    @property
    def proposed(self) -> int:
        return sum(len(row.candidates) for row in self.rows)


def proposal_people(contingent: Contingent) -> QuerySet[Person]:
    """Active people of the contingent's unit and every unit under it with no tour (but a
    cancelled one) on any day of the contingent's window: the rule deployment_plan refuses
    overlaps by. People already filling one of the contingent's posts are left out too."""
    busy = Deployment.objects.filter(
        starts_on__lte=contingent.ends_on, ends_on__gte=contingent.starts_on
    ).exclude(status="cancelled")
    serving = filling_deployments(Deployment.objects.filter(contingent=contingent))
    return (
        Person.objects.active()
        .filter(unit__path__startswith=contingent.unit.path)
        .exclude(pk__in=busy.values("person_id"))
        .exclude(pk__in=serving.values("person_id"))
    )


def rotation_proposal(*, contingent: Contingent, today: dt.date | None = None) -> Proposal:
    """The roster proposed for `contingent`'s open posts: the people of its unit's subtree who
    are free and ready over its tour, each with the engine's verdict. Ready people whose
    records all hold to the end come first, then those with a record lapsing before it (they
    need renewing); by name within each. A person is proposed for one role only: roles with
    the fewest ready people are served first. Queries: the contingent, the posts, the tours,
    the people, and the engine once per role with open posts."""
    today = today or timezone.localdate()
    # Read afresh: the unit's path is what the subtree is found by (paths move when units
    # are added beside it).
    contingent = Contingent.objects.select_related("mission", "unit").get(pk=contingent.pk)
    summary = posts_summary_counts(contingent=contingent)
    # Loaded once and handed to the engine as the queryset: it reuses the rows and reads the
    # records through a subquery of it rather than a list of a thousand ids.
    rows = proposal_people(contingent).values_list(*PROPOSAL_FACTS, named=True)
    people = list(rows)
    on, ends_on = tour_window(contingent, today=today)
    open_roles = [(post, open_) for post, open_ in summary if open_ > 0]
    profiles = _profiles([post.role_id for post, _open in open_roles]) if people else {}
    ready: dict[int, list[Candidate]] = {}
    for post, _open in open_roles:
        if not people:
            ready[post.role_id] = []
            continue
        verdicts = deployability(
            people=rows, profile=profiles[post.role_id], on=on, tour_ends_on=ends_on
        )
        candidates = [
            Candidate(person=readiness.person, readiness=readiness)
            for readiness in verdicts.values()
            if readiness.ready
        ]
        candidates.sort(
            key=lambda c: (c.readiness.verdict != Verdict.MET, c.person.search_text, c.person.pk)
        )
        ready[post.role_id] = candidates
    taken: set[int] = set()
    chosen: dict[int, list[Candidate]] = {}
    for post, open_ in sorted(
        open_roles, key=lambda item: (len(ready[item[0].role_id]), item[0].pk)
    ):
        picks = []
        for candidate in ready[post.role_id]:
            if len(picks) == open_:
                break
            if candidate.person.pk not in taken:
                taken.add(candidate.person.pk)
                picks.append(candidate)
        chosen[post.role_id] = picks
    proposal_rows = [
        ProposalRow(
            role=post.role,
            open=open_,
            candidates=chosen.get(post.role_id, []),
            ready=len(ready.get(post.role_id, [])),
        )
        for post, open_ in summary
    ]
    return Proposal(contingent=contingent, rows=proposal_rows, considered=len(people))


def posts_summary_counts(*, contingent: Contingent) -> list[tuple[ContingentPost, int]]:
    """Each post row of the contingent (role loaded) with its open count: two queries."""
    posts = list(
        ContingentPost.objects.filter(contingent=contingent)
        .select_related("role")
        .order_by("role__name", "pk")
    )
    filled: dict[int, int] = defaultdict(int)
    for role_id in filling_deployments(
        Deployment.objects.filter(contingent=contingent)
    ).values_list("role_id", flat=True):
        filled[role_id] += 1
    return [(post, max(post.count - filled[post.role_id], 0)) for post in posts]
