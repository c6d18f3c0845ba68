"""The certificate PDF: what it prints (Latin and Cyrillic names, in the vendored font), the QR
code that opens the verification page, the REVOKED watermark, how long a render takes, and
who may download it."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.roles import Role
from courses.models import Certification, Cohort, Course, Enrolment
from courses.services.certificates import (
    certificate_html,
    certificate_pdf,
    certificate_qr_svg,
    certificate_verify_url,
    static_fetcher,
)
from tests import factories
from tests.conftest import require

pytestmark = pytest.mark.django_db

SITE = "https://pc.example.kz"


def make_certification(
    *,
    last_name="Nurlanov",
    first_name="Arman",
    middle_name="Serikovich",
    rank=None,
    with_cohort=True,
    unit=None,
    number="UNSOC-2026-0007",
    service_number="KZ-004217",
    cohort_code="UNSOC-2026-01",
) -> Certification:
    """A certification issued by a cohort (the holder enrolled in it), or an imported one.
    Call it again with another number, service number and cohort code for a second one."""
    certification_type = factories.CertificationTypeFactory(code="UNSOC", name="UN Staff Officer")
    course = Course.objects.filter(code="UNSOC").first() or factories.CourseFactory(
        code="UNSOC",
        title="United Nations Staff Officer Course",
        certification_type=certification_type,
    )
    person = factories.PersonFactory(
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        service_number=service_number,
        rank=rank or factories.RankFactory(code="MAJ", name="Major", seniority=13),
        **({"unit": unit} if unit else {}),
    )
    cohort = None
    if with_cohort:
        cohort = factories.CohortFactory(
            course=course,
            code=cohort_code,
            starts_on=dt.date(2026, 2, 2),
            ends_on=dt.date(2026, 2, 27),
        )
        factories.EnrolmentFactory(cohort=cohort, person=person)
    return factories.CertificationFactory(
        person=person,
        certification_type=certification_type,
        course=course,
        cohort=cohort,
        number=number,
        issued_on=dt.date(2026, 3, 1),
        valid_until=dt.date(2030, 2, 28),
        source=Certification.Source.COHORT if with_cohort else Certification.Source.IMPORT,
    )


def fetched(certification: Certification) -> Certification:
    return Certification.objects.select_related(
        "person__rank", "course", "certification_type", "cohort"
    ).get(pk=certification.pk)


def verify_url(certification: Certification) -> str:
    return f"{SITE}/verify/{certification.verification_code}/"


def render(certification: Certification) -> bytes:
    return certificate_pdf(
        certification=fetched(certification), verify_url=verify_url(certification)
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeezed(text: str) -> str:
    """`text` without white space: a long URL wraps over two lines in the PDF."""
    return "".join(text.split())


def fonts_of(pdf: bytes) -> set[str]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    # "/ABCDEF+PT-Serif-Latin-Bold": drop the subset tag.
    return {
        str(font["/BaseFont"]).split("+", 1)[-1] for font in page["/Resources"]["/Font"].values()
    }


# What it prints


def test_the_pdf_is_one_a4_landscape_page_with_everything_the_certificate_states():
    certification = make_certification()
    pdf = render(certification)

    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, pt
    text = text_of(pdf)
    for expected in (
        "Peace Operations Centre",  # the centre's name (no PEACECENTRE_NAME set)
        "CERTIFICATE",
        "MAJOR",
        "Nurlanov Arman Serikovich",
        "Service number KZ-004217",
        "United Nations Staff Officer Course (UNSOC)",
        "held from 2026-02-02 to 2026-02-27, cohort UNSOC-2026-01",
        "UNSOC-2026-0007",
        "2026-03-01",  # issued on
        "2030-02-28",  # valid until
        "Commandant",
        "Chief Instructor",
    ):
        assert expected in text, expected
    assert verify_url(certification) in squeezed(text)
    assert "REVOKED" not in text


def test_the_centre_name_comes_from_the_setting(settings):
    settings.PEACECENTRE_NAME = "Kazakhstan Peace Operations Centre"
    assert "Kazakhstan Peace Operations Centre" in text_of(render(make_certification()))


def test_a_cyrillic_name_is_printed_in_the_vendored_font():
    rank = factories.RankFactory(code="MAJ-RU", name="Майор", seniority=13)
    certification = make_certification(
        last_name="Жұмабаев", first_name="Ерлан", middle_name="Қайратұлы", rank=rank
    )
    pdf = render(certification)

    text = text_of(pdf)
    assert "Жұмабаев Ерлан Қайратұлы" in text  # Kazakh letters too (Cyrillic extended)
    assert "МАЙОР" in text
    # Every glyph from PT Serif, none from whatever fonts the machine has.
    fonts = fonts_of(pdf)
    assert fonts, "no font in the PDF"
    assert all(font.startswith("PT-Serif") for font in fonts), fonts
    assert {"PT-Serif-Cyrillic-Bold", "PT-Serif-Cyrillic-Ext-Bold"} <= fonts


def test_a_latin_name_uses_only_the_latin_subsets():
    fonts = fonts_of(render(make_certification()))
    assert fonts == {"PT-Serif-Latin", "PT-Serif-Latin-Bold", "PT-Serif-Latin-Italic"}


def test_an_imported_record_prints_no_cohort():
    certification = make_certification(with_cohort=False)
    text = text_of(render(certification))
    assert "United Nations Staff Officer Course (UNSOC)" in text
    assert "held from" not in text
    assert "cohort" not in text.lower()


def test_without_a_course_the_certification_type_names_it():
    certification = make_certification(with_cohort=False)
    Certification.objects.filter(pk=certification.pk).update(course=None)
    assert "UN Staff Officer (UNSOC)" in text_of(render(certification))


def test_a_revoked_certification_carries_a_revoked_watermark_and_date():
    certification = make_certification()
    revoker = factories.UserFactory(roles=[Role.REGISTRAR])
    Certification.objects.filter(pk=certification.pk).update(
        revoked_at=timezone.make_aware(dt.datetime(2026, 6, 3, 10, 0)),
        revoked_by=revoker,
        revocation_reason="Issued in error",
    )
    html = certificate_html(
        certification=fetched(certification), verify_url=verify_url(certification)
    )
    assert '<div class="watermark">REVOKED</div>' in html
    text = text_of(render(certification))
    assert "REVOKED" in text
    assert "REVOKED ON" in text.upper()
    assert "2026-06-03" in text
    assert "Issued in error" not in text  # the reason is the registrar's, not the holder's


# The QR code


def test_the_html_holds_the_qr_code_of_the_verification_url_as_inline_svg():
    certification = make_certification()
    url = verify_url(certification)
    html = certificate_html(certification=fetched(certification), verify_url=url)

    svg = certificate_qr_svg(url)
    assert svg.startswith('<svg viewBox="0 0 ')
    assert 'class="qr"' in svg
    assert svg in html
    # The SVG is that URL's QR code: its drawn modules are segno's matrix for the URL.
    assert (
        segno.make(url, error="m").svg_inline(
            scale=1, border=0, omitsize=True, svgclass="qr", lineclass=None, dark="#000"
        )
        == svg
    )
    assert "http" not in html.replace(url, "")  # nothing else addressed, no other host


def test_the_printed_qr_code_decodes_to_the_verification_url(tmp_path):
    import zxingcpp
    from PIL import Image

    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) rasterises the PDF")
    certification = make_certification()
    (tmp_path / "certificate.pdf").write_bytes(render(certification))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", "certificate.pdf", "certificate"],
        cwd=tmp_path,
        check=True,
    )
    codes = zxingcpp.read_barcodes(Image.open(tmp_path / "certificate.png"))
    assert [code.text for code in codes] == [verify_url(certification)]


def test_the_verification_url_comes_from_the_request_or_from_site_url(rf, settings):
    certification = make_certification()
    path = f"/verify/{certification.verification_code}/"
    settings.ALLOWED_HOSTS = ["peacecentre.example.kz"]
    request = rf.get("/", HTTP_HOST="peacecentre.example.kz", secure=True)
    assert certificate_verify_url(certification=certification, request=request) == (
        f"https://peacecentre.example.kz{path}"
    )
    settings.SITE_URL = "https://training.mod.kz/"
    assert certificate_verify_url(certification=certification, request=None) == (
        f"https://training.mod.kz{path}"
    )


# Loading nothing from elsewhere, and speed


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.example.com/pt-serif.woff",
        "http://127.0.0.1:8000/static/courses/certificate.css",
        "file:///etc/passwd",
    ],
)
def test_the_renderer_loads_nothing_but_static_files(url):
    with pytest.raises(ValueError, match=r"may only load static files|disallowed protocol"):
        static_fetcher().fetch(url)


def test_the_renderer_loads_the_vendored_font():
    from django.contrib.staticfiles import finders

    path = finders.find("fonts/pt-serif/pt-serif-latin-400-normal.woff")
    response = static_fetcher().fetch(f"file://{path}")
    try:
        assert response.read(4) == b"wOFF"
    finally:
        response.close()


# Who may download it


def pdf_url(certification: Certification) -> str:
    return reverse("courses:certification_pdf", args=[certification.pk])


def test_anonymous_users_are_sent_to_sign_in(client):
    certification = make_certification()
    response = client.get(pdf_url(certification))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role_fixture", ["registrar", "administrator"])
def test_registrars_and_administrators_download_any_certificate(client, request, role_fixture):
    certification = make_certification()
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(pdf_url(certification))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="UNSOC-2026-0007-en.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    # The QR code and the printed address point at this server's verification page.
    expected = f"http://testserver/verify/{certification.verification_code}/"
    assert expected in squeezed(text_of(response.content))


def test_a_commander_downloads_certificates_of_their_subtree_only(client, commander):
    command = factories.UnitFactory(commander=commander)
    company = factories.UnitFactory(parent=command)
    own = make_certification(unit=company)
    other = make_certification(
        unit=factories.UnitFactory(),
        number="UNSOC-2026-0008",
        service_number="KZ-004218",
        cohort_code="UNSOC-2026-02",
    )
    client.force_login(commander)

    assert client.get(pdf_url(own)).status_code == 200
    assert client.get(pdf_url(other)).status_code == 404


def test_an_instructor_downloads_certificates_of_their_cohorts_trainees_only(client, instructor):
    taught = make_certification()
    taught.cohort.instructors.add(instructor)
    not_taught = make_certification(
        number="UNSOC-2026-0008", service_number="KZ-004218", cohort_code="UNSOC-2026-02"
    )
    client.force_login(instructor)

    assert client.get(pdf_url(taught)).status_code == 200
    assert client.get(pdf_url(not_taught)).status_code == 404


def test_an_instructor_prints_only_the_certificates_their_cohorts_issued(client, instructor):
    """Their trainee's certificate from a cohort someone else taught is not theirs to print:
    neither the PDF nor the buttons on the certification's page."""
    taught = make_certification()
    taught.cohort.instructors.add(instructor)
    from_elsewhere = factories.CertificationFactory(
        person=taught.person,
        certification_type=factories.CertificationTypeFactory(code="PDT", name="Pre-deployment"),
        cohort=factories.CohortFactory(code="PDT-2026-01"),
        number="PDT-2026-0001",
    )
    client.force_login(instructor)

    assert client.get(pdf_url(taught)).status_code == 200
    assert client.get(pdf_url(from_elsewhere)).status_code == 404
    detail = reverse("courses:certification_detail", args=[from_elsewhere.pk])
    page = client.get(detail)
    assert page.status_code == 200  # their trainee's record, to read
    assert 'data-testid="certificate-pdf"' not in page.content.decode()
    own_page = client.get(reverse("courses:certification_detail", args=[taught.pk]))
    assert 'data-testid="certificate-pdf"' in own_page.content.decode()


def test_the_finalised_cohorts_page_links_each_certificate_pdf(client, instructor, registrar):
    taught = make_certification()
    cohort = taught.cohort
    cohort.instructors.add(instructor)
    Cohort.objects.filter(pk=cohort.pk).update(
        status=Cohort.Status.FINALISED, finalised_at=timezone.now(), finalised_by=registrar
    )
    Enrolment.objects.filter(cohort=cohort).update(status=Enrolment.Status.PASSED)
    for user in (instructor, registrar):
        client.force_login(user)
        html = client.get(reverse("courses:cohort_detail", args=[cohort.pk])).content.decode()
        assert f'href="{pdf_url(taught)}" data-testid="certificate-pdf"' in html
        assert client.get(pdf_url(taught)).status_code == 200
    other = factories.UserFactory(username="other-instr", roles=[Role.INSTRUCTOR])
    client.force_login(other)
    assert client.get(reverse("courses:cohort_detail", args=[cohort.pk])).status_code == 404
    assert client.get(pdf_url(taught)).status_code == 404


def test_the_finalised_cohort_page_costs_the_same_queries_however_many_certificates(
    client, registrar
):
    cohort = factories.CohortFactory(
        status=Cohort.Status.FINALISED, finalised_at=timezone.now(), finalised_by=registrar
    )

    def certify(count):
        for _n in range(count):
            enrolment = factories.EnrolmentFactory(cohort=cohort, status=Enrolment.Status.PASSED)
            factories.CertificationFactory(person=enrolment.person, cohort=cohort)

    client.force_login(registrar)
    page = reverse("courses:cohort_detail", args=[cohort.pk])
    certify(2)
    client.get(page)
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    certify(10)
    with CaptureQueriesContext(connection) as many:
        html = client.get(page).content.decode()
    assert html.count('data-testid="certificate-pdf"') == 12
    assert len(many) == len(few)


def test_a_user_without_a_role_is_refused(client):
    certification = make_certification()
    client.force_login(factories.UserFactory())
    assert client.get(pdf_url(certification)).status_code == 403


def test_an_unknown_certification_is_not_found(client, registrar):
    client.force_login(registrar)
    assert client.get(reverse("courses:certification_pdf", args=[999_999])).status_code == 404


def test_the_download_only_answers_get(client, registrar):
    certification = make_certification()
    client.force_login(registrar)
    assert client.post(pdf_url(certification)).status_code == 405


@pytest.mark.parametrize("user_fixture", ["registrar", "commander"])
def test_the_download_costs_the_same_queries_with_3_or_30_certifications(
    client, request, user_fixture
):
    """The lookup is one query (scope as a subquery), however many certifications exist."""
    user = request.getfixturevalue(user_fixture)
    unit = factories.UnitFactory(commander=user) if user_fixture == "commander" else None
    target = make_certification(unit=unit, number="PDT-2026-0100")  # not a factory number
    client.force_login(user)

    def queries_with(extra: int) -> int:
        factories.CertificationFactory.create_batch(
            extra - Certification.objects.count() + 1, person=target.person
        )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(pdf_url(target)).status_code == 200
        return len(captured)

    small, large = queries_with(3), queries_with(30)
    assert Certification.objects.count() == 31
    assert small == large
    assert large <= 6  # session, user, roles (+ commanded units), the certification


# --- English or Russian ---------------------------------------------------------------------


def test_the_certificate_prints_in_russian_when_asked(client, registrar):
    certification = make_certification()
    client.force_login(registrar)
    english = client.get(pdf_url(certification), {"language": "en"})
    russian = client.get(pdf_url(certification), {"language": "ru"})
    assert russian.status_code == 200
    assert russian["Content-Language"] == "ru"
    assert russian["Content-Disposition"] == 'attachment; filename="UNSOC-2026-0007-ru.pdf"'
    english_text, russian_text = text_of(english.content), text_of(russian.content)
    assert "This is to certify that" in english_text
    assert "certify" not in russian_text
    assert "СЕРТИФИКАТ" in russian_text.upper()  # the title, upper-cased by the style sheet
    # The facts are the same in both: the number and the holder's name.
    for text in (english_text, russian_text):
        assert certification.number in text


@pytest.mark.parametrize(("language", "printed"), [("ru", "ru"), ("kk", "en"), ("en", "en")])
def test_by_default_the_certificate_is_in_the_readers_language_or_english(
    client, registrar, language, printed
):
    registrar.language = language
    registrar.save()
    client.force_login(registrar)
    response = client.get(pdf_url(make_certification()))
    assert response["Content-Language"] == printed


def test_a_language_certificates_are_not_printed_in_is_refused(client, registrar):
    client.force_login(registrar)
    assert client.get(pdf_url(make_certification()), {"language": "kk"}).status_code == 404
