"""The interface language: chosen per user (kept on the user) or, before signing in, by the
language cookie; pages say which language they speak."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from accounts.roles import Role
from tests import factories

CHOOSE = "/accounts/language/"


@pytest.fixture
def officer(db):
    return factories.UserFactory(username="officer", roles=[Role.REGISTRAR], language="en")


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_a_signed_in_user_sees_pages_in_their_language(client, officer, language):
    officer.language = language
    officer.save()
    client.force_login(officer)
    # Whatever the browser asks for: the user's choice wins.
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == language
    assert f'<html lang="{language}">' in response.content.decode()


def test_choosing_a_language_keeps_it_on_the_user_and_in_the_cookie(client, officer):
    client.force_login(officer)
    response = client.post(CHOOSE, {"language": "kk", "next": "/personnel/people/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/personnel/people/"
    officer.refresh_from_db()
    assert officer.language == "kk"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "kk"
    assert cookie["httponly"]
    # A new session (another browser without the cookie) still speaks the user's language.
    client.logout()
    client.cookies.clear()
    client.force_login(officer)
    assert client.get(reverse("home")).headers["Content-Language"] == "kk"


def test_an_unknown_language_is_refused_and_nothing_changes(client, officer):
    client.force_login(officer)
    response = client.post(CHOOSE, {"language": "fr"})
    assert response.status_code == 400
    officer.refresh_from_db()
    assert officer.language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.django_db
def test_before_signing_in_the_cookie_chooses_the_sign_in_page_language(client):
    response = client.post(CHOOSE, {"language": "ru", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/")
    assert page.headers["Content-Language"] == "ru"
    assert '<html lang="ru">' in page.content.decode()


@pytest.mark.django_db
def test_the_switch_never_sends_anyone_to_another_site(client, officer):
    client.force_login(officer)
    response = client.post(CHOOSE, {"language": "ru", "next": "https://evil.example/"})
    assert response.headers["Location"] == reverse("home")


def test_the_switch_is_a_post(client, officer):
    client.force_login(officer)
    assert client.get(CHOOSE).status_code == 405


def test_the_menu_offers_every_language_in_its_own_name(client, officer):
    client.force_login(officer)
    body = client.get(reverse("home")).content.decode()
    for code in ("en", "ru", "kk"):
        assert f'data-testid="language-{code}"' in body
    assert "Русский" in body
    assert "Қазақ" in body


@pytest.mark.parametrize(
    ("language", "day", "number"),
    [
        ("en", "2026-12-05", "1\u00a0234.5"),
        ("ru", "05.12.2026", "1\u00a0234,5"),
        ("kk", "05.12.2026", "1\u00a0234,5"),
    ],
)
def test_dates_and_numbers_follow_the_language(language, day, number):
    with translation.override(language):
        assert formats.date_format(dt.date(2026, 12, 5), "SHORT_DATE_FORMAT") == day
        assert formats.number_format(1234.5, decimal_pos=1, force_grouping=True) == number
