"""Junk in every parameter every page reads: no answer of 500 or above.

Which pages: every row of the permission matrix (every URL pattern of the project, checked
complete there, and its sample of the administration site), with its world, ids and signed-in
sessions, as each role the page is for and whose page differs: the administrator, and the
registrar, the owning instructor and the owning commander where the matrix lets them in
(anonymous visitors on the public pages).

Which parameters: the ones the view reads, learnt by watching it. request.GET and request.POST
are replaced, for the test, by a QueryDict that notes each key read (get, [], getlist, in),
so forms, django-filter and a view's own .get() all tell. A first request as the matrix sends
it learns the keys; then all of them get each junk value at once, and where that stops the
page early, each key alone; a key first read on a junk request is fuzzed too. POSTs likewise,
for the rows the matrix POSTs to.

A failure names the method, URL, role, key and value, and the exception.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, QueryDict
from django.test import Client
from django.urls import reverse
from django.utils.functional import cached_property

from tests.peacecentre import test_permission_matrix as matrix
from tests.peacecentre.permission_matrix_support import (
    ADMINISTRATOR,
    ANONYMOUS,
    COMMANDER_OWN,
    INSTRUCTOR_OWN,
    REGISTRAR,
)
from tests.peacecentre.test_permission_matrix import ADMIN_SAMPLE, LOGIN, MATRIX, _kwargs, _value

# The matrix's fixtures, for this module too: its world (built once, each test rolled back)
# and its client.
world = matrix.world
matrix_client = matrix.matrix_client

# What a typed, pasted or forged query string can carry. "²" passes str.isdigit() and fails
# int(); NUL is refused by PostgreSQL in any text; the long one exceeds every column.
JUNK: tuple[str | list[str], ...] = (
    "abc",
    "-1",
    "99999999999999999999",
    "2026-13-45",
    "'; DROP TABLE personnel_person; --",
    "\x00",
    "²",
    "x" * 5000,
    ["1", "abc"],  # ?key=1&key=abc: a list where one value is expected
)
ROLES_TRIED = (ADMINISTRATOR, REGISTRAR, INSTRUCTOR_OWN, COMMANDER_OWN)


class _Reads:
    """The keys read from request.GET / request.POST since the last `take()`."""

    keys: set[str] = set()

    @classmethod
    def take(cls) -> set[str]:
        keys, cls.keys = cls.keys, set()
        return keys


class RecordingQueryDict(QueryDict):
    def __getitem__(self, key):
        _Reads.keys.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        _Reads.keys.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        _Reads.keys.add(key)
        return super().__contains__(key)

    @classmethod
    def of(cls, data: QueryDict) -> RecordingQueryDict:
        recording = cls(mutable=True, encoding=data.encoding)
        for key, values in data.lists():
            recording.setlist(key, values)
        recording._mutable = data._mutable
        return recording


@pytest.fixture
def recording(monkeypatch):
    original_get = WSGIRequest.__dict__["GET"].real_func
    recording_get = cached_property(lambda request: RecordingQueryDict.of(original_get(request)))
    recording_get.__set_name__(WSGIRequest, "GET")
    monkeypatch.setattr(WSGIRequest, "GET", recording_get)
    original_load = HttpRequest._load_post_and_files

    def load(request):
        original_load(request)
        request._post = RecordingQueryDict.of(request._post)

    monkeypatch.setattr(WSGIRequest, "_load_post_and_files", load, raising=False)
    _Reads.take()
    yield
    _Reads.take()


def _lets_in(expected) -> bool:
    if isinstance(expected, tuple):
        return True  # the health check: 200 or 503
    return expected in (200, 302) and expected != LOGIN


def _targets():
    for rows in (MATRIX, ADMIN_SAMPLE):
        for name, row in rows.items():
            for method, expected in (("GET", row.get), ("POST", row.post)):
                if not expected:
                    continue
                # Signing out ends on the sign-in page: that is its success.
                lets_in = (lambda answer: answer == LOGIN) if name == "logout" else _lets_in
                roles = [role for role in ROLES_TRIED if lets_in(expected[role])]
                if _lets_in(expected[ANONYMOUS]):
                    roles.append(ANONYMOUS)
                # Registrars and administrators share every page but the audit trail and
                # the admin: the registrar's side adds nothing where both are let in.
                if ADMINISTRATOR in roles and REGISTRAR in roles:
                    roles.remove(REGISTRAR)
                for role in roles:
                    yield pytest.param(name, method, role, id=f"{name}-{method}-{role}")


TARGETS = list(_targets())


def test_every_page_is_fuzzed():
    fuzzed = {target.values[0] for target in TARGETS}
    assert fuzzed == set(MATRIX) | set(ADMIN_SAMPLE)


@pytest.mark.django_db
def test_the_recording_sees_what_a_view_reads(world, matrix_client, recording):
    """The instrument itself: the cohort list reads its filters (a form), its page number
    (a view's .get()), and the scheduling form its ?course= prefill."""
    matrix_client.cookies = SimpleCookie()
    matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[ADMINISTRATOR]
    matrix_client.get(reverse("courses:cohort_list"), {"status": "planned"})
    assert {"course", "status", "when", "instructor", "page"} <= _Reads.take()
    matrix_client.post(reverse("courses:cohort_create"), {"code": "X"})
    assert {"course", "code", "starts_on", "instructors"} <= _Reads.take()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "role"), TARGETS)
def test_junk_parameters_never_answer_500(world, matrix_client, recording, name, method, role):
    row = MATRIX.get(name) or ADMIN_SAMPLE[name]
    expected = row.get if method == "GET" else row.post
    allowed = expected[role] if isinstance(expected[role], tuple) else ()
    url = reverse(name, kwargs=_kwargs(name, row, world))
    base = {
        key: _value(world, value)
        for key, value in (row.query if method == "GET" else row.body).items()
    }
    client = matrix_client
    failures: list[str] = []

    def send(data: dict, what: str) -> set[str]:
        client.cookies = SimpleCookie()
        if role != ANONYMOUS:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        _Reads.take()
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        if response.status_code >= 500 and response.status_code not in allowed:
            error = response.exc_info[1] if response.exc_info else "no exception"
            failures.append(f"{method} {url} as {role}, {what}: {response.status_code} {error!r}")
        return _Reads.take()

    first = send(base, "as the matrix sends it")
    assert not failures, failures
    assert set(base) <= first, f"{method} {url} as {role} did not read {set(base) - first}"
    # All the keys read get each junk value at once: one request per value keeps the whole
    # walk within a minute. Where the page stopped at a bad value before reading a key it
    # reads as the matrix sends it, that key gets the value alone (the others as sent); a
    # failure is named key by key. Keys first read on a junk request (a formset's rows once
    # TOTAL_FORMS is junk) get the junk values at once in a further round.
    keys: set[str] = set()
    learnt = set(first)
    while learnt - keys:
        keys |= learnt
        for junk in JUNK:
            failed_before = len(failures)
            read = send({**base, **dict.fromkeys(keys, junk)}, f"every key = {junk!r:.40}")
            learnt |= read
            alone = keys if len(failures) > failed_before else first - read
            for key in sorted(alone):
                send({**base, key: junk}, f"{key}={junk!r:.40}")
    assert not failures, f"{len(failures)} junk requests failed:\n" + "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["login", "admin:login"])
def test_a_user_name_too_long_is_the_sign_in_forms_error(name):
    """Both sign-in pages (the admin's is not in the matrix: public, outside its rows) refuse
    a name longer than a user name can be before checking it: django-axes would record the
    failure in a 255-character column, which PostgreSQL refuses."""
    client = Client(raise_request_exception=False)
    response = client.post(reverse(name), {"username": "x" * 5000, "password": "p" * 12})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()
