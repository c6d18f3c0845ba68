"""Every hostile file through the three real upload pages that read spreadsheets (the people
import, the certification import, enrolment from a list): the upload page again, 200, with
the file's message on the form, nothing stored and no server error."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.services.certification_imports import CERTIFICATION_REQUIRED
from imports.models import ImportFile
from personnel.models import Person
from personnel.services.imports import PEOPLE_REQUIRED
from tests.common import hostile_spreadsheets as hostile
from tests.courses.enrolment_support import make_cohort

pytestmark = pytest.mark.django_db

UPLOADS = {
    "people": (lambda: reverse("personnel:import"), PEOPLE_REQUIRED),
    "certifications": (lambda: reverse("courses:certification_import"), CERTIFICATION_REQUIRED),
    "enrolment": (
        lambda: reverse("courses:enrol_file", args=[make_cohort(code="PDT-2027-01").pk]),
        ("service_number",),
    ),
}
# Files are named .xlsx whatever they hold: the forms take .csv and .xlsx, the content decides.
CASES = [(upload, name) for upload in UPLOADS for name in hostile.HOSTILE]


@pytest.mark.parametrize(("upload", "name"), CASES, ids=[f"{u}-{n}" for u, n in CASES])
def test_a_hostile_file_gets_its_message_on_the_upload_page(client, registrar, upload, name):
    url, required = UPLOADS[upload]
    build, (code, message) = hostile.HOSTILE[name]
    client.force_login(registrar)

    response = client.post(url(), {"file": SimpleUploadedFile("upload.xlsx", build(required))})

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["file"]
    assert [error.code for error in errors] == [code]
    assert message in errors[0].messages[0]
    assert message in html.unescape(response.content.decode())
    assert ImportFile.objects.count() == 0
    assert Person.objects.count() == 0
    if upload == "enrolment":
        assert response.context["plan"] is None
