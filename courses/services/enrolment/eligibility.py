"""Who may join a cohort: the checks `enrolment_plan` and `nomination_approve` apply,
read for all candidates at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Certification, CertificationType, Cohort, Enrolment
from courses.services.enrolment.rules import (
    ACTIVE_STATUSES,
)
from personnel.models import Category, Person


@dataclass(frozen=True)
class Candidate:
    """Someone to enrol as the registrar named them: `person` is None for a service number
    the register does not know; `row` is the file row they came from, if any."""

    service_number: str
    person: Person | None = None
    row: int | None = None

    @classmethod
    def of(cls, person: Person, *, row: int | None = None) -> Candidate:
        return cls(service_number=person.service_number, person=person, row=row)


@dataclass
class Findings:
    """What an extra check found for a cohort and its candidates: `reasons` refuse a person
    (by person id, in the registrar's words); `warnings` are for the registrar, about the
    cohort (shown on the enrol preview, refusing nobody)."""

    reasons: dict[int, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# Eligibility checks an app above courses adds, filled in its AppConfig.ready() (readiness: a
# tour over the cohort's dates), so that courses imports none of them. Each is called once per
# Eligibility with the cohort and every candidate's id, and must read them all at once: a fixed
# number of queries whatever the number of candidates.
EligibilityCheck = Callable[[Cohort, set[int]], Findings]
ELIGIBILITY_CHECKS: dict[str, EligibilityCheck] = {}


def register_eligibility_check(name: str, check: EligibilityCheck) -> None:
    """Add `check` to every eligibility reading (registering a name again replaces it)."""
    ELIGIBILITY_CHECKS[name] = check


class Eligibility:
    """Everything that decides whether people may join `cohort`, read for all of them at once:
    a fixed number of queries whatever their number."""

    def __init__(self, cohort: Cohort, person_ids: Iterable[int]):
        ids = set(person_ids)
        self.cohort = cohort
        self.course = cohort.course
        self.prerequisites: list[CertificationType] = list(self.course.prerequisites.all())
        self.today = timezone.localdate()
        self.certificates: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        if self.prerequisites and ids:
            rows = Certification.objects.filter(
                person_id__in=ids, certification_type__in=self.prerequisites
            ).values_list(
                "person_id", "certification_type_id", "issued_on", "valid_until", "revoked_at"
            )
            for person_id, type_id, issued_on, valid_until, revoked_at in rows:
                self.certificates[person_id, type_id].append((issued_on, valid_until, revoked_at))
        self.clashes: dict[int, list[Enrolment]] = defaultdict(list)
        if ids:
            overlapping = (
                Enrolment.objects.filter(
                    person_id__in=ids,
                    status__in=ACTIVE_STATUSES,
                    cohort__starts_on__lte=cohort.ends_on,
                    cohort__ends_on__gte=cohort.starts_on,
                )
                .exclude(cohort_id=cohort.pk)
                .exclude(cohort__status=Cohort.Status.CANCELLED)
                .select_related("cohort")
                .order_by("cohort__starts_on", "cohort__code")
            )
            for enrolment in overlapping:
                self.clashes[enrolment.person_id].append(enrolment)
        self.extra: dict[int, list[str]] = defaultdict(list)
        self.warnings: list[str] = []
        for _name, check in sorted(ELIGIBILITY_CHECKS.items()):
            findings = check(cohort, ids)
            for person_id, reasons in findings.reasons.items():
                self.extra[person_id] += reasons
            self.warnings += findings.warnings

    def reasons(self, person: Person) -> list[str]:
        """Why `person` may not join, in the registrar's words; empty when they may."""
        reasons: list[str] = []
        if not person.is_active:
            reasons.append(str(_("inactive person (not active in the register)")))
        if not self.course.admits_category(person.category):
            admitted = ", ".join(
                str(Category(c).label) if c in Category.values else c
                for c in self.course.admitted_categories
            )
            reasons.append(
                str(
                    _("category %(category)s not admitted by %(course)s (it admits %(admitted)s)")
                    % {
                        "category": person.get_category_display(),
                        "course": self.course.code,
                        "admitted": admitted,
                    }
                )
            )
        reasons += self._prerequisite_reasons(person)
        for other in self.clashes.get(person.pk, []):
            reasons.append(
                str(
                    _(
                        "another cohort at overlapping dates: %(cohort)s "
                        "(%(start)s to %(end)s, %(status)s)"
                    )
                    % {
                        "cohort": other.cohort.code,
                        "start": other.cohort.starts_on.isoformat(),
                        "end": other.cohort.ends_on.isoformat(),
                        "status": other.get_status_display(),
                    }
                )
            )
        reasons += self.extra.get(person.pk, [])
        return reasons

    def _prerequisite_reasons(self, person: Person) -> list[str]:
        starts_on = self.cohort.starts_on
        reasons = []
        for ctype in self.prerequisites:
            records = self.certificates.get((person.pk, ctype.pk), [])
            unrevoked = [(i, v) for i, v, revoked in records if revoked is None]
            if any(issued <= starts_on <= until for issued, until in unrevoked):
                continue
            held_before = [until for issued, until in unrevoked if issued <= starts_on]
            if not records:
                message = _("needs %(code)s certificate (none held)") % {"code": ctype.code}
            elif not unrevoked:
                message = _("%(code)s certificate revoked") % {"code": ctype.code}
            elif not held_before:
                message = _(
                    "%(code)s certificate issued only on %(date)s, after the cohort starts"
                ) % {
                    "code": ctype.code,
                    "date": min(issued for issued, _until in unrevoked).isoformat(),
                }
            elif (lapsed := max(held_before)) < self.today:
                message = _("%(code)s certificate lapsed %(date)s") % {
                    "code": ctype.code,
                    "date": lapsed.isoformat(),
                }
            else:
                message = _(
                    "%(code)s certificate lapses %(date)s, before the cohort starts on %(start)s"
                ) % {
                    "code": ctype.code,
                    "date": lapsed.isoformat(),
                    "start": starts_on.isoformat(),
                }
            reasons.append(str(message))
        return reasons
