from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
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
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "home"
    response = redirect(back)
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
