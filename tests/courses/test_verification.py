"""The public verification page: open without signing in, it says VALID, LAPSED or REVOKED with
only the name, course, number and dates; an unknown code is a plain 404; wrong guesses from
one address are throttled by the real limiter (django-ratelimit on the test settings' database
cache, rolled back with each test)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from courses.models import Certification
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIMIT = 20  # settings.VERIFY_RATE's default, "20/10m"


@pytest.fixture
def certification() -> Certification:
    course = factories.CourseFactory(code="POC", title="Protection of Civilians")
    unit = factories.UnitFactory(code="KAZBAT-3", name="Third Peacekeeping Company")
    person = factories.PersonFactory(
        last_name="Seitkali",
        first_name="Aliya",
        service_number="KZ-771203",
        unit=unit,
        rank=factories.RankFactory(code="CPT", name="Captain"),
        email="a.seitkali@mod.example.kz",
        date_of_birth=dt.date(1991, 4, 12),
    )
    return factories.CertificationFactory(
        person=person,
        course=course,
        cohort=factories.CohortFactory(course=course, code="POC-2026-02"),
        number="POC-2026-0031",
        issued_on=TODAY - dt.timedelta(days=300),
        valid_until=TODAY + dt.timedelta(days=800),
    )


def page(code: str) -> str:
    return reverse("verify_certificate", args=[code])


def wrong(n: int) -> str:
    return page(f"wrongGuess{n:04d}")


def assert_public_headers(response) -> None:
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


# The page itself


def test_a_valid_certification_shows_valid_with_only_the_allowed_fields(client, certification):
    response = client.get(page(certification.verification_code))

    assert response.status_code == 200
    assert_public_headers(response)
    html = response.content.decode()
    assert response.context["state"] == "valid"
    assert 'data-testid="state">VALID<' in html
    for shown in (
        "Seitkali Aliya",
        "Protection of Civilians",
        "POC-2026-0031",
        certification.issued_on.isoformat(),
        certification.valid_until.isoformat(),
    ):
        assert shown in html, shown
    for hidden in (
        "KZ-771203",  # service number
        "KAZBAT-3",  # unit code
        "Third Peacekeeping Company",  # unit
        "Captain",  # rank
        "mod.example.kz",  # e-mail
        "1991-04-12",  # date of birth
        "POC-2026-02",  # cohort
    ):
        assert hidden not in html, hidden
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_the_page_is_its_own_public_layout_with_vendored_assets_only(client, certification):
    html = client.get(page(certification.verification_code)).content.decode()
    assert "<nav" not in html  # no navigation
    # Links only to the lookup form and the vendored styles: no sign-in, no other page.
    links = set(re.findall(r'(?:href|src)="([^"]*)"', html))
    assert reverse("verify") in links
    assert {link for link in links if not link.startswith("/static/")} == {reverse("verify")}
    assert "/static/vendor/bootstrap-5.3.9/bootstrap.min.css" in links
    assert "http://" not in html  # nothing from another host
    assert "https://" not in html


def test_a_certification_lapsing_soon_is_still_valid(client, certification):
    Certification.objects.filter(pk=certification.pk).update(
        valid_until=TODAY + dt.timedelta(days=10)
    )
    response = client.get(page(certification.verification_code))
    assert response.context["state"] == "valid"


def test_the_last_valid_day_is_valid_and_the_next_is_lapsed(client, certification):
    Certification.objects.filter(pk=certification.pk).update(valid_until=TODAY)
    assert client.get(page(certification.verification_code)).context["state"] == "valid"
    Certification.objects.filter(pk=certification.pk).update(
        valid_until=TODAY - dt.timedelta(days=1)
    )
    response = client.get(page(certification.verification_code))
    assert response.status_code == 200
    assert response.context["state"] == "lapsed"
    html = response.content.decode()
    assert 'data-testid="state">LAPSED<' in html
    assert f"its validity ended on {(TODAY - dt.timedelta(days=1)).isoformat()}" in html


def test_a_revoked_certification_shows_revoked_and_when(client, certification):
    revoked_at = timezone.now() - dt.timedelta(days=2)
    Certification.objects.filter(pk=certification.pk).update(
        revoked_at=revoked_at,
        revoked_by=factories.UserFactory(roles=[Role.REGISTRAR]),
        revocation_reason="Found to have missed the final exercise",
    )
    response = client.get(page(certification.verification_code))

    assert response.status_code == 200
    assert response.context["state"] == "revoked"
    html = response.content.decode()
    assert 'data-testid="state">REVOKED<' in html
    assert timezone.localdate(revoked_at).isoformat() in html
    assert "missed the final exercise" not in html  # the reason stays internal
    assert "KZ-771203" not in html


def test_an_unknown_code_is_a_plain_not_found_page(client, certification):
    response = client.get(page("NoSuchCode123"))

    assert response.status_code == 404
    assert_public_headers(response)
    assert response.templates[0].name == "verification/not_found.html"
    html = response.content.decode()
    assert "No certificate has this code" in html
    assert "NoSuchCode123" in html
    assert "Seitkali" not in html


def test_a_signed_in_user_sees_the_same_page(client, certification, commander):
    client.force_login(commander)
    response = client.get(page(certification.verification_code))
    assert response.status_code == 200
    assert response.context["state"] == "valid"


def test_the_page_only_answers_get(client, certification):
    assert client.post(page(certification.verification_code)).status_code == 405


def test_the_page_costs_the_same_queries_with_3_or_30_certifications(client, certification):
    def queries_with(total: int) -> list[str]:
        factories.CertificationFactory.create_batch(total - Certification.objects.count())
        # A new address each time, so the throttle's cache starts from the same state.
        address = {"REMOTE_ADDR": f"198.51.100.{total}"}
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(certification.verification_code), **address).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    small, large = queries_with(3), queries_with(30)
    assert len(small) == len(large)
    # One for the certification, with its person, course and type; the rest is the
    # throttle's count in the test settings' database cache (Redis in production).
    assert len([sql for sql in large if "courses_certification" in sql]) == 1
    cache_work = ("peacecentre_cache", "SAVEPOINT")  # the cache's own transaction
    assert len([sql for sql in large if not any(word in sql for word in cache_work)]) == 1
    assert len(large) <= 6, large


# The lookup form


def test_the_lookup_form_is_public(client):
    response = client.get(reverse("verify"))
    assert response.status_code == 200
    assert_public_headers(response)
    assert 'name="code"' in response.content.decode()


def test_a_typed_code_opens_its_page(client, certification):
    response = client.get(reverse("verify"), {"code": f"  {certification.verification_code} "})
    assert response.status_code == 302
    assert response.url == page(certification.verification_code)


def test_a_pasted_verification_address_opens_its_page(client, certification):
    url = f"https://peacecentre.example.kz/verify/{certification.verification_code}/"
    response = client.get(reverse("verify"), {"code": url})
    assert response.url == page(certification.verification_code)


@pytest.mark.parametrize("code", ["", "abc def", "abc/../x", "<script>"])
def test_a_code_that_cannot_be_one_is_refused_on_the_form(client, code):
    response = client.get(reverse("verify"), {"code": code})
    assert response.status_code == 200
    errors = response.context["form"].errors["code"]
    assert errors
    if code:
        assert "letters, digits, hyphens and underscores" in errors[0]


# Throttling


def test_wrong_guesses_are_throttled_per_address(client, certification):
    for n in range(LIMIT):
        assert client.get(wrong(n)).status_code == 404, f"guess {n + 1}"

    over = client.get(wrong(LIMIT))
    assert over.status_code == 429
    assert_public_headers(over)
    assert 0 < int(over["Retry-After"]) <= 10 * 60
    assert "Too many unknown codes were tried from your address" in over.content.decode()
    assert "Seitkali" not in over.content.decode()
    # Right codes too, from that address, until the window ends.
    right = client.get(page(certification.verification_code))
    assert right.status_code == 429
    assert "Seitkali" not in right.content.decode()

    # Another address is not affected.
    other = {"REMOTE_ADDR": "198.51.100.23"}
    assert client.get(page(certification.verification_code), **other).status_code == 200
    assert client.get(wrong(999), **other).status_code == 404


def test_right_codes_are_not_counted(client, certification):
    for _ in range(LIMIT + 5):
        assert client.get(page(certification.verification_code)).status_code == 200
    assert client.get(wrong(1)).status_code == 404


def test_the_limit_is_a_setting(client, certification, settings):
    settings.VERIFY_RATE = "2/10m"
    assert client.get(wrong(1)).status_code == 404
    assert client.get(wrong(2)).status_code == 404
    assert client.get(wrong(3)).status_code == 429


def test_behind_a_proxy_the_address_it_forwarded_is_counted(client, certification, settings):
    settings.RATELIMIT_IP_META_KEY = "courses.views.verification.client_ip_behind_proxy"
    settings.VERIFY_RATE = "2/10m"
    proxy = {"REMOTE_ADDR": "10.0.0.5"}

    def from_client(address: str, forged: str = "") -> dict:
        chain = f"{forged}, {address}" if forged else address
        return {**proxy, "HTTP_X_FORWARDED_FOR": chain}

    for n in range(2):
        assert client.get(wrong(n), **from_client("203.0.113.7")).status_code == 404
    assert client.get(wrong(3), **from_client("203.0.113.7")).status_code == 429
    # Forging an earlier entry does not escape: the proxy's own entry is last.
    forged = from_client("203.0.113.7", forged="192.0.2.1")
    assert client.get(page(certification.verification_code), **forged).status_code == 429
    # Another client behind the same proxy is not affected.
    neighbour = from_client("203.0.113.8")
    assert client.get(page(certification.verification_code), **neighbour).status_code == 200


def test_by_default_x_forwarded_for_is_not_trusted(client, certification, settings):
    settings.VERIFY_RATE = "2/10m"
    for n in range(2):
        client.get(wrong(n), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = client.get(wrong(3), HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
