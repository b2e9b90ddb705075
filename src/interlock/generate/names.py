"""Multi-cultural synthetic names, in the upper-case Latin form passports print.

Each nationality draws from one or more Faker locales (a ``Culture``). Faker is slow per
call, so each locale's names are drawn once per seed into pools, transliterated to passport
form (ICAO 9303), and later sampled with the generator's own ``random.Random``. Cultures
whose Faker names rarely carry particles (AL-, VAN DER, DE LA …) get some added.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from faker import Faker

from interlock.generate.transliterate import korean_surname, passport_name
from interlock.model.travel import Sex

_POOL_DRAWS = 160
_DOUBLE_BARRELLED = 0.02

# Faker methods giving Latin names where the locale's plain names are in another script.
_ROMANIZED = {
    "ja_JP": ("first_romanized_name_male", "first_romanized_name_female", "last_romanized_name"),
    "zh_TW": ("first_romanized_name_male", "first_romanized_name_female", "last_romanized_name"),
    "zh_CN": ("first_romanized_name", "first_romanized_name", "last_romanized_name"),
}


@dataclass(frozen=True, slots=True)
class Culture:
    """Where a nationality's names come from, and how often they carry particles."""

    locales: tuple[str, ...]
    particles: tuple[str, ...] = ()
    particle_share: float = 0.0
    middle_share: float = 0.2


_ARAB = ("AL-", "AL-", "AL-", "EL-")
_HISPANIC = ("DE LA ", "DEL ", "DE ")

CULTURES: dict[str, Culture] = {
    "GBR": Culture(("en_GB", "en_GB", "en_GB", "en_IN", "en_IE"), ("O'",), 0.01),
    "IRL": Culture(("en_IE",), ("O'", "MAC "), 0.05),
    "USA": Culture(("en_US", "en_US", "en_US", "es_MX", "en_IN", "zh_CN"), ("O'",), 0.01),
    "CAN": Culture(("en_CA", "en_CA", "fr_CA")),
    "AUS": Culture(("en_AU",)),
    "NZL": Culture(("en_NZ",)),
    "FRA": Culture(("fr_FR", "fr_FR", "fr_FR", "fr_DZ"), ("LE ", "DE "), 0.03),
    "BEL": Culture(("nl_BE", "fr_BE")),
    "NLD": Culture(("nl_NL",), ("VAN ", "VAN DER ", "VAN DEN ", "DE "), 0.12),
    "DEU": Culture(("de_DE", "de_DE", "de_DE", "tr_TR"), ("VON ",), 0.01),
    "AUT": Culture(("de_AT",)),
    "CHE": Culture(("de_CH", "fr_CH", "it_CH")),
    "ITA": Culture(("it_IT",), ("D'", "DI ", "DE "), 0.04),
    "ESP": Culture(("es_ES",), _HISPANIC, 0.04),
    "PRT": Culture(("pt_PT",)),
    "BRA": Culture(("pt_BR",)),
    "MEX": Culture(("es_MX",), _HISPANIC, 0.04),
    "COL": Culture(("es_CO",), _HISPANIC, 0.04),
    "ARG": Culture(("es_AR",), _HISPANIC, 0.03),
    "CHL": Culture(("es_CL",), _HISPANIC, 0.03),
    "PER": Culture(("es_CO", "es_MX"), _HISPANIC, 0.03),
    "POL": Culture(("pl_PL",)),
    "CZE": Culture(("cs_CZ",)),
    "HUN": Culture(("hu_HU",)),
    "ROU": Culture(("ro_RO",)),
    "GRC": Culture(("el_GR",)),
    "DNK": Culture(("da_DK",)),
    "NOR": Culture(("no_NO",)),
    "SWE": Culture(("sv_SE",)),
    "FIN": Culture(("fi_FI",)),
    "RUS": Culture(("ru_RU",)),
    "UKR": Culture(("uk_UA",)),
    "TUR": Culture(("tr_TR",)),
    "AZE": Culture(("az_AZ",)),
    "UZB": Culture(("uz_UZ",)),
    "ARE": Culture(("fr_DZ", "en_PK"), _ARAB, 0.2),
    "SAU": Culture(("fr_DZ", "en_PK"), _ARAB, 0.25),
    "QAT": Culture(("fr_DZ", "en_PK"), _ARAB, 0.2),
    "JOR": Culture(("fr_DZ",), _ARAB, 0.15),
    "EGY": Culture(("fr_DZ",), ("EL-", "ABDEL "), 0.2),
    "DZA": Culture(("fr_DZ",)),
    "MAR": Culture(("fr_DZ",), ("EL ", "BEN "), 0.15),
    "PAK": Culture(("en_PK",)),
    "IND": Culture(("en_IN",)),
    "CHN": Culture(("zh_CN",), middle_share=0.0),
    "HKG": Culture(("zh_CN",), middle_share=0.0),
    "TWN": Culture(("zh_TW",), middle_share=0.0),
    "JPN": Culture(("ja_JP",), middle_share=0.0),
    "KOR": Culture(("ko_KR",), middle_share=0.0),
    "SGP": Culture(("zh_CN", "zh_CN", "en_IN", "id_ID"), middle_share=0.0),
    "VNM": Culture(("vi_VN",), middle_share=0.5),
    "IDN": Culture(("id_ID",)),
    "MYS": Culture(("id_ID",)),
    "PHL": Culture(("en_PH",)),
    "NGA": Culture(("yo_NG", "ig_NG", "ha_NG", "en_NG")),
    "GHA": Culture(("tw_GH",)),
    "KEN": Culture(("en_KE",)),
    "TZA": Culture(("sw",)),
    "ZAF": Culture(("zu_ZA", "en_GB")),
    "ISR": Culture(("en_US", "ru_RU", "fr_FR")),
}
"""Name sources by nationality (ISO alpha-3). Nationalities not listed are not generated."""


@dataclass(frozen=True, slots=True)
class NamePools:
    """Passport-form names drawn from one Faker locale."""

    first_male: tuple[str, ...]
    first_female: tuple[str, ...]
    last_male: tuple[str, ...]
    last_female: tuple[str, ...]


@lru_cache(maxsize=256)
def pools(locale: str, seed: int) -> NamePools:
    """Draw a locale's name pools once per seed (Faker seeded with ``seed``)."""
    faker = Faker(locale)
    faker.seed_instance(seed)
    male, female, last = _methods(faker, locale)
    form = partial(passport_name, umlauts=locale.startswith("de"))
    surname = korean_surname if locale == "ko_KR" else form
    last_female = faker.last_name_female if locale not in _ROMANIZED else last
    return NamePools(
        first_male=_draw(male, form),
        first_female=_draw(female, form),
        last_male=_draw(last, surname),
        last_female=_draw(last_female, surname),
    )


def _methods(faker: Faker, locale: str) -> tuple[Callable[[], str], ...]:
    names = _ROMANIZED.get(locale, ("first_name_male", "first_name_female", "last_name_male"))
    return tuple(getattr(faker, name) for name in names)


def _draw(method: Callable[[], str], form: Callable[[str], str]) -> tuple[str, ...]:
    drawn = (form(method()) for _ in range(_POOL_DRAWS))
    return tuple(dict.fromkeys(name for name in drawn if name))


def person_name(
    rng: random.Random, culture: Culture, sex: Sex, seed: int, *, locale: str | None = None
) -> tuple[str, str]:
    """A (surname, given names) pair for a person of ``culture`` and ``sex``.

    ``locale`` (one of the culture's) keeps a family's names in one language.
    """
    pool = pools(locale or rng.choice(culture.locales), seed)
    female = sex is Sex.FEMALE or (sex is Sex.UNSPECIFIED and rng.random() < 0.5)
    firsts = pool.first_female if female else pool.first_male
    given = rng.choice(firsts)
    if rng.random() < culture.middle_share:
        second = rng.choice(firsts)
        given = given if second == given else f"{given} {second}"
    surnames = pool.last_female if female else pool.last_male
    surname = rng.choice(surnames)
    if culture.particles and rng.random() < culture.particle_share:
        surname = rng.choice(culture.particles) + surname
    elif culture.middle_share > 0 and rng.random() < _DOUBLE_BARRELLED:
        surname = f"{surname}-{rng.choice(surnames)}"
    return surname, given
