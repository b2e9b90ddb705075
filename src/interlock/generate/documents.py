"""Synthetic identity facts: sex, birth dates and passports valid on the day of travel."""

from __future__ import annotations

import random
import string
from datetime import date, timedelta
from itertools import accumulate

from interlock.generate.countries import DEFAULT_PASSPORT_FORMS, PASSPORT_FORMS
from interlock.model.travel import Sex, TravelDocument

_LETTERS = string.ascii_uppercase.replace("I", "").replace("O", "")
_ALNUM = _LETTERS + string.digits
_SYMBOLS = {"#": string.digits, "@": _LETTERS, "*": _ALNUM}

# Adult ages by band: (youngest, oldest, weight).
_ADULT_AGES = ((18, 29, 24), (30, 44, 32), (45, 59, 26), (60, 74, 14), (75, 88, 4))
_ADULT_CUM_WEIGHTS = tuple(accumulate(band[2] for band in _ADULT_AGES))
_UNSPECIFIED_SHARE = 0.004


def draw_sex(rng: random.Random) -> Sex:
    """M or F in equal shares; a few X (unspecified), as some states issue."""
    if rng.random() < _UNSPECIFIED_SHARE:
        return Sex.UNSPECIFIED
    return Sex.MALE if rng.random() < 0.5 else Sex.FEMALE


def adult_birth_date(rng: random.Random, day: date) -> date:
    """A birth date for an adult traveller, ages weighted toward 30-60."""
    low, high, _ = rng.choices(_ADULT_AGES, cum_weights=_ADULT_CUM_WEIGHTS)[0]
    return birth_date_for_age(rng, day, rng.randint(low, high))


def birth_date_for_age(rng: random.Random, day: date, age: int) -> date:
    """A birth date at which the person is ``age`` full years old on ``day``."""
    birthday = add_years(day, -age)
    latest = birthday - timedelta(days=1) if age == 0 else birthday
    return latest - timedelta(days=rng.randrange(0, 365 if age else 300))


def add_years(when: date, years: int) -> date:
    """``when`` moved by whole years; 29 February becomes 28 February when needed."""
    try:
        return when.replace(year=when.year + years)
    except ValueError:
        return when.replace(year=when.year + years, day=28)


def passport_number(rng: random.Random, issuer: str) -> str:
    """A passport number of the form ``issuer`` uses (approximately)."""
    form = rng.choice(PASSPORT_FORMS.get(issuer, DEFAULT_PASSPORT_FORMS))
    return "".join(rng.choice(_SYMBOLS[c]) if c in _SYMBOLS else c for c in form)


def passport(rng: random.Random, *, issuer: str, birth: date, day: date) -> TravelDocument:
    """A passport issued by ``issuer`` after ``birth``, valid on ``day`` (5 years for minors)."""
    minor = add_years(birth, 16) > day
    validity = 5 if minor else 10
    earliest = max(birth, add_years(day, -validity) + timedelta(days=1))
    issued = earliest + timedelta(days=rng.randrange(0, (day - earliest).days + 1))
    expiry = add_years(issued, validity) - timedelta(days=1)
    if expiry <= day:
        expiry = day + timedelta(days=1)
    return TravelDocument(
        type="P", number=passport_number(rng, issuer), issuing_country=issuer, expiry=expiry
    )
