"""What every e-mail of the centre shares: a subject line in plain text.

A subject is a header, not HTML: rendered with the templates' autoescape it would read
"Women, Peace &amp; Security" in the recipient's inbox, and a newline in it (a template's
trailing one, a name typed with one) is refused by Django or splits the header. Bodies keep
their own rules: plain-text bodies turn autoescape off themselves, HTML bodies stay escaped.
"""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.template.loader import get_template


def mail_subject_line(text: str) -> str:
    """`text` on one line: every run of whitespace (newlines included) made one space."""
    return " ".join(str(text).split())


def mail_subject_render(*, template_name: str, context: dict[str, Any]) -> str:
    """The subject rendered from `template_name` (a Django template) with nothing escaped,
    on one line."""
    template = get_template(template_name).template  # the engine's own, to set autoescape
    return mail_subject_line(template.render(Context(context, autoescape=False)))
