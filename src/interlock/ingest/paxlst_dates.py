"""Dates and times as PAXLST carries them (DTM segments and the UNB envelope).

Formats are told apart by the qualifier in the DTM (201 YYMMDDHHMM, 203 CCYYMMDDHHMM,
102 CCYYMMDD) and, as carriers often leave the format code out, by the length of the value.
Two-digit years need a century: a birth or issue date that would lie in the future belongs
to the previous century; an expiry date is read in this century unless that puts it more
than 50 years ahead; flight times are read in this century.

Each reader returns ``None`` for an absent value and raises :class:`ValueError` with a
reason for a value that is not a date. Reasons describe the value's shape, never the value
itself: a birth date is personal data and reasons travel into logs (SAFEGUARDS SG-37).
"""

from __future__ import annotations

from datetime import date, datetime

EXPIRY_HORIZON_YEARS = 50

_LENGTHS = {"201": 10, "203": 12, "102": 8}
_FORMATS = {6: "YYMMDD", 8: "CCYYMMDD", 10: "YYMMDDHHMM", 12: "CCYYMMDDHHMM"}
_EXPECTED = ", ".join(_FORMATS.values())


def _digits(value: str) -> str:
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) not in _FORMATS:
        raise ValueError(f"not a date: {len(value)} characters, expected digits as {_EXPECTED}")
    return value


def _date_part(value: str) -> str:
    """The date of a date-and-time value (YYMMDDHHMM → YYMMDD, CCYYMMDDHHMM → CCYYMMDD)."""
    return value[:-4] if len(value) in (10, 12) else value


def _day(value: str, century: int) -> date:
    try:
        number = int(value)  # one int() and arithmetic: slicing is slow on the hot path
        if len(value) == 6:
            return date(century + number // 10000, number // 100 % 100, number % 100)
        return date(number // 10000, number // 100 % 100, number % 100)
    except ValueError:
        raise ValueError("not a valid calendar date") from None


def past_date(value: str, today: date) -> date | None:
    """A birth or issue date: a two-digit year that would put it after ``today`` is 19YY."""
    if len(value) == 6 and value.isdigit() and value.isascii():  # the usual YYMMDD, fast
        number = int(value)
        year = 2000 + number // 10000
        if year > today.year:
            year -= 100
        try:
            day = date(year, number // 100 % 100, number % 100)
        except ValueError:
            raise ValueError("not a valid calendar date") from None
        return day if day <= today else date(year - 100, day.month, day.day)
    if not value:
        return None
    value = _date_part(_digits(value))
    day = _day(value, 2000)
    if len(value) == 6 and day > today:
        day = _day(value, 1900)
    return day


def expiry_date(value: str, today: date) -> date | None:
    """An expiry date: a two-digit year is 20YY unless that is more than 50 years ahead."""
    if len(value) == 6 and value.isdigit() and value.isascii():  # the usual YYMMDD, fast
        number = int(value)
        year = 2000 + number // 10000
        if year > today.year + EXPIRY_HORIZON_YEARS:
            year -= 100
        try:
            return date(year, number // 100 % 100, number % 100)
        except ValueError:
            raise ValueError("not a valid calendar date") from None
    if not value:
        return None
    value = _date_part(_digits(value))
    day = _day(value, 2000)
    if len(value) == 6 and day.year > today.year + EXPIRY_HORIZON_YEARS:
        day = _day(value, 1900)
    return day


def flight_time(value: str, fmt: str = "") -> datetime | None:
    """A scheduled departure or arrival: 201 YYMMDDHHMM, 203 CCYYMMDDHHMM, or a bare date."""
    if not value:
        return None
    value = _digits(value)
    size = len(value)
    expected = _LENGTHS.get(fmt)
    if expected is not None and size != expected:
        raise ValueError(f"{size} digits do not match format {fmt} ({_FORMATS[expected]})")
    if size in (6, 8):
        day = _day(value, 2000)
        return datetime(day.year, day.month, day.day)
    split = 6 if size == 10 else 8
    day = _day(value[:split], 2000)
    try:
        hhmm = int(value[split:])
        return datetime(day.year, day.month, day.day, hhmm // 100, hhmm % 100)
    except ValueError:
        raise ValueError("not a valid time of day") from None


def envelope_time(day: str, time: str) -> datetime | None:
    """The UNB preparation date (YYMMDD or CCYYMMDD) and time (HHMM)."""
    if not day:
        return None
    parsed = _day(_digits(day), 2000)
    hhmm = time.strip()
    if not hhmm:
        return datetime(parsed.year, parsed.month, parsed.day)
    if len(hhmm) != 4 or not (hhmm.isascii() and hhmm.isdigit()):
        raise ValueError("not a time (expected HHMM)")
    try:
        clock = int(hhmm)
        return datetime(parsed.year, parsed.month, parsed.day, clock // 100, clock % 100)
    except ValueError:
        raise ValueError("not a valid time of day") from None
