"""The public verification page: the only pages open without signing in.

Anyone shown a certificate (a UN mission, a partner centre) types its code at /verify/ or
scans its QR code, which opens /verify/<code>/. The page says VALID, LAPSED or REVOKED and
shows only the holder's name, the course, the number and the dates: nothing else about the
person. An unknown code answers a plain 404.

Wrong guesses are throttled per client address (django-ratelimit, group "verify", at
settings.VERIFY_RATE): only unknown codes count, and once an address is over the limit every
lookup from it, right or wrong, answers 429 until the window ends. The counts live in the
shared cache (settings CACHES). Codes are in the URL, so responses are never cached and send
no Referer onwards.
"""

from __future__ import annotations

import re
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage

from courses.models import Certification
from personnel.models.dates import Validity

THROTTLE_GROUP = "verify"
# What new_verification_code makes (URL-safe base64), with room for codes of other lengths.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def client_ip_behind_proxy(request: HttpRequest) -> str:
    """The client's address as our reverse proxy saw it: the last X-Forwarded-For entry, the
    one the proxy appended (earlier entries come from the client and can be forged). Used
    when settings.TRUST_X_FORWARDED_FOR is on (RATELIMIT_IP_META_KEY)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    return entries[-1] if entries else request.META["REMOTE_ADDR"]


def public_page(view):
    """Open without signing in; never cached, no Referer sent onwards, not indexed."""

    @login_not_required
    @require_safe
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=200,
        help_text=_("As printed under the QR code on the certificate, or the whole address."),
    )

    def clean_code(self) -> str:
        """The code alone, also from a pasted verification address (…/verify/<code>/)."""
        text = self.cleaned_data["code"].strip()
        if "/verify/" in text:
            text = text.split("/verify/", 1)[1]
        text = text.split("?", 1)[0].strip("/ ")
        if not CODE_PATTERN.match(text):
            raise forms.ValidationError(
                _(
                    "A verification code has only letters, digits, hyphens and underscores, "
                    "as printed under the QR code on the certificate."
                ),
                code="invalid",
            )
        return text


def certification_for_code(*, code: str) -> Certification | None:
    """The certification with verification code `code`, with what the public page shows (the
    person, the course and the certification type): one query."""
    try:
        return Certification.objects.select_related("person", "course", "certification_type").get(
            verification_code=code
        )
    except Certification.DoesNotExist:
        return None


def _throttle(request: HttpRequest, *, increment: bool) -> dict | None:
    """django-ratelimit's count for this client; None when limiting is switched off."""
    return get_usage(
        request,
        group=THROTTLE_GROUP,
        key="ip",
        rate=settings.VERIFY_RATE,
        increment=increment,
    )


def _throttled(request: HttpRequest, usage: dict) -> HttpResponse:
    # time_left is the rest of the window; -1 when the cache failed (django-ratelimit then
    # refuses): ask to come back in a minute.
    seconds = usage["time_left"] if usage["time_left"] > 0 else 60
    response = render(
        request,
        "verification/throttled.html",
        {"minutes": max(1, -(-seconds // 60))},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


@public_page
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """A form to type a code; a code given (?code=...) opens its page."""
    if "code" not in request.GET:
        return render(request, "verification/lookup.html", {"form": VerificationCodeForm()})
    form = VerificationCodeForm(request.GET)
    if form.is_valid():
        return redirect("verify_certificate", code=form.cleaned_data["code"])
    return render(request, "verification/lookup.html", {"form": form})


@public_page
def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    """VALID, LAPSED or REVOKED for the certification with `code`; 404 for an unknown code;
    429 for an address over the limit of wrong guesses."""
    usage = _throttle(request, increment=False)
    if usage and usage["should_limit"]:
        return _throttled(request, usage)
    certification = certification_for_code(code=code) if CODE_PATTERN.match(code) else None
    if certification is None:
        usage = _throttle(request, increment=True)
        if usage and usage["should_limit"]:
            return _throttled(request, usage)
        return render(request, "verification/not_found.html", {"code": code}, status=404)

    validity = certification.validity(on=timezone.localdate())
    state = {
        Validity.REVOKED: "revoked",
        Validity.LAPSED: "lapsed",
    }.get(validity, "valid")  # lapsing soon is still valid
    return render(
        request,
        "verification/certificate.html",
        {
            "certification": certification,
            "holder": certification.person.full_name,
            "course_title": (
                certification.course.title
                if certification.course
                else certification.certification_type.name
            ),
            "state": state,
            "checked_at": timezone.now(),
        },
    )
