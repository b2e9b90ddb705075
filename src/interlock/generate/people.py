"""Synthetic travellers: travel parties of passengers, and crews, for one flight."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from interlock.generate.documents import (
    adult_birth_date,
    birth_date_for_age,
    draw_sex,
    passport,
)
from interlock.generate.names import CULTURES, person_name
from interlock.model.countries import to_alpha3
from interlock.model.travel import Role, TravelDocument, Traveller

# How often each nationality travels, relative to the others (rough shares of world trips).
_NATIONALITY_WEIGHTS = dict.fromkeys(CULTURES, 1.0) | {
    "USA": 12.0, "GBR": 8.0, "DEU": 7.0, "CHN": 7.0, "IND": 7.0, "FRA": 5.0, "RUS": 3.0,
    "JPN": 3.0, "KOR": 3.0, "ITA": 3.0, "ESP": 3.0, "CAN": 3.0, "NLD": 2.0, "BRA": 2.0,
    "AUS": 2.0, "TUR": 2.0, "SAU": 2.0, "MEX": 2.0, "POL": 2.0, "NGA": 1.5, "PAK": 1.5,
}  # fmt: skip
_PARTY_SIZES = (1, 2, 3, 4)
_PARTY_CUM_WEIGHTS = tuple(accumulate((60, 22, 10, 8)))
# Locales whose surnames take a male or female form (Smirnov/Smirnova, Kowalski/Kowalska):
# a family member of the other sex keeps the own drawn form rather than the lead's.
_GENDERED_SURNAMES = frozenset({"ru_RU", "uk_UA", "pl_PL", "cs_CZ", "el_GR", "az_AZ", "uz_UZ"})
_OWN_ISSUER_SHARE = 0.98
_HOME_RESIDENCE_SHARE = 0.85


@dataclass(frozen=True, slots=True)
class Journey:
    """Where a passenger boards and leaves, and the countries (alpha-3) at the two ends."""

    embarkation: str
    debarkation: str
    countries: tuple[str, str]


class People:
    """Draws synthetic people; deterministic for the ``random.Random`` and seed it is given."""

    def __init__(self, rng: random.Random, *, seed: int, day: date) -> None:
        self._rng = rng
        self._seed = seed
        self._day = day
        self._nationalities = list(_NATIONALITY_WEIGHTS)
        self._numbers: set[str] = set()
        self._cum_weights = list(accumulate(_NATIONALITY_WEIGHTS.values()))

    def nationality(self, countries: tuple[str, ...]) -> str:
        """Mostly a country at one end of the journey, otherwise anyone's."""
        roll = self._rng.random()
        if roll < 0.7:
            local = countries[0] if roll < 0.4 else countries[-1]
            if local in CULTURES:
                return local
        return self._rng.choices(self._nationalities, cum_weights=self._cum_weights)[0]

    def party(self, journey: Journey) -> list[Traveller]:
        """A travel party: one to four people, often a family sharing a surname."""
        size = self._rng.choices(_PARTY_SIZES, cum_weights=_PARTY_CUM_WEIGHTS)[0]
        home = self.nationality(journey.countries)
        locale = self._rng.choice(CULTURES[home].locales)
        lead = self.person(home, journey, locale=locale)
        party = [lead]
        family = self._rng.random() < 0.6
        for _ in range(size - 1):
            if family:
                party.append(self.person(home, journey, family_of=lead, locale=locale))
            else:
                party.append(self.person(self.nationality(journey.countries), journey))
        if family and size > 1 and self._rng.random() < 0.15:
            party[-1] = self.person(home, journey, family_of=lead, age=0, locale=locale)
        return party

    def person(
        self,
        nationality: str,
        journey: Journey,
        *,
        family_of: Traveller | None = None,
        age: int | None = None,
        role: Role = Role.PASSENGER,
        locale: str | None = None,
    ) -> Traveller:
        """One traveller of ``nationality`` with a passport valid on the day."""
        rng, sex = self._rng, draw_sex(self._rng)
        culture = CULTURES[nationality]
        surname, given = person_name(rng, culture, sex, self._seed, locale=locale)
        if family_of is not None and rng.random() < 0.8:
            gendered = locale in _GENDERED_SURNAMES and sex != family_of.sex
            surname = surname if gendered else family_of.surname
        if age is None and family_of is not None and rng.random() < 0.45:
            age = rng.randint(2, 17)
        birth = adult_birth_date(rng, self._day) if age is None else None
        birth = birth or birth_date_for_age(rng, self._day, age or 0)
        issuer = nationality if rng.random() < _OWN_ISSUER_SHARE else self._other(nationality)
        return Traveller(
            surname=surname,
            given_names=given,
            birth_date=birth,
            sex=sex,
            nationality=nationality,
            role=role,
            infant=age == 0,
            documents=[self._passport(issuer, birth)],
            embarkation=journey.embarkation,
            debarkation=journey.debarkation,
            residence_country=self._residence(nationality, journey),
        )

    def crew_member(self, nationality: str, journey: Journey) -> Traveller:
        """A crew member (adult, of working age)."""
        age = self._rng.randint(21, 64)
        return self.person(nationality, journey, age=age, role=Role.CREW)

    def _passport(self, issuer: str, birth: date) -> TravelDocument:
        """A passport whose number no one else on the day holds."""
        while True:
            document = passport(self._rng, issuer=issuer, birth=birth, day=self._day)
            if document.number not in self._numbers:
                self._numbers.add(document.number)
                return document

    def _other(self, nationality: str) -> str:
        other = self._rng.choices(self._nationalities, cum_weights=self._cum_weights)[0]
        return other if other != nationality else "GBR" if nationality != "GBR" else "IRL"

    def _residence(self, nationality: str, journey: Journey) -> str:
        if self._rng.random() < _HOME_RESIDENCE_SHARE:
            return nationality
        return self._rng.choice(journey.countries)


def country3(alpha2: str) -> str:
    """ISO alpha-3 for an airport's alpha-2 country."""
    code = to_alpha3(alpha2)
    if code is None:
        raise ValueError(f"unknown country code {alpha2!r}")
    return code
