from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .services import publish_failures


class OutboxNoticeMiddleware:
    """When a request saved work whose background task the broker refused (it is down), say
    that the work is saved and will start when the queue is back, instead of failing the
    request. Inside MessageMiddleware, so the message reaches the next page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = publish_failures.set([])
        try:
            response = self.get_response(request)
            failed = publish_failures.get()
        finally:
            publish_failures.reset(token)
        if failed and hasattr(request, "_messages"):
            messages.warning(
                request,
                _(
                    "Saved. The task queue is not answering just now, so the "
                    "work it starts in the background (a report, an e-mail) will begin as soon "
                    "as the queue is back. Nothing needs to be done again."
                ),
            )
        return response
