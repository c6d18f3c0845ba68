"""Report PDFs: a Django template under templates/reports/pdf/ rendered by WeasyPrint on A4,
with the vendored PT Serif (static/fonts/pt-serif/, Latin and Cyrillic), a header repeated on
every page, the page number in the footer, and table rows that never split across pages.

The approach is the certificate's (courses/services/certificates.py): nothing is fetched from
another host (its URL fetcher allows only the static folders), the fonts' stylesheet and
WeasyPrint's font configuration are built once per process, and renders share its lock,
because Fontconfig's state is not safe to change from two threads at once.
"""

from __future__ import annotations

import atexit
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from courses.services.certificates import centre_name, render_lock, static_fetcher

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

PDF_CONTENT_TYPE = "application/pdf"
# PT Serif's faces, shared with the certificate; also how static/ is found (three levels up).
FONTS_STYLESHEET = "fonts/pt-serif/pt-serif.css"


def render_pdf(template: str, context: dict[str, Any], *, footer: str) -> bytes:
    """`template` (extending reports/pdf/base.html) rendered with `context` as a PDF; every
    page's footer has `footer` on the left and "Page n of m" on the right."""
    from weasyprint import HTML  # imported on first use: it takes a second to load

    page_of = _("Page %(page)s of %(pages)s")
    html = render_to_string(
        template,
        {
            "centre_name": centre_name(),
            **context,
            "css_footer": mark_safe(css_string(f"{centre_name()} · {footer}")),
            "css_page_of": mark_safe(
                css_string(page_of)
                .replace("%(page)s", '" counter(page) "')
                .replace("%(pages)s", '" counter(pages) "')
            ),
        },
    )
    with render_lock:
        fonts, font_config = _fonts()
        document = HTML(string=html, base_url=_static_base_url(), url_fetcher=static_fetcher())
        return document.write_pdf(stylesheets=[fonts], font_config=font_config)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string for a <style> block (HTML entities are not read there):
    everything but letters, digits, spaces and a few marks is written as a CSS escape, so no
    text can close the string or the style element. The %(...)s placeholders stay as they are."""
    safe = set(" .,:;-·()%_/")
    return '"' + "".join(c if c.isalnum() or c in safe else f"\\{ord(c):06x}" for c in text) + '"'


@cache
def _fonts() -> tuple[CSS, FontConfiguration]:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheet = CSS(
        filename=_static_file(FONTS_STYLESHEET),
        url_fetcher=static_fetcher(),
        font_config=font_config,
    )
    return stylesheet, font_config


atexit.register(_fonts.cache_clear)


def _static_file(name: str) -> str:
    found = finders.find(name)
    if found is None:
        raise ImproperlyConfigured(f"The report PDFs' {name} is missing from static/.")
    return found


@cache
def _static_base_url() -> str:
    return Path(_static_file(FONTS_STYLESHEET)).resolve().parent.parent.parent.as_uri() + "/"
