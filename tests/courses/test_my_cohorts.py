""" "My cohorts": an instructor lists and opens only the cohorts they teach; registrars see
every cohort; another instructor's cohort answers 404 on every page of it, and commanders get
403 on cohort pages. The cohort page leads to the register, the gradebook and each trainee's
results."""

import pytest
from django.urls import reverse

from tests.courses.gradebook_support import enrolments, make_instructor, running_cohort

pytestmark = pytest.mark.django_db

COHORT_PAGES = ("cohort_detail", "attendance", "gradebook")


@pytest.fixture
def mine(teacher):
    return running_cohort(trainees=2, instructors=[teacher], code="UNSOC-2026-MINE")


@pytest.fixture
def theirs():
    return running_cohort(
        trainees=2, instructors=[make_instructor("marat")], code="UNMEM-2026-THEIRS"
    )


def listed(client) -> list[str]:
    response = client.get(reverse("courses:cohort_list"))
    assert response.status_code == 200
    return sorted(cohort.code for cohort in response.context["page"])


def test_an_instructor_lists_only_the_cohorts_they_teach(client, teacher, mine, theirs):
    client.force_login(teacher)

    assert listed(client) == ["UNSOC-2026-MINE"]
    assert "My cohorts" in client.get(reverse("courses:cohort_list")).content.decode()


def test_an_instructor_who_teaches_nothing_lists_nothing(client, mine, theirs):
    client.force_login(make_instructor("newcomer"))

    assert listed(client) == []


@pytest.mark.parametrize("who", ["registrar", "administrator"])
def test_registrars_and_administrators_list_every_cohort(client, mine, theirs, who, request):
    client.force_login(request.getfixturevalue(who))

    assert listed(client) == ["UNMEM-2026-THEIRS", "UNSOC-2026-MINE"]


def test_an_instructor_opens_every_page_of_their_cohort(client, teacher, mine):
    client.force_login(teacher)

    for name in COHORT_PAGES:
        assert client.get(reverse(f"courses:{name}", args=[mine.pk])).status_code == 200
    for enrolment in enrolments(mine):
        url = reverse("courses:enrolment_results", args=[enrolment.pk])
        assert client.get(url).status_code == 200


def test_another_instructors_cohort_is_not_found_on_any_page(client, teacher, mine, theirs):
    client.force_login(teacher)

    for name in COHORT_PAGES:
        assert client.get(reverse(f"courses:{name}", args=[theirs.pk])).status_code == 404
    for enrolment in enrolments(theirs):
        url = reverse("courses:enrolment_results", args=[enrolment.pk])
        assert client.get(url).status_code == 404


def test_commanders_are_refused_cohort_pages(client, commander, mine):
    client.force_login(commander)

    assert client.get(reverse("courses:cohort_list")).status_code == 403
    for name in COHORT_PAGES:
        assert client.get(reverse(f"courses:{name}", args=[mine.pk])).status_code == 403


@pytest.mark.parametrize("who", ["teacher", "registrar"])
def test_the_cohort_page_leads_to_the_register_gradebook_and_results(client, mine, who, request):
    client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("courses:cohort_detail", args=[mine.pk])).content.decode()

    assert reverse("courses:attendance", args=[mine.pk]) in page
    assert reverse("courses:gradebook", args=[mine.pk]) in page
    for enrolment in enrolments(mine):
        assert reverse("courses:enrolment_results", args=[enrolment.pk]) in page
    assert page.count('data-testid="results-link"') == 2
