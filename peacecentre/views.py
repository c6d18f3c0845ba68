import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import selectors
from .health import health_read
from .services import user_language_set


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home: one section per role they hold."""
    return render(request, "peacecentre/home.html", selectors.home_for(request.user))


@login_not_required
@require_POST
def language_choose(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: kept on the user for the signed-in (their pages, mails
    and reports), and in the language cookie so the sign-in page speaks it too."""
    language = request.POST.get("language", "")
    if request.user.is_authenticated:
        try:
            user_language_set(user=request.user, language=language)
        except ValidationError as error:
            return HttpResponseBadRequest(" ".join(error.messages))
    elif language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    translation.activate(language)
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    response = HttpResponseRedirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@login_not_required
@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For monitoring: 200 when the database and the broker answer, a worker ran beat's
    heartbeat within 10 minutes, no task has waited in the outbox too long and no report is
    stuck, else 503; each part's reading as JSON (no host names, versions or secrets).
    `?scope=web`, for the load balancer: the database only."""
    reading = health_read(web_only=request.GET.get("scope") == "web")
    return JsonResponse(reading.as_json(), status=200 if reading.ok else 503)


# -- error pages ----------------------------------------------------------------------------
# Rendered without the request: its context processors and the signed-in user would ask the
# database, which may be the very thing that failed.

# A restart or failover of PostgreSQL takes seconds: a minute is a fair time to come back.
DATABASE_RETRY_SECONDS = 60


def _error_context() -> dict:
    return {"centre_name": settings.PEACECENTRE_NAME or _("Peace Operations Centre")}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: a parameter the page cannot read (BadRequest) or a forged request
    (SuspiciousOperation, a host not allowed), already logged by Django."""
    page = loader.get_template("400.html").render(_error_context())
    return HttpResponseBadRequest(page)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 asking to retry when the database cannot be reached (connection refused
    or lost: Django's OperationalError and InterfaceError, as PEP 249 means them). Django
    calls this inside its handling of the exception and logs it with its traceback."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        page = loader.get_template("503.html").render(_error_context())
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(DATABASE_RETRY_SECONDS)
        add_never_cache_headers(response)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render(_error_context()))
