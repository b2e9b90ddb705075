"""The facts rules run over, derived from a parsed message at ingest or from the store.

:class:`TravellerFacts` is the only thing a rule sees: the allowlisted fields of
:mod:`interlock.rules.fields`, already normalised (codes upper case, countries alpha-3,
payment forms as words). A fact that cannot be derived is ``None`` and satisfies no
condition. No name, document number or contact is carried: facts can be logged by id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from itertools import pairwise
from typing import Any

from interlock.model import Booking, FlightLeg, ParsedMessage, Traveller
from interlock.model.countries import to_alpha3

PAYMENT_WORDS = {
    "CA": "cash", "CASH": "cash", "CC": "card", "DC": "card", "CARD": "card", "CK": "cheque",
    "IN": "invoice", "MS": "miscellaneous",
}  # fmt: skip
"""PNRGOV FOP type codes (IATA PADIS code list 9888) as the words rules use."""


@dataclass(frozen=True, slots=True)
class TravellerFacts:
    """What rules may know about one traveller (see :data:`interlock.rules.fields.FIELDS`).
    ``traveller_id`` is the stored traveller (None at ingest, before storing)."""

    role: str | None = None
    nationality: str | None = None
    sex: str | None = None
    age_years: int | None = None
    birth_place: str | None = None
    document_type: str | None = None
    document_issuing_country: str | None = None
    document_expires_in_days: int | None = None
    booked_hours_before_departure: float | None = None
    payment_types: frozenset[str] | None = None
    one_way: bool | None = None
    travel_agent: str | None = None
    legs: int | None = None
    group_size: int | None = None
    broken_itinerary: bool | None = None
    origin: str | None = None
    destination: str | None = None
    airports: frozenset[str] | None = None
    countries: frozenset[str] | None = None
    departure_date: date | None = None
    co_travel_with_match: bool = False
    traveller_id: int | None = None


@lru_cache(maxsize=1)
def _airport_countries() -> dict[str, str]:
    """IATA airport → alpha-3 country, from the ``airportsdata`` IATA table."""
    import airportsdata

    table = airportsdata.load("IATA")
    return {code: to_alpha3(row["country"]) or row["country"] for code, row in table.items()}


def airport_country(code: str) -> str | None:
    return _airport_countries().get(code)


def build_facts(
    traveller: Traveller,
    *,
    booking: Booking | None,
    legs: Sequence[FlightLeg],
    now: datetime,
    co_travel: bool = False,
    traveller_id: int | None = None,
) -> TravellerFacts:
    """Facts of one traveller: the booking's itinerary when there is one, else the flight's
    legs give the route; ages and document expiry are counted to the first departure (or
    ``now`` when it is unknown)."""
    itinerary = list(booking.itinerary) if booking is not None and booking.itinerary else []
    route = itinerary or list(legs)
    departure = next((leg.departure for leg in route if leg.departure is not None), None)
    day = departure.date() if departure is not None else now.date()
    document = traveller.documents[0] if traveller.documents else None
    return TravellerFacts(
        role=traveller.role.value,
        nationality=to_alpha3(traveller.nationality) or _up(traveller.nationality),
        sex=traveller.sex.value if traveller.sex is not None else None,
        age_years=_age(traveller.birth_date, day),
        birth_place=_up(traveller.birth_place),
        document_type=_up(document.type) if document else None,
        document_issuing_country=to_alpha3(document.issuing_country) if document else None,
        document_expires_in_days=(
            (document.expiry - day).days if document and document.expiry else None
        ),
        **_booking_facts(booking, itinerary, departure),
        **_route_facts(route),
        departure_date=departure.date() if departure is not None else None,
        co_travel_with_match=co_travel,
        traveller_id=traveller_id,
    )


def _up(value: str | None) -> str | None:
    return value.strip().upper() if value and value.strip() else None


def _age(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _booking_facts(
    booking: Booking | None, itinerary: list[FlightLeg], departure: datetime | None
) -> dict[str, Any]:
    if booking is None:
        return {}
    hours = None
    if booking.created is not None and departure is not None:
        start = datetime.combine(booking.created, time(), tzinfo=departure.tzinfo)
        hours = round((departure - start).total_seconds() / 3600, 1)
    first = itinerary[0].departure_airport if itinerary else None
    last = itinerary[-1].arrival_airport if itinerary else None
    return {
        "booked_hours_before_departure": hours,
        "payment_types": frozenset(
            PAYMENT_WORDS.get(p.type.strip().upper(), "other") for p in booking.payments
        ),
        "one_way": (first != last) if first and last else None,
        "travel_agent": booking.travel_agent or None,
        "legs": len(itinerary),
        "group_size": booking.traveller_count or None,
        "broken_itinerary": _broken(itinerary),
    }


def _broken(legs: list[FlightLeg]) -> bool:
    return any(
        a.arrival_airport and b.departure_airport and a.arrival_airport != b.departure_airport
        for a, b in pairwise(legs)
    )


def _route_facts(route: list[FlightLeg]) -> dict[str, Any]:
    if not route:
        return {}
    airports = [a for leg in route for a in (leg.departure_airport, leg.arrival_airport) if a]
    countries = {airport_country(a) for a in airports}
    return {
        "origin": route[0].departure_airport,
        "destination": route[-1].arrival_airport,
        "airports": frozenset(airports),
        "countries": frozenset(c for c in countries if c),
    }


def facts_for_message(
    parsed: Sequence[ParsedMessage],
    *,
    matched: frozenset[int] = frozenset(),
    now: datetime,
) -> list[TravellerFacts]:
    """One facts record per traveller, in order (each message's travellers in turn).
    ``matched``: positions, in that order, of travellers with a watchlist match; a traveller
    sharing a booking with one of them (the same record locator, in a PNR push or on a
    manifest) gets ``co_travel_with_match``. Sharing only the flight is not co-travel: that
    would flag a whole aircraft."""
    entries: list[tuple[Traveller, Booking | None, list[FlightLeg], tuple[object, ...]]] = []
    for number, message in enumerate(parsed):
        bookings = {b.record_locator: b for b in message.bookings}
        legs = message.flights[0].legs if message.flights else []
        for traveller in message.travellers:
            booking = bookings.get(traveller.record_locator or "")
            locator = booking.record_locator if booking else traveller.record_locator
            group: tuple[object, ...] = (
                ("booking", number, locator) if locator else ("alone", len(entries))
            )
            entries.append((traveller, booking, legs, group))
    return [
        build_facts(t, booking=b, legs=legs, now=now, co_travel=co)
        for (t, b, legs, _), co in zip(entries, co_travel_flags([e[3] for e in entries], matched),
                                       strict=True)
    ]  # fmt: skip


def co_travel_flags(groups: Sequence[object], matched: frozenset[int] | set[int]) -> list[bool]:
    """For each position: whether *another* member of its group is in ``matched``."""
    counts: dict[object, int] = {}
    for position in matched:
        if 0 <= position < len(groups):
            counts[groups[position]] = counts.get(groups[position], 0) + 1
    return [counts.get(g, 0) - (i in matched) > 0 for i, g in enumerate(groups)]


def utc_now() -> datetime:
    return datetime.now(UTC)
