"""What enrolment learns from deployments (courses/services/enrolment/eligibility.py's hook,
registered by ReadinessConfig.ready()):

- a person on a tour (planned, confirmed or deployed) over any day of a cohort is refused,
  with the tour named; a tour holds its days from its actual departure (else its planned
  start) to its actual return (else its planned end), as the overlap rule does;
- a cohort during which some of the candidates are planned to depart warns the registrar on
  the enrol preview, one line per departure (mission, contingent, day, how many).

One query for any number of candidates.
"""

from __future__ import annotations

from collections import Counter

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.models import Cohort
from courses.services.enrolment import Findings
from readiness.models import Deployment
from readiness.models.missions import ACTIVE
from readiness.services.deployments import tour_name

NOT_DEPARTED = (Deployment.Status.PLANNED, Deployment.Status.CONFIRMED)


def tours_over_cohort(cohort: Cohort, person_ids: set[int]) -> Findings:
    findings = Findings()
    if not person_ids:
        return findings
    tours = (
        Deployment.objects.with_window()
        .filter(
            person_id__in=person_ids,
            status__in=ACTIVE,
            occupied_from__lte=cohort.ends_on,
            occupied_until__gte=cohort.starts_on,
        )
        .select_related("mission", "contingent", "role")
        .order_by("starts_on", "pk")
    )
    departures: Counter[tuple[str, str]] = Counter()
    for tour in tours:
        findings.reasons.setdefault(tour.person_id, []).append(
            _("on a tour during the cohort: %(tour)s") % {"tour": tour_name(tour)}
        )
        if tour.status in NOT_DEPARTED and cohort.starts_on <= tour.starts_on <= cohort.ends_on:
            where = tour.mission.acronym
            if tour.contingent_id:
                where = f"{where}, {tour.contingent.name}"
            day = formats.date_format(tour.starts_on, "SHORT_DATE_FORMAT")
            departures[day, where] += 1
    for (day, where), count in departures.items():
        findings.warnings.append(
            ngettext(
                "%(count)d of these people is planned to depart on %(day)s with %(where)s, "
                "during this cohort: they are refused. Consider other dates for the cohort.",
                "%(count)d of these people are planned to depart on %(day)s with %(where)s, "
                "during this cohort: they are refused. Consider other dates for the cohort.",
                count,
            )
            % {"count": count, "day": day, "where": where}
        )
    return findings
