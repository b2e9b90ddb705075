"""Flights and their manifest history."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.store.schema import FlightLegRow, FlightRow, FlightVersionRow
from interlock.store.views import FlightInfo, FlightVersionInfo, LegInfo


class FlightRepository:
    """Read access to flights: list, one flight with its versions."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list(self, *, limit: int = 100, offset: int = 0) -> list[FlightInfo]:
        """Flights by departure date then key, without their version history."""
        query = (
            select(FlightRow)
            .order_by(FlightRow.departure_date, FlightRow.key)
            .limit(limit)
            .offset(offset)
        )
        with self._sessions() as session:
            rows = session.execute(query).scalars().all()
            counts = _current_counts(session, [row.id for row in rows])
            return [_flight_info(row, counts.get(row.id, 0), []) for row in rows]

    def get(self, key: str) -> FlightInfo | None:
        """The flight with ``key`` (see :attr:`interlock.model.Flight.key`) and all versions."""
        with self._sessions() as session:
            row = session.execute(
                select(FlightRow).where(FlightRow.key == key)
            ).scalar_one_or_none()
            if row is None:
                return None
            versions = _versions(session, row.id)
            current = sum(v.traveller_count for v in versions if v.is_current)
            return _flight_info(row, current, versions)


def _current_counts(session: Session, flight_ids: list[int]) -> dict[int, int]:
    if not flight_ids:
        return {}
    query = (
        select(FlightVersionRow.flight_id, func.sum(FlightVersionRow.traveller_count))
        .where(FlightVersionRow.flight_id.in_(flight_ids), FlightVersionRow.is_current)
        .group_by(FlightVersionRow.flight_id)
    )
    return {flight_id: int(total or 0) for flight_id, total in session.execute(query)}


def _versions(session: Session, flight_id: int) -> list[FlightVersionInfo]:
    rows = (
        session.execute(
            select(FlightVersionRow)
            .where(FlightVersionRow.flight_id == flight_id)
            .order_by(FlightVersionRow.version)
        )
        .scalars()
        .all()
    )
    legs = _legs(session, [r.id for r in rows])
    return [
        FlightVersionInfo(
            version=r.version,
            message_id=r.message_id,
            manifest=r.manifest,
            received_at=r.received_at,
            traveller_count=r.traveller_count,
            is_current=r.is_current,
            legs=legs[r.id],
        )
        for r in rows
    ]


def _legs(session: Session, version_ids: list[int]) -> defaultdict[int, list[LegInfo]]:
    legs: defaultdict[int, list[LegInfo]] = defaultdict(list)
    query = (
        select(FlightLegRow)
        .where(FlightLegRow.flight_version_id.in_(version_ids))
        .order_by(FlightLegRow.flight_version_id, FlightLegRow.position)
    )
    for leg in session.execute(query).scalars():
        legs[leg.flight_version_id].append(
            LegInfo(
                position=leg.position,
                carrier=leg.carrier,
                number=leg.number,
                departure_airport=leg.departure_airport,
                arrival_airport=leg.arrival_airport,
                departure=leg.departure,
                arrival=leg.arrival,
            )
        )
    return legs


def _flight_info(
    row: FlightRow, traveller_count: int, versions: list[FlightVersionInfo]
) -> FlightInfo:
    return FlightInfo(
        key=row.key,
        carrier=row.carrier,
        number=row.number,
        departure_date=row.departure_date,
        origin=row.origin,
        destination=row.destination,
        current_version=row.current_version,
        traveller_count=traveller_count,
        versions=versions,
    )
