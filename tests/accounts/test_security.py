"""Security headers, sign-in throttling, sessions and passwords, and the rule that no page
runs inline script (the Content-Security-Policy forbids it)."""

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
PASSWORD = "correct horse battery staple"


def csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_sends_a_csp_without_inline_script(client, registrar, signed_in):
    if signed_in:
        client.force_login(registrar)
    response = client.get(reverse("home") if signed_in else LOGIN)
    assert response.status_code == 200
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    # No other host anywhere in the policy: the centre's network may be closed.
    assert not re.search(r"https?://", response.headers["Content-Security-Policy"])


@pytest.mark.django_db
def test_frames_sniffing_referrer_and_opener_headers(client, registrar):
    client.force_login(registrar)
    response = client.get(reverse("home"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_and_https_redirect_as_production_sets_them(client, registrar, settings):
    """production.py turns these on; the header itself comes from SecurityMiddleware."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    insecure = client.get(LOGIN)
    assert insecure.status_code == 301
    assert insecure.headers["Location"].startswith("https://")
    secure = client.get(LOGIN, secure=True)
    assert (
        secure.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )


def test_no_template_holds_inline_script_or_event_handlers():
    """Scripts come from static/js only: an inline one would be refused by the browser."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        for match in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: URL")
    assert offenders == []


# --- sign-in throttling ------------------------------------------------------------------------


@pytest.fixture
def officer(db):
    user = factories.UserFactory(username="officer", roles=[Role.REGISTRAR])
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_user_from_that_address(client, officer):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for attempt in range(limit - 1):
        response = sign_in(client, "officer", "wrong")
        assert response.status_code == 200, attempt  # the form again, with its error
        assert "_auth_user_id" not in client.session
    locked = sign_in(client, "officer", "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while locked, with a page saying why and how long.
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert 'data-testid="locked-out"' in body
    assert "5 wrong passwords" in body
    assert "15 minutes" in body


@pytest.mark.django_db
def test_the_lock_holds_one_user_and_one_address_only(client, officer):
    other = factories.UserFactory(username="other", roles=[Role.REGISTRAR])
    other.set_password(PASSWORD)
    other.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "wrong")
    assert sign_in(client, "officer", PASSWORD).status_code == 429
    # Another user behind the same address signs in.
    assert sign_in(client, "other", PASSWORD).status_code == 302
    client.logout()
    # The same user from another address signs in.
    assert sign_in(client, "officer", PASSWORD, address="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_a_right_password_before_the_limit_resets_the_count(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "officer", "wrong")
    assert sign_in(client, "officer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "officer", "wrong").status_code == 200
    assert sign_in(client, "officer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_the_cool_off(client, officer, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", "wrong")
    assert sign_in(client, "officer", PASSWORD).status_code == 429
    # Fifteen minutes later (the attempt's time moved back rather than the clock forward).
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert sign_in(client, "officer", PASSWORD).status_code == 302


# --- failed sign-ins per address, whatever the user name -----------------------------------------


SPRAYED_NAMES = ("officer", "admin", "registrar", "commander", "instructor", "root", "kazbat")
SPRAYED_PASSWORDS = ("peacekeeper-2026", "Password123!", "Qwerty2026!!", "Astana-2026!")


def spray(client, address: str = "10.0.0.1") -> list[int]:
    """7 user names x 4 passwords from one address, each name tried with every password."""
    return [
        sign_in(client, username, password, address=address).status_code
        for password in SPRAYED_PASSWORDS
        for username in SPRAYED_NAMES
    ]


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """django-ratelimit counts in fixed windows (15 minutes from the epoch): a test's 30 slow
    sign-ins on a busy machine may straddle two and start counting again. Its clock stands
    still a second into a window; nothing else's does."""
    import types

    from django_ratelimit import core

    start = int(time.time()) // (15 * 60) * (15 * 60) + 1
    monkeypatch.setattr(core, "time", types.SimpleNamespace(time=lambda: start))


@pytest.mark.django_db
def test_one_address_spraying_many_user_names_meets_the_limit(client, officer, caplog):
    limit = settings.SIGNIN_ADDRESS_RATE
    assert limit == "20/15m"
    statuses = spray(client)
    # The per-user lock never trips (4 tries per name, 5 lock); the address limit does, at 21.
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 8
    response = sign_in(client, "officer", "wrong")
    assert response.status_code == 429
    body = response.content.decode()
    assert 'data-testid="address-throttled"' in body
    assert "After 20 failed sign-ins from this network address" in body
    assert "No account is locked by this" in body
    minutes = int(re.search(r"Try again in (\d+) minutes?", body).group(1))
    assert 1 <= minutes <= 15
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Sign-in refused: 20 failed sign-ins from 10.0.0.1 within 20/15m." in caplog.text
    # Refused before any password is checked: even the right one, and nothing more is counted.
    assert sign_in(client, "officer", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.filter(username="officer", failures_since_start__gt=4)


@pytest.mark.django_db
def test_the_limit_speaks_the_visitors_language(client, officer):
    for number in range(20):
        sign_in(client, f"user{number}", "wrong")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "ru"


@pytest.mark.django_db
def test_another_address_is_not_held_up(client, officer):
    spray(client, address="10.0.0.1")
    assert sign_in(client, "officer", "wrong", address="10.0.0.1").status_code == 429
    assert sign_in(client, "officer", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert sign_in(client, "admin", "wrong", address="10.0.0.3").status_code == 200


@pytest.mark.django_db
def test_successful_sign_ins_from_a_shared_address_do_not_count(client, officer):
    """A barracks behind one address: a hundred sign-ins a morning, a few typos among them."""
    colleagues = []
    for number in range(5):
        user = factories.UserFactory(username=f"colleague{number}", roles=[Role.INSTRUCTOR])
        user.set_password(PASSWORD)
        user.save()
        colleagues.append(user)
    for number in range(19):
        assert sign_in(client, f"typo{number}", "wrong").status_code == 200
    for _round in range(10):
        for user in colleagues:
            assert sign_in(client, user.username, PASSWORD).status_code == 302
            client.logout()
    # 50 sign-ins later the count is still 19: one more failure is answered with the form.
    assert sign_in(client, "officer", "wrong").status_code == 200
    assert sign_in(client, "officer", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_per_user_lock_is_unchanged_beside_the_address_limit(client, officer):
    """Five wrong passwords lock that user from that address long before the address limit,
    and the address is not locked for anyone else by it."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "officer", "wrong").status_code == 200
    locked = sign_in(client, "officer", "wrong")
    assert locked.status_code == 429
    assert 'data-testid="locked-out"' in locked.content.decode()
    other = factories.UserFactory(username="other", roles=[Role.REGISTRAR])
    other.set_password(PASSWORD)
    other.save()
    assert sign_in(client, "other", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_administration_sign_in_is_limited_too(client, administrator):
    for number in range(20):
        assert sign_in(client, f"user{number}", "wrong").status_code == 200
    response = client.post(
        reverse("admin:login"),
        {"username": administrator.username, "password": "whatever"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    # From elsewhere the admin's own form answers (a wrong password: the form again).
    response = client.post(
        reverse("admin:login"), {"username": "nobody", "password": "x"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_behind_the_proxy_the_forwarded_address_is_counted(client, officer, settings):
    """With TRUST_X_FORWARDED_FOR the address the proxy appended is counted (as for axes and
    the verification page); what a client writes in front of it changes nothing."""
    settings.RATELIMIT_IP_META_KEY = "courses.views.verification.client_ip_behind_proxy"
    settings.AXES_CLIENT_IP_CALLABLE = settings.RATELIMIT_IP_META_KEY

    def through_proxy(client_address: str, forged: str = "", password: str = "wrong"):
        forwarded = f"{forged}, {client_address}" if forged else client_address
        return client.post(
            LOGIN,
            {"username": "officer", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for number in range(20):
        # A new forged first entry each time, and a new user name: still one client.
        client.post(
            LOGIN,
            {"username": f"user{number}", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.7",
        )
    assert through_proxy("203.0.113.7", forged="192.0.2.200").status_code == 429
    # Another client behind the same proxy signs in.
    assert through_proxy("203.0.113.8", password=PASSWORD).status_code == 302


# --- sessions, cookies, passwords --------------------------------------------------------------


@pytest.mark.django_db
def test_a_session_lasts_one_working_day_in_an_http_only_cookie(client, officer):
    response = sign_in(client, "officer", PASSWORD)
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 8 * 60 * 60
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.session.get_expiry_age() == 8 * 60 * 60


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Sh0rt!pw", "too short"),
        ("password1234", "too common"),
        ("4815162342108", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, why):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert any(why in message for message in refused.value.messages)


@pytest.mark.django_db
def test_a_password_like_the_user_name_is_refused(officer):
    with pytest.raises(ValidationError) as refused:
        validate_password("officer2026!", user=officer)
    assert refused.value.messages == ["The password is too similar to the username."]
