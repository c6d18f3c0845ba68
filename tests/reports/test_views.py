"""The report pages: requesting from the matrix, the list, the page, its status JSON and the
download; who may see what (404 for those who may not know a report exists, 403 for its
requester once their scope no longer covers it); a fixed number of queries."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from reports.models import ReportRequest
from tests import factories
from tests.reports.support import (
    built,
    command,
    page_rows,
    request_matrix,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

REQUEST = reverse("reports:request")
LIST = reverse("reports:list")


@pytest.fixture
def done(commander, world):
    return built(request_matrix(commander, profile=world["profile"]))


@pytest.fixture
def other_commander(world):
    other = factories.UserFactory(username="mia-cmdr", roles=[Role.COMMANDER])
    command(world["units"]["MIA"], other)
    return other


def urls(report) -> dict[str, str]:
    return {
        name: reverse(f"reports:{name}", args=[report.pk])
        for name in ("detail", "status", "download")
    }


# --- requesting --------------------------------------------------------------------------


def test_a_commander_requests_from_the_matrix_page(
    client, commander, world, django_capture_on_commit_callbacks
):
    client.force_login(commander)
    page = client.get(reverse("readiness:readiness_matrix"), {"profile": world["profile"].pk})
    assert 'data-testid="request-xlsx-report"' in page.content.decode()
    assert f'name="profile" value="{world["profile"].pk}"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            REQUEST,
            {"kind": "readiness_matrix", "format": "xlsx", "profile": world["profile"].pk},
        )
    report = ReportRequest.objects.get()
    assert response.status_code == 302
    assert response.url == urls(report)["detail"]
    assert report.requested_by == commander
    assert report.status == "queued"
    assert len(callbacks) == 1


def test_the_matrix_pages_report_button_carries_its_filters_only(client, commander, world):
    """The button sends the form's filters as typed, not the whole query string: a key named
    like a dict method (?items=) once broke the page."""
    client.force_login(commander)
    profile = world["profile"].pk
    page = client.get(
        reverse("readiness:readiness_matrix"), {"profile": profile, "items": "x", "page": "2"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'name="profile" value="{profile}"' in html
    assert 'name="items"' not in html
    assert 'name="page"' not in html


def test_a_report_refused_goes_back_only_to_a_path_here(client, commander, world):
    client.force_login(commander)
    for back in ("abc", "reports:list", "https://evil.example/"):
        response = client.post(REQUEST, {"kind": "readiness_matrix", "unit": "²", "next": back})
        assert response.status_code == 302
        assert response.url == reverse("reports:list")


def test_a_registrar_may_request_any_unit(client, registrar, world):
    client.force_login(registrar)
    response = client.post(
        REQUEST,
        {"kind": "readiness_matrix", "format": "xlsx", "unit": world["units"]["MIA-FPU"].pk},
    )
    assert response.status_code == 302
    assert ReportRequest.objects.get().parameters["unit"] == world["units"]["MIA-FPU"].pk


def test_another_commanders_unit_is_refused_with_403(client, other_commander, world):
    client.force_login(other_commander)
    response = client.post(
        REQUEST,
        {"kind": "readiness_matrix", "format": "xlsx", "unit": world["units"]["KAZBAT"].pk},
    )
    assert response.status_code == 403
    assert not ReportRequest.objects.exists()


def test_an_instructor_is_refused_with_403(client, instructor, world):
    client.force_login(instructor)
    response = client.post(REQUEST, {"kind": "readiness_matrix", "format": "xlsx"})
    assert response.status_code == 403
    assert not ReportRequest.objects.exists()


def test_a_wrong_format_goes_back_with_a_message(client, commander, world):
    client.force_login(commander)
    response = client.post(
        REQUEST,
        {"kind": "readiness_matrix", "format": "pdf", "next": "/personnel/readiness/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/personnel/readiness/"
    assert "This report comes as XLSX, not PDF." in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(client, done):
    for url in [LIST, *urls(done).values()]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


# --- the list ----------------------------------------------------------------------------


def test_the_list_shows_my_reports_newest_first(client, commander, registrar, world, done):
    second = request_matrix(commander, profile=world["profile"], unit=world["units"]["KAZBAT-1"])
    request_matrix(registrar, profile=world["profile"])
    client.force_login(commander)
    response = client.get(LIST)
    assert [r.pk for r in response.context["page"].object_list] == [second.pk, done.pk]
    html = response.content.decode()
    assert 'data-status="done"' in html
    assert 'data-status="queued"' in html
    assert "Requested by" not in html
    assert urls(done)["download"] in html


def test_administrators_see_everyones_with_the_requester(
    client, administrator, registrar, done, world
):
    request_matrix(registrar, profile=world["profile"])
    client.force_login(administrator)
    response = client.get(LIST)
    assert len(response.context["page"].object_list) == 2
    assert response.content.decode().count('data-testid="requested-by"') == 2


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_has_a_fixed_number_of_queries(
    client, administrator, commander, world, size, django_assert_max_num_queries
):
    for _ in range(size):
        request_matrix(commander, profile=world["profile"])
    client.force_login(administrator)
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == min(size, 25)


# --- the page and its status -------------------------------------------------------------


def test_the_page_of_a_queued_report_polls_its_status(client, commander, world):
    report = request_matrix(commander, profile=world["profile"])
    client.force_login(commander)
    html = client.get(urls(report)["detail"]).content.decode()
    assert f'data-status-url="{urls(report)["status"]}"' in html
    assert "js/report-progress.js" in html
    assert "<script>" not in html
    assert "onclick" not in html
    assert 'aria-valuenow="0"' in html
    assert "Contingent member" in html or world["profile"].name in html
    assert 'href="/personnel/readiness/?' in html  # back to the matrix with its filters
    assert "The file is removed 30 days after it is built." in html
    status = client.get(urls(report)["status"]).json()
    assert status == {
        "status": "queued",
        "status_label": "queued",
        "progress": 0,
        "download_url": "",
        "error": "",
    }


def test_the_status_of_a_done_report_gives_its_download(client, commander, done):
    client.force_login(commander)
    status = client.get(urls(done)["status"]).json()
    assert status["status"] == "done"
    assert status["progress"] == 100
    assert status["download_url"] == urls(done)["download"]


def test_the_status_label_is_translated(client, commander, done):
    commander.language = "ru"
    commander.save()
    client.force_login(commander)
    status = client.get(urls(done)["status"], HTTP_ACCEPT_LANGUAGE="ru").json()
    assert status["status"] == "done"
    assert isinstance(status["status_label"], str)
    assert status["status_label"]


def test_a_failed_report_shows_its_error(client, commander, world):
    report = request_matrix(commander, profile=world["profile"])
    ReportRequest.objects.filter(pk=report.pk).update(status="failed", error="It broke.")
    client.force_login(commander)
    html = client.get(urls(report)["detail"]).content.decode()
    assert "It broke." in html
    assert client.get(urls(report)["status"]).json()["error"] == "It broke."


@pytest.mark.parametrize("extra", [0, 40])
def test_the_page_and_status_have_a_fixed_number_of_queries(
    client, commander, world, extra, django_assert_max_num_queries
):
    from tests.readiness.matrix_support import people_in

    people_in(world["units"]["KAZBAT-1"], extra, prefix="X", state="ready")
    report = built(request_matrix(commander, profile=world["profile"]))
    client.force_login(commander)
    with django_assert_max_num_queries(7):
        assert client.get(urls(report)["detail"]).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(urls(report)["status"]).status_code == 200


# --- the download and who may have it ----------------------------------------------------


def test_the_requester_downloads_what_the_page_shows(client, commander, world, done):
    client.force_login(commander)
    response = client.get(urls(done)["download"])
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{done.filename}"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    assert xlsx_rows(content)[world["profile"].name] == page_rows(commander, world["profile"])


def test_a_commander_above_the_requester_may_open_and_download_it(client, world, done):
    above = factories.UserFactory(username="mod-cmdr", roles=[Role.COMMANDER])
    command(world["units"]["MOD"], above)
    client.force_login(above)
    assert client.get(urls(done)["detail"]).status_code == 200
    assert client.get(urls(done)["download"]).status_code == 200


def test_a_registrar_may_download_a_commanders_report(client, registrar, done):
    client.force_login(registrar)
    assert client.get(urls(done)["download"]).status_code == 200


def test_another_commander_gets_404_everywhere(client, other_commander, done):
    client.force_login(other_commander)
    for url in urls(done).values():
        assert client.get(url).status_code == 404, url
    assert list(client.get(LIST).context["page"].object_list) == []


def test_an_instructor_gets_404_everywhere(client, instructor, done):
    client.force_login(instructor)
    for url in urls(done).values():
        assert client.get(url).status_code == 404, url


def test_a_requester_no_longer_covering_it_sees_the_page_but_gets_403(
    client, commander, world, done
):
    command(world["units"]["KAZBAT"], None)  # the commander handed over the battalion
    client.force_login(commander)
    page = client.get(urls(done)["detail"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "no longer covers this report" in html
    assert 'data-testid="report-download"' not in html
    assert client.get(urls(done)["download"]).status_code == 403
    assert client.get(urls(done)["status"]).json()["download_url"] == ""


def test_nothing_to_download_before_it_is_done(client, commander, world):
    report = request_matrix(commander, profile=world["profile"])
    client.force_login(commander)
    assert client.get(urls(report)["download"]).status_code == 404


def test_an_unknown_report_is_404(client, commander):
    client.force_login(commander)
    assert client.get(reverse("reports:detail", args=[999999])).status_code == 404


def test_the_admin_lists_reports_read_only(client, administrator, done):
    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    response = client.get("/admin/reports/reportrequest/", {"status__exact": "done"})
    assert response.status_code == 200
    assert done.title in response.content.decode()
    change = client.get(f"/admin/reports/reportrequest/{done.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
