"""Template helpers for a cohort's status: its badge colour and the moves offered from it.

{% load cohort_status %}
<span class="badge {{ cohort.status|cohort_status_badge }}">{{ cohort.get_status_display }}</span>
{% include "courses/_cohort_transitions.html" %}  {# buttons for registrars #}
"""

from django import template
from django.utils import timezone

from courses.models import Cohort
from courses.services.cohorts import Transition, cohort_transitions_offered

register = template.Library()

BADGES = {
    Cohort.Status.PLANNED: "text-bg-secondary",
    Cohort.Status.OPEN: "text-bg-primary",
    Cohort.Status.IN_PROGRESS: "text-bg-warning",
    Cohort.Status.FINALISED: "text-bg-success",
    Cohort.Status.CANCELLED: "text-bg-dark",
}


@register.filter
def cohort_status_badge(status: str) -> str:
    """Bootstrap badge classes for a cohort status."""
    return BADGES.get(status, "text-bg-light")


@register.simple_tag
def cohort_transitions_for(cohort: Cohort) -> tuple[Transition, ...]:
    """The status changes offered for `cohort` today (no query: they follow from its status
    and dates)."""
    return cohort_transitions_offered(cohort, today=timezone.localdate())
