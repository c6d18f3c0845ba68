"""One key for the many spellings of a Kazakh or Russian name.

The same name reaches the register in Cyrillic (Жумабаев), in a passport's or an English
transliteration (Zhumabayev, Zhumabaev) and in the Kazakh Latin alphabet (Jumabaev). name_key()
folds each of them to one lower-case Latin key, so a search folded the same way finds every
spelling. The key is for matching only: it is never shown, and the register sorts by names
transliterated plainly (Person.search_text). The key is stored (Person.name_key): a change
to how names fold ships a data migration that fills it again.
"""

# ruff: noqa: RUF001, RUF003 -- the table and its comments are about Cyrillic letters.

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Letters first mapped one by one: Cyrillic (Russian and Kazakh) and the Kazakh Latin letters
# with marks (2021 alphabet, and the 2018 acute one), each to its plainest Latin sound.
_LETTERS = str.maketrans(
    {
        "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e",
        "ё": "e", "ж": "j", "з": "z", "и": "i", "й": "i", "і": "i", "к": "k", "қ": "k",
        "л": "l", "м": "m", "н": "n", "ң": "n", "о": "o", "ө": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ұ": "u", "ү": "u", "ф": "f", "х": "h", "һ": "h",
        "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e",
        "ю": "iu", "я": "ia", "є": "e", "ї": "i", "ґ": "g",
        "ä": "a", "á": "a", "ǵ": "g", "ğ": "g", "ı": "i", "ñ": "n", "ń": "n", "ö": "o",
        "ó": "o", "ş": "sh", "ç": "ch", "ū": "u", "ü": "u", "ú": "u", "ý": "i",
    }
)  # fmt: skip

# Then the Latin spellings, in this order (each rule sees the previous ones' output).
_RULES = (
    (re.compile(r"s'"), "sh"),  # the 2017 apostrophe alphabet: S' for Ш, C' for Ч
    (re.compile(r"c'"), "ch"),
    (re.compile(r"['`]"), ""),  # other apostrophes stand for a soft sign or a mark
    (re.compile(r"shch|sch"), "sh"),  # Щ: Shcherbakov, Scherbakov
    (re.compile(r"dzh|dj|zh"), "j"),  # Ж: Zhumabayev, Jumabaev, Dzhaksybekov
    (re.compile(r"kh"), "h"),  # Х: Khassenov, Hasenov
    (re.compile(r"gh"), "g"),  # Ғ: Ghalym, Galym
    (re.compile(r"q"), "k"),  # Қ: Qudaibergenov, Kudaibergenov
    (re.compile(r"x"), "ks"),  # Aleksandr, Alexandr
    (re.compile(r"y"), "i"),  # Й, Ы, and Yu/Iu, Ya/Ia: Yusupov, Iusupov; Tsoy, Tsoi
    (re.compile(r"([a-z])\1+"), r"\1"),  # doubled to keep a sound: Yessenov, Aliyev, Mariya
    (re.compile(r"(?<![a-z])ie|(?<=[aeiou])ie"), "e"),  # Е: Yessenov/Esenov, -bayev/-baev
    (re.compile(r"(?<=[b-df-hj-np-tv-z])io"), "e"),  # Ё: Fyodorov, Fedorov; Semyon, Semen
    (re.compile(r"ae"), "a"),  # Ә, Ө, Ү written Ae, Oe, Ue; so -aev and -ayev fold to -av
    (re.compile(r"oe"), "o"),
    (re.compile(r"ue"), "u"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)


def name_key(text: str) -> str:
    """`text` (a name, several names or a service number, in any script) folded to its
    spelling key: lower-case Latin letters with the transliteration variants made one, digits
    and other characters kept. A pure function: stored names and search words use it alike.

    >>> name_key("Жумабаев") == name_key("Zhumabayev") == name_key("Jumabaev")
    True
    """
    text = unicodedata.normalize("NFC", text).replace("İ", "i").lower()
    text = anyascii(text.translate(_LETTERS)).lower()
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
