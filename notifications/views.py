"""The signed-in user's own reminders."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from notifications import selectors, wording

PAGE_SIZE = 25


def reminder_list(request: HttpRequest) -> HttpResponse:
    """Every signed-in user, whatever their roles: the reminders addressed to their own
    account, newest first, each as its sentence with a link to what it is about (when they may
    open it) and whether it was mailed. Nobody sees anyone else's."""
    paginator = Paginator(selectors.reminder_list(user=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    reminders = list(page.object_list)
    links = selectors.reminder_links(user=request.user, reminders=reminders)
    rows = [
        {
            "reminder": reminder,
            "text": wording.sentence(reminder, today=today),
            "url": links[reminder.pk],
        }
        for reminder in reminders
    ]
    return render(
        request,
        "notifications/reminder_list.html",
        {
            "page": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "rows": rows,
        },
    )
