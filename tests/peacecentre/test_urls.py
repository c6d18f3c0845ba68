"""Every URL pattern, walked as an anonymous user, sends them to a login page.

The walk reads the resolver, so a page added later is covered without touching this test.
Only the pages in PUBLIC may answer an anonymous user.
"""

import uuid

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests import factories

# Pages open without signing in: the sign-in pages themselves, and the public certificate
# check (the lookup form and one certificate's page).
PUBLIC = {"login", "admin:login", "verify", "verify_certificate", "language_choose", "health"}
# Public, answering 503 while a part is down (no worker runs during this test).
PUBLIC_PROBES = {"health"}
# Public, but only to POST to (the language switch of the sign-in page).
PUBLIC_ACTIONS = {"language_choose"}

SAMPLE = {"int": "1", "str": "sample", "slug": "sample", "uuid": str(uuid.uuid4()), "path": "a/b"}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """Yield (name, concrete path) for every pattern, filling converters with sample values."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + fill(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.lookup_str}", prefix + fill(entry.pattern)


def fill(pattern) -> str:
    route = getattr(pattern, "_route", None)
    if route is None:  # a regex pattern (the admin's): keep its literal text
        text = pattern.regex.pattern.lstrip("^").rstrip("$").replace("\\", "")
        return text.replace(
            "(?P<app_label>auth|peacecentre|personnel|courses|django_celery_beat|django_celery_results)",
            "auth",
        )
    for name, converter in pattern.converters.items():
        kind = type(converter).__name__.replace("Converter", "").lower()
        route = _replace_param(route, name, SAMPLE.get(kind, "1"))
    return route


def _replace_param(route: str, name: str, value: str) -> str:
    import re

    return re.sub(rf"<(?:\w+:)?{name}>", value, route)


ALL_URLS = sorted(set(walk(get_resolver())))
PROTECTED_URLS = [(name, path) for name, path in ALL_URLS if name not in PUBLIC]
PUBLIC_URLS = [(name, path) for name, path in ALL_URLS if name in PUBLIC]


def test_the_walk_found_the_pages():
    names = {name for name, _ in ALL_URLS}
    assert {"home", "login", "logout", "password_change", "admin:index"} <= names
    assert len(ALL_URLS) > 50  # the admin alone has many
    assert names >= PUBLIC, "a public page was renamed: update PUBLIC"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), PROTECTED_URLS, ids=[n for n, _ in PROTECTED_URLS])
def test_anonymous_user_is_sent_to_login(client, name, path):
    response = client.get("/" + path)
    login_urls = (reverse(settings.LOGIN_URL), reverse("admin:login"))
    if response.status_code == 404:
        # A sample id that matches nothing: the page must still not leak to anonymous users,
        # so the same URL must redirect to login before any lookup happens.
        pytest.fail(f"{name} answered 404 to an anonymous user instead of the login redirect")
    assert response.status_code in (301, 302), f"{name} answered {response.status_code}"
    assert response.url.split("?")[0] in login_urls, f"{name} redirected to {response.url}"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), PUBLIC_URLS, ids=[n for n, _ in PUBLIC_URLS])
def test_public_pages_answer_anonymous_users(client, name, path):
    if code := resolve("/" + path).kwargs.get("code"):
        factories.CertificationFactory(verification_code=code)  # the walk's sample code
    if name in PUBLIC_ACTIONS:
        assert client.get("/" + path).status_code == 405
        response = client.post("/" + path, {"language": "ru", "next": "/accounts/login/"})
        assert response.status_code == 302, f"{name} answered {response.status_code}"
        return
    response = client.get("/" + path)
    expected = (200, 503) if name in PUBLIC_PROBES else (200,)
    assert response.status_code in expected, f"{name} answered {response.status_code}"


def test_only_the_sign_in_verification_language_and_health_pages_are_public():
    """A view marked login_not_required that is not in PUBLIC would escape the walk's check."""
    opened = {
        name
        for name, path in ALL_URLS
        if not getattr(resolve("/" + path).func, "login_required", True)
    }
    assert opened == PUBLIC
