"""Plausible international flights between large real airports, with real airline codes.

Airports come from ``airportsdata`` (IATA table). Which airports are hubs, and how busy, is
a small built-in table (weights roughly proportional to yearly international passengers).
Times are local at each airport, naive, to the minute, as API and PNR messages carry them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from zoneinfo import ZoneInfo

import airportsdata

from interlock.generate.countries import CARRIERS
from interlock.model.travel import Flight, FlightLeg

_HUBS = (
    "LHR:80 CDG:70 AMS:70 FRA:60 IST:75 MAD:60 BCN:50 FCO:45 MUC:45 LGW:40 ZRH:30 VIE:30 "
    "CPH:30 DUB:33 LIS:33 ATH:28 WAW:20 OSL:25 ARN:25 HEL:20 BRU:25 MXP:25 SVO:15 "
    "DXB:87 DOH:45 AUH:25 RUH:25 JED:30 CAI:25 TLV:20 AMM:9 "
    "SIN:60 HKG:50 ICN:65 NRT:35 HND:40 PEK:35 PVG:45 CAN:30 BKK:55 KUL:45 DEL:70 BOM:50 "
    "CGK:40 MNL:40 TPE:40 SGN:30 KHI:7 TAS:5 GYD:5 "
    "JFK:60 LAX:70 ORD:70 ATL:100 MIA:50 SFO:50 YYZ:45 YVR:25 MEX:50 GRU:40 BOG:40 "
    "EZE:10 SCL:20 LIM:20 JNB:20 ADD:12 NBO:8 LOS:8 CMN:10 ALG:8 SYD:40 MEL:35 AKL:20"
)
_MIN_LEG_KM = 300.0
_MAX_LEG_KM = 15_000.0
_CRUISE_KMH = 820.0
_UTC = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class Airport:
    """A hub airport: IATA code, ISO alpha-2 country, position and time zone."""

    iata: str
    country: str
    lat: float
    lon: float
    tz: ZoneInfo
    weight: int


@lru_cache(maxsize=1)
def hubs() -> tuple[Airport, ...]:
    """The hub airports, looked up in ``airportsdata``; each has a carrier of its country."""
    table = airportsdata.load("IATA")
    found = []
    for item in _HUBS.split():
        code, weight = item.split(":")
        row = table[code]
        found.append(
            Airport(code, row["country"], row["lat"], row["lon"], ZoneInfo(row["tz"]), int(weight))
        )
    return tuple(found)


def distance_km(a: Airport, b: Airport) -> float:
    """Great-circle distance between two airports, in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def block_time(km: float) -> timedelta:
    """Scheduled gate-to-gate time for a distance, to five minutes."""
    minutes = km / _CRUISE_KMH * 60 + 35
    return timedelta(minutes=5 * round(minutes / 5))


def seats_for(km: float, rng: random.Random) -> int:
    """A plausible aircraft size for a route length: regional jets short, wide-bodies long."""
    if km < 1500:
        return rng.randint(50, 220)
    if km < 5000:
        return rng.randint(150, 300)
    return rng.randint(220, 400)


class RoutePlanner:
    """Draws flights for one day: weighted hubs, international routes, unique flight numbers."""

    def __init__(self, rng: random.Random, day: date) -> None:
        self._rng = rng
        self._day = day
        self._hubs = hubs()
        self._weights = [hub.weight for hub in self._hubs]
        self._used: set[tuple[str, str]] = set()

    def flight(self) -> tuple[Flight, float]:
        """A new flight of one or two legs and its total distance in kilometres."""
        origin, destination = self._route()
        carrier = self._carrier(origin, destination)
        via = self._via(origin, destination) if self._rng.random() < 0.15 else None
        stops = [origin, via, destination] if via else [origin, destination]
        number = self._number(carrier)
        legs, when = [], self._departure()
        for start, end in pairwise(stops):
            leg, arrival_utc = _leg(carrier, number, start, end, when)
            legs.append(leg)
            when = arrival_utc + timedelta(minutes=self._rng.randrange(60, 125, 5))
        km = sum(distance_km(a, b) for a, b in pairwise(stops))
        return Flight(carrier, number, legs), km

    def _route(self) -> tuple[Airport, Airport]:
        while True:
            origin, destination = self._rng.choices(self._hubs, self._weights, k=2)
            if origin.country != destination.country and (
                _MIN_LEG_KM <= distance_km(origin, destination) <= _MAX_LEG_KM
            ):
                return origin, destination

    def _via(self, origin: Airport, destination: Airport) -> Airport | None:
        direct = distance_km(origin, destination)
        for _ in range(20):
            via = self._rng.choices(self._hubs, self._weights)[0]
            first, second = distance_km(origin, via), distance_km(via, destination)
            if min(first, second) >= _MIN_LEG_KM and first + second <= 1.2 * direct:
                return via
        return None

    def _carrier(self, origin: Airport, destination: Airport) -> str:
        home = origin if self._rng.random() < 0.6 else destination
        codes = CARRIERS.get(home.country) or CARRIERS[_other(home, origin, destination).country]
        return self._rng.choice(codes)

    def _number(self, carrier: str) -> str:
        while True:
            number = str(self._rng.randint(1, 2999))
            if (carrier, number) not in self._used:
                self._used.add((carrier, number))
                return number

    def _departure(self) -> datetime:
        minute = self._rng.randrange(5 * 60, 24 * 60, 5)
        return datetime(self._day.year, self._day.month, self._day.day) + timedelta(minutes=minute)


def _other(home: Airport, origin: Airport, destination: Airport) -> Airport:
    return destination if home is origin else origin


def _leg(
    carrier: str, number: str, start: Airport, end: Airport, departure: datetime
) -> tuple[FlightLeg, datetime]:
    """One leg leaving ``start`` at ``departure``: naive local at ``start`` for the first leg,
    an aware UTC instant for later legs. Returns the leg and its arrival instant in UTC."""
    aware = departure.replace(tzinfo=start.tz) if departure.tzinfo is None else departure
    aware = aware.astimezone(_UTC)
    arrival = aware + block_time(distance_km(start, end))
    leg = FlightLeg(
        carrier,
        number,
        start.iata,
        end.iata,
        _local(aware, start.tz),
        _local(arrival, end.tz),
    )
    return leg, arrival


def _local(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
