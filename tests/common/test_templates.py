"""Template rules a page would otherwise break silently."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_template_comment_spans_lines():
    """Django's {# #} comments end at the line's end: one spanning lines is printed on the
    page. Longer comments use {% comment %}."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert offenders == []
