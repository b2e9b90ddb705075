"""What the node holds about a person, as JSON, for the answer to an access request (SG-45).

The export holds every stored traveller record found for the person with its documents, the
flights (the manifest versions the records came with, and their legs), the bookings as stored
(payment cards are masked before they are stored, so they are masked here too), the
screening matches, the alerts with their status and a reference to each one's explanation
pack (SG-46), and the actions taken on the person. The names of the officers who reviewed or
acted are left out (the rights of others, LED Art. 15(1)(e)); the DPO reads the export before
it is sent and withholds what a legal ground requires, recording that as a partial answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.store.schema import (
    BookingRow,
    FlightLegRow,
    FlightRow,
    FlightVersionRow,
    MatchRow,
    TravelDocumentRow,
    TravellerRow,
)
from interlock.store.schema_alerts import AlertRow, PersonActionRow

EXPORT_VERSION = 1
PACK_PATH = "/api/v1/alerts/{id}/explanation"
"""Where an alert's explanation pack is read (SG-46)."""


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def build_export(session: Session, traveller_ids: Sequence[int]) -> dict[str, Any]:
    """The export of the travellers ``traveller_ids`` (the ids a search found), read in the
    caller's session. Ids no longer stored (deleted by retention) are listed as such."""
    ids = sorted(set(traveller_ids))
    travellers = list(
        session.execute(
            select(TravellerRow).where(TravellerRow.id.in_(ids)).order_by(TravellerRow.id)
        ).scalars()
    )
    stored = {t.id for t in travellers}
    return {
        "export_version": EXPORT_VERSION,
        "travellers": [_traveller(session, row) for row in travellers],
        "no_longer_stored": [i for i in ids if i not in stored],
        "flights": _flights(session, {t.flight_version_id for t in travellers}),
        "bookings": _bookings(session, {t.booking_id for t in travellers}),
        "screening_matches": _matches(session, stored),
        "alerts": _alerts(session, stored),
        "actions": _actions(session, stored),
    }


def _traveller(session: Session, row: TravellerRow) -> dict[str, Any]:
    documents = session.execute(
        select(TravelDocumentRow)
        .where(TravelDocumentRow.traveller_id == row.id)
        .order_by(TravelDocumentRow.id)
    ).scalars()
    return {
        "id": row.id,
        "message_id": row.message_id,
        "flight_version_id": row.flight_version_id,
        "booking_id": row.booking_id,
        "surname": row.surname,
        "given_names": row.given_names,
        "birth_date": _iso(row.birth_date),
        "birth_date_precision": row.birth_date_precision,
        "sex": row.sex,
        "nationality": row.nationality,
        "role": row.role,
        "infant": row.infant,
        "record_locator": row.record_locator,
        "reference": row.reference,
        "seat": row.seat,
        "residence_country": row.residence_country,
        "birth_place": row.birth_place,
        "embarkation": row.embarkation,
        "debarkation": row.debarkation,
        "address": row.address,
        "contacts": row.contacts,
        "frequent_flyer": row.frequent_flyer,
        "documents": [
            {
                "type": d.type,
                "number": d.number,
                "issuing_country": d.issuing_country,
                "expiry": _iso(d.expiry),
                "issue_date": _iso(d.issue_date),
            }
            for d in documents
        ],
    }


def _flights(session: Session, version_ids: set[int | None]) -> list[dict[str, Any]]:
    wanted = sorted(i for i in version_ids if i is not None)
    if not wanted:
        return []
    rows = session.execute(
        select(FlightVersionRow, FlightRow)
        .join(FlightRow, FlightRow.id == FlightVersionRow.flight_id)
        .where(FlightVersionRow.id.in_(wanted))
        .order_by(FlightVersionRow.id)
    ).all()
    flights = []
    for version, flight in rows:
        legs = session.execute(
            select(FlightLegRow)
            .where(FlightLegRow.flight_version_id == version.id)
            .order_by(FlightLegRow.position)
        ).scalars()
        flights.append(
            {
                "flight_version_id": version.id,
                "key": flight.key,
                "carrier": flight.carrier,
                "number": flight.number,
                "departure_date": _iso(flight.departure_date),
                "origin": flight.origin,
                "destination": flight.destination,
                "version": version.version,
                "manifest": version.manifest,
                "received_at": _iso(version.received_at),
                "legs": [
                    {
                        "carrier": leg.carrier,
                        "number": leg.number,
                        "from": leg.departure_airport,
                        "to": leg.arrival_airport,
                        "departure": _iso(leg.departure),
                        "arrival": _iso(leg.arrival),
                    }
                    for leg in legs
                ],
            }
        )
    return flights


def _bookings(session: Session, booking_ids: set[int | None]) -> list[dict[str, Any]]:
    wanted = sorted(i for i in booking_ids if i is not None)
    if not wanted:
        return []
    rows = session.execute(
        select(BookingRow).where(BookingRow.id.in_(wanted)).order_by(BookingRow.id)
    ).scalars()
    return [
        {
            "booking_id": b.id,
            "carrier": b.carrier,
            "record_locator": b.record_locator,
            "version": b.version,
            "received_at": _iso(b.received_at),
            "created": _iso(b.created),
            "travel_agent": b.travel_agent,
            "itinerary": b.itinerary,
            "payments": b.payments,
            "contacts": b.contacts,
            "ticket_numbers": b.ticket_numbers,
            "history": b.history,
        }
        for b in rows
    ]


def _matches(session: Session, ids: set[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = session.execute(
        select(MatchRow).where(MatchRow.traveller_id.in_(sorted(ids))).order_by(MatchRow.id)
    ).scalars()
    return [
        {
            "traveller_id": m.traveller_id,
            "list": m.list_name,
            "list_version": m.list_version,
            "entry_id": m.entry_id,
            "band": m.band,
            "screened_at": _iso(m.screened_at),
        }
        for m in rows
    ]


def _alerts(session: Session, ids: set[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = session.execute(
        select(AlertRow).where(AlertRow.traveller_id.in_(sorted(ids))).order_by(AlertRow.id)
    ).scalars()
    return [
        {
            "id": a.id,
            "traveller_id": a.traveller_id,
            "status": a.status,
            "cause": a.cause_kind,
            "category": a.category,
            "list": a.list_name,
            "entry_id": a.entry_id,
            "rule": a.rule_name,
            "rule_version": a.rule_version,
            "flight_key": a.flight_key,
            "band": a.band,
            "created_at": _iso(a.created_at),
            "updated_at": _iso(a.updated_at),
            "explanation_pack": PACK_PATH.format(id=a.id),
        }
        for a in rows
    ]


def _actions(session: Session, ids: set[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = session.execute(
        select(PersonActionRow)
        .where(PersonActionRow.traveller_id.in_(sorted(ids)))
        .order_by(PersonActionRow.id)
    ).scalars()
    return [
        {
            "alert_id": p.alert_id,
            "traveller_id": p.traveller_id,
            "kind": p.kind,
            "basis": p.basis,
            "reason": p.reason,
            "at": _iso(p.at),
        }
        for p in rows
    ]
