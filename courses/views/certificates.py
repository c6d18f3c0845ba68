"""The certificate PDF of a certification.

Registrars and administrators download any; a commander those of the people in the units
they command; an instructor those issued by the cohorts they teach
(courses.selectors.certifications.certifications_printable). Anyone else's certification
answers 404.

Printed in English or Russian (`?language=en|ru`; by default the reader's language when it is
one of them, else English).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.roles import Role, role_required
from courses.selectors.certifications import certifications_printable
from courses.services.certificates import (
    CERTIFICATE_LANGUAGES,
    certificate_language,
    certificate_pdf,
    certificate_verify_url,
)

CERTIFICATE_READERS = (Role.REGISTRAR, Role.ADMINISTRATOR, Role.COMMANDER, Role.INSTRUCTOR)


@require_safe
@never_cache  # a person's certificate: no copy left in a shared cache
@role_required(*CERTIFICATE_READERS)
def certification_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certification = get_object_or_404(
        certifications_printable(user=request.user).select_related(
            "person__rank", "course", "certification_type", "cohort"
        ),
        pk=pk,
    )
    language = request.GET.get("language") or certificate_language(translation.get_language())
    if language not in CERTIFICATE_LANGUAGES:
        raise Http404
    pdf = certificate_pdf(
        certification=certification,
        verify_url=certificate_verify_url(certification=certification, request=request),
        language=language,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True,
        filename=get_valid_filename(f"{certification.number}-{language}.pdf"),
    )
    response["Content-Language"] = language
    return response
