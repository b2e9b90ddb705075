"""Read models the store hands out: plain frozen records, never live ORM rows.

The raw bytes of a message are not part of :class:`MessageInfo`; they are read on purpose
through :meth:`interlock.store.messages.MessageRepository.raw`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from interlock.model import Booking


class MessageStatus(StrEnum):
    """Where a received message is: RECEIVED → PARSED → STORED, or FAILED with a reason."""

    RECEIVED = "received"
    PARSED = "parsed"
    STORED = "stored"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One step of a message's status history."""

    status: str
    at: datetime
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MessageInfo:
    """What the store knows about a received message, without its raw bytes."""

    id: int
    sha256: str
    sender: str | None
    source: str
    received_at: datetime
    size: int
    status: str
    reason: str | None
    format: str | None
    traveller_count: int
    flights: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dropped_elements: list[str] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LegInfo:
    """A leg of a flight as reported by one manifest version."""

    position: int
    carrier: str
    number: str
    departure_airport: str | None
    arrival_airport: str | None
    departure: datetime | None
    arrival: datetime | None


@dataclass(frozen=True, slots=True)
class FlightVersionInfo:
    """One received manifest of a flight; ``is_current`` for the latest of its manifest kind."""

    version: int
    message_id: int
    manifest: str
    received_at: datetime
    traveller_count: int
    is_current: bool
    legs: list[LegInfo] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FlightInfo:
    """A flight with its current traveller count and, when asked for, its manifest history."""

    key: str
    carrier: str
    number: str
    departure_date: date | None
    origin: str | None
    destination: str | None
    current_version: int
    traveller_count: int
    versions: list[FlightVersionInfo] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BookingInfo:
    """One stored push of a PNR: its version of (carrier, record locator) and the booking."""

    version: int
    is_current: bool
    message_id: int
    received_at: datetime
    booking: Booking
