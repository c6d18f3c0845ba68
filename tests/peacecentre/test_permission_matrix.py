"""The permission matrix: every URL pattern, with real objects, against every role, GET and
(where the page acts on it) POST, and the answer each must get.

Rows and cells
    MATRIX has one row per URL name; a row names the world object its `pk` is and the expected
    status per role for GET and, when the view acts on a POST, for POST. Each (URL, role,
    method) is its own test, id "<name>-<role>-<METHOD>". The roles: anonymous, registrar,
    instructor_other (teaches cohort Y, not the objects' cohort X), commander_other (commands
    unit B; the objects live in unit A), administrator, and the owners next to them:
    instructor_own (teaches X) and commander_own (commands A). The world
    (permission_matrix_support.py) is built once for the module and every cell rolls back.

No page left out
    test_every_url_pattern_has_a_row walks the resolver (test_urls.walk) and fails on a pattern
    the matrix does not list and on a row whose name no longer exists: a page cannot be added
    without its row. The administration site's generated names (279 today, a set per model
    registered) are covered as a family rather than row by row, because the admin gates all
    of them the same way (AdminSite.admin_view: is_staff) and they come and go with models:
    they all live under the "admin:" namespace and the admin/ prefix (asserted, so no project
    page hides there); every one of them, walked with sample ids, sends each signed-in
    non-staff role to the admin's sign-in page (one test per role, listing every wrong page;
    two named exceptions, ADMIN_EXCEPTIONS, say why);
    and a sample (the index, a change list per app, a change page with a real object) is in
    the matrix with the staff answer too. Staff: the administrator alone (STAFF_ROLES).
    Anonymous users get a sign-in page for all of them (test_urls.py walks them too).

The conventions, per family (what each view does; the module docstrings of the views say so)
    - Anonymous: 302 to the sign-in page (LoginRequiredMiddleware), except the public pages:
      login, verify, verify_certificate, language_choose (POST only) and health.
    - A role the page is not for: 403 (accounts.roles.role_required), before any lookup.
    - A role the page is for, asking for an object outside its scope: 404, so ids reveal
      nothing: people (person page, readiness), cohorts (page, rosters, register, gradebook,
      finalise), enrolment results, certifications and their PDF, units, imports (only the
      uploader and administrators), reports (the requester and whoever's scope covers it).
    - A permission the role lacks on an object it may open: 403 after the scope check (the
      registrar reads a register and gradebook but may not write them).
    - Views that take only POST (require_POST outside role_required) answer GET with 405 to
      everyone signed in, GET-only views are not POSTed to.
    - Allowed: 200, or 302 where the page sends the user on (a cohort in progress offers no
      reopening; an empty confirmation goes back to its preview), never to a sign-in page.
POSTs carry an empty body (language_choose a language, reports:request unit A's readiness
matrix): the point is who is answered, not the form. No cell may answer 500.

Sharper than a status code
    - reports:detail/status/download for a report of each kind (who the kind's `covers` lets in);
    - the pages every reader opens but whose rows are scoped (people, readiness, certifications,
      cohorts, rosters of a contingent, reports) show unit A's and cohort X's objects to their
      owners and not to the others;
    - the person page shows the personal records (a passport number) to registrars,
      administrators and the person's commander, not to the instructor who teaches them; the
      cohort page and its roster show a nomination to registrars, not to the instructor;
    - a second registrar is answered 404 on the first registrar's imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from reports.models import ReportKindCode
from tests.peacecentre import permission_matrix_support as support
from tests.peacecentre.permission_matrix_support import (
    ADMINISTRATOR,
    ANONYMOUS,
    COMMANDER_OTHER,
    COMMANDER_OWN,
    INSTRUCTOR_OTHER,
    INSTRUCTOR_OWN,
    REGISTRAR,
    ROLES,
    STAFF_ROLES,
)
from tests.peacecentre.test_urls import walk

LOGIN = "login"  # 302 to the sign-in page (the project's or the admin's)
ADMIN_LOGIN = "admin-login"  # 302 to the admin's sign-in page
SIGNED_IN = tuple(role for role in ROLES if role != ANONYMOUS)
EDITORS = (REGISTRAR, ADMINISTRATOR)
INSTRUCTORS = (INSTRUCTOR_OWN, INSTRUCTOR_OTHER)
COMMANDERS = (COMMANDER_OWN, COMMANDER_OTHER)


def answers(default, anonymous=LOGIN, **by_role) -> dict[str, object]:
    """Expected answer per role: `default` for every signed-in role unless named."""
    unknown = set(by_role) - set(SIGNED_IN)
    assert not unknown, f"unknown roles {unknown}"
    return {ANONYMOUS: anonymous, **{role: by_role.get(role, default) for role in SIGNED_IN}}


def only(roles, code, *, others=403, **by_role) -> dict[str, object]:
    """`code` for `roles`, `others` (403 by default) for every other signed-in role."""
    return answers(others, **dict.fromkeys(roles, code), **by_role)


def everyone(code) -> dict[str, object]:
    return answers(code)


@dataclass(frozen=True)
class Row:
    get: dict[str, object]
    post: dict[str, object] | None = None
    pk: str | None = None  # the World attribute whose id fills <int:pk>
    query: dict[str, str] = field(default_factory=dict)  # World attributes by query key
    # The POST's body: empty unless the page needs a field to say what it is about; a value
    # starting with "@" is a World attribute whose id is sent.
    body: dict[str, str] = field(default_factory=dict)


# Expected answers. Roles: registrar, administrator, instructor_own / instructor_other,
# commander_own / commander_other (anonymous: the sign-in redirect unless said).
MATRIX: dict[str, Row] = {
    # -- the project's own pages ---------------------------------------------------------------
    "home": Row(get=everyone(200)),
    "health": Row(get=answers((200, 503), anonymous=(200, 503))),
    "login": Row(
        # Signed-in users are sent on (redirect_authenticated_user), also on POST.
        get=answers(302, anonymous=200),
        post=answers(302, anonymous=200),
    ),
    # Signing out (POST only) ends on the sign-in page (LOGOUT_REDIRECT_URL).
    "logout": Row(get=everyone(405), post=everyone(LOGIN)),
    "language_choose": Row(
        get=answers(405, anonymous=405),
        post=answers(302, anonymous=302),
        body={"language": "en", "next": "/"},
    ),
    "password_change": Row(get=everyone(200), post=everyone(200)),
    "password_change_done": Row(get=everyone(200)),
    "verify": Row(get=answers(200, anonymous=200)),
    "verify_certificate": Row(get=answers(200, anonymous=200)),
    "notifications:list": Row(get=everyone(200)),
    # The audit trail: administrators read it; nobody else, registrars included.
    "audit:list": Row(get=only((ADMINISTRATOR,), 200)),
    # -- personnel register --------------------------------------------------------------------
    "personnel:person_list": Row(get=only((*EDITORS, *COMMANDERS), 200)),
    "personnel:person_create": Row(get=only(EDITORS, 200), post=only(EDITORS, 200)),
    # The person picker's search, for planning: whoever may plan (their scope's people only:
    # tests/personnel/test_person_picker.py); anyone else 403; GET only.
    "personnel:people_search": Row(
        get=only((*EDITORS, *COMMANDERS), 200),
        post=answers(405),
        query={"purpose": "deployment", "q": "Abenov"},
    ),
    # An instructor opens a trainee of a cohort they teach; the other instructor and the
    # other unit's commander do not see this person.
    "personnel:person_detail": Row(
        get=answers(200, instructor_other=404, commander_other=404), pk="person"
    ),
    "personnel:person_update": Row(get=only(EDITORS, 200), post=only(EDITORS, 200), pk="person"),
    "personnel:qualification_create": Row(
        get=only(EDITORS, 200), post=only(EDITORS, 200), pk="person"
    ),
    "personnel:qualification_update": Row(
        get=only(EDITORS, 200), post=only(EDITORS, 200), pk="person"
    ),
    "personnel:qualification_delete": Row(
        get=only(EDITORS, 200), post=only(EDITORS, 302), pk="person"
    ),
    # Imports: the registrar uploaded both files; administrators open everyone's.
    "personnel:import": Row(get=only(EDITORS, 200), post=only(EDITORS, 200)),
    "personnel:import_template": Row(get=only(EDITORS, 200)),
    "personnel:import_preview": Row(get=only(EDITORS, 200), pk="people_import"),
    "personnel:import_apply": Row(get=everyone(405), post=only(EDITORS, 302), pk="people_import"),
    "personnel:import_errors": Row(get=only(EDITORS, 200), pk="people_import"),
    "personnel:import_refused": Row(get=only(EDITORS, 200), pk="people_import"),
    # -- readiness, units, missions ------------------------------------------------------------
    "readiness:readiness_matrix": Row(get=only((*EDITORS, *COMMANDERS), 200)),
    "readiness:readiness_matrix_export": Row(get=only((*EDITORS, *COMMANDERS), 200)),
    # Readiness rests on personal records (medical clearance, passport, age): not for
    # instructors, not even of their own trainees.
    "readiness:person_readiness": Row(
        get=only((*EDITORS, COMMANDER_OWN), 200, others=404), pk="person"
    ),
    "readiness:gender_balance": Row(get=only((*EDITORS, *COMMANDERS), 200)),
    "readiness:unit_readiness_list": Row(get=only((*EDITORS, *COMMANDERS), 200)),
    "readiness:unit_readiness": Row(
        get=only((*EDITORS, COMMANDER_OWN), 200, commander_other=404), pk="unit_a"
    ),
    # Missions and contingents are shown to every reader; their rosters are scoped.
    "readiness:mission_list": Row(get=only((*EDITORS, *COMMANDERS), 200)),
    "readiness:mission_detail": Row(get=only((*EDITORS, *COMMANDERS), 200), pk="mission"),
    "readiness:contingent_detail": Row(get=only((*EDITORS, *COMMANDERS), 200), pk="contingent"),
    "readiness:deployments_returning": Row(get=only((*EDITORS, *COMMANDERS), 200)),
    # Contingents and rotations are managed by commanders (their subtree: another unit's
    # contingent is 404) and administrators; registrars read the contingent page only.
    # Empty POSTs: the forms answer with their errors; the next rotation of a contingent
    # without posts is refused on the page.
    "readiness:contingent_create": Row(
        get=only((ADMINISTRATOR, *COMMANDERS), 200), post=only((ADMINISTRATOR, *COMMANDERS), 200)
    ),
    "readiness:contingent_edit": Row(
        get=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
        post=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
        pk="contingent",
    ),
    "readiness:contingent_next_rotation": Row(
        get=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
        post=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
        pk="contingent",
    ),
    "readiness:contingent_proposal": Row(
        get=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
        post=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
        pk="contingent",
    ),
    "readiness:deployment_plan": Row(
        get=only((*EDITORS, *COMMANDERS), 200), post=only((*EDITORS, *COMMANDERS), 200)
    ),
    # A tour's page and its moves: the tour's person must be in the user's scope (404 for
    # another unit's commander). A move POSTed empty shows the form again with its errors.
    "readiness:deployment_detail": Row(
        get=only((*EDITORS, COMMANDER_OWN), 200, commander_other=404), pk="deployment"
    ),
    "readiness:deployment_move": Row(
        get=answers(405),
        post=only((*EDITORS, COMMANDER_OWN), 200, commander_other=404),
        pk="deployment",
    ),
    # PCRS: read like the unit page; written by administrators and the unit's commanders (a
    # registrar reads only: 403; a commander of another unit: 404). An empty POST is refused
    # with the form's messages (200); unit A already has a pledge, so "register" leads to it.
    "readiness:unit_pcrs": Row(
        get=only((*EDITORS, COMMANDER_OWN), 200, commander_other=404), pk="unit_a"
    ),
    "readiness:pcrs_pledge_register": Row(
        get=only((ADMINISTRATOR, COMMANDER_OWN), 302, commander_other=404),
        post=only((ADMINISTRATOR, COMMANDER_OWN), 302, commander_other=404),
        pk="unit_a",
    ),
    **{
        name: Row(
            get=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
            post=only((ADMINISTRATOR, COMMANDER_OWN), 200, commander_other=404),
            pk=pk,
        )
        for name, pk in (
            ("readiness:pcrs_pledge_renew", "unit_a"),
            ("readiness:pcrs_pledge_level", "unit_a"),
            ("readiness:pcrs_visit_record", "unit_a"),
            ("readiness:pcrs_finding_add", "pcrs_visit"),
            ("readiness:pcrs_finding_close", "pcrs_finding"),
        )
    },
    # -- catalogue and scheduling --------------------------------------------------------------
    "courses:course_list": Row(get=everyone(200)),
    "courses:course_detail": Row(get=everyone(200), pk="course"),
    "courses:course_create": Row(get=only(EDITORS, 200), post=only(EDITORS, 200)),
    "courses:course_update": Row(get=only(EDITORS, 200), post=only(EDITORS, 200), pk="course"),
    "courses:cohort_list": Row(get=only((*EDITORS, *INSTRUCTORS), 200)),
    "courses:cohort_create": Row(get=only(EDITORS, 200), post=only(EDITORS, 200)),
    "courses:cohort_suggest": Row(get=only(EDITORS, 200), query={"course": "@course"}),
    "courses:cohort_update": Row(get=only(EDITORS, 200), post=only(EDITORS, 200), pk="cohort"),
    # GET without ?to= and POST without a body: nothing to confirm, back to the list.
    "courses:cohort_transition": Row(get=only(EDITORS, 302), post=only(EDITORS, 302), pk="cohort"),
    # -- a cohort: page, rosters, enrolment ----------------------------------------------------
    "courses:cohort_detail": Row(
        get=only((*EDITORS, INSTRUCTOR_OWN), 200, instructor_other=404), pk="cohort"
    ),
    "courses:cohort_roster_csv": Row(
        get=only((*EDITORS, INSTRUCTOR_OWN), 200, instructor_other=404), pk="cohort"
    ),
    "courses:cohort_roster_xlsx": Row(
        get=only((*EDITORS, INSTRUCTOR_OWN), 200, instructor_other=404), pk="cohort"
    ),
    "courses:enrol_person": Row(get=only(EDITORS, 200), pk="cohort"),
    "courses:enrol_unit": Row(get=only(EDITORS, 200), pk="cohort"),
    "courses:enrol_file": Row(get=only(EDITORS, 200), post=only(EDITORS, 200), pk="cohort"),
    "courses:enrol_apply": Row(get=everyone(405), post=only(EDITORS, 302), pk="cohort"),
    "courses:enrolment_withdraw": Row(
        get=only(EDITORS, 200), post=only(EDITORS, 200), pk="enrolment"
    ),
    "courses:waitlist_move": Row(get=everyone(405), post=only(EDITORS, 302), pk="enrolment"),
    "courses:nomination_approve": Row(get=everyone(405), post=only(EDITORS, 302), pk="enrolment"),
    "courses:nomination_decline": Row(
        get=only(EDITORS, 200), post=only(EDITORS, 200), pk="enrolment"
    ),
    # -- register, gradebook, results, finalisation --------------------------------------------
    # Registrars read them; writing needs change_attendance / change_assessmentresult.
    "courses:attendance": Row(
        get=only((*EDITORS, INSTRUCTOR_OWN), 200, instructor_other=404),
        post=only((ADMINISTRATOR, INSTRUCTOR_OWN), 200, instructor_other=404),
        pk="cohort",
    ),
    "courses:gradebook": Row(
        get=only((*EDITORS, INSTRUCTOR_OWN), 200, instructor_other=404),
        post=only((ADMINISTRATOR, INSTRUCTOR_OWN), 200, instructor_other=404),
        pk="cohort",
    ),
    # A commander reads the results of their units' people.
    "courses:enrolment_results": Row(
        get=only((*EDITORS, INSTRUCTOR_OWN, COMMANDER_OWN), 200, others=404), pk="enrolment"
    ),
    "courses:cohort_finalise": Row(
        get=only((ADMINISTRATOR, INSTRUCTOR_OWN), 200, instructor_other=404),
        post=only((ADMINISTRATOR, INSTRUCTOR_OWN), 302, instructor_other=404),
        pk="cohort",
    ),
    # Cohort X is in progress: nothing to reopen, back to its page (GET and POST alike).
    "courses:cohort_reopen": Row(get=only(EDITORS, 302), post=only(EDITORS, 302), pk="cohort"),
    # -- certifications ------------------------------------------------------------------------
    "courses:certification_list": Row(get=everyone(200)),
    "courses:certification_detail": Row(
        get=answers(200, instructor_other=404, commander_other=404), pk="certification"
    ),
    "courses:certification_pdf": Row(
        get=answers(200, instructor_other=404, commander_other=404), pk="certification"
    ),
    "courses:certification_revoke": Row(
        get=only(EDITORS, 200), post=only(EDITORS, 200), pk="certification"
    ),
    "courses:certification_reissue": Row(
        get=only(EDITORS, 200), post=only(EDITORS, 200), pk="certification"
    ),
    "courses:certification_import": Row(get=only(EDITORS, 200), post=only(EDITORS, 200)),
    "courses:certification_import_template": Row(get=only(EDITORS, 200)),
    "courses:certification_import_preview": Row(get=only(EDITORS, 200), pk="certification_import"),
    "courses:certification_import_apply": Row(
        get=everyone(405), post=only(EDITORS, 302), pk="certification_import"
    ),
    "courses:certification_import_errors": Row(get=only(EDITORS, 200), pk="certification_import"),
    "courses:certification_import_refused": Row(get=only(EDITORS, 200), pk="certification_import"),
    # -- reports (the readiness matrix of unit A, requested by its commander) ------------------
    "reports:list": Row(get=everyone(200)),
    # Unit A's readiness matrix: its commander, registrars and administrators get it (302 to
    # the report's page); the other unit's commander and instructors are refused.
    "reports:request": Row(
        get=everyone(405),
        post=only((*EDITORS, COMMANDER_OWN), 302),
        body={"kind": "readiness_matrix", "format": "xlsx", "unit": "@unit_a"},
    ),
    "reports:detail": Row(get=only((*EDITORS, COMMANDER_OWN), 200, others=404), pk="report"),
    "reports:status": Row(get=only((*EDITORS, COMMANDER_OWN), 200, others=404), pk="report"),
    "reports:download": Row(get=only((*EDITORS, COMMANDER_OWN), 200, others=404), pk="report"),
}

# The administration site, sampled: its index, a change list of each app's model and one
# change page with a real object. Staff (the administrator) get 200, anyone else signed in
# the admin's sign-in page.
ADMIN_STAFF_ONLY = answers(ADMIN_LOGIN, **dict.fromkeys(STAFF_ROLES, 200))
ADMIN_SAMPLE: dict[str, Row] = {
    "admin:index": Row(get=ADMIN_STAFF_ONLY),
    "admin:peacecentre_user_changelist": Row(get=ADMIN_STAFF_ONLY),
    "admin:personnel_person_changelist": Row(get=ADMIN_STAFF_ONLY),
    "admin:courses_cohort_changelist": Row(get=ADMIN_STAFF_ONLY),
    "admin:reports_reportrequest_changelist": Row(get=ADMIN_STAFF_ONLY),
    "admin:notifications_reminder_changelist": Row(get=ADMIN_STAFF_ONLY),
    "admin:personnel_person_change": Row(get=ADMIN_STAFF_ONLY, pk="person"),
}
# The admin's sign-in page is public (test_urls checks it); the rest is the family above.
ADMIN_PUBLIC = {"admin:login"}

# Fillers of the other path parameters.
QUALIFICATION_KIND = "medical"  # <slug:kind>, with the person's medical clearance as record
FILE_FORMAT = "csv"  # <str:file_format>


def _walked_names() -> set[str]:
    return {name for name, _path in walk(get_resolver())}


def test_every_url_pattern_has_a_row():
    names = _walked_names()
    project = {name for name in names if not name.startswith("admin:")}
    missing = sorted(project - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"URL patterns with no row in the permission matrix: {missing}"
    assert not stale, f"Matrix rows whose URL name no longer exists: {stale}"


def test_the_admin_family_is_all_under_its_namespace():
    names = _walked_names()
    admin = {name for name in names if name.startswith("admin:")}
    # Nothing of the project's in the admin's namespace, nothing of the admin's outside it.
    assert not set(MATRIX) & admin
    assert {name for name in names if "admin" in name.split(":")[0]} == admin
    assert set(ADMIN_SAMPLE) | ADMIN_PUBLIC <= admin, "a sampled admin page was renamed"
    admin_paths = {path for name, path in walk(get_resolver()) if name in admin}
    assert all(path.startswith("admin/") for path in admin_paths)
    assert not [p for n, p in walk(get_resolver()) if n not in admin and p.startswith("admin/")]


def _cells():
    for rows in (MATRIX, ADMIN_SAMPLE):
        for name, row in rows.items():
            for method, expected in (("GET", row.get), ("POST", row.post)):
                if expected is None:
                    continue
                assert set(expected) == set(ROLES), name
                for role in ROLES:
                    yield pytest.param(name, role, method, id=f"{name}-{role}-{method}")


CELLS = list(_cells())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction rolled back at its end;
    each cell runs in a savepoint inside it (the `db` fixture), so a POST that succeeds
    leaves nothing behind for the next cell."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = support.build_world()
            built.sessions = _sessions(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def matrix_client():
    """One client for every cell: a new one loads the middleware again, and WhiteNoise
    (WHITENOISE_USE_FINDERS in tests) indexes every static file each time. Exceptions become
    500 answers, so a crash is reported as the cell's answer."""
    return Client(raise_request_exception=False)


def _sessions(world: support.World) -> dict[str, str]:
    """A signed-in session per role, made once: each cell only sets the cookie."""
    sessions = {}
    for role, user in world.users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _kwargs(name: str, row: Row, world: support.World) -> dict[str, object]:
    route = _route(name)
    kwargs: dict[str, object] = {}
    if "<int:pk>" in route:
        assert row.pk, f"{name}: say which object its pk is"
        kwargs["pk"] = getattr(world, row.pk).pk
    if "<slug:kind>" in route:
        kwargs["kind"] = QUALIFICATION_KIND
    if "<int:record_pk>" in route:
        kwargs["record_pk"] = world.medical.pk
    if "<str:file_format>" in route:
        kwargs["file_format"] = FILE_FORMAT
    if "<path:object_id>" in route:  # an admin change page
        assert row.pk, f"{name}: say which object it changes"
        kwargs["object_id"] = getattr(world, row.pk).pk
    if "<str:code>" in route:
        kwargs["code"] = world.certification.verification_code
    if "<slug:move>" in route:
        kwargs["move"] = "confirm"
    return kwargs


def _route(name: str) -> str:
    """The pattern's route text with its namespaces' prefixes, e.g. 'cohorts/<int:pk>/'."""
    for walked, _path in ROUTES:
        if walked == name:
            return _path
    raise KeyError(name)


def _raw_routes(resolver, prefix: str = "", namespace: str = ""):
    """(name, route text) of every pattern, as test_urls.walk names them, converters kept."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _raw_routes(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or entry.lookup_str}", prefix + str(entry.pattern)


ROUTES = list(_raw_routes(get_resolver()))


def _value(world: support.World, value: str) -> str:
    return str(getattr(world, value[1:]).pk) if value.startswith("@") else value


def _describe(response) -> object:
    if response.status_code in (301, 302):
        return f"302 to {response.url}"
    return response.status_code


def _matches(expected, response) -> bool:
    code = response.status_code
    if expected in (LOGIN, ADMIN_LOGIN):
        if code != 302:
            return False
        target = response.url.split("?")[0]
        logins = {reverse("admin:login")}
        if expected == LOGIN:
            logins.add(reverse(settings.LOGIN_URL))
        return target in logins
    if isinstance(expected, tuple):
        return code in expected
    if expected == 302 and code == 302:
        # Let in and sent on: never to a sign-in page (that would be a refusal in disguise).
        target = response.url.split("?")[0]
        return target not in {reverse(settings.LOGIN_URL), reverse("admin:login")}
    return code == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "method"), CELLS)
def test_cell(world, matrix_client, name, role, method):
    row = MATRIX.get(name) or ADMIN_SAMPLE[name]
    expected = (row.get if method == "GET" else row.post)[role]
    url = reverse(name, kwargs=_kwargs(name, row, world))
    query = {key: _value(world, value) for key, value in row.query.items()}
    client = matrix_client
    client.cookies = SimpleCookie()  # nobody signed in, no message left from another cell
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if method == "GET":
        response = client.get(url, query)
    else:
        body = {key: _value(world, value) for key, value in row.body.items()}
        response = client.post(url, body)
    allowed_failure = isinstance(expected, tuple) and response.status_code in expected  # health
    if response.status_code >= 500 and not allowed_failure:
        error = response.exc_info[1] if response.exc_info else "no exception"
        pytest.fail(f"{method} {url} as {role}: answered {response.status_code}: {error!r}")
    assert _matches(expected, response), (
        f"{method} {url} as {role}: got {_describe(response)}, expected {expected}"
    )


def test_the_matrix_covers_every_role_and_both_methods():
    """The matrix is not one-sided: each role is let in somewhere, and refused somewhere
    (the administrator, who holds every permission, nowhere)."""
    roles_allowed = dict.fromkeys(ROLES, 0)
    roles_refused = dict.fromkeys(ROLES, 0)
    for row in (*MATRIX.values(), *ADMIN_SAMPLE.values()):
        for expected in (row.get, row.post):
            for role, answer in (expected or {}).items():
                # Signing out also ends on the sign-in page: a refusal only for anonymous users.
                if answer in (403, 404, ADMIN_LOGIN) or (role == ANONYMOUS and answer == LOGIN):
                    roles_refused[role] += 1
                else:
                    roles_allowed[role] += 1
    assert all(roles_allowed.values()), roles_allowed
    # The administrator is refused nowhere; every other role somewhere.
    assert roles_refused.pop(ADMINISTRATOR) == 0
    assert all(roles_refused.values()), roles_refused
    assert any(row.post for row in MATRIX.values())


# A report's page, status and file, for a report of each kind: its requester and whoever's
# scope covers it (the kind's `covers`) get 200; anyone else 404. Unit A's commander asked for
# all but the cohort's results, which the registrar asked for (a commander may not have them).
OWNERS_OF_UNIT_A_REPORTS = only((*EDITORS, COMMANDER_OWN), 200, others=404)
REPORT_KIND_ANSWERS: dict[str, dict[str, object]] = {
    ReportKindCode.READINESS_MATRIX: OWNERS_OF_UNIT_A_REPORTS,
    ReportKindCode.CONTINGENT_READINESS: OWNERS_OF_UNIT_A_REPORTS,
    ReportKindCode.NOMINAL_ROLL: OWNERS_OF_UNIT_A_REPORTS,
    ReportKindCode.CERTIFICATIONS_LAPSING: OWNERS_OF_UNIT_A_REPORTS,
    ReportKindCode.GENDER_BALANCE: OWNERS_OF_UNIT_A_REPORTS,
    # Whoever may open cohort X: registrars, administrators, its instructor.
    ReportKindCode.COHORT_RESULTS: only((*EDITORS, INSTRUCTOR_OWN), 200, others=404),
}
REPORT_PAGES = ("reports:detail", "reports:status", "reports:download")


def test_every_report_kind_has_its_answers():
    assert set(REPORT_KIND_ANSWERS) == set(ReportKindCode.values)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(REPORT_KIND_ANSWERS))
@pytest.mark.parametrize("name", REPORT_PAGES)
def test_report_of_each_kind(world, matrix_client, name, kind, role):
    url = reverse(name, args=[world.reports[kind].pk])
    expected = REPORT_KIND_ANSWERS[kind][role]
    matrix_client.cookies = SimpleCookie()
    if role != ANONYMOUS:
        matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    response = matrix_client.get(url)
    assert _matches(expected, response), (
        f"GET {url} ({kind}) as {role}: got {_describe(response)}, expected {expected}"
    )


# Pages every reader opens but whose rows are scoped: what unit A's and cohort X's objects
# show there (a World attribute path, read when the test runs) must be on the page for the
# owners and absent for the others who may open it.
@dataclass(frozen=True)
class Scoped:
    marker: str  # dotted World attribute path of the text to look for
    shown_to: tuple[str, ...]
    hidden_from: tuple[str, ...]


SCOPED_LISTS: dict[str, Scoped] = {
    # An instructor opens their trainee's page but not the personal records on it.
    "personnel:person_detail": Scoped(
        "passport.document_number", (*EDITORS, COMMANDER_OWN), (INSTRUCTOR_OWN,)
    ),
    # Nobody's nomination is the instructor's business.
    "courses:cohort_detail": Scoped("nominee.service_number", EDITORS, (INSTRUCTOR_OWN,)),
    "courses:cohort_roster_csv": Scoped("nominee.service_number", EDITORS, (INSTRUCTOR_OWN,)),
    "personnel:person_list": Scoped(
        "person.service_number", (*EDITORS, COMMANDER_OWN), (COMMANDER_OTHER,)
    ),
    "readiness:readiness_matrix": Scoped(
        "person.last_name", (*EDITORS, COMMANDER_OWN), (COMMANDER_OTHER,)
    ),
    "readiness:readiness_matrix_export": Scoped(
        "person.last_name", (*EDITORS, COMMANDER_OWN), (COMMANDER_OTHER,)
    ),
    "readiness:unit_readiness_list": Scoped(
        "unit_a.code", (*EDITORS, COMMANDER_OWN), (COMMANDER_OTHER,)
    ),
    # The contingent and mission are shown to every reader; the deployed person is not.
    "readiness:contingent_detail": Scoped(
        "deployment.person.last_name", (*EDITORS, COMMANDER_OWN), (COMMANDER_OTHER,)
    ),
    "readiness:mission_detail": Scoped(
        "deployment.person.last_name", (*EDITORS, COMMANDER_OWN), (COMMANDER_OTHER,)
    ),
    "courses:certification_list": Scoped(
        "certification.number",
        (*EDITORS, COMMANDER_OWN, INSTRUCTOR_OWN),
        (COMMANDER_OTHER, INSTRUCTOR_OTHER),
    ),
    "courses:cohort_list": Scoped("cohort.code", (*EDITORS, INSTRUCTOR_OWN), (INSTRUCTOR_OTHER,)),
    # The picker finds unit A's person for whoever may plan for them.
    "personnel:people_search": Scoped(
        "person.service_number", (*EDITORS, COMMANDER_OWN), (COMMANDER_OTHER,)
    ),
    # Each lists the reports its user asked for; administrators list everyone's.
    "reports:list": Scoped(
        "report.title",
        (ADMINISTRATOR, COMMANDER_OWN),
        (REGISTRAR, COMMANDER_OTHER, INSTRUCTOR_OWN, INSTRUCTOR_OTHER),
    ),
}


def _scoped_cells():
    for name, scoped in SCOPED_LISTS.items():
        assert name in MATRIX, name
        for role in scoped.shown_to:
            yield pytest.param(name, role, True, id=f"{name}-{role}-shown")
        for role in scoped.hidden_from:
            yield pytest.param(name, role, False, id=f"{name}-{role}-hidden")


def _marker(world: support.World, path: str) -> str:
    value = world
    for attribute in path.split("."):
        value = getattr(value, attribute)
    return str(value)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "shown"), list(_scoped_cells()))
def test_scoped_pages_show_only_what_the_role_may_see(world, matrix_client, name, role, shown):
    row = MATRIX[name]
    url = reverse(name, kwargs=_kwargs(name, row, world))
    matrix_client.cookies = SimpleCookie()
    matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    response = matrix_client.get(url, {key: _value(world, v) for key, v in row.query.items()})
    assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
    content = b"".join(response) if response.streaming else response.content
    marker = _marker(world, SCOPED_LISTS[name].marker)
    assert (marker.encode() in content) is shown, (
        f"{name} as {role}: {marker!r} {'missing' if shown else 'shown'}"
    )


# An import is opened by its uploader and administrators only: a second registrar, who holds
# the same role as the uploader, is answered 404 on every page of the registrar's imports.
IMPORT_PAGES = (
    ("personnel:import_preview", "people_import", "GET"),
    ("personnel:import_errors", "people_import", "GET"),
    ("personnel:import_refused", "people_import", "GET"),
    ("personnel:import_apply", "people_import", "POST"),
    ("courses:certification_import_preview", "certification_import", "GET"),
    ("courses:certification_import_errors", "certification_import", "GET"),
    ("courses:certification_import_refused", "certification_import", "GET"),
    ("courses:certification_import_apply", "certification_import", "POST"),
)


def test_every_import_page_with_an_id_is_checked_for_another_registrar():
    with_id = {
        name for name, row in MATRIX.items() if row.pk in ("people_import", "certification_import")
    }
    assert with_id == {name for name, _pk, _method in IMPORT_PAGES}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "attribute", "method"),
    IMPORT_PAGES,
    ids=[f"{name}-{support.REGISTRAR_OTHER}-{method}" for name, _a, method in IMPORT_PAGES],
)
def test_another_registrar_cannot_open_an_import(world, matrix_client, name, attribute, method):
    url = reverse(name, args=[getattr(world, attribute).pk])
    matrix_client.cookies = SimpleCookie()
    matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[support.REGISTRAR_OTHER]
    response = matrix_client.get(url) if method == "GET" else matrix_client.post(url, {})
    assert response.status_code == 404, f"{method} {url}: got {_describe(response)}"


ADMIN_NAMES = sorted(
    (name, path)
    for name, path in walk(get_resolver())
    if name.startswith("admin:") and name not in ADMIN_PUBLIC
)
NON_STAFF = tuple(role for role in SIGNED_IN if role not in STAFF_ROLES)
# The two admin pages that answer a signed-in non-staff user otherwise, and why that is right.
ADMIN_EXCEPTIONS = {
    # The admin sends a non-staff user's sign-out to its index, which asks them to sign in.
    "admin:logout": "admin:index",
    # django-treebeard's TreeAdmin (the units) serves its JavaScript translation catalogue
    # outside admin_view: treebeard's own interface strings, no data. Anonymous users are
    # still sent to sign in (LoginRequiredMiddleware; test_urls.py).
    "admin:javascript-catalog": 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", NON_STAFF)
def test_every_admin_page_sends_non_staff_to_the_admin_sign_in(world, matrix_client, role):
    """The whole admin family, for each signed-in role without is_staff: the admin checks it
    before looking anything up, so the walk's sample ids do."""
    assert len(ADMIN_NAMES) > 100
    assert set(ADMIN_EXCEPTIONS) <= {name for name, _path in ADMIN_NAMES}
    matrix_client.cookies = SimpleCookie()
    matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    wrong = []
    for name, path in ADMIN_NAMES:
        response = matrix_client.get("/" + path)
        exception = ADMIN_EXCEPTIONS.get(name)
        if exception == 200:
            right = response.status_code == 200
        elif exception:
            right = response.status_code == 302 and response.url == reverse(exception)
        else:
            right = _matches(ADMIN_LOGIN, response)
        if not right:
            wrong.append(f"{name} (/{path}): {_describe(response)}")
    assert not wrong, f"{len(wrong)} admin pages let {role} in:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_staff_open_every_admin_change_list_and_add_form(world, matrix_client):
    """The administrator's side of the family: every change list opens (200) over the
    world's rows; every add form opens, or is refused (403) where the admin keeps a log or a
    record the application writes (has_add_permission is False), or leads (302) to the page
    that creates one through its service (add_page_url_name); none answers 500."""
    pages = [(name, path) for name, path in ADMIN_NAMES if name.endswith(("_changelist", "_add"))]
    add_pages = {
        f"admin:{model._meta.app_label}_{model._meta.model_name}_add": reverse(
            model_admin.add_page_url_name
        )
        for model, model_admin in admin.site._registry.items()
        if hasattr(model_admin, "add_page_url_name")
    }
    assert len(add_pages) == 2  # cohorts and deployments
    assert len(pages) > 20
    matrix_client.cookies = SimpleCookie()
    matrix_client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[ADMINISTRATOR]
    wrong = []
    for name, path in pages:
        response = matrix_client.get("/" + path)
        allowed = (200,) if name.endswith("_changelist") else (200, 403)
        if response.status_code == 302 and response.url == add_pages.get(name):
            continue
        if response.status_code not in allowed:
            error = response.exc_info[1] if response.exc_info else ""
            wrong.append(f"{name} (/{path}): {_describe(response)} {error!r}")
    assert not wrong, f"{len(wrong)} admin pages failed the administrator:\n" + "\n".join(wrong)
