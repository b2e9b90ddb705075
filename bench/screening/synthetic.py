"""A synthetic watchlist of many names and travellers screened against it, some of them
planted list members under the errors real data carries.

Names: Faker locales by nationality, in passport form (``interlock.generate.names``: its
cultures and ``pools``, several seeds' pools merged for more distinct names), and Arabic-origin
names in varied romanisations (:mod:`bench.screening.arabic_names`, and the Faker locales of
Arabic-speaking cultures), often with a father's name and an article. Entries carry birth
dates (some year only, some none), nationalities, and for a share an alias spelt otherwise.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from bench.screening import arabic_names as ar
from interlock.generate.names import CULTURES, Culture, pools
from interlock.screening.model import Query
from interlock.watchlists.model import EntryKind, EntryName, NameStrength, PartialDate
from interlock.watchlists.model import WatchlistEntry as Entry

LIST_NAME = "Synthetic"
ARABIC_SHARE = 0.3
ALIAS_SHARE = {True: 0.4, False: 0.05}  # Arabic-origin names carry other spellings more often
PERTURBATIONS = ("exact", "typo", "order swap", "dropped middle name", "DOB ±1 year",
                 "other romanisation")  # fmt: skip
PLANTED_RANGE = 0.5  # entries carry at most 2 names: this share of the count always exists
_OLDEST = date(1940, 1, 1)
_SPAN_DAYS = (date(2006, 12, 31) - _OLDEST).days


@dataclass(frozen=True, slots=True)
class Part:
    """One name word (or compound such as ABDUL RAHMAN) and its other spellings."""

    spellings: tuple[str, ...]
    chosen: int = 0

    @property
    def text(self) -> str:
        return self.spellings[self.chosen]


@dataclass(frozen=True, slots=True)
class Person:
    """A generated person's name, as parts, with what else a list or passport holds."""

    given: tuple[Part, ...]
    family: Part
    female: bool
    nationality: str | None
    birth: PartialDate | None
    arabic: bool

    @property
    def given_text(self) -> str:
        return " ".join(part.text for part in self.given)

    @property
    def full(self) -> str:
        return f"{self.given_text} {self.family.text}"


@dataclass(frozen=True, slots=True)
class Traveller:
    """A traveller to screen; ``answer`` is the planted entry's id, else None."""

    query: Query
    answer: str | None
    perturbation: str = ""


@cache
def merged_pools(locale: str, seed: int, rounds: int) -> tuple[tuple[str, ...], ...]:
    """First (male, female) and last (male, female) names of ``rounds`` seeds' pools."""
    drawn = [pools(locale, seed * 1000 + r) for r in range(rounds)]
    fields = ("first_male", "first_female", "last_male", "last_female")
    return tuple(tuple(dict.fromkeys(n for p in drawn for n in getattr(p, f))) for f in fields)


class Generator:
    """Draws persons deterministically from its seed."""

    def __init__(self, seed: int, *, rounds: int = 6) -> None:
        self.rng = random.Random(seed)
        self._seed = seed
        self._rounds = rounds
        self._cultures = sorted(CULTURES)

    def person(self) -> Person:
        if self.rng.random() < ARABIC_SHARE:
            return self._arabic()
        return self._faker(self.rng.choice(self._cultures))

    def _birth(self) -> PartialDate | None:
        roll = self.rng.random()
        if roll < 0.08:
            return None
        day = _OLDEST + timedelta(days=self.rng.randrange(_SPAN_DAYS))
        return PartialDate(day.year) if roll < 0.2 else PartialDate(day.year, day.month, day.day)

    def _nationality(self, country: str) -> str | None:
        return country if self.rng.random() < 0.88 else None

    def _faker(self, country: str) -> Person:
        culture: Culture = CULTURES[country]
        locale = self.rng.choice(culture.locales)
        male, female, last_male, last_female = merged_pools(locale, self._seed, self._rounds)
        is_female = self.rng.random() < 0.5
        firsts = female if is_female else male
        given = [self.rng.choice(firsts)]
        if self.rng.random() < culture.middle_share:
            given.append(self.rng.choice(firsts))
        surname = self.rng.choice(last_female if is_female else last_male)
        if culture.particles and self.rng.random() < culture.particle_share:
            surname = self.rng.choice(culture.particles) + surname
        parts = tuple(Part((name,)) for name in dict.fromkeys(given))
        return Person(parts, Part((surname,)), is_female, self._nationality(country),
                      self._birth(), arabic=False)  # fmt: skip

    def _spelt(self, spellings: tuple[str, ...]) -> Part:
        # The first spelling is the most common: half the time, else any.
        chosen = 0 if self.rng.random() < 0.5 else self.rng.randrange(len(spellings))
        return Part(spellings, chosen)

    def _arabic(self) -> Person:
        is_female = self.rng.random() < 0.35
        given = [self._arabic_given(is_female)]
        for share in (0.55, 0.15):  # father's name, grandfather's name
            if self.rng.random() < share:
                if self.rng.random() < 0.15:
                    given.append(Part((self.rng.choice(ar.PATRONYMIC),)))
                given.append(self._arabic_given(False))
        return Person(tuple(given), self._arabic_family(), is_female,
                      self._nationality(self.rng.choice(ar.COUNTRIES)), self._birth(),
                      arabic=True)  # fmt: skip

    def _local(self) -> tuple[tuple[str, ...], ...]:
        """Name pools of the Faker locales of Arabic-speaking cultures (Algerian, Pakistani)."""
        return merged_pools(self.rng.choice(ar.LOCALES), self._seed, self._rounds)

    def _arabic_given(self, female: bool) -> Part:
        if self.rng.random() < 0.3:
            return Part((self.rng.choice(self._local()[1 if female else 0]),))
        return self._spelt(self.rng.choice(ar.FEMALE if female else ar.MALE))

    def _arabic_family(self) -> Part:
        roll = self.rng.random()
        if roll < 0.35:
            return Part((self.rng.choice(self._local()[2]),))
        bases = self.rng.choice(ar.FAMILY if roll < 0.85 else ar.MALE)
        if self.rng.random() < 0.7:
            bases = tuple(article.format(base) for article in ar.ARTICLES for base in bases)
        return self._spelt(bases)

    def respelt(self, person: Person) -> Person:
        """The same person with every part spelt again (an alias from another source)."""
        given = tuple(Part(p.spellings, self.rng.randrange(len(p.spellings))) for p in person.given)
        family = Part(person.family.spellings, self.rng.randrange(len(person.family.spellings)))
        return Person(given, family, person.female, person.nationality, person.birth,
                      person.arabic)  # fmt: skip


def entry_of(person: Person, entry_id: str, alias: Person | None) -> Entry:
    """The watchlist entry of a generated person (an alias when given and spelt differently)."""
    names = [EntryName(person.full, given=person.given_text, family=person.family.text)]
    if alias is not None and alias.full != person.full:
        names.append(EntryName(alias.full, alias.given_text, alias.family.text,
                               strength=NameStrength.ALIAS))  # fmt: skip
    return Entry(entry_id, LIST_NAME, EntryKind.PERSON, names=names,
                 birth_dates=[person.birth] if person.birth else [],
                 nationalities=[person.nationality] if person.nationality else [],
                 gender="F" if person.female else "M")  # fmt: skip


def synthetic_list(
    names: int, seed: int, planted: set[int], *, rounds: int = 6
) -> tuple[list[Entry], dict[int, Person]]:
    """Entries carrying ``names`` names in all, and the persons at the ``planted`` positions
    (positions below ``PLANTED_RANGE * names`` always exist)."""
    gen = Generator(seed, rounds=rounds)
    entries: list[Entry] = []
    kept: dict[int, Person] = {}
    count = 0
    while count < names:
        person = gen.person()
        alias = gen.respelt(person) if gen.rng.random() < ALIAS_SHARE[person.arabic] else None
        entry = entry_of(person, f"SYN-{len(entries):07d}", alias)
        if len(entries) in planted:
            kept[len(entries)] = person
        entries.append(entry)
        count += len(entry.names)
    return entries, kept
