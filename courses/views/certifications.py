"""Certifications: the searchable list, one certification's page, revoking and reissuing.

Who sees which (courses/selectors/certifications.py): registrars and administrators every
certification, a commander those of their units' people, an instructor those of the trainees
of the cohorts they teach; another certification answers 404. Revoking and reissuing are for
registrars and administrators (permission courses.revoke_certification), others get 403.
The certificate PDF is courses/views/certificates.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import Role, role_required
from common.forms import form_add_service_error
from courses.forms.certifications import CertificationFilterForm, CertificationReasonForm
from courses.models import Certification
from courses.scope import can_open_cohort
from courses.selectors import certifications as selectors
from courses.services import certifications as services

PAGE_SIZE = 50
READERS = tuple(Role)
MANAGERS = (Role.REGISTRAR, Role.ADMINISTRATOR)


@require_GET
@role_required(*READERS)
def certification_list(request: HttpRequest) -> HttpResponse:
    filters = CertificationFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    today = timezone.localdate()
    certifications = selectors.certification_list(
        user=request.user,
        today=today,
        query=chosen.get("q", ""),
        course=chosen.get("course"),
        validity=chosen.get("validity", ""),
    )
    page = Paginator(certifications, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "courses/certification_list.html",
        {
            "page": page,
            "rows": selectors.certification_rows(list(page.object_list), today=today),
            "filters": filters,
            "query": query.urlencode(),
            "filtered": any(chosen.values()),
            "report_course": chosen["course"].pk if chosen.get("course") else None,
        },
    )


def _certification(request: HttpRequest, pk: int) -> Certification:
    return get_object_or_404(selectors.certification_detail_queryset(user=request.user), pk=pk)


@require_GET
@role_required(*READERS)
def certification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certification = _certification(request, pk)
    today = timezone.localdate()
    cohort = certification.cohort
    return render(
        request,
        "courses/certification_detail.html",
        {
            "certification": certification,
            "page": selectors.certification_page(certification=certification, today=today),
            "verify_url": request.build_absolute_uri(
                reverse("verify_certificate", args=[certification.verification_code])
            ),
            "can_manage": request.user.has_perm(services.REVOKE_PERMISSION),
            "lapsed": certification.valid_until < today,
            "superseded": _superseded_by(certification),
            "cohort_link": cohort is not None and can_open_cohort(request.user, cohort),
            "can_print": selectors.certification_printable(
                user=request.user, certification=certification
            ),
        },
    )


def _superseded_by(certification: Certification) -> Certification | None:
    """What supersedes `certification`, from the joined reverse one-to-one (no query)."""
    try:
        return certification.superseded_by
    except Certification.superseded_by.RelatedObjectDoesNotExist:
        return None


def _manage(request: HttpRequest, pk: int) -> Certification:
    certification = _certification(request, pk)
    if not request.user.has_perm(services.REVOKE_PERMISSION):
        raise PermissionDenied
    return certification


def _back(certification: Certification) -> HttpResponse:
    return redirect("courses:certification_detail", certification.pk)


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def certification_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: ask why. POST: revoke. Already revoked (by someone else meanwhile): say so."""
    certification = _manage(request, pk)
    form = CertificationReasonForm(
        request.POST or None,
        help_text=_("Kept with the certification; the public verification page says revoked."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.certification_revoke(
                certification=certification, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if not form_add_service_error(form, error, fields=["reason"]):
                messages.error(request, " ".join(error.messages))
                return _back(certification)
        else:
            messages.success(
                request,
                _("Certification %(number)s is revoked.") % {"number": certification.number},
            )
            return _back(certification)
    elif certification.is_revoked:
        messages.info(
            request,
            _("Certification %(number)s is already revoked.") % {"number": certification.number},
        )
        return _back(certification)
    return render(
        request,
        "courses/certification_revoke.html",
        {"certification": certification, "form": form},
    )


@require_http_methods(["GET", "POST"])
@role_required(*MANAGERS)
def certification_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: ask why. POST: reissue under a new number and open the new certification."""
    certification = _manage(request, pk)
    form = CertificationReasonForm(
        request.POST or None,
        help_text=_(
            "For example a lost or damaged certificate, or a corrected name. The original "
            "is revoked with this reason."
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            reissued = services.certification_reissue(
                certification=certification, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if not form_add_service_error(form, error, fields=["reason"]):
                messages.error(request, " ".join(error.messages))
                return _back(certification)
        else:
            messages.success(
                request,
                _("Certification %(number)s is reissued as %(new)s.")
                % {"number": certification.number, "new": reissued.number},
            )
            return redirect("courses:certification_detail", reissued.pk)
    elif request.method == "GET" and (successor := _superseded_by(certification)):
        messages.info(
            request,
            _("Certification %(number)s is already superseded by %(successor)s.")
            % {"number": certification.number, "successor": successor.number},
        )
        return _back(certification)
    elif request.method == "GET" and certification.valid_until < timezone.localdate():
        messages.error(
            request,
            _(
                "Certification %(number)s has lapsed: it is renewed by passing the course "
                "again, not reissued."
            )
            % {"number": certification.number},
        )
        return _back(certification)
    return render(
        request,
        "courses/certification_reissue.html",
        {"certification": certification, "form": form},
    )
