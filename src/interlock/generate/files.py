"""The messages a flight's traffic is sent as: PAXLST manifests and a PNRGOV push.

Envelope values are derived from the flight, never from the clock: the passenger manifest
is prepared 30 minutes before the first departure (API at departure), the crew manifest
90 minutes before, the PNR push 24 hours before.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from interlock.generate.routes import hubs
from interlock.ingest.paxlst_write import write_paxlst
from interlock.ingest.pnrgov_write import write_pnrgov
from interlock.model.travel import Flight, Role

if TYPE_CHECKING:
    from interlock.generate.traffic import FlightTraffic

_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


def file_stem(flight: Flight) -> str:
    """The flight key as a file name: ``LH400/2026-06-01`` → ``LH400_2026-06-01``."""
    return "".join(char if char in _SAFE else "_" for char in flight.key)


def flight_messages(traffic: FlightTraffic, index: int) -> list[tuple[str, str]]:
    """(file name, message text) for each message of one flight; ``index`` numbers the flight."""
    flight, stem = traffic.flight, file_stem(traffic.flight)
    messages = [(f"{stem}.paxlst.edi", _manifest(traffic, Role.PASSENGER, index))]
    if traffic.crew:
        messages.append((f"{stem}.crew.paxlst.edi", _manifest(traffic, Role.CREW, index)))
    if traffic.bookings:
        pnr = write_pnrgov(
            flight,
            traffic.bookings,
            sender=f"{flight.carrier}PNR",
            recipient=_recipient(flight),
            reference=f"{index + 1:07d}R",
            prepared_at=_before(flight, timedelta(hours=24)),
        )
        messages.append((f"{stem}.pnrgov.edi", pnr))
    return messages


def _manifest(traffic: FlightTraffic, role: Role, index: int) -> str:
    """The passenger (sent 30 minutes before departure) or crew manifest (90 minutes)."""
    passengers = role is Role.PASSENGER
    return write_paxlst(
        traffic.flight,
        traffic.passengers if passengers else traffic.crew,
        manifest=role,
        sender=f"{traffic.flight.carrier}API",
        recipient=_recipient(traffic.flight),
        reference=f"{index + 1:07d}{'P' if passengers else 'C'}",
        prepared_at=_before(traffic.flight, timedelta(minutes=30 if passengers else 90)),
    )


def _recipient(flight: Flight) -> str:
    """The passenger information unit of the country the flight arrives in, e.g. ``USPIU``."""
    arrival = flight.legs[-1].arrival_airport
    country = {hub.iata: hub.country for hub in hubs()}.get(arrival or "", "XX")
    return f"{country}PIU"


def _before(flight: Flight, lead: timedelta) -> datetime:
    departure = flight.legs[0].departure
    assert departure is not None, "generated flights always have a departure time"
    return departure - lead
