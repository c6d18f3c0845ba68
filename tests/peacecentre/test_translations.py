"""The interface is complete in Russian and Kazakh: every string the code and templates mark
for translation has a translation in locale/<lang>/LC_MESSAGES/django.po, none fuzzy, with
the same placeholders, and the compiled django.mo is in step with the .po.

The catalogue of marked strings is extracted afresh by `makemessages` (GNU gettext's
xgettext) into a scratch folder, so a string added without its translation fails here.
"""

import os
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.conftest import FIRST_PARTY_PACKAGES, require

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ru", "kk")
SOURCES = (*FIRST_PARTY_PACKAGES, "templates")


def catalogue(language: str) -> Path:
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def key(entry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def translated(entry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.fixture(scope="module")
def marked(tmp_path_factory) -> dict[tuple, polib.POEntry]:
    """Every string marked for translation now, by (context, msgid, plural)."""
    require(bool(shutil.which("xgettext")), "GNU gettext (xgettext) is not installed")
    # makemessages writes next to any locale/ folder it walks past: it runs in a scratch
    # folder holding links to the sources, so the project's catalogues are never touched.
    scratch = tmp_path_factory.mktemp("makemessages")
    for source in SOURCES:
        (scratch / source).symlink_to(ROOT / source, target_is_directory=True)
    output = scratch / "locale"
    cwd = Path.cwd()
    try:
        os.chdir(scratch)
        with override_settings(LOCALE_PATHS=[str(output)]):
            call_command(
                "makemessages",
                locale=["ru"],
                symlinks=True,
                ignore_patterns=["*/migrations/*"],
                no_obsolete=True,
                verbosity=0,
            )
    finally:
        os.chdir(cwd)
    fresh = polib.pofile(str(output / "ru" / "LC_MESSAGES" / "django.po"))
    entries = {key(entry): entry for entry in fresh if entry.msgid}
    assert len(entries) > 1000, "the extraction found too few strings to be the whole interface"
    return entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(marked, language):
    committed = {key(e): e for e in polib.pofile(str(catalogue(language))) if e.msgid}
    missing = [k for k in marked if k not in committed or not translated(committed[k])]
    shown = "\n".join(
        f"  {marked[k].occurrences[0][0] if marked[k].occurrences else '?'}: {k[1]!r}"
        for k in missing[:40]
    )
    assert not missing, (
        f"{len(missing)} strings lack a {language} translation (run makemessages and "
        f"translate them):\n{shown}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_compiles_with_its_placeholders_intact(language):
    require(bool(shutil.which("msgfmt")), "GNU gettext (msgfmt) is not installed")
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(catalogue(language))],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_in_step_with_the_po(language):
    po = polib.pofile(str(catalogue(language)))
    mo = polib.mofile(str(catalogue(language).with_suffix(".mo")))
    compiled = {key(entry): (entry.msgstr, entry.msgstr_plural) for entry in mo if entry.msgid}
    expected = {
        key(entry): (entry.msgstr, entry.msgstr_plural)
        for entry in po
        if entry.msgid and translated(entry)
    }
    stale = sorted(k for k in expected if compiled.get(k) != expected[k])
    assert not stale, f"django.mo is out of step with django.po ({len(stale)}): {stale[:5]}"


@pytest.mark.parametrize(
    ("language", "plural_forms"),
    [("ru", "nplurals=3;"), ("kk", "nplurals=2;")],
)
def test_plural_forms_fit_the_language(language, plural_forms):
    header = polib.pofile(str(catalogue(language))).metadata["Plural-Forms"]
    assert header.replace(" ", "").startswith(plural_forms.replace(" ", ""))


@pytest.mark.parametrize("language", LANGUAGES)
def test_django_speaks_the_catalogue(language):
    """The running app finds the catalogue (LOCALE_PATHS) and uses it."""
    assert Path(settings.LOCALE_PATHS[0]) == ROOT / "locale"
    with translation.override(language):
        assert translation.gettext("Readiness matrix") != "Readiness matrix"
        assert translation.gettext("Sign in") != "Sign in"
