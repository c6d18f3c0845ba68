"""Request middleware of the centre's own."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Speak the signed-in user's language (User.language), whatever the browser asks for.

    Runs after AuthenticationMiddleware and inside LocaleMiddleware, which chose a language from
    the cookie or the browser for anonymous visitors and still sets Content-Language and Vary
    on the way out from the language active then."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.languages:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
