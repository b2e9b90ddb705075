"""Conversions between the domain types and the plain row dictionaries of bulk inserts.

Hot path of ingest: one dict per traveller, built without ORM objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interlock.model import (
    Booking,
    Contact,
    DatePrecision,
    FlightLeg,
    HistoryItem,
    Payment,
    Role,
    Sex,
    TravelDocument,
    Traveller,
)


def traveller_row(
    traveller: Traveller,
    *,
    message_id: int,
    flight_version_id: int | None,
    booking_id: int | None,
) -> dict[str, Any]:
    """The ``traveller`` row of one traveller (documents go to their own table)."""
    t = traveller
    return {
        "message_id": message_id,
        "flight_version_id": flight_version_id,
        "booking_id": booking_id,
        "surname": t.surname,
        "given_names": t.given_names,
        "birth_date": t.birth_date,
        "birth_date_precision": t.birth_date_precision.value,
        "sex": t.sex.value if t.sex is not None else None,
        "nationality": t.nationality,
        "role": t.role.value,
        "infant": t.infant,
        "record_locator": t.record_locator,
        "reference": t.reference,
        "seat": t.seat,
        "residence_country": t.residence_country,
        "birth_place": t.birth_place,
        "embarkation": t.embarkation,
        "debarkation": t.debarkation,
        "address": t.address,
        "contacts": [c.to_dict() for c in t.contacts] if t.contacts else [],
        "frequent_flyer": list(t.frequent_flyer),
    }


def document_row(document: TravelDocument, traveller_id: int) -> dict[str, Any]:
    """The ``travel_document`` row of one document of a stored traveller."""
    return {
        "traveller_id": traveller_id,
        "type": document.type,
        "number": document.number,
        "issuing_country": document.issuing_country,
        "expiry": document.expiry,
        "issue_date": document.issue_date,
    }


def leg_row(leg: FlightLeg, *, flight_version_id: int, position: int) -> dict[str, Any]:
    """The ``flight_leg`` row of one leg of a manifest version."""
    return {
        "flight_version_id": flight_version_id,
        "position": position,
        "carrier": leg.carrier,
        "number": leg.number,
        "departure_airport": leg.departure_airport,
        "arrival_airport": leg.arrival_airport,
        "departure": leg.departure,
        "arrival": leg.arrival,
    }


def mask_card_number(value: str | None) -> str | None:
    """Every digit but the last four replaced by ``X``; idempotent on masked numbers."""
    if value is None:
        return None
    digits = sum(ch.isdigit() for ch in value)
    out: list[str] = []
    for ch in value:
        if ch.isdigit():
            digits -= 1
            out.append(ch if digits < 4 else "X")
        else:
            out.append(ch)
    return "".join(out)


def booking_payload(booking: Booking) -> dict[str, Any]:
    """The booking's content columns; card numbers are masked again as a safeguard."""
    payments = []
    for payment in booking.payments:
        entry = payment.to_dict()
        entry["card_number_masked"] = mask_card_number(payment.card_number_masked)
        payments.append(entry)
    return {
        "created": booking.created,
        "traveller_count": booking.traveller_count,
        "travel_agent": booking.travel_agent,
        "itinerary": [leg.to_dict() for leg in booking.itinerary],
        "payments": payments,
        "contacts": [c.to_dict() for c in booking.contacts],
        "ticket_numbers": list(booking.ticket_numbers),
        "history": [h.to_dict() for h in booking.history],
    }


def traveller_from_row(row: Any, documents: list[TravelDocument]) -> Traveller:
    """A domain traveller rebuilt from a ``traveller`` row and its documents."""
    return Traveller(
        surname=row.surname,
        given_names=row.given_names,
        birth_date=row.birth_date,
        birth_date_precision=DatePrecision(row.birth_date_precision),
        sex=Sex(row.sex) if row.sex else None,
        nationality=row.nationality,
        role=Role(row.role),
        infant=row.infant,
        documents=documents,
        record_locator=row.record_locator,
        reference=row.reference,
        seat=row.seat,
        residence_country=row.residence_country,
        birth_place=row.birth_place,
        embarkation=row.embarkation,
        debarkation=row.debarkation,
        address=row.address,
        contacts=[Contact(**c) for c in row.contacts],
        frequent_flyer=list(row.frequent_flyer),
    )


def document_from_row(row: Any) -> TravelDocument:
    """A domain travel document rebuilt from a ``travel_document`` row."""
    return TravelDocument(
        type=row.type,
        number=row.number,
        issuing_country=row.issuing_country,
        expiry=row.expiry,
        issue_date=row.issue_date,
    )


def booking_from_row(row: Any) -> Booking:
    """A domain booking rebuilt from a ``booking`` row (payments stay masked)."""
    return Booking(
        record_locator=row.record_locator,
        carrier=row.carrier or None,
        created=row.created,
        traveller_count=row.traveller_count,
        itinerary=[_leg_from_dict(leg) for leg in row.itinerary],
        payments=[Payment(**p) for p in row.payments],
        contacts=[Contact(**c) for c in row.contacts],
        ticket_numbers=list(row.ticket_numbers),
        travel_agent=row.travel_agent,
        history=[HistoryItem(**h) for h in row.history],
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _leg_from_dict(data: dict[str, Any]) -> FlightLeg:
    return FlightLeg(
        carrier=data["carrier"],
        number=data["number"],
        departure_airport=data.get("departure_airport"),
        arrival_airport=data.get("arrival_airport"),
        departure=_when(data.get("departure")),
        arrival=_when(data.get("arrival")),
    )
