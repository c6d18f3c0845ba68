"""Names for the demo register: Kazakh names in Latin transliteration and in Cyrillic, and
names of the partner countries' participants (Tajikistan, Kyrgyzstan, Uzbekistan)."""

# ruff: noqa: RUF001 -- the Cyrillic spellings are meant to hold Cyrillic letters.

# (Latin, Cyrillic)
MALE_FIRST_NAMES = (
    ("Yerlan", "Ерлан"),
    ("Nurlan", "Нурлан"),
    ("Askar", "Аскар"),
    ("Daniyar", "Данияр"),
    ("Serik", "Серик"),
    ("Marat", "Марат"),
    ("Aidos", "Айдос"),
    ("Yerzhan", "Ержан"),
    ("Kairat", "Кайрат"),
    ("Arman", "Арман"),
    ("Dauren", "Даурен"),
    ("Zhandos", "Жандос"),
    ("Azamat", "Азамат"),
    ("Timur", "Тимур"),
    ("Olzhas", "Олжас"),
    ("Ruslan", "Руслан"),
    ("Talgat", "Талгат"),
    ("Yerbol", "Ербол"),
    ("Almas", "Алмас"),
    ("Berik", "Берик"),
    ("Samat", "Самат"),
    ("Aibek", "Айбек"),
    ("Miras", "Мирас"),
    ("Dias", "Диас"),
    ("Alibek", "Алибек"),
    ("Madi", "Мади"),
    ("Bekzat", "Бекзат"),
    ("Sanzhar", "Санжар"),
    ("Temirlan", "Темирлан"),
    ("Nursultan", "Нурсултан"),
    ("Bauyrzhan", "Бауыржан"),
    ("Yernar", "Ернар"),
    ("Adilet", "Адилет"),
    ("Galym", "Галым"),
    ("Zhassulan", "Жасулан"),
)

FEMALE_FIRST_NAMES = (
    ("Aigerim", "Айгерим"),
    ("Dana", "Дана"),
    ("Aliya", "Алия"),
    ("Madina", "Мадина"),
    ("Gulnara", "Гульнара"),
    ("Saule", "Сауле"),
    ("Zhanna", "Жанна"),
    ("Aizhan", "Айжан"),
    ("Assel", "Асель"),
    ("Dinara", "Динара"),
    ("Kamila", "Камила"),
    ("Ainur", "Айнур"),
    ("Gaukhar", "Гаухар"),
    ("Zarina", "Зарина"),
    ("Tomiris", "Томирис"),
    ("Akbota", "Акбота"),
    ("Moldir", "Молдир"),
    ("Aruzhan", "Аружан"),
    ("Dariga", "Дарига"),
    ("Botagoz", "Ботагоз"),
)

# Male forms; `surname()` makes the female form.
SURNAMES = (
    ("Akhmetov", "Ахметов"),
    ("Zhakupov", "Жакупов"),
    ("Abdrakhmanov", "Абдрахманов"),
    ("Omarov", "Омаров"),
    ("Suleimenov", "Сулейменов"),
    ("Kassymov", "Касымов"),
    ("Ibraimov", "Ибраимов"),
    ("Sadykov", "Садыков"),
    ("Zhumabayev", "Жумабаев"),
    ("Sarsenbayev", "Сарсенбаев"),
    ("Iskakov", "Искаков"),
    ("Baimukhanov", "Баймуханов"),
    ("Yessenov", "Есенов"),
    ("Kenzhebekov", "Кенжебеков"),
    ("Tulegenov", "Тулегенов"),
    ("Amanzholov", "Аманжолов"),
    ("Nurlanov", "Нурланов"),
    ("Ospanov", "Оспанов"),
    ("Rakhimov", "Рахимов"),
    ("Utepov", "Утепов"),
    ("Yergaliyev", "Ергалиев"),
    ("Zhaksylykov", "Жаксылыков"),
    ("Nurmagambetov", "Нурмагамбетов"),
    ("Shaikenov", "Шайкенов"),
    ("Myrzakhmetov", "Мырзахметов"),
    ("Tokhtarov", "Тохтаров"),
    ("Mukanov", "Муканов"),
    ("Bekturov", "Бектуров"),
    ("Serikbayev", "Серикбаев"),
    ("Abenov", "Абенов"),
    ("Dzhumagaliyev", "Джумагалиев"),
    ("Kuanyshev", "Куанышев"),
    ("Alimzhanov", "Алимжанов"),
    ("Temirkhanov", "Темирханов"),
    ("Smagulov", "Смагулов"),
    ("Tleubayev", "Тлеубаев"),
    ("Seitkali", "Сейткали"),
    ("Nurpeis", "Нурпеис"),
)

# Fathers' names that patronymics are made from (consonant endings take -ovich / -ovna).
FATHERS_NAMES = (
    ("Serik", "Серик"),
    ("Nurlan", "Нурлан"),
    ("Marat", "Марат"),
    ("Kairat", "Кайрат"),
    ("Yerlan", "Ерлан"),
    ("Bolat", "Болат"),
    ("Talgat", "Талгат"),
    ("Askar", "Аскар"),
    ("Berik", "Берик"),
    ("Murat", "Мурат"),
    ("Zhanat", "Жанат"),
    ("Asylbek", "Асылбек"),
    ("Yermek", "Ермек"),
    ("Bakhyt", "Бахыт"),
)

# Partner countries' participants: (male first names, female first names, surnames), Latin.
FOREIGN_NAMES = {
    "TJ": (
        ("Firdavs", "Jamshed", "Rustam", "Farrukh", "Sharif", "Behruz", "Daler"),
        ("Nigora", "Manizha"),
        ("Rahmonov", "Saidov", "Nazarov", "Sharipov", "Khojaev", "Mirzoev", "Davlatov"),
    ),
    "KG": (
        ("Bakyt", "Nurbek", "Emil", "Kubanychbek", "Almaz", "Ulan"),
        ("Aizada", "Cholpon"),
        ("Asanov", "Toktogulov", "Bakirov", "Mamytov", "Usenov", "Dzhaparov"),
    ),
    "UZ": (
        ("Jasur", "Sardor", "Bekzod", "Shokhrukh", "Otabek"),
        ("Dilnoza", "Malika"),
        ("Yusupov", "Tursunov", "Abdullaev", "Rakhmatov", "Ismoilov"),
    ),
}


def surname(male_form: str, *, female: bool) -> str:
    """The surname for a woman or a man: Akhmetov -> Akhmetova, Ахметов -> Ахметова."""
    if female and male_form.endswith(("ov", "ev", "in", "ов", "ев", "ин")):
        return male_form + ("a" if male_form.isascii() else "а")
    return male_form


def patronymic(fathers_name: str, *, female: bool) -> str:
    """Russian-style patronymic as written in Kazakh service records: Serikovich, Сериковна."""
    if fathers_name.isascii():
        return fathers_name + ("ovna" if female else "ovich")
    return fathers_name + ("овна" if female else "ович")
