"""Synthetic bookings (PNRs) for travel parties: record locators, itinerary, masked card FOP."""

from __future__ import annotations

import random
import string
from dataclasses import replace
from datetime import date, timedelta

from interlock.model.travel import Booking, Flight, FlightLeg, Payment, Traveller

_LOCATOR_CHARS = string.ascii_uppercase + string.digits
_CARD_ISSUERS = ("VI", "CA", "AX", "DC")
_CARD_SHARE = 0.6


class Bookings:
    """Issues bookings with record locators unique over the generated day."""

    def __init__(self, rng: random.Random, day: date) -> None:
        self._rng = rng
        self._day = day
        self._locators: set[str] = set()

    def book(self, flight: Flight, party: list[Traveller]) -> Booking:
        """A booking for ``party`` on ``flight``; stamps its record locator on each traveller."""
        locator = self._locator()
        for traveller in party:
            traveller.record_locator = locator
        return Booking(
            record_locator=locator,
            carrier=flight.carrier,
            created=self._day - timedelta(days=self._rng.randint(1, 180)),
            traveller_count=len(party),
            itinerary=_itinerary(flight, party[0]),
            payments=self._payments(),
        )

    def _locator(self) -> str:
        while True:
            locator = "".join(self._rng.choices(_LOCATOR_CHARS, k=6))
            if locator not in self._locators:
                self._locators.add(locator)
                return locator

    def _payments(self) -> list[Payment]:
        if self._rng.random() >= _CARD_SHARE:
            return []
        digits = "".join(self._rng.choices(string.digits, k=4))
        return [
            Payment(
                type="CC",
                card_number_masked="X" * 12 + digits,
                card_issuer=self._rng.choice(_CARD_ISSUERS),
            )
        ]


def _itinerary(flight: Flight, traveller: Traveller) -> list[FlightLeg]:
    """The legs of ``flight`` between the traveller's embarkation and debarkation."""
    start = next(
        (i for i, leg in enumerate(flight.legs) if leg.departure_airport == traveller.embarkation),
        0,
    )
    end = next(
        (i for i, leg in enumerate(flight.legs) if leg.arrival_airport == traveller.debarkation),
        len(flight.legs) - 1,
    )
    return [replace(leg) for leg in flight.legs[start : end + 1]]
