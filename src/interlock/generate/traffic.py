"""A synthetic day of international air traffic: flights, passengers, crews and bookings.

Everything is drawn from one ``random.Random(seed)`` (and Faker seeded with the same seed),
and no wall-clock time is read: the same arguments give the same traffic, and
:func:`write_traffic` then gives byte-identical files.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from interlock.generate.bookings import Bookings
from interlock.generate.countries import CARRIERS
from interlock.generate.files import flight_messages
from interlock.generate.names import CULTURES
from interlock.generate.people import Journey, People, country3
from interlock.generate.routes import RoutePlanner, hubs, seats_for
from interlock.model.travel import Booking, Flight, Traveller

DEFAULT_DAY = date(2026, 6, 1)
"""The day generated when none is given (a fixed date, so output never depends on the clock)."""

_CARRIER_COUNTRY = {code: country for country, codes in CARRIERS.items() for code in codes}
_SEAT_LETTERS = {4: "ACDF", 6: "ABCDEF", 9: "ABCDEFGHK"}


@dataclass(slots=True)
class FlightTraffic:
    """One flight with its passengers, crew and the bookings (PNRs) of some passengers."""

    flight: Flight
    passengers: list[Traveller]
    crew: list[Traveller]
    bookings: list[tuple[Booking, list[Traveller]]]


@dataclass(slots=True)
class Traffic:
    """A day of traffic: every flight departing on ``day``."""

    day: date
    flights: list[FlightTraffic]

    @property
    def travellers(self) -> int:
        """Number of passengers over all flights (crew not counted)."""
        return sum(len(ft.passengers) for ft in self.flights)

    @property
    def file_count(self) -> int:
        """How many files :func:`write_traffic` writes for this traffic."""
        return sum(1 + bool(ft.crew) + bool(ft.bookings) for ft in self.flights)


def generate_traffic(
    travellers: int, *, seed: int = 0, pnr_share: float = 0.5, day: date | None = None
) -> Traffic:
    """Generate ``travellers`` passengers spread over plausible flights departing on ``day``.

    About ``pnr_share`` of the passengers also have a booking (PNR), in parties of one to
    four. Deterministic for the arguments; ``day`` defaults to :data:`DEFAULT_DAY`.
    """
    if travellers < 0:
        raise ValueError(f"travellers must be zero or more, not {travellers}")
    if not 0.0 <= pnr_share <= 1.0:
        raise ValueError(f"pnr_share must be between 0 and 1, not {pnr_share}")
    day = day or DEFAULT_DAY
    rng = random.Random(seed)
    builder = _DayBuilder(rng, seed=seed, day=day, pnr_share=pnr_share)
    flights, remaining = [], travellers
    while remaining > 0:
        flight_traffic = builder.flight(remaining)
        remaining -= len(flight_traffic.passengers)
        flights.append(flight_traffic)
    return Traffic(day=day, flights=flights)


class _DayBuilder:
    def __init__(self, rng: random.Random, *, seed: int, day: date, pnr_share: float) -> None:
        self._rng = rng
        self._pnr_share = pnr_share
        self._routes = RoutePlanner(rng, day)
        self._people = People(rng, seed=seed, day=day)
        self._bookings = Bookings(rng, day)
        self._country = {hub.iata: country3(hub.country) for hub in hubs()}

    def flight(self, remaining: int) -> FlightTraffic:
        flight, km = self._routes.flight()
        seats = seats_for(km, self._rng)
        size = min(remaining, max(1, round(seats * self._rng.uniform(0.55, 0.98))))
        traffic = FlightTraffic(flight, [], self._crew(flight, seats), [])
        journeys = self._journeys(flight)
        while len(traffic.passengers) < size:
            journey = self._rng.choices(journeys, [70, 15, 15][: len(journeys)])[0]
            party = self._people.party(journey)[: size - len(traffic.passengers)]
            if self._rng.random() < self._pnr_share:
                traffic.bookings.append((self._bookings.book(flight, party), party))
            traffic.passengers.extend(party)
        self._seat(traffic.passengers, seats)
        return traffic

    def _journeys(self, flight: Flight) -> list[Journey]:
        stops = [leg.departure_airport or "" for leg in flight.legs]
        stops.append(flight.legs[-1].arrival_airport or "")
        whole = self._journey(stops[0], stops[-1])
        if len(stops) == 2:
            return [whole]
        return [whole, self._journey(stops[0], stops[1]), self._journey(stops[1], stops[2])]

    def _journey(self, start: str, end: str) -> Journey:
        return Journey(start, end, (self._country[start], self._country[end]))

    def _crew(self, flight: Flight, seats: int) -> list[Traveller]:
        journey = self._journeys(flight)[0]
        home = country3(_CARRIER_COUNTRY[flight.carrier])
        crew = []
        for _ in range(2 + seats // 60):
            local = home in CULTURES and self._rng.random() < 0.85
            nationality = home if local else self._people.nationality(journey.countries)
            crew.append(self._people.crew_member(nationality, journey))
        return crew

    def _seat(self, passengers: list[Traveller], seats: int) -> None:
        across = 4 if seats <= 100 else 6 if seats <= 220 else 9
        rows = math.ceil(seats / across)
        labels = [
            f"{row}{letter}" for row in range(1, rows + 1) for letter in _SEAT_LETTERS[across]
        ]
        seated = [p for p in passengers if not p.infant]
        for traveller, seat in zip(seated, self._rng.sample(labels, len(seated)), strict=True):
            traveller.seat = seat


def write_traffic(
    traffic: Traffic, out_dir: Path, *, on_file: Callable[[Path], None] | None = None
) -> list[Path]:
    """Write each flight's PAXLST passenger and crew manifests and its PNRGOV push.

    Files are named after the flight key (``LH400_2026-06-01.paxlst.edi``,
    ``….crew.paxlst.edi``, ``….pnrgov.edi``); ``on_file`` is called after each file.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index, flight_traffic in enumerate(traffic.flights):
        for name, text in flight_messages(flight_traffic, index):
            path = out_dir / name
            path.write_text(text, encoding="utf-8", newline="")
            written.append(path)
            if on_file is not None:
                on_file(path)
    return written
