"""Writing what a parsed message carried: flights and their manifest versions, bookings,
travellers and documents, in bulk (one executemany per table and message).

Manifests (any message with flights and no bookings) become a new *version* of each of their
flights. The newest version of each manifest kind (passenger, crew) is the current one; older
versions and their travellers stay. The message's travellers belong to the version of its
first flight.

PNR pushes (messages with bookings) keep every push: each booking becomes version n+1 of
its (carrier, record locator) and the current one; travellers belong to their booking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from interlock.model import Booking, Flight, ParsedMessage, Traveller
from interlock.store.bulk import insert_travellers
from interlock.store.rows import booking_payload, leg_row, traveller_row
from interlock.store.schema import (
    BookingRow,
    FlightLegRow,
    FlightRow,
    FlightVersionRow,
)

LEG: Table = FlightLegRow.__table__  # type: ignore[assignment]


@dataclass(slots=True)
class StoredContent:
    """What was written for one received message."""

    travellers: int = 0
    flight_keys: list[str] = field(default_factory=list)


def store_parsed(
    session: Session, parsed: ParsedMessage, *, message_id: int, received_at: datetime
) -> StoredContent:
    """Write the content of one parsed message; the caller owns the transaction."""
    stored = StoredContent(flight_keys=[f.key for f in parsed.flights])
    if parsed.bookings:
        flight_ids = [ensure_flight(session, f, now=received_at) for f in parsed.flights]
        booking_ids = _store_bookings(
            session,
            parsed,
            message_id=message_id,
            received_at=received_at,
            flight_id=flight_ids[0] if flight_ids else None,
        )
        stored.travellers = _insert_travellers(
            session, parsed.travellers, message_id=message_id, booking_ids=booking_ids
        )
        return stored
    version_ids = [
        _add_flight_version(
            session,
            flight,
            message_id=message_id,
            received_at=received_at,
            manifest=parsed.manifest.value if parsed.manifest else "",
            traveller_count=len(parsed.travellers) if position == 0 else 0,
        )
        for position, flight in enumerate(parsed.flights)
    ]
    stored.travellers = _insert_travellers(
        session,
        parsed.travellers,
        message_id=message_id,
        flight_version_id=version_ids[0] if version_ids else None,
    )
    return stored


def insert_or_ignore(session: Session, row_class: type[Any]) -> Any:
    """An INSERT that does nothing on a unique conflict, for the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(row_class)
    return sqlite.insert(row_class)


def ensure_flight(session: Session, flight: Flight, *, now: datetime) -> int:
    """The id of the flight with ``flight.key``, created when first seen; safe under races."""
    first, last = (flight.legs[0], flight.legs[-1]) if flight.legs else (None, None)
    values = {
        "key": flight.key,
        "carrier": flight.carrier,
        "number": flight.number,
        "departure_date": flight.departure_date,
        "origin": first.departure_airport if first else None,
        "destination": last.arrival_airport if last else None,
        "current_version": 0,
        "created_at": now,
        "updated_at": now,
    }
    stmt = insert_or_ignore(session, FlightRow).values(values)
    session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
    return session.execute(select(FlightRow.id).where(FlightRow.key == flight.key)).scalar_one()


def _add_flight_version(
    session: Session,
    flight: Flight,
    *,
    message_id: int,
    received_at: datetime,
    manifest: str,
    traveller_count: int,
) -> int:
    flight_id = ensure_flight(session, flight, now=received_at)
    locked = select(FlightRow.current_version).where(FlightRow.id == flight_id).with_for_update()
    version = session.execute(locked).scalar_one() + 1
    session.execute(
        update(FlightVersionRow)
        .where(FlightVersionRow.flight_id == flight_id, FlightVersionRow.manifest == manifest)
        .values(is_current=False)
    )
    version_id = session.execute(
        insert(FlightVersionRow)
        .values(
            flight_id=flight_id,
            version=version,
            message_id=message_id,
            manifest=manifest,
            received_at=received_at,
            traveller_count=traveller_count,
            is_current=True,
        )
        .returning(FlightVersionRow.id)
    ).scalar_one()
    _update_flight(session, flight, flight_id=flight_id, version=version, now=received_at)
    legs = [
        leg_row(leg, flight_version_id=version_id, position=i) for i, leg in enumerate(flight.legs)
    ]
    if legs:
        session.execute(insert(LEG), legs)
    return version_id


def _update_flight(
    session: Session, flight: Flight, *, flight_id: int, version: int, now: datetime
) -> None:
    values: dict[str, Any] = {"current_version": version, "updated_at": now}
    if flight.legs:
        values["origin"] = flight.legs[0].departure_airport
        values["destination"] = flight.legs[-1].arrival_airport
    session.execute(update(FlightRow).where(FlightRow.id == flight_id).values(values))


def _store_bookings(
    session: Session,
    parsed: ParsedMessage,
    *,
    message_id: int,
    received_at: datetime,
    flight_id: int | None,
) -> dict[str, int]:
    """Each booking becomes the next, current version of its (carrier, record locator).

    Batched per message: one locking read of the existing versions, one update of their
    current flag, one insert of the new versions and one read of their ids per chunk.
    """
    default_carrier = parsed.flights[0].carrier if parsed.flights else ""
    keyed = [((b.carrier or default_carrier, b.record_locator), b) for b in parsed.bookings]
    common = {"message_id": message_id, "received_at": received_at, "flight_id": flight_id}
    for start in range(0, len(keyed), _CHUNK):
        _add_booking_versions(session, keyed[start : start + _CHUNK], common)
    rows = session.execute(
        select(BookingRow.record_locator, BookingRow.id)
        .where(BookingRow.message_id == message_id)
        .order_by(BookingRow.id)
    )
    return dict(rows.tuples().all())


_CHUNK = 400  # keys per statement, well under SQLite's bound-parameter limit


def _add_booking_versions(
    session: Session, keyed: list[tuple[tuple[str, str], Booking]], common: dict[str, Any]
) -> None:
    keys = {key for key, _ in keyed}
    # Two plain IN lists use the (carrier, record_locator) index on both engines (a row-value
    # IN does not on SQLite); the exact pairs are picked out here. FOR UPDATE cannot lock an
    # aggregate, so the version rows themselves are locked and read.
    existing = session.execute(
        select(BookingRow.id, BookingRow.carrier, BookingRow.record_locator, BookingRow.version)
        .where(
            BookingRow.carrier.in_({carrier for carrier, _ in keys}),
            BookingRow.record_locator.in_({locator for _, locator in keys}),
        )
        .with_for_update()
    )
    latest: dict[tuple[str, str], int] = {}
    current_ids: list[int] = []
    for row_id, carrier, locator, version in existing:
        if (carrier, locator) in keys:
            latest[(carrier, locator)] = max(version, latest.get((carrier, locator), 0))
            current_ids.append(row_id)
    if current_ids:
        session.execute(
            update(BookingRow).where(BookingRow.id.in_(current_ids)).values(is_current=False)
        )
    rows = []
    for key, booking in keyed:
        latest[key] = latest.get(key, 0) + 1
        rows.append({"carrier": key[0], "record_locator": key[1], "version": latest[key],
                     "is_current": True, **common, **booking_payload(booking)})  # fmt: skip
    for row in rows[:-1]:  # a locator pushed twice in one message: only its last is current
        row["is_current"] = latest[(row["carrier"], row["record_locator"])] == row["version"]
    session.execute(insert(BookingRow), rows)


def _insert_travellers(
    session: Session,
    travellers: list[Traveller],
    *,
    message_id: int,
    flight_version_id: int | None = None,
    booking_ids: dict[str, int] | None = None,
) -> int:
    if not travellers:
        return 0
    bookings = booking_ids or {}
    only = next(iter(bookings.values())) if len(bookings) == 1 else None
    rows = [
        traveller_row(
            t,
            message_id=message_id,
            flight_version_id=flight_version_id,
            booking_id=bookings.get(t.record_locator or "", only),
        )
        for t in travellers
    ]
    insert_travellers(session, travellers, rows)
    return len(rows)
