"""Shared fixtures and the rule for tests that need a real service.

A test that needs PostgreSQL, Redis or chromium skips with the reason on a machine without
them, and fails when CI=true: CI never passes with such a test skipped.
"""

import os
import tomllib
from pathlib import Path

import pytest
from django.utils import timezone, translation

from accounts.roles import Role
from tests import factories, services

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The project's own packages (docs/architecture.md), for tests that read the sources.
FIRST_PARTY_PACKAGES = tuple(
    tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["tool"][
        "importlinter"
    ]["root_packages"]
)


def require(available: bool, reason: str) -> None:
    """Skip (or, in CI, fail) the calling test when a service it needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def celery_worker():
    """A real Celery worker on the configured broker (filesystem locally, Redis in CI), in a
    thread of this process: it shares the test database and mail.outbox (locmem). Tests using
    it need django_db(transaction=True) so the worker sees their rows."""
    from celery.contrib.testing.worker import start_worker

    from peacecentre.celery import app

    require(*services.broker())
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


@pytest.fixture(autouse=True)
def _throttles_start_empty(request):
    """Tests that commit (the browser's, the worker's) start with no throttle count: the
    cache table is not a model's, so the flush between such tests leaves it full, and one
    test's failed sign-ins would lock the next test's address out."""
    marker = request.node.get_closest_marker("django_db")
    commits = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if commits:
        from django.core.cache import cache

        request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language. A request through the test client
    leaves the language it activated (a Kazakh-speaking user's) on in this thread, which the
    next test in the same process would otherwise run in, whichever test that is under
    pytest-xdist's scheduling."""
    translation.deactivate()


@pytest.fixture
def today():
    """The local date, as the pages and services see it."""
    return timezone.localdate()


@pytest.fixture
def registrar(db):
    return factories.UserFactory(username="reg", roles=[Role.REGISTRAR])


@pytest.fixture
def instructor(db):
    return factories.UserFactory(username="instr", roles=[Role.INSTRUCTOR])


@pytest.fixture
def commander(db):
    return factories.UserFactory(username="cmdr", roles=[Role.COMMANDER])


@pytest.fixture
def administrator(db):
    return factories.UserFactory(username="adm", roles=[Role.ADMINISTRATOR], is_staff=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the database tests that roll back before those that flush the database
    (transactional ones, the browser's), as pytest-django orders them: a flush also removes
    what data migrations wrote (requirement profiles, schedules). pytest regroups tests by
    session-scoped parameters (the browser's name) after pytest-django's own ordering, which
    can put browser tests in the middle, so the order is made again here, last."""

    def order(item) -> int:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
            {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        )
        if transactional:
            return 1
        return 0 if marker or "db" in getattr(item, "fixturenames", ()) else 2

    items.sort(key=order)
