"""The certificate PDF: a Django template rendered by WeasyPrint, with a QR code that opens
the public verification page.

Nothing is fetched from another host: the stylesheet and the vendored PT Serif font (OFL,
static/fonts/pt-serif/) are read from the static folders by a URL fetcher that refuses every
other address, and the QR code is inline SVG that segno makes in memory.

The parsed stylesheet and WeasyPrint's font configuration are built once per process (loading
the fonts costs more than laying out the page), and renders are serialised because
Fontconfig's state is not safe to change from two threads at once.
"""

from __future__ import annotations

import atexit
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from courses.models import Certification

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

STYLESHEET = "courses/certificate.css"
TEMPLATE = "courses/certificate.html"

# Fontconfig, under WeasyPrint, is not thread-safe: one PDF at a time in a process
# (certificates and the report PDFs of reports/builders/pdf.py share this lock).
render_lock = threading.Lock()
# The languages a certificate is printed in: English, the UN's, and Russian.
CERTIFICATE_LANGUAGES = ("en", "ru")


def centre_name() -> str:
    """The centre's name as the page header and the certificate show it."""
    return settings.PEACECENTRE_NAME or _("Peace Operations Centre")


def certificate_verify_url(*, certification: Certification, request: HttpRequest | None) -> str:
    """The absolute address of `certification`'s public verification page: built from the
    request when there is one, else from settings.SITE_URL (a worker's render has none)."""
    path = reverse("verify_certificate", args=[certification.verification_code])
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.SITE_URL.rstrip("/") + path


def certificate_qr_svg(url: str) -> str:
    """`url` as a QR code in inline SVG, sized by the stylesheet. Medium error correction: a
    crease or a stamp over part of it still scans."""
    return segno.make(url, error="m").svg_inline(
        scale=1, border=0, omitsize=True, svgclass="qr", lineclass=None, dark="#000"
    )


def certificate_html(*, certification: Certification, verify_url: str) -> str:
    """The certificate as HTML, the PDF's source. Reads the person and their rank, the
    course, the certification type and the cohort: pass a certification fetched with
    select_related on those, or each costs a query."""
    person = certification.person
    return render_to_string(
        TEMPLATE,
        {
            "certification": certification,
            "person": person,
            "rank": person.rank.name if person.rank else "",
            "course": certification.course,
            "certification_type": certification.certification_type,
            "cohort": certification.cohort,
            "revoked": certification.is_revoked,
            "centre_name": centre_name(),
            "verify_url": verify_url,
            "qr_svg": certificate_qr_svg(verify_url),
        },
    )


def certificate_pdf(
    *, certification: Certification, verify_url: str, language: str | None = None
) -> bytes:
    """The certificate of `certification` as a one-page A4 landscape PDF; a revoked
    certification carries a diagonal REVOKED watermark. `verify_url` is what the QR code
    opens and is printed under it: pass certificate_verify_url(...). `language` is one of
    CERTIFICATE_LANGUAGES (default: the active language when it is one, else English)."""
    from weasyprint import HTML  # imported on first use: it takes a second to load

    language = language or certificate_language(translation.get_language())
    if language not in CERTIFICATE_LANGUAGES:
        raise ValueError(f"certificates are printed in {CERTIFICATE_LANGUAGES}, not {language}")
    with translation.override(language):
        html = certificate_html(certification=certification, verify_url=verify_url)
    with render_lock:
        stylesheet, font_config = _stylesheet()
        document = HTML(string=html, base_url=_static_base_url(), url_fetcher=static_fetcher())
        return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def certificate_language(language: str | None) -> str:
    """The certificate language closest to `language`: itself when certificates are printed
    in it, else English (a Kazakh-speaking user's certificate is printed in English unless
    they ask for Russian)."""
    return language if language in CERTIFICATE_LANGUAGES else CERTIFICATE_LANGUAGES[0]


def static_fetcher():
    """WeasyPrint's URL fetcher limited to the project's static folders: a certificate never
    reaches another host and a template cannot read other files of the machine. A file it
    cannot load stops the render rather than printing a certificate without its font."""
    return _static_fetcher_class()(allowed_protocols={"file", "data"}, fail_on_errors=True)


@cache
def _static_fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(url2pathname(parts.path)).resolve()
                if not any(path.is_relative_to(root) for root in _static_roots()):
                    raise ValueError(f"The certificate may only load static files, not {url}")
            return super().fetch(url, headers)

    return StaticFetcher


@cache
def _stylesheet() -> tuple[CSS, FontConfiguration]:
    """The parsed stylesheet and the font configuration holding its fonts, built once."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    path = finders.find(STYLESHEET)
    if path is None:
        raise ImproperlyConfigured(f"The certificate stylesheet {STYLESHEET} is missing.")
    font_config = FontConfiguration()
    stylesheet = CSS(filename=path, url_fetcher=static_fetcher(), font_config=font_config)
    return stylesheet, font_config


# Drop the font configuration before the interpreter tears down the modules its cleanup
# (removing its temporary font folder) needs.
atexit.register(_stylesheet.cache_clear)


@cache
def _static_base_url() -> str:
    return Path(finders.find(STYLESHEET)).resolve().parent.as_uri() + "/"


@cache
def _static_roots() -> tuple[Path, ...]:
    return tuple(Path(folder).resolve() for folder in settings.STATICFILES_DIRS)
