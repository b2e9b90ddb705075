"""Stored travellers (rebuilt as domain :class:`Traveller` objects) and bookings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.model import TravelDocument, Traveller
from interlock.store.rows import booking_from_row, document_from_row, traveller_from_row
from interlock.store.schema import (
    BookingRow,
    FlightRow,
    FlightVersionRow,
    TravelDocumentRow,
    TravellerRow,
)
from interlock.store.views import BookingInfo


class TravellerRepository:
    """Read access to stored travellers."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def for_flight(self, key: str, *, version: int | None = None) -> list[Traveller]:
        """The flight's travellers: of the current versions, or of one ``version``."""
        query = (
            select(TravellerRow)
            .join(FlightVersionRow, TravellerRow.flight_version_id == FlightVersionRow.id)
            .join(FlightRow, FlightVersionRow.flight_id == FlightRow.id)
            .where(FlightRow.key == key)
        )
        if version is None:
            query = query.where(FlightVersionRow.is_current)
        else:
            query = query.where(FlightVersionRow.version == version)
        return self._load(query.order_by(TravellerRow.id))

    def for_message(self, message_id: int) -> list[Traveller]:
        """The travellers a received message carried, in message order."""
        query = select(TravellerRow).where(TravellerRow.message_id == message_id)
        return self._load(query.order_by(TravellerRow.id))

    def _load(self, query: Any) -> list[Traveller]:
        with self._sessions() as session:
            rows = session.execute(query).scalars().all()
            documents = _documents(session, [row.id for row in rows])
            return [traveller_from_row(row, documents[row.id]) for row in rows]


def _documents(session: Session, ids: Sequence[int]) -> defaultdict[int, list[TravelDocument]]:
    found: defaultdict[int, list[TravelDocument]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        query = (
            select(TravelDocumentRow)
            .where(TravelDocumentRow.traveller_id.in_(ids[start : start + 500]))
            .order_by(TravelDocumentRow.id)
        )
        for row in session.execute(query).scalars():
            found[row.traveller_id].append(document_from_row(row))
    return found


class BookingRepository:
    """Read access to stored PNR pushes."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def history(self, record_locator: str, *, carrier: str | None = None) -> list[BookingInfo]:
        """Every stored push of a booking, oldest first."""
        query = select(BookingRow).where(BookingRow.record_locator == record_locator)
        if carrier is not None:
            query = query.where(BookingRow.carrier == carrier)
        query = query.order_by(BookingRow.carrier, BookingRow.version)
        with self._sessions() as session:
            return [
                BookingInfo(
                    version=row.version,
                    is_current=row.is_current,
                    message_id=row.message_id,
                    received_at=row.received_at,
                    booking=booking_from_row(row),
                )
                for row in session.execute(query).scalars()
            ]
