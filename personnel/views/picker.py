"""The person picker's search: GET /personnel/people/search/?q=...&purpose=... answers the
people the user may pick for that purpose (personnel.picker) whose names or service number
match, at most SEARCH_LIMIT of them, as JSON. Signed-in users only (the login middleware);
a purpose the user may pick nobody for answers 403; a missing or unknown purpose, or a query
that is not a name (too long, control characters), 400. Each user's searches are throttled
(django-ratelimit, group "people-search", at settings.PEOPLE_SEARCH_RATE): past it, 429.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import get_usage

from personnel.picker import (
    QUERY_MAX_LENGTH,
    SEARCH_LIMIT,
    people_matching,
    person_row,
    picker_people,
    picker_purposes,
)

THROTTLE_GROUP = "people-search"


class PeopleSearchForm(forms.Form):
    q = forms.CharField(max_length=QUERY_MAX_LENGTH, required=False, strip=True)
    purpose = forms.ChoiceField(choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [(name, name) for name in picker_purposes()]

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if any(ord(char) < 32 or ord(char) == 127 for char in query):
            raise forms.ValidationError("control characters", code="invalid")
        return query


def _throttled(request: HttpRequest) -> JsonResponse | None:
    usage = get_usage(
        request,
        group=THROTTLE_GROUP,
        key="user_or_ip",
        rate=settings.PEOPLE_SEARCH_RATE,
        increment=True,
    )
    if not usage or not usage["should_limit"]:
        return None
    seconds = usage["time_left"] if usage["time_left"] > 0 else 60
    response = JsonResponse({"error": "throttled"}, status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_GET
@never_cache
def people_search(request: HttpRequest) -> JsonResponse:
    if throttled := _throttled(request):
        return throttled
    form = PeopleSearchForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": "bad request", "fields": sorted(form.errors)}, status=400)
    people = picker_people(request.user, form.cleaned_data["purpose"])
    if people is None:
        return JsonResponse({"error": "forbidden"}, status=403)
    matches = people_matching(people, form.cleaned_data["q"], limit=SEARCH_LIMIT + 1)
    return JsonResponse(
        {
            "results": [person_row(person) for person in matches[:SEARCH_LIMIT]],
            "more": len(matches) > SEARCH_LIMIT,
            "limit": SEARCH_LIMIT,
        }
    )
