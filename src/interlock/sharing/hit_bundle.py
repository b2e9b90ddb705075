"""What a hit is told as: a STIX bundle of the traveller as the data gave them, this node, the
airport, and a sighting of the listed entry on the flight. Both the hit notification
(:mod:`interlock.sharing.hit_notification`) and a sighting (:mod:`interlock.sharing.sightings`)
carry it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.errors import NotFoundError, RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.kinds import TLP
from interlock.sharing.stix import (
    airport_location,
    bundle,
    entry_identity_id,
    node_identity_object,
    sighting,
    traveller_identity,
)
from interlock.store.schema import (
    FlightLegRow,
    FlightRow,
    FlightVersionRow,
    TravelDocumentRow,
    TravellerRow,
)
from interlock.store.schema_alerts import AlertRow
from interlock.watchlists.model import EntryDocument


class HitBundles:
    """Builds the bundle of a hit for the node of ``ctx``."""

    ctx: SharingContext

    def hit_bundle(
        self,
        session: Session,
        alert: AlertRow,
        owner: str,
        source_list: str,
        tlp: TLP,
        now: datetime,
    ) -> dict[str, Any]:
        """Who, where, when, which entry: the traveller as the data gave them, the airport,
        the flight, and a sighting of the entry (``owner``'s entry of ``source_list``)."""
        traveller = session.get(TravellerRow, alert.traveller_id)
        if traveller is None:
            raise NotFoundError(f"traveller of alert {alert.id} is gone")
        document = session.execute(
            select(TravelDocumentRow).where(TravelDocumentRow.traveller_id == traveller.id).limit(1)
        ).scalar()
        flight = session.execute(
            select(FlightRow).where(FlightRow.key == alert.flight_key)
        ).scalar() if alert.flight_key else None  # fmt: skip
        airport, departure, number = _flight_facts(session, flight)
        local = f"alert-{alert.id}"
        person = traveller_identity(
            node=self.ctx.name,
            local_id=local,
            name=" ".join(p for p in (traveller.given_names, traveller.surname) if p) or "unknown",
            given=traveller.given_names or "",
            family=traveller.surname or "",
            birth_date=traveller.birth_date,
            nationality=traveller.nationality,
            document=_document(document),
            tlp=tlp,
            created=now,
        )
        objects: list[dict[str, Any]] = [person, node_identity_object(self.ctx.name)]
        if not airport:
            raise RefusedError(
                f"alert {alert.id}: the flight's airport is unknown", location="flight"
            )
        place = airport_location(node=self.ctx.name, airport=airport)
        objects.append(place)
        seen = sighting(
            node=self.ctx.name,
            alert_id=local,
            entry_ref=entry_identity_id(
                node=owner, list_name=source_list, entry_id=alert.entry_id or ""
            ),
            location_ref=str(place["id"]),
            first_seen=departure or now,
            created=now,
            tlp=tlp,
            flight_number=number,
            traveller_ref=person["id"],
        )
        objects.append(seen)
        return bundle(objects)


def _flight_facts(
    session: Session, flight: FlightRow | None
) -> tuple[str | None, datetime | None, str | None]:
    if flight is None:
        return None, None, None
    leg = session.execute(
        select(FlightLegRow)
        .join(FlightVersionRow, FlightVersionRow.id == FlightLegRow.flight_version_id)
        .where(FlightVersionRow.flight_id == flight.id, FlightVersionRow.is_current)
        .order_by(FlightLegRow.position)
        .limit(1)
    ).scalar()
    airport = flight.origin or (leg.departure_airport if leg is not None else None)
    departure = leg.departure if leg is not None else None
    if departure is not None and departure.tzinfo is None:
        departure = departure.replace(tzinfo=UTC)  # legs keep local times; close enough here
    return airport, departure, f"{flight.carrier}{flight.number}"


def _document(row: TravelDocumentRow | None) -> EntryDocument | None:
    if row is None or not row.number:
        return None
    return EntryDocument(row.type or "P", row.number, row.issuing_country)
