"""Facts of stored travellers, for backtests and for re-running rules after ingest.

Reads in batches (one query per table and chunk): the traveller rows, their documents, their
bookings, the legs of their manifest versions, and which of their co-travellers (same
booking, or without one, same manifest) have a stored watchlist match.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.model import FlightLeg
from interlock.rules.facts import TravellerFacts, build_facts
from interlock.store.rows import booking_from_row, document_from_row, traveller_from_row
from interlock.store.schema import (
    BookingRow,
    FlightLegRow,
    MatchRow,
    TravelDocumentRow,
    TravellerRow,
)

CHUNK = 500


def facts_for_stored(
    session: Session, traveller_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, TravellerFacts]:
    """Facts by traveller id for the stored travellers ``traveller_ids`` (unknown ids are
    left out)."""
    now = now or datetime.now(UTC)
    found: dict[int, TravellerFacts] = {}
    for start in range(0, len(traveller_ids), CHUNK):
        found.update(_chunk(session, list(traveller_ids[start : start + CHUNK]), now))
    return found


def _chunk(session: Session, ids: list[int], now: datetime) -> dict[int, TravellerFacts]:
    rows = session.execute(select(TravellerRow).where(TravellerRow.id.in_(ids))).scalars().all()
    documents: dict[int, list[Any]] = defaultdict(list)
    for doc in session.execute(
        select(TravelDocumentRow)
        .where(TravelDocumentRow.traveller_id.in_(ids))
        .order_by(TravelDocumentRow.id)
    ).scalars():
        documents[doc.traveller_id].append(document_from_row(doc))
    booking_ids = {r.booking_id for r in rows if r.booking_id is not None}
    bookings = {
        b.id: booking_from_row(b)
        for b in session.execute(select(BookingRow).where(BookingRow.id.in_(booking_ids))).scalars()
    }
    legs = _legs(session, {r.flight_version_id for r in rows if r.flight_version_id is not None})
    matched = _matched_groups(session, rows)
    return {
        row.id: build_facts(
            traveller_from_row(row, documents.get(row.id, [])),
            booking=bookings.get(row.booking_id) if row.booking_id is not None else None,
            legs=legs.get(row.flight_version_id, []) if row.flight_version_id else [],
            now=now,
            co_travel=bool(matched.get(_group(row), set()) - {row.id}),
            traveller_id=row.id,
        )
        for row in rows
    }


def _legs(session: Session, version_ids: set[int]) -> dict[int, list[FlightLeg]]:
    legs: dict[int, list[FlightLeg]] = defaultdict(list)
    if not version_ids:
        return legs
    query = (
        select(FlightLegRow)
        .where(FlightLegRow.flight_version_id.in_(version_ids))
        .order_by(FlightLegRow.flight_version_id, FlightLegRow.position)
    )
    for leg in session.execute(query).scalars():
        legs[leg.flight_version_id].append(
            FlightLeg(
                leg.carrier,
                leg.number,
                leg.departure_airport,
                leg.arrival_airport,
                leg.departure,
                leg.arrival,
            )
        )
    return legs


def _group(row: TravellerRow) -> tuple[str, int]:
    if row.booking_id is not None:
        return ("booking", row.booking_id)
    if row.flight_version_id is not None:
        return ("flight", row.flight_version_id)
    return ("alone", row.id)


def _matched_groups(
    session: Session, rows: Sequence[TravellerRow]
) -> dict[tuple[str, int], set[int]]:
    """For each booking / manifest of ``rows``: the ids of its travellers with a match."""
    groups: dict[tuple[str, int], set[int]] = defaultdict(set)
    with_match = select(MatchRow.traveller_id)
    for kind, column in (
        ("booking", TravellerRow.booking_id),
        ("flight", TravellerRow.flight_version_id),
    ):
        keys = {key for k, key in map(_group, rows) if k == kind}
        if not keys:
            continue
        query = select(column, TravellerRow.id).where(
            column.in_(keys), TravellerRow.id.in_(with_match)
        )
        for key, traveller_id in session.execute(query).tuples():
            if key is not None:
                groups[(kind, key)].add(traveller_id)
    return groups
