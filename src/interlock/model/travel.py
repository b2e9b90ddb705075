"""Travellers, documents, flights, bookings and the normalised form of every received message.

These are the types every parser produces and every later stage (store, screening, rules)
consumes. They are slotted dataclasses, not pydantic models, because the parsers build
hundreds of thousands of them per second; ``to_dict`` gives the JSON shape of the
``interlock parse --json`` contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Format(StrEnum):
    """The input formats Interlock reads (the ``format`` field of ``parse --json``)."""

    PAXLST = "paxlst"
    PNRGOV = "pnrgov"
    MRZ = "mrz"
    CSV = "csv"
    JSONL = "jsonl"


class Role(StrEnum):
    """What a person on a manifest is."""

    PASSENGER = "passenger"
    CREW = "crew"


class DatePrecision(StrEnum):
    """How much of a date is known: a year-only birth date is stored as 1 January of that year."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Sex(StrEnum):
    """Sex as printed on travel documents (ICAO 9303): M, F, or X (unspecified)."""

    MALE = "M"
    FEMALE = "F"
    UNSPECIFIED = "X"


@dataclass(slots=True)
class Issue:
    """A warning or error found in a message, naming the place and the reason."""

    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}" if self.location else self.reason

    def to_dict(self) -> dict[str, str]:
        return {"location": self.location, "reason": self.reason}


@dataclass(slots=True)
class TravelDocument:
    """A travel document; ``type`` is the ICAO code (P passport, V visa, I identity card)."""

    type: str
    number: str
    issuing_country: str | None = None
    expiry: date | None = None
    issue_date: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "number": self.number,
            "issuing_country": self.issuing_country,
            "expiry": _iso(self.expiry),
            "issue_date": _iso(self.issue_date),
        }


@dataclass(slots=True)
class Contact:
    """A contact element of a booking: ``kind`` is phone, email or address."""

    kind: str
    value: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value}


@dataclass(slots=True)
class Traveller:
    """One person on a manifest, booking, document or list.

    ``reference`` is the sender's own reference for the person (PAXLST RFF ABO, PNRGOV TIF
    reference, a CSV or JSONL ``id``). ``infant`` marks an infant travelling on an adult's seat.
    """

    surname: str
    given_names: str = ""
    birth_date: date | None = None
    sex: Sex | None = None
    nationality: str | None = None
    role: Role = Role.PASSENGER
    infant: bool = False
    documents: list[TravelDocument] = field(default_factory=list)
    record_locator: str | None = None
    reference: str | None = None
    seat: str | None = None
    residence_country: str | None = None
    birth_place: str | None = None
    embarkation: str | None = None
    debarkation: str | None = None
    address: str | None = None
    contacts: list[Contact] = field(default_factory=list)
    frequent_flyer: list[str] = field(default_factory=list)
    birth_date_precision: DatePrecision = DatePrecision.DAY

    def to_dict(self) -> dict[str, Any]:
        return {
            "surname": self.surname,
            "given_names": self.given_names,
            "birth_date": _birth_date(self.birth_date, self.birth_date_precision),
            "sex": self.sex.value if self.sex else None,
            "nationality": self.nationality,
            "role": self.role.value,
            "infant": self.infant,
            "documents": [d.to_dict() for d in self.documents],
            "record_locator": self.record_locator,
            "reference": self.reference,
            "seat": self.seat,
            "residence_country": self.residence_country,
            "birth_place": self.birth_place,
            "embarkation": self.embarkation,
            "debarkation": self.debarkation,
            "address": self.address,
            "contacts": [c.to_dict() for c in self.contacts],
            "frequent_flyer": list(self.frequent_flyer),
        }


@dataclass(slots=True)
class FlightLeg:
    """One flown segment: from ``departure_airport`` to ``arrival_airport`` (IATA codes)."""

    carrier: str
    number: str
    departure_airport: str | None = None
    arrival_airport: str | None = None
    departure: datetime | None = None
    arrival: datetime | None = None

    @property
    def flight_number(self) -> str:
        return f"{self.carrier}{self.number}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "number": self.number,
            "departure_airport": self.departure_airport,
            "arrival_airport": self.arrival_airport,
            "departure": _iso(self.departure),
            "arrival": _iso(self.arrival),
        }


@dataclass(slots=True)
class Flight:
    """A flight as reported: carrier, number and its legs in order."""

    carrier: str
    number: str
    legs: list[FlightLeg] = field(default_factory=list)

    @property
    def flight_number(self) -> str:
        return f"{self.carrier}{self.number}"

    @property
    def departure_date(self) -> date | None:
        """The scheduled local date of the first leg's departure, the flight's day."""
        for leg in self.legs:
            if leg.departure is not None:
                return leg.departure.date()
        return None

    @property
    def key(self) -> str:
        """Identity of the flight across re-sent manifests: carrier, number and day."""
        day = self.departure_date
        return f"{self.carrier}{self.number}/{day.isoformat() if day else '-'}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "carrier": self.carrier,
            "number": self.number,
            "key": self.key,
            "legs": [leg.to_dict() for leg in self.legs],
        }


@dataclass(slots=True)
class Payment:
    """A form of payment. Card numbers are masked on receipt: only the last four digits stay."""

    type: str
    card_number_masked: str | None = None
    card_issuer: str | None = None
    amount: str | None = None
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "card_number_masked": self.card_number_masked,
            "card_issuer": self.card_issuer,
            "amount": self.amount,
            "currency": self.currency,
        }


@dataclass(slots=True)
class HistoryItem:
    """One change in a booking's history (PNRGOV SAC group): action code and what changed."""

    action: str
    element: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"action": self.action, "element": self.element, "detail": self.detail}


@dataclass(slots=True)
class Booking:
    """A passenger name record as pushed by the carrier (PNRGOV), already minimised (SG-05/06)."""

    record_locator: str
    carrier: str | None = None
    created: date | None = None
    traveller_count: int = 0
    itinerary: list[FlightLeg] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    ticket_numbers: list[str] = field(default_factory=list)
    travel_agent: str | None = None
    history: list[HistoryItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_locator": self.record_locator,
            "carrier": self.carrier,
            "created": _iso(self.created),
            "traveller_count": self.traveller_count,
            "itinerary": [leg.to_dict() for leg in self.itinerary],
            "payments": [p.to_dict() for p in self.payments],
            "contacts": [c.to_dict() for c in self.contacts],
            "ticket_numbers": list(self.ticket_numbers),
            "travel_agent": self.travel_agent,
            "history": [h.to_dict() for h in self.history],
        }


@dataclass(slots=True)
class ParsedMessage:
    """One received message in normalised form.

    ``errors`` lists parts that could not be read; what did parse is kept (a partly broken
    message keeps its good travellers). ``dropped_elements`` names the PNR elements removed
    on receipt (SG-05/SG-06), by element name only, never by value. ``checks`` holds the
    check-digit results of a machine-readable zone, by field (``composite`` included).
    """

    format: Format
    message_type: str = ""
    version: str | None = None
    sender: str | None = None
    recipient: str | None = None
    reference: str | None = None
    prepared_at: datetime | None = None
    manifest: Role | None = None
    flights: list[Flight] = field(default_factory=list)
    travellers: list[Traveller] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    dropped_elements: list[str] = field(default_factory=list)
    source: str = ""
    checks: dict[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format.value,
            "source": self.source,
            "message_type": self.message_type,
            "version": self.version,
            "sender": self.sender,
            "recipient": self.recipient,
            "reference": self.reference,
            "prepared_at": _iso(self.prepared_at),
            "manifest": self.manifest.value if self.manifest else None,
            "flights": [f.to_dict() for f in self.flights],
            "travellers": [t.to_dict() for t in self.travellers],
            "bookings": [b.to_dict() for b in self.bookings],
            "warnings": [str(w) for w in self.warnings],
            "errors": [str(e) for e in self.errors],
            "dropped_elements": list(self.dropped_elements),
            "checks": dict(self.checks),
        }


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _birth_date(value: date | None, precision: DatePrecision) -> str | None:
    if value is None:
        return None
    if precision is DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision is DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
