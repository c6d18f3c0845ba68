"""{% report_offer kind key=value ... as offer %}: a domain page asks for its report button
here, so the pages' apps never import the reports app (docs/architecture.md). The offer is
None when the signed-in user could not request that report (reports/builders/offers.py)."""

from django import template

from reports.builders.offers import ReportOffer
from reports.builders.offers import report_offer as offer_for

register = template.Library()


@register.simple_tag(takes_context=True)
def report_offer(context, kind: str, **params) -> ReportOffer | None:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return offer_for(user=request.user, kind=kind, params=params)
