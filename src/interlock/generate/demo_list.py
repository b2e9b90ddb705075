"""A synthetic national list of persons sought, planted from a generated day (``interlock demo``).

Some entries are made from passengers of the day, each written the way a list differs from what
a passport says: another romanisation or a typo in one name (in a word of five letters or
more), given names and surname swapped, a middle name left out, the birth date a year off or
only its year; one more carries a passenger's passport number under another name. Planted
passengers are adults whose surname nobody else on the day has, so each entry is about one
person. The other entries are decoys: synthetic people sharing no word of their names with
anyone travelling that day. A second version of the list adds one more planted entry, for a
passenger without a booking (PNR), so that retro-screening has exactly one traveller to find.

Synthetic people only: every name comes from the generator's Faker pools. Deterministic for the
traffic and the seed. The rows are written in the national-list CSV format
(docs/watchlist-formats.md).
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from interlock.generate.documents import add_years
from interlock.generate.names import CULTURES, person_name
from interlock.generate.traffic import Traffic
from interlock.model.travel import Sex, Traveller

ENTRY_PREFIX = "DNS-"
DECOYS = 20
NOMINATED_BY = "Demo national authority (synthetic)"
REASON = "Synthetic demonstration entry"
LISTED_ON = "2025-03-01"
COLUMNS = (
    "id", "kind", "given_names", "surname", "birth_date", "nationality", "gender",
    "document_number", "document_type", "document_country", "nominating_source", "reason",
    "listed_on", "remarks",
)  # fmt: skip
_DECOY_SEED_OFFSET = 1_000_003
_ADULT = 18
# Romanisations and typos change a word of at least this many letters: in a shorter one they
# change too much of it for a name to be recognised (MOON / MUN, XIA / HSIA).
_SHORTEST_WORD = 5

# Other romanisations of what passports print, by nationality: (passport form, other form).
_CYRILLIC = (("IIA", "IYA"), ("IA", "YA"), ("IU", "YU"), ("KH", "H"), ("II", "Y"), ("ZH", "J"))
_ARABIC = (("AA", "A"), ("EE", "I"), ("OU", "U"), ("DJ", "J"), ("AL-", "EL-"), ("ABDEL", "ABDUL"))
_GERMAN = (("UE", "U"), ("OE", "O"), ("AE", "A"))
_GREEK = (("CH", "H"), ("OU", "U"), ("TH", "T"))
_KOREAN = (("EO", "O"), ("OO", "U"), ("EU", "U"), ("LEE", "YI"), ("PARK", "BAK"), ("OI", "OE"))
_JAPANESE = (("SHI", "SI"), ("CHI", "TI"), ("TSU", "TU"), ("FU", "HU"), ("JI", "ZI"))
ROMANISATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    **dict.fromkeys(("RUS", "UKR", "UZB", "AZE"), _CYRILLIC),
    **dict.fromkeys(("ARE", "SAU", "QAT", "JOR", "EGY", "DZA", "MAR", "PAK"), _ARABIC),
    **dict.fromkeys(("DEU", "AUT", "CHE"), _GERMAN),
    "GRC": _GREEK,
    "KOR": _KOREAN,
    "JPN": _JAPANESE,
}


@dataclass(frozen=True, slots=True)
class Planted:
    """A list entry made from one passenger of the day; ``change``: how it differs."""

    entry_id: str
    change: str
    flight_key: str
    surname: str
    given_names: str
    birth_date: date | None
    document_number: str
    booked: bool

    @property
    def name(self) -> str:
        """The passenger's name as the passport gives it."""
        return f"{self.given_names} {self.surname}".strip()


@dataclass(slots=True)
class DemoList:
    """The rows of the list's first version (planted entries and decoys, in id order), what
    was planted, and the row the second version adds (planted as ``added``)."""

    rows: list[dict[str, str]]
    planted: list[Planted]
    decoys: list[str]
    added_row: dict[str, str]
    added: Planted
    notes: list[str] = field(default_factory=list)

    def write(self, folder: Path, stem: str) -> tuple[Path, Path]:
        """Write both versions as national-list CSV files ``<stem>-1.csv``, ``<stem>-2.csv``."""
        folder.mkdir(parents=True, exist_ok=True)
        first, second = folder / f"{stem}-1.csv", folder / f"{stem}-2.csv"
        first.write_text(csv_text(self.rows), encoding="utf-8", newline="")
        second.write_text(csv_text([*self.rows, self.added_row]), encoding="utf-8", newline="")
        return first, second


def csv_text(rows: list[dict[str, str]]) -> str:
    """Rows as a national-list CSV with a header."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class _Passenger:
    flight_key: str
    person: Traveller
    booked: bool


@dataclass(frozen=True, slots=True)
class _Listed:
    """What the list says about a planted passenger."""

    given_names: str
    surname: str
    birth_date: str
    change: str
    document_number: str = ""
    document_country: str = ""


_Change = Callable[[Traveller, random.Random], "_Listed | None"]


def build_demo_list(traffic: Traffic, *, seed: int, planted: int = 8) -> DemoList:
    """Plant ``planted`` name entries (one per kind of change, cycling) and one document entry
    from passengers of ``traffic``, add the decoys, and plant one more for the second version.

    Raises ValueError when the day has too few passengers to plant them all.
    """
    rng = random.Random(f"demo-list-{seed}")
    everyone = [p for ft in traffic.flights for p in (*ft.passengers, *ft.crew)]
    surnames = Counter(p.surname for p in everyone)
    numbers = {d.number for p in everyone for d in p.documents}
    taken = set().union(*(name_words(f"{p.given_names} {p.surname}") for p in everyone))
    candidates = [p for p in _passengers(traffic) if _plantable(p.person, surnames, traffic.day)]
    rng.shuffle(candidates)
    used: set[int] = set()

    def plant(change: _Change, *, unbooked: bool = False) -> tuple[_Passenger, _Listed]:
        """A passenger not planted yet, listed with ``change`` (or, when no passenger left
        allows it, with the first other kind of change that one does)."""
        for kind in (change, *(c for c in CHANGES if c is not change)):
            for candidate in candidates:
                if id(candidate.person) in used or (unbooked and candidate.booked):
                    continue
                listed = kind(candidate.person, rng)
                if listed is not None:
                    used.add(id(candidate.person))
                    return candidate, listed
        raise ValueError(
            f"too few passengers whose surname no one else on the day has to plant "
            f"{planted + 2} entries; generate a larger day"
        )

    changes = [CHANGES[i % len(CHANGES)] for i in range(planted)]
    chosen = [plant(change) for change in changes]
    chosen.append(plant(_document_under_another_name(rng, seed, taken)))
    added = plant(_romanised, unbooked=True)
    decoys = [_decoy(rng, seed, taken, numbers) for _ in range(DECOYS)]

    rows: list[tuple[dict[str, str], tuple[_Passenger, _Listed] | None]] = [
        *((_row(*pair), pair) for pair in chosen),
        *((decoy, None) for decoy in decoys),
    ]
    rng.shuffle(rows)
    plants: list[Planted] = []
    for number, (row, pair) in enumerate(rows, start=1):
        row["id"] = f"{ENTRY_PREFIX}{number:04d}"
        if pair is not None:
            plants.append(_planted(row["id"], *pair))
    added_row = _row(*added)
    added_row["id"] = f"{ENTRY_PREFIX}{len(rows) + 1:04d}"
    return DemoList(
        rows=[row for row, _ in rows],
        planted=plants,
        decoys=[row["id"] for row, pair in rows if pair is None],
        added_row=added_row,
        added=_planted(added_row["id"], *added),
    )


def _passengers(traffic: Traffic) -> list[_Passenger]:
    out: list[_Passenger] = []
    for ft in traffic.flights:
        booked = {id(p) for _, party in ft.bookings for p in party}
        out.extend(_Passenger(ft.flight.key, p, id(p) in booked) for p in ft.passengers)
    return out


def _plantable(person: Traveller, surnames: Counter[str], day: date) -> bool:
    """An adult with a passport and a birth date, whose surname nobody else on the day has."""
    return (
        person.birth_date is not None
        and add_years(person.birth_date, _ADULT) <= day
        and bool(person.documents)
        and bool(person.given_names)
        and surnames[person.surname] == 1
    )


def _planted(entry_id: str, p: _Passenger, listed: _Listed) -> Planted:
    person = p.person
    return Planted(
        entry_id=entry_id,
        change=listed.change,
        flight_key=p.flight_key,
        surname=person.surname,
        given_names=person.given_names,
        birth_date=person.birth_date,
        document_number=person.documents[0].number,
        booked=p.booked,
    )


def _row(p: _Passenger, listed: _Listed) -> dict[str, str]:
    person = p.person
    return {
        "id": "",
        "kind": "person",
        "given_names": listed.given_names,
        "surname": listed.surname,
        "birth_date": listed.birth_date,
        "nationality": person.nationality or "",
        "gender": person.sex.value if person.sex in (Sex.MALE, Sex.FEMALE) else "",
        "document_number": listed.document_number,
        "document_type": "P" if listed.document_number else "",
        "document_country": listed.document_country,
        "nominating_source": NOMINATED_BY,
        "reason": REASON,
        "listed_on": LISTED_ON,
        "remarks": f"planted from a passenger of {p.flight_key}: {listed.change}",
    }


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _romanised(person: Traveller, rng: random.Random) -> _Listed | None:
    """One word of five letters or more written in another romanisation."""
    rules = ROMANISATIONS.get(person.nationality or "", ())
    options = [
        (part, index, old, new)
        for part in ("surname", "given_names")
        for index, word in enumerate(getattr(person, part).split(" "))
        if len(word) >= _SHORTEST_WORD
        for old, new in rules
        if old in word
    ]
    if not options:
        return None
    part, index, old, new = rng.choice(options)
    words = getattr(person, part).split(" ")
    word = words[index]
    at = rng.choice([i for i in range(len(word)) if word.startswith(old, i)])
    words[index] = word[:at] + new + word[at + len(old) :]
    change = f"romanisation: {words[index]} (passport {word})"
    return _listed(person, part, " ".join(words), change)


def _typo(person: Traveller, rng: random.Random) -> _Listed | None:
    """Two neighbouring letters swapped, or one letter left out, in one name."""
    part = rng.choice(("surname", "given_names"))
    value: str = getattr(person, part)
    if len(value) < _SHORTEST_WORD or not value.isalpha():
        return None
    at = rng.randrange(1, len(value) - 2)
    if value[at] == value[at + 1] or rng.random() < 0.5:
        typo = value[:at] + value[at + 1 :]
    else:
        typo = value[:at] + value[at + 1] + value[at] + value[at + 2 :]
    return _listed(person, part, typo, f"typo: {typo} (passport {value})")


def _listed(person: Traveller, part: str, value: str, change: str) -> _Listed:
    """The passenger's names and birth date, with ``part`` written as ``value``."""
    given, surname = (person.given_names, value) if part == "surname" else (value, person.surname)
    return _Listed(given, surname, _iso(person.birth_date), change)


def _swapped(person: Traveller, _rng: random.Random) -> _Listed | None:
    born = _iso(person.birth_date)
    return _Listed(person.surname, person.given_names, born, "given names and surname swapped")


def _middle_dropped(person: Traveller, _rng: random.Random) -> _Listed | None:
    given = person.given_names.split()
    if len(given) < 2:
        return None
    born = _iso(person.birth_date)
    return _Listed(given[0], person.surname, born, f"middle name {given[1]} left out")


def _year_off(person: Traveller, rng: random.Random) -> _Listed | None:
    born = person.birth_date
    if born is None:
        return None
    off = add_years(born, rng.choice((-1, 1)))
    change = f"birth date {off} (passport {born})"
    return _Listed(person.given_names, person.surname, off.isoformat(), change)


def _year_only(person: Traveller, _rng: random.Random) -> _Listed | None:
    born = person.birth_date
    if born is None:
        return None
    change = f"birth year {born.year} only"
    return _Listed(person.given_names, person.surname, str(born.year), change)


def _document_under_another_name(rng: random.Random, seed: int, taken: set[str]) -> _Change:
    def _document(person: Traveller, _rng: random.Random) -> _Listed | None:
        document = person.documents[0]
        surname, given, _, _ = _unused_name(rng, seed, taken, person.nationality)
        return _Listed(
            given, surname, "", f"passport {document.number} under another name",
            document_number=document.number, document_country=document.issuing_country or "",
        )  # fmt: skip

    return _document


def _unused_name(
    rng: random.Random, seed: int, taken: set[str], nationality: str | None = None
) -> tuple[str, str, str, Sex]:
    """A synthetic (surname, given names, nationality, sex) sharing no word with anyone on the
    day or an earlier synthetic name (``taken``, which then holds its words too)."""
    nationalities = sorted(CULTURES)
    for attempt in range(20_000):
        country = nationality if nationality and attempt < 2_000 else rng.choice(nationalities)
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
        surname, given = person_name(rng, CULTURES[country], sex, seed + _DECOY_SEED_OFFSET)
        words = name_words(f"{given} {surname}")
        if surname and not words & taken:
            taken.update(words)
            return surname, given, country, sex
    raise ValueError("no synthetic name left that shares no word with anyone on the day")


def name_words(name: str) -> set[str]:
    """The words of a name (split at spaces and hyphens)."""
    return set(name.replace("-", " ").split())


CHANGES: tuple[_Change, ...] = (
    _romanised, _typo, _swapped, _middle_dropped, _year_off, _year_only,
)  # fmt: skip
"""The kinds of change a planted entry gets, in the order they are planted."""


def _decoy(rng: random.Random, seed: int, taken: set[str], numbers: set[str]) -> dict[str, str]:
    """A synthetic person no one on the day is: no word of the name is anyone's there."""
    surname, given, nationality, sex = _unused_name(rng, seed, taken)
    born = date(rng.randint(1950, 2002), rng.randint(1, 12), rng.randint(1, 28))
    number = ""
    if rng.random() < 0.3:
        while not number or number in numbers:
            number = f"{rng.choice('CKNX')}{rng.randrange(10**7, 10**8)}"
    return {
        "id": "", "kind": "person", "given_names": given, "surname": surname,
        "birth_date": born.isoformat() if rng.random() < 0.7 else str(born.year),
        "nationality": nationality, "gender": sex.value, "document_number": number,
        "document_type": "P" if number else "", "document_country": nationality if number else "",
        "nominating_source": NOMINATED_BY, "reason": REASON, "listed_on": LISTED_ON,
        "remarks": "decoy: nobody on the demo day",
    }  # fmt: skip
