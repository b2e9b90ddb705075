"""Common Arabic-origin names, each with the Latin spellings lists and passports use for it.

Facts of usage (the spellings seen in sanctions lists and travel documents), written out here
for the synthetic list: each tuple is one name, its spellings most common first.
"""

from __future__ import annotations

MALE: tuple[tuple[str, ...], ...] = (
    ("MUHAMMAD", "MOHAMMED", "MOHAMED", "MOHAMMAD", "MUHAMMED", "MOHAMAD"),
    ("AHMAD", "AHMED"), ("ABDULLAH", "ABDALLAH", "ABD ALLAH", "ABDULLA"),
    ("ABDUL RAHMAN", "ABDULRAHMAN", "ABDEL RAHMAN", "ABD AL-RAHMAN", "ABDURRAHMAN"),
    ("ABDUL AZIZ", "ABDULAZIZ", "ABDEL AZIZ", "ABD AL-AZIZ"),
    ("HUSSEIN", "HUSAYN", "HUSSAIN", "HUSAIN", "HOSSEIN"), ("HASSAN", "HASAN"), ("ALI",),
    ("OMAR", "UMAR"), ("OSAMA", "USAMA", "USAMAH"), ("KHALID", "KHALED"),
    ("YUSUF", "YOUSSEF", "YOUSEF", "YUSSUF"), ("IBRAHIM", "EBRAHIM", "IBRAHEEM"),
    ("MUSTAFA", "MOSTAFA", "MOUSTAFA"), ("MAHMOUD", "MAHMUD", "MAHMOOD"),
    ("SAID", "SAEED", "SAYED"), ("SALEH", "SALIH"), ("JAMAL", "GAMAL"),
    ("NASSER", "NASIR", "NASER"), ("KARIM", "KAREEM"), ("TARIQ", "TAREK", "TAREQ"),
    ("WALID", "WALEED"), ("FAISAL", "FAYSAL", "FEISAL"), ("HAMZA", "HAMZAH"), ("BILAL",),
    ("ANWAR", "ANOUAR"), ("RASHID", "RACHID", "RASHEED"), ("YASIN", "YASSINE", "YASEEN"),
    ("ZAKARIA", "ZAKARIYA", "ZAKARIYYA"), ("SULEIMAN", "SULAYMAN", "SLIMANE", "SOLIMAN"),
    ("ISMAIL", "ISMAEL", "ESMAIL"), ("AYMAN", "AIMAN"), ("ZIAD", "ZIYAD"),
    ("MANSOUR", "MANSUR"), ("JABER", "JABIR"), ("KHALIL", "KHALEEL"),
    ("FAROUK", "FARUQ", "FAROOQ"), ("TAHIR", "TAHER"), ("NABIL", "NABEEL"), ("AMIN", "AMEEN"),
    ("QASIM", "KASSEM", "KASIM", "QASSEM"), ("HAMID", "HAMEED", "HAMED"),
    ("MAJID", "MAJEED", "MAGED"), ("SAMI", "SAMY"), ("ADNAN",), ("FAWAZ", "FAWWAZ"),
    ("MUNIR", "MOUNIR"), ("JALAL",), ("BASHIR", "BACHIR", "BASHEER"), ("IDRIS", "IDRISS"),
    ("HISHAM", "HICHAM"), ("MUSA", "MOUSSA", "MOUSA"), ("ISSA", "EISA", "ISA"),
    ("YAHYA", "YEHIA"), ("SHARIF", "SHERIF", "CHERIF"),
    ("NUR AL-DIN", "NUREDDIN", "NOUREDDINE", "NOUR EL DIN"),
    ("SALAH AL-DIN", "SALAHUDDIN", "SALAHEDDINE"), ("ABU BAKR", "ABUBAKAR", "ABOU BAKR"),
    ("HAIDAR", "HAYDAR", "HAIDER"), ("MURAD", "MOURAD"), ("ABBAS",), ("ZUHAIR", "ZOUHAIR"),
)  # fmt: skip

FEMALE: tuple[tuple[str, ...], ...] = (
    ("FATIMA", "FATIMAH", "FATMA"), ("AISHA", "AICHA", "AYESHA", "AISHAH"),
    ("KHADIJA", "KHADIJAH", "KHADIDJA"), ("MARYAM", "MARIAM", "MERIEM"),
    ("ZAINAB", "ZAYNAB", "ZEINAB"), ("LAYLA", "LEILA", "LAILA"), ("AMINA", "AMINAH", "AMEENA"),
    ("NOUR", "NOOR", "NUR"), ("SALMA",), ("HUDA", "HODA"), ("SAMIRA", "SAMEERA"),
    ("YASMIN", "YASMINE", "YASMEEN"), ("HANAN",), ("RANIA", "RANYA"), ("ASMA", "ASMAA"),
    ("SUMAYYA", "SUMAYA", "SOUMAYA"), ("RUQAYYA", "RUKAYA", "ROKAYA"),
    ("HALIMA", "HALIMAH"), ("NADIA", "NADIYA"), ("SAFIYA", "SAFIYYA", "SAFIA"),
    ("MUNA", "MOUNA"), ("WAFAA", "WAFA"), ("IMAN", "EMAN"), ("HIND",), ("DUNYA", "DOUNIA"),
)  # fmt: skip

# Family and tribal names, taken with an article (AL-, EL …) most of the time.
FAMILY: tuple[tuple[str, ...], ...] = (
    ("MASRI", "MASRY"), ("BAGHDADI",), ("HASHIMI", "HASHEMI"), ("QAHTANI", "KAHTANI"),
    ("SHAMMARI", "SHAMARI"), ("OTAIBI", "UTAYBI", "OTAIBY"), ("TAMIMI",), ("ZAHRANI",),
    ("HARBI",), ("GHAMDI",), ("DOSARI", "DOSSARY", "DAWSARI"), ("MUTAIRI", "MUTAIRY"),
    ("ANAZI", "ANIZI", "ENEZI"), ("SUWAIDI", "SUWAIDY", "SOUAIDI"),
    ("KUBAISI", "KUBAISY", "QUBAISI"), ("JUBURI", "JUBOURI", "JBOURI"),
    ("DULAIMI", "DULAIMY", "DLIMI"), ("TIKRITI",), ("ANSARI",), ("SHEIKH", "SHAIKH", "SHAYKH"),
    ("HAKIM", "HAKEEM"), ("HADDAD",), ("KHOURY", "KHOURI", "KHURI"), ("NASSAR",),
    ("DARWISH", "DARWICH", "DERVISH"), ("QURESHI", "QURAISHI", "KORESHI"),
    ("SIDDIQUI", "SIDDIQI"), ("HIJAZI", "HEGAZY", "HEJAZI"), ("SABBAGH",), ("ZAIDI", "ZAYDI"),
    ("BARAKAT",), ("HAMDAN",), ("SHAHRANI",), ("YAMANI",), ("HALABI",),
    ("SAYYID", "SAYED", "SAYYED"), ("NAJJAR", "NAGGAR"), ("ATTAR",),
    ("KHATIB", "KHATEEB"), ("JAZAIRI", "JAZAERI"), ("LIBI",), ("SUDANI",),
    ("FAQIH", "FAKIH", "FAQEEH"), ("RUBAIE", "RUBAI", "RUBAYI"), ("SHAMI",), ("MAGHRIBI",),
    ("KUWAITI",), ("OBEIDI", "UBAIDI", "OBAIDI"), ("JANABI",), ("ZUBAIDI", "ZOUBAIDI"),
    ("SAADI", "SAEDI"), ("AMRI",), ("MALIKI",), ("SHAFII", "SHAFEI"), ("HUSSEINI", "HUSAINI"),
)  # fmt: skip

ARTICLES = ("AL-{}", "AL-{}", "AL {}", "AL{}", "EL-{}", "EL {}")
PATRONYMIC = ("BIN", "BEN", "IBN")

# Nationalities of the Arabic-origin names (ISO alpha-3).
COUNTRIES = (
    "SAU", "IRQ", "SYR", "EGY", "YEM", "JOR", "LBN", "LBY", "DZA", "MAR", "TUN", "SDN", "ARE",
    "KWT", "QAT", "PSE", "OMN", "BHR", "SOM", "MRT",
)  # fmt: skip

# Faker locales whose names (in Latin script) are of Arabic origin, drawn from too.
LOCALES = ("fr_DZ", "en_PK")
