"""Reading single MRZ fields: check digits, dates, names, sex and country codes (ICAO 9303 Part 3).

Century rules (the MRZ gives two-digit years; ``today`` is injectable for tests):

- birth date: the latest century that does not put the date after ``today``;
- expiry date: the year in the 100-year window from ``today.year - 49`` to ``today.year + 50``
  (so with today in 2025, ``25``..``75`` mean 2025..2075 and ``76``..``99`` mean 1976..1999).

Invalid dates (month 13, 30 February, fillers) give ``None`` and a warning, never an error.
"""

from __future__ import annotations

from datetime import date

from interlock.errors import ParseError
from interlock.model import Sex
from interlock.model.countries import ICAO_ONLY, ISO_3166, iso_country

FILLER = "<"
MRZ_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
_WEIGHTS = (7, 3, 1)
_VALUES: dict[str, int] = {
    **{str(d): d for d in range(10)},
    **{chr(ord("A") + i): 10 + i for i in range(26)},
    FILLER: 0,
}
_SEXES = {"M": Sex.MALE, "F": Sex.FEMALE, "X": Sex.UNSPECIFIED, FILLER: Sex.UNSPECIFIED}
EXPIRY_WINDOW_AHEAD = 50


def check_digit(value: str) -> int:
    """The ICAO 9303 check digit of ``value``: weights 7-3-1 repeating, sum modulo 10.

    Digits count as their value, ``A``-``Z`` as 10-35 and the filler ``<`` as 0. Any other
    character raises :class:`ParseError`.
    """
    total = 0
    for index, char in enumerate(value):
        number = _VALUES.get(char)
        if number is None:
            raise ParseError(f"character {char!r} at position {index + 1} has no check value")
        total += number * _WEIGHTS[index % 3]
    return total % 10


def check_matches(value: str, found: str) -> bool:
    """True if the printed check character ``found`` is the check digit of ``value``.

    A filler in the check position reads as 0 (ICAO 9303 allows ``<`` where the checked
    field is all fillers); a letter never matches.
    """
    if found == FILLER:
        return check_digit(value) == 0
    return found.isdigit() and check_digit(value) == int(found)


def parse_birth_date(text: str, today: date) -> date | None:
    """A ``YYMMDD`` birth date in the latest century that keeps it on or before ``today``."""
    parts = _date_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    century = today.year // 100 * 100
    for base in (century, century - 100, century - 200):
        found = _make_date(base + year, month, day)
        if found is not None and found <= today:
            return found
    return None


def parse_expiry_date(text: str, today: date) -> date | None:
    """A ``YYMMDD`` expiry date in the window ``today.year - 49`` .. ``today.year + 50``."""
    parts = _date_parts(text)
    if parts is None:
        return None
    year, month, day = parts
    full = today.year // 100 * 100 + year
    if full > today.year + EXPIRY_WINDOW_AHEAD:
        full -= 100
    elif full <= today.year + EXPIRY_WINDOW_AHEAD - 100:
        full += 100
    return _make_date(full, month, day)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    if len(text) != 6 or not text.isdigit() or not text.isascii():
        return None
    return int(text[:2]), int(text[2:4]), int(text[4:])


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_name(field: str) -> tuple[str, str]:
    """Primary and secondary identifiers: split at the first ``<<``; ``<`` inside a part is a space.

    A truncated name (no trailing fillers) is read as printed.
    """
    primary, _sep, secondary = field.partition(FILLER * 2)
    return _words(primary), _words(secondary)


def _words(part: str) -> str:
    return " ".join(word for word in part.split(FILLER) if word)


def parse_sex(char: str) -> Sex | None:
    """``M``, ``F``, ``X`` or ``<`` (unspecified); None for anything else."""
    return _SEXES.get(char)


def strip_fillers(text: str) -> str:
    """The field without leading and trailing fillers."""
    return text.strip(FILLER)


def is_mrz_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 code or an ICAO 9303 Part 3 code (``D``, ``UTO``, ``XXA`` …).

    Trailing fillers are ignored (``D<<`` is ``D``). Alpha-2 codes are not MRZ codes.
    """
    key = code.rstrip(FILLER)
    return key in ISO_3166 or key in ICAO_ONLY


def normalise_country(code: str) -> str | None:
    """The ISO 3166-1 alpha-3 state an MRZ code stands for: ``D`` → ``DEU``, ``GBN`` → ``GBR``.

    None for codes that name no state (organisations, ``XXA`` stateless, ``XXX``, ``UTO``)
    and for unknown codes.
    """
    key = code.strip().rstrip(FILLER).upper()
    if len(key) not in (1, 3):
        return None
    return iso_country(key)
