"""Who is asking, as the throttles see it, and what a locked-out sign-in answers."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def remote_addr(request: HttpRequest) -> str:
    """The address that connected to Django (settings.AXES_CLIENT_IP_CALLABLE when no reverse
    proxy is trusted): the same address the verification throttle counts."""
    return request.META.get("REMOTE_ADDR", "")


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in while locked out (settings.AXES_LOCKOUT_CALLABLE):
    429 with how many failures lock and how long the lock lasts, in the user's language."""
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": round(float(settings.AXES_COOLOFF_TIME or 0) * 60),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
