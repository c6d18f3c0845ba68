"""Who is asking, as the throttles see it, what a locked-out sign-in answers, and the limit on
failed sign-ins per address."""

import logging

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django_ratelimit.core import get_usage


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


# Sign-in throttle per address ------------------------------------------------------------------
# django-axes locks one user name from one address (settings.AXES_*); spraying a few passwords
# over many user names never trips that lock. So failed sign-ins are also counted per address,
# whatever the user name (django-ratelimit, settings.SIGNIN_ADDRESS_RATE): past the limit
# every sign-in from that address answers 429 until the window ends. Only failures count, so a
# busy office behind one address signing in all morning is never held up by it.

logger = logging.getLogger(__name__)
SIGNIN_THROTTLE_GROUP = "signin-address"
# The views that take a password: the sign-in page and the administration site's.
SIGN_IN_VIEWS = frozenset({"login", "admin:login"})


def signin_address_usage(request: HttpRequest, *, increment: bool) -> dict | None:
    """django-ratelimit's count of failed sign-ins from this request's address (the address
    settings.RATELIMIT_IP_META_KEY names, as the other throttles count); None when limiting is
    switched off."""
    return get_usage(
        request,
        group=SIGNIN_THROTTLE_GROUP,
        key="ip",
        rate=settings.SIGNIN_ADDRESS_RATE,
        increment=increment,
    )


@receiver(user_login_failed, dispatch_uid="peacecentre.signin_address_failure")
def signin_address_failure_count(sender, credentials=None, request=None, **kwargs) -> None:
    """Count a failed sign-in (a wrong password, an unknown user, a locked user) against the
    address it came from."""
    if request is not None:
        signin_address_usage(request, increment=True)


def signin_address_throttled(request: HttpRequest, usage: dict) -> HttpResponse:
    """The answer to a sign-in from an address over the limit: 429, how long to wait, and
    that the accounts themselves are not locked."""
    # time_left is the rest of the window; -1 when the cache failed (django-ratelimit then
    # refuses): ask to come back in a minute.
    seconds = usage["time_left"] if usage["time_left"] > 0 else 60
    response = render(
        request,
        "registration/address_throttled.html",
        {"failure_limit": usage["limit"], "minutes": max(1, -(-seconds // 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class SignInAddressThrottleMiddleware:
    """Refuses a sign-in POST from an address over settings.SIGNIN_ADDRESS_RATE before any
    password is checked (a view's own decorator would miss the administration site's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match.view_name not in SIGN_IN_VIEWS:
            return None
        usage = signin_address_usage(request, increment=False)
        # The count holds failures already made: the limit-th one was the last allowed.
        # (should_limit alone: no cache answer, or past the limit.)
        if usage and (usage["should_limit"] or usage["count"] >= usage["limit"]):
            logger.warning(
                "Sign-in refused: %s failed sign-ins from %s within %s.",
                usage["count"],
                import_string(settings.AXES_CLIENT_IP_CALLABLE)(request),  # the address counted
                settings.SIGNIN_ADDRESS_RATE,
            )
            return signin_address_throttled(request, usage)
        return None
