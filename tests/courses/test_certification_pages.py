"""The certification list and page, revoking and reissuing: who sees which certification,
search and filters, what the page shows, and the refusals."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Certification
from courses.services.certifications import certification_reissue, certification_revoke
from tests import factories
from tests.courses.finalisation_support import make_course

pytestmark = pytest.mark.django_db

LIST = reverse("courses:certification_list")


def url(name, certification):
    return reverse(f"courses:{name}", args=[certification.pk])


def listed(response) -> list[str]:
    return [row.record.number for row in response.context["rows"]]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def world(commander, instructor):
    """A commander's unit (with a sub-unit) and another unit; an instructor's cohort with
    one trainee; a certification for each of four people."""
    today = timezone.localdate()
    commanded = factories.UnitFactory(code="BN1", commander=commander)
    sub_unit = factories.UnitFactory(code="BN1-C1", parent=commanded)
    elsewhere = factories.UnitFactory(code="BN9")
    in_unit = factories.PersonFactory(unit=commanded, last_name="Abenov", first_name="Arman")
    in_sub_unit = factories.PersonFactory(unit=sub_unit, last_name="Сейтқали", first_name="Aliya")
    trainee = factories.PersonFactory(unit=elsewhere, last_name="Trainee", first_name="Taught")
    stranger = factories.PersonFactory(unit=elsewhere, last_name="Stranger", first_name="Sam")
    unsoc, poc = make_course(code="UNSOC"), make_course(code="POC")
    cohort = factories.CohortFactory(course=unsoc, instructors=[instructor])
    factories.EnrolmentFactory(cohort=cohort, person=trainee)

    def certify(person, number, course, **kwargs):
        return factories.CertificationFactory(
            person=person,
            number=number,
            course=course,
            certification_type=course.certification_type,
            issued_on=kwargs.pop("issued_on", today - dt.timedelta(days=400)),
            **kwargs,
        )

    return {
        "in_unit": certify(
            in_unit, "UNSOC-2025-0001", unsoc, valid_until=today.replace(year=today.year + 3)
        ),
        "in_sub_unit": certify(
            in_sub_unit, "POC-2025-0001", poc, valid_until=today + dt.timedelta(days=30)
        ),
        "trainee": certify(  # issued by the instructor's cohort
            trainee,
            "UNSOC-2025-0002",
            unsoc,
            valid_until=today - dt.timedelta(days=1),
            cohort=cohort,
        ),
        "stranger": certify(
            stranger,
            "POC-2025-0002",
            poc,
            valid_until=today.replace(year=today.year + 3),
            revoked_at=timezone.now(),
            revocation_reason="Forged",
        ),
        "courses": (unsoc, poc),
    }


# Access and scope


def test_anonymous_users_are_sent_to_sign_in(client, world):
    certification = world["in_unit"]
    for target in (
        LIST,
        url("certification_detail", certification),
        url("certification_revoke", certification),
        url("certification_reissue", certification),
    ):
        response = client.get(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_user_without_a_role_is_refused(client, world):
    client.force_login(factories.UserFactory())
    assert client.get(LIST).status_code == 403
    assert client.get(url("certification_detail", world["in_unit"])).status_code == 403


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("registrar", ["in_unit", "in_sub_unit", "trainee", "stranger"]),
        ("administrator", ["in_unit", "in_sub_unit", "trainee", "stranger"]),
        ("commander", ["in_unit", "in_sub_unit"]),
        ("instructor", ["trainee"]),
    ],
)
def test_each_role_lists_and_opens_only_its_certifications(client, world, request, user, expected):
    client.force_login(request.getfixturevalue(user))

    response = client.get(LIST)

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(world[key].number for key in expected)
    for key in ("in_unit", "in_sub_unit", "trainee", "stranger"):
        status = client.get(url("certification_detail", world[key])).status_code
        assert status == (200 if key in expected else 404), key


# Search and filters


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("UNSOC-2025", ["UNSOC-2025-0001", "UNSOC-2025-0002"]),
        ("poc-2025-0001", ["POC-2025-0001"]),
        ("seitkali", ["POC-2025-0001"]),  # any script
        ("abenov arman", ["UNSOC-2025-0001"]),
    ],
)
def test_search_by_number_name_or_service_number(client, world, registrar, q, expected):
    client.force_login(registrar)
    assert sorted(listed(client.get(LIST, {"q": q}))) == expected


def test_search_by_service_number(client, world, registrar):
    client.force_login(registrar)
    number = world["trainee"].person.service_number
    assert listed(client.get(LIST, {"q": number})) == ["UNSOC-2025-0002"]


def test_filter_by_course(client, world, registrar):
    client.force_login(registrar)
    _unsoc, poc = world["courses"]
    assert sorted(listed(client.get(LIST, {"course": poc.pk}))) == [
        "POC-2025-0001",
        "POC-2025-0002",
    ]


@pytest.mark.parametrize(
    ("validity", "expected"),
    [
        ("valid", ["POC-2025-0001", "UNSOC-2025-0001"]),  # lapsing soon is still valid
        ("lapsing", ["POC-2025-0001"]),
        ("lapsed", ["UNSOC-2025-0002"]),
        ("revoked", ["POC-2025-0002"]),
    ],
)
def test_filter_by_validity(client, world, registrar, validity, expected):
    client.force_login(registrar)

    response = client.get(LIST, {"validity": validity})

    assert sorted(listed(response)) == expected
    assert {row.state for row in response.context["rows"]} <= {validity, "valid", "lapsing"}


def test_the_list_shows_each_state_as_a_badge(client, world, registrar):
    client.force_login(registrar)
    html = client.get(LIST).content.decode()
    for state in ("valid", "lapsing", "lapsed", "revoked"):
        assert f'data-testid="state-{state}"' in html


def test_the_list_pages_by_fifty(client, registrar):
    course = make_course(code="BULK")
    for n in range(51):
        factories.CertificationFactory(number=f"BULK-2026-{n:04d}", course=course)
    client.force_login(registrar)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2, "course": course.pk})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 1
    assert "1\N{EN DASH}50 of 51" in first.content.decode()


@pytest.mark.parametrize("user", ["registrar", "commander", "instructor"])
def test_the_list_takes_the_same_queries_for_3_or_30_certifications(
    client, request, user, django_assert_num_queries, django_assert_max_num_queries
):
    viewer = request.getfixturevalue(user)
    unit = factories.UnitFactory(commander=viewer if user == "commander" else None)
    course = make_course(code="QRY")
    cohort = factories.CohortFactory(course=course, instructors=[viewer])
    client.force_login(viewer)

    def certify(count):
        for _ in range(count):
            person = factories.PersonFactory(unit=unit)
            factories.EnrolmentFactory(cohort=cohort, person=person)
            factories.CertificationFactory(person=person, course=course)

    certify(3)
    client.get(LIST)  # the session and permissions, once
    # Session, user, roles, the course filter's choices, count, page; a commander's units.
    with django_assert_max_num_queries(9) as counted:
        assert len(listed(client.get(LIST))) == 3
    certify(27)
    with django_assert_num_queries(len(counted)):
        assert len(listed(client.get(LIST))) == 30


# One certification's page


def test_the_page_shows_the_certification_and_how_to_verify_it(client, world, registrar):
    certification = world["in_unit"]
    client.force_login(registrar)

    response = client.get(url("certification_detail", certification))

    html = response.content.decode()
    assert certification.person.rank_and_name in html
    assert "UNSOC-2025-0001" in html
    assert certification.issued_on.isoformat() in html
    assert certification.valid_until.isoformat() in html
    assert 'data-testid="state-valid"' in html
    verify = f"http://testserver/verify/{certification.verification_code}/"
    assert response.context["verify_url"] == verify
    assert f'data-testid="verify-url">{verify}<' in html
    assert url("certification_pdf", certification) in html
    assert url("certification_revoke", certification) in html
    assert url("certification_reissue", certification) in html


@pytest.mark.parametrize("user", ["commander", "instructor"])
def test_only_managers_see_revoke_and_reissue(client, world, request, user):
    key = "in_unit" if user == "commander" else "trainee"
    certification = world[key]
    client.force_login(request.getfixturevalue(user))

    html = client.get(url("certification_detail", certification)).content.decode()

    assert url("certification_pdf", certification) in html
    assert url("certification_revoke", certification) not in html
    assert url("certification_reissue", certification) not in html


def test_the_page_shows_a_revocation_and_the_supersede_chain(client, world, registrar):
    original = world["in_unit"]
    reissued = certification_reissue(certification=original, by=registrar, reason="Damaged")
    client.force_login(registrar)

    old_page = client.get(url("certification_detail", original)).content.decode()
    new_page = client.get(url("certification_detail", reissued)).content.decode()

    assert 'data-testid="revocation"' in old_page
    assert f"Reissued as {reissued.number}: Damaged" in old_page
    assert 'data-testid="superseded-by"' in old_page
    assert url("certification_detail", reissued) in old_page
    assert url("certification_reissue", original) not in old_page  # superseded
    assert url("certification_revoke", original) not in old_page  # already revoked
    assert 'data-testid="supersedes"' in new_page
    assert url("certification_detail", original) in new_page


def test_the_page_shows_the_history_with_who_and_what_changed(client, world, registrar):
    certification = world["in_unit"]
    certification_revoke(certification=certification, by=registrar, reason="Forged signature")
    client.force_login(registrar)

    response = client.get(url("certification_detail", certification))

    history = response.context["page"].history
    assert [entry.record.history_type for entry in history] == ["~", "+"]
    assert history[0].record.history_user == registrar
    changed = {label for label, _old, _new in history[0].changes}
    assert changed == {"revoked at", "revocation reason"}
    assert "Forged signature" in response.content.decode()


def test_the_page_takes_the_same_queries_however_long_its_history(
    client, world, registrar, django_assert_num_queries
):
    short, long = world["in_unit"], world["in_sub_unit"]
    for n in range(10):
        long.revocation_reason = f"note {n}"  # an edit through the admin, say
        long.save()
    client.force_login(registrar)
    client.get(url("certification_detail", short))

    with django_assert_num_queries(7) as counted:
        client.get(url("certification_detail", short))
    with django_assert_num_queries(len(counted)):
        client.get(url("certification_detail", long))


# Revoking


def test_commanders_and_instructors_cannot_revoke_or_reissue(client, world, commander, instructor):
    for user, key in ((commander, "in_unit"), (instructor, "trainee")):
        client.force_login(user)
        for name in ("certification_revoke", "certification_reissue"):
            assert client.get(url(name, world[key])).status_code == 403
            assert client.post(url(name, world[key]), {"reason": "x"}).status_code == 403
    assert not Certification.objects.filter(source=Certification.Source.REISSUE).exists()
    assert Certification.objects.exclude(revoked_at=None).count() == 1  # the stranger's


def test_revoking_with_a_reason(client, world, registrar):
    certification = world["in_unit"]
    client.force_login(registrar)
    assert client.get(url("certification_revoke", certification)).status_code == 200

    response = client.post(
        url("certification_revoke", certification), {"reason": "Forged score"}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("certification_detail", certification)
    assert messages_of(response) == ["Certification UNSOC-2025-0001 is revoked."]
    certification.refresh_from_db()
    assert (certification.revocation_reason, certification.revoked_by) == (
        "Forged score",
        registrar,
    )


def test_revoking_without_a_reason_is_refused_on_the_form(client, world, registrar):
    client.force_login(registrar)

    response = client.post(url("certification_revoke", world["in_unit"]), {"reason": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not Certification.objects.get(pk=world["in_unit"].pk).is_revoked


def test_revoking_what_someone_revoked_meanwhile_keeps_their_reason(
    client, world, registrar, administrator
):
    certification = world["in_unit"]
    client.force_login(registrar)
    client.get(url("certification_revoke", certification))
    certification_revoke(certification=certification, by=administrator, reason="First")

    response = client.post(
        url("certification_revoke", certification), {"reason": "Second"}, follow=True
    )

    (message,) = messages_of(response)
    assert "was already revoked" in message
    assert "“First”" in message
    certification.refresh_from_db()
    assert certification.revocation_reason == "First"


def test_the_revoke_page_of_a_revoked_certification_says_so(client, world, registrar):
    client.force_login(registrar)
    response = client.get(url("certification_revoke", world["stranger"]), follow=True)
    assert messages_of(response) == ["Certification POC-2025-0002 is already revoked."]


# Reissuing


def test_reissuing_opens_the_new_certification(client, world, registrar):
    original = world["in_unit"]
    client.force_login(registrar)
    assert client.get(url("certification_reissue", original)).status_code == 200

    response = client.post(
        url("certification_reissue", original), {"reason": "Lost in transit"}, follow=True
    )

    reissued = Certification.objects.get(supersedes=original)
    assert response.redirect_chain[-1][0] == url("certification_detail", reissued)
    assert messages_of(response) == [
        f"Certification UNSOC-2025-0001 is reissued as {reissued.number}."
    ]
    original.refresh_from_db()
    assert original.revocation_reason == f"Reissued as {reissued.number}: Lost in transit"


def test_reissuing_without_a_reason_is_refused_on_the_form(client, world, registrar):
    client.force_login(registrar)
    response = client.post(url("certification_reissue", world["in_unit"]), {"reason": ""})
    assert response.context["form"].errors["reason"]
    assert Certification.objects.count() == 4


def test_reissuing_what_someone_reissued_meanwhile_is_refused(client, world, registrar):
    original = world["in_unit"]
    client.force_login(registrar)
    client.get(url("certification_reissue", original))
    first = certification_reissue(certification=original, by=registrar, reason="Lost")

    response = client.post(url("certification_reissue", original), {"reason": "Lost"}, follow=True)

    assert response.redirect_chain[-1][0] == url("certification_detail", original)
    assert messages_of(response) == [
        f"Certification UNSOC-2025-0001 is already superseded by {first.number}; reissue "
        f"{first.number} instead."
    ]
    assert Certification.objects.filter(supersedes=original).count() == 1


def test_the_reissue_page_of_a_superseded_or_lapsed_certification_says_why(
    client, world, registrar
):
    original = world["in_unit"]
    reissued = certification_reissue(certification=original, by=registrar, reason="Lost")
    client.force_login(registrar)

    superseded = client.get(url("certification_reissue", original), follow=True)
    lapsed = client.get(url("certification_reissue", world["trainee"]), follow=True)

    assert messages_of(superseded) == [
        f"Certification UNSOC-2025-0001 is already superseded by {reissued.number}."
    ]
    assert "renewed by passing the course again" in messages_of(lapsed)[0]
    assert Certification.objects.count() == 5
