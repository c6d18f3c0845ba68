"""The database down: pages answer 503 asking to retry, the health check its own JSON 503.

The outage is real: the connection is closed and pointed where no database answers (on
PostgreSQL a port nobody listens on, on SQLite a file that cannot be opened), so every query
of the request fails the way it fails in production, in whichever middleware or view asks
first. The error pages (400, 500, 503) render without the database.
"""

from __future__ import annotations

import socket
import sys

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from common.views import DATABASE_RETRY_SECONDS, server_error
from tests import factories


def _closed_port() -> int:
    """A local port nobody listens on: bound by the system, then let go."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down(transactional_db, tmp_path):
    """Every new connection fails until the end of the test, then the database is back (the
    transactional test's flush needs it)."""
    saved = dict(connection.settings_dict)

    def restore() -> None:
        connection.close()
        connection.settings_dict.update(saved)

    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "missing-folder" / "db.sqlite3")
    try:
        with pytest.raises(OperationalError):
            connection.ensure_connection()
        yield restore
    finally:
        restore()


@pytest.fixture
def signed_in(transactional_db) -> Client:
    user = factories.UserFactory(username="outage")
    client = Client(raise_request_exception=False)
    client.force_login(user)  # the session is in the database, which is about to go
    return client


def _assert_retry_page(response) -> None:
    assert response.status_code == 503
    assert isinstance(response.exc_info[1], OperationalError), response.exc_info
    assert response["Retry-After"] == str(DATABASE_RETRY_SECONDS)
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "The service is briefly unavailable" in page
    assert "Please retry in a minute" in page
    assert "Something went wrong" not in page


def test_a_signed_in_page_answers_503_with_a_retry_page(signed_in, database_down):
    # The session is read in the first middleware that asks for the user.
    _assert_retry_page(signed_in.get(reverse("personnel:person_list")))


def test_a_form_sent_during_an_outage_answers_503(signed_in, database_down):
    _assert_retry_page(signed_in.post(reverse("courses:cohort_create"), {"code": "X"}))


def test_signing_in_during_an_outage_answers_503(database_down):
    client = Client(raise_request_exception=False)
    # The sign-in form itself needs no database; checking the password does.
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "a", "password": "b" * 12})
    _assert_retry_page(response)


def test_the_retry_page_speaks_the_visitors_language(database_down):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.post(reverse("login"), {"username": "a", "password": "b" * 12})
    assert response.status_code == 503
    assert '<html lang="ru">' in response.content.decode()


@pytest.mark.parametrize("query", ["", "?scope=web"])
def test_the_health_check_keeps_its_json_answer(database_down, query):
    response = Client(raise_request_exception=False).get(reverse("health") + query)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    reading = response.json()
    assert reading["status"] == "failing"
    assert reading["database"] == {"ok": False, "ms": None, "detail": "OperationalError"}


def test_the_database_back_serves_pages_again(signed_in, database_down):
    assert signed_in.get(reverse("home")).status_code == 503
    database_down()  # back: the next request connects again, the session still there
    assert signed_in.get(reverse("home")).status_code == 200


# -- the error pages need no database -------------------------------------------------------


def _raised(error: Exception):
    request = RequestFactory().get("/")
    try:
        raise error
    except type(error):
        assert sys.exc_info()[1] is error
        return server_error(request)


def test_the_500_and_503_pages_render_without_the_database():
    # No django_db mark: pytest-django refuses any database access here.
    broken = _raised(ValueError("a bug"))
    down = _raised(OperationalError("connection refused"))
    assert broken.status_code == 500
    assert "Something went wrong" in broken.content.decode()
    assert down.status_code == 503
    assert "The service is briefly unavailable" in down.content.decode()


@pytest.mark.django_db
def test_a_host_not_allowed_answers_the_400_page(django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get(reverse("home"), HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The page could not read this request" in page
    assert "Back to the home page" in page
