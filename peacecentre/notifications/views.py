"""The signed-in user's own reminders."""

from django.http import Http404, HttpRequest, HttpResponse


def reminder_list(request: HttpRequest) -> HttpResponse:
    raise Http404  # placeholder: issue 6 builds it
