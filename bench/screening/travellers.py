"""Travellers screened against the synthetic list: most are other people, a share are planted
list members with one error each (a typo, given and family names swapped, a dropped middle
name, the birth year off by one, another romanisation) or none."""

from __future__ import annotations

import random
import string
from dataclasses import replace

from bench.screening.synthetic import (
    PERTURBATIONS,
    PLANTED_RANGE,
    Generator,
    Part,
    Person,
    Traveller,
    synthetic_list,
)
from interlock.screening.model import Query
from interlock.watchlists.model import PartialDate, WatchlistEntry

_PARTICLES = frozenset({"BIN", "BEN", "IBN"})


def query_of(person: Person, ident: str, *, swapped: bool = False) -> Query:
    """The query a passenger manifest gives for the person (given names and surname fields)."""
    given, surname = person.given_text, person.family.text
    if swapped:
        given, surname = surname, given
    return Query(
        given_names=given,
        surname=surname,
        id=ident,
        birth_date=person.birth,
        nationality=person.nationality,
        gender="F" if person.female else "M",
    )


def applicable(person: Person) -> list[str]:
    """The perturbations that change something for this person."""
    kinds = ["exact", "typo", "order swap"]
    if len(person.given) > 1:
        kinds.append("dropped middle name")
    if person.birth is not None:
        kinds.append("DOB ±1 year")
    if any(len(p.spellings) > 1 for p in (*person.given, person.family)):
        kinds.append("other romanisation")
    return kinds


def typo(rng: random.Random, word: str) -> str:
    """One edit inside ``word`` (first and last letters kept): a letter replaced, dropped,
    added, or two neighbours swapped."""
    i = rng.randrange(1, len(word) - 1)
    letter = rng.choice(string.ascii_uppercase)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + letter + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + letter + word[i:]
    j = i if i + 1 < len(word) - 1 else i - 1
    return word[:j] + word[j + 1] + word[j] + word[j + 2 :]


def _with_typo(rng: random.Random, person: Person) -> Person:
    parts = [*person.given, person.family]
    long = [i for i, p in enumerate(parts) if len(p.text) >= 4 and p.text not in _PARTICLES]
    if not long:
        return person
    i = rng.choice(long)
    parts[i] = Part((typo(rng, parts[i].text),))
    return replace(person, given=tuple(parts[:-1]), family=parts[-1])


def _respelt(rng: random.Random, person: Person) -> Person:
    parts = [*person.given, person.family]
    i = rng.choice([i for i, p in enumerate(parts) if len(p.spellings) > 1])
    others = [k for k in range(len(parts[i].spellings)) if k != parts[i].chosen]
    parts[i] = Part(parts[i].spellings, rng.choice(others))
    return replace(person, given=tuple(parts[:-1]), family=parts[-1])


def _shifted(rng: random.Random, birth: PartialDate) -> PartialDate:
    year = birth.year + rng.choice((-1, 1))
    day = birth.day if birth.month != 2 or (birth.day or 0) <= 28 else 28
    return replace(birth, year=year, day=day)


def perturbed(rng: random.Random, person: Person, kind: str, ident: str) -> Query:
    """The traveller query for a planted person under perturbation ``kind``."""
    if kind == "typo":
        return query_of(_with_typo(rng, person), ident)
    if kind == "order swap":
        return query_of(person, ident, swapped=True)
    if kind == "dropped middle name":
        return query_of(replace(person, given=person.given[:1]), ident)
    if kind == "DOB ±1 year" and person.birth is not None:
        return query_of(replace(person, birth=_shifted(rng, person.birth)), ident)
    if kind == "other romanisation":
        return query_of(_respelt(rng, person), ident)
    return query_of(person, ident)


def scale_data(
    names: int, travellers: int, planted_share: float, seed: int, *, rounds: int = 6
) -> tuple[list[WatchlistEntry], list[Traveller]]:
    """The synthetic list and the travellers (planted ones spread among the others)."""
    rng = random.Random(seed + 1)
    planted_count = min(round(travellers * planted_share), int(names * PLANTED_RANGE))
    positions = rng.sample(range(int(names * PLANTED_RANGE)), planted_count)
    entries, persons = synthetic_list(names, seed, set(positions), rounds=rounds)
    people = Generator(seed + 2, rounds=rounds)
    out: list[Traveller] = []
    for i in range(travellers - planted_count):
        out.append(Traveller(query_of(people.person(), f"T{i}"), None))
    for n, position in enumerate(positions):
        person = persons[position]
        kind = rng.choice(applicable(person))
        query = perturbed(rng, person, kind, f"P{n}")
        out.append(Traveller(query, entries[position].entry_id, kind))
    rng.shuffle(out)
    assert set(PERTURBATIONS) >= {t.perturbation for t in out if t.answer}
    return entries, out
