"""The error pages (400, 500 and 503), which the project's URLs name as its handlers."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

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
