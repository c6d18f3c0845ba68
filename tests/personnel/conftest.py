"""Fixtures shared by the personnel tests: the rank names in Russian and Kazakh as a
catalogue the tests install in place of the project's (LOCALE_PATHS), so the rank reader is
tested against translations whatever the state of locale/: personnel/ranks.py reads the
names through gettext either way."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import override_settings

RANK_TRANSLATIONS = {
    "ru": {
        "Private": "Рядовой",
        "Corporal": "Ефрейтор",
        "Junior Sergeant": "Младший сержант",
        "Sergeant": "Сержант",
        "Senior Sergeant": "Старший сержант",
        "Sergeant Major": "Старшина",
        "Lieutenant": "Лейтенант",
        "Senior Lieutenant": "Старший лейтенант",
        "Captain": "Капитан",
        "Major": "Майор",
        "Lieutenant Colonel": "Подполковник",
        "Colonel": "Полковник",
        "Sergeant of Police": "Сержант полиции",
        "Senior Sergeant of Police": "Старший сержант полиции",
        "Lieutenant of Police": "Лейтенант полиции",
        "Senior Lieutenant of Police": "Старший лейтенант полиции",
        "Captain of Police": "Капитан полиции",
        "Major of Police": "Майор полиции",
        "Lieutenant Colonel of Police": "Подполковник полиции",
        "Colonel of Police": "Полковник полиции",
    },
    "kk": {
        "Private": "Қатардағы жауынгер",
        "Corporal": "Ефрейтор",
        "Junior Sergeant": "Кіші сержант",
        "Sergeant": "Сержант",
        "Senior Sergeant": "Аға сержант",
        "Sergeant Major": "Старшина",
        "Lieutenant": "Лейтенант",
        "Senior Lieutenant": "Аға лейтенант",
        "Captain": "Капитан",
        "Major": "Майор",
        "Lieutenant Colonel": "Подполковник",
        "Colonel": "Полковник",
        "Sergeant of Police": "Полиция сержанты",
        "Senior Sergeant of Police": "Полиция аға сержанты",
        "Lieutenant of Police": "Полиция лейтенанты",
        "Senior Lieutenant of Police": "Полиция аға лейтенанты",
        "Captain of Police": "Полиция капитаны",
        "Major of Police": "Полиция майоры",
        "Lieutenant Colonel of Police": "Полиция подполковнигі",
        "Colonel of Police": "Полиция полковнигі",
    },
}


@pytest.fixture
def rank_catalogues(tmp_path: Path):
    """Russian and Kazakh catalogues holding the rank names, ahead of the project's."""
    for language, names in RANK_TRANSLATIONS.items():
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        catalogue = polib.POFile()
        catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
        catalogue.extend(polib.POEntry(msgid=en, msgstr=text) for en, text in names.items())
        catalogue.save_as_mofile(str(folder / "django.mo"))
    with override_settings(LOCALE_PATHS=[str(tmp_path), *settings.LOCALE_PATHS]):
        yield RANK_TRANSLATIONS
