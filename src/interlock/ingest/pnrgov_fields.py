"""Field readers for PNRGOV segments: dates, flight legs, contact lines, payments, addresses.

Dates in PNRGOV are ``DDMMYY`` (TVL, DAT) with times ``HHMM``; years are read as 20YY
(PNRGOV started in 2010). Passenger documents use ``DDMMMYY`` (see :mod:`pnrgov_ssr`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from interlock.ingest.edifact import Segment
from interlock.model import Contact, FlightLeg, Payment

_PHONE_KINDS = frozenset("BHMPRF")


def ddmmyy(text: str) -> date | None:
    """A ``DDMMYY`` date (20YY), or None when absent or invalid."""
    text = text.strip()
    if len(text) != 6 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return date(2000 + int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        return None


def hhmm(text: str) -> time | None:
    """An ``HHMM`` time, or None when absent or invalid."""
    text = text.strip()
    if len(text) != 4 or not (text.isascii() and text.isdigit()):
        return None
    hour, minute = int(text[:2]), int(text[2:])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _at(day: date | None, moment: time | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, moment or time(0, 0))


def leg_from_tvl(segment: Segment) -> FlightLeg | None:
    """A flight leg from a TVL segment; None for TVLs without carrier, number or airports.

    ``TVL+DDMMYY:HHMM:DDMMYY:HHMM+DEP+ARR+MARKETING[:OPERATING]+NUMBER[:CLASS]``. A third
    time-like component without an arrival date (``121210:0915:1230``) is the arrival time on
    the departure day (the next day if earlier than the departure time).
    """
    carrier, number = segment.get(4, 0).strip(), segment.get(5, 0).strip()
    dep_airport, arr_airport = segment.get(2, 0).strip(), segment.get(3, 0).strip()
    if not (carrier and number and dep_airport and arr_airport):
        return None
    stamps = segment.element(1)
    dep_day, dep_time = ddmmyy(_comp(stamps, 0)), hhmm(_comp(stamps, 1))
    arr_day, arr_time = ddmmyy(_comp(stamps, 2)), hhmm(_comp(stamps, 3))
    if arr_day is None and arr_time is None and hhmm(_comp(stamps, 2)) is not None:
        arr_time = hhmm(_comp(stamps, 2))
    if arr_day is None and arr_time is not None and dep_day is not None:
        late = dep_time is not None and arr_time < dep_time
        arr_day = dep_day + timedelta(days=1) if late else dep_day
    return FlightLeg(
        carrier=carrier,
        number=number,
        departure_airport=dep_airport,
        arrival_airport=arr_airport,
        departure=_at(dep_day, dep_time),
        arrival=_at(arr_day, arr_time),
    )


def _comp(components: list[str], index: int) -> str:
    return components[index] if index < len(components) else ""


def mask_card(number: str) -> str | None:
    """A card number masked on receipt: every character but the last four digits becomes '*'."""
    digits = "".join(ch for ch in number if "0" <= ch <= "9")
    if not number.strip():
        return None
    last4 = digits[-4:]
    return "*" * max(len(number.strip()) - len(last4), 0) + last4


def payment_from_fop(segment: Segment) -> Payment | None:
    """A payment from ``FOP+TYPE:DATA:AMOUNT:VENDOR:CARD:EXPIRY``; the card number is masked."""
    comps = segment.element(1)
    kind = _comp(comps, 0).strip()
    if not kind:
        return None
    return Payment(
        type=kind,
        amount=_comp(comps, 2).strip() or None,
        card_issuer=_comp(comps, 3).strip() or None,
        card_number_masked=mask_card(_comp(comps, 4)),
    )


def contact_from_text(text: str) -> tuple[str, str] | None:
    """Read an IATA contact line (``CTCE …``, ``YY CTCM …``, ``CTC M …``): (letter, value).

    Returns None when the text is not a contact line. The letter is E (e-mail), M/H/B/P/R/F
    (phones), A (address) or T (travel agent).
    """
    words = text.split()
    if len(words) > 1 and len(words[0]) == 2 and words[1].startswith("CTC"):
        words = words[1:]
    if not words or not words[0].startswith("CTC"):
        return None
    head = words[0]
    if head == "CTC" and len(words) > 1 and len(words[1]) == 1:
        return words[1], " ".join(words[2:])
    if len(head) == 4:
        return head[3], " ".join(words[1:])
    return None


def contact_from_line(letter: str, value: str) -> Contact | None:
    """A :class:`Contact` from a contact line; e-mails are decoded (``//`` → @, ``..`` → _)."""
    value = value.strip()
    if not value:
        return None
    if letter == "E":
        return Contact("email", value.replace("//", "@").replace("..", "_"))
    if letter in _PHONE_KINDS:
        return Contact("phone", value) if any(ch.isdigit() for ch in value) else None
    if letter == "A":
        return Contact("address", value)
    return None


def address_from_add(segment: Segment) -> tuple[str | None, str | None]:
    """(address, trailing phone or contact text) from ``ADD++USE:STREET:CITY:STATE::CC:ZIP:TEL``."""
    comps = segment.element(2)
    parts = [_comp(comps, i).strip() for i in (1, 2, 3, 5, 6)]
    address = ", ".join(p for p in parts if p) or None
    return address, _comp(comps, 7).strip() or None
