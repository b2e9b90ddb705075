"""The screening suites S1-S6 (BENCHMARKS.md §1), built from the shared data folder.

Each suite is a list of cases with known right answers, and the watchlist the matchers are
prepared with. S3 changes one entry per case (a Good alias left out); the case carries that
entry's variant and the harness swaps it in for the one query.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from anyascii import anyascii

from interlock.model.countries import to_alpha3
from interlock.screening.model import Query
from interlock.watchlists import (
    EntryKind,
    NameStrength,
    PartialDate,
    WatchlistEntry,
    country_code,
    read_un_xml,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
UN_XML = Path("watchlists") / "un_sc_consolidated_2024-09-26.xml"
NAMES = Path("names") / "opensanctions"
UNTREATED = NAMES / "yente_cgb_positives_un_untreated.csv"
TREATED = NAMES / "yente_cgb_positives_un_treated.csv"
NEGATIVES = NAMES / "yente_cgb_negatives_us.csv"
PAIRS = NAMES / "nomenklatura_name_bench_cases.csv"
FROZEN = NAMES / "nomenklatura_name_bench_logicv2_frozen_scores.csv"

SUITE_TITLES = {
    "S1": "UN plain",
    "S2": "UN perturbed",
    "S3": "leave-one-out alias",
    "S4": "original script",
    "S5": "negatives",
    "S6": "hard pairs",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One query and the entry ids that answer it (none for a negative).

    ``variant`` is an entry to swap in for this query only (S3: the entry without the alias).
    """

    query: Query
    answers: frozenset[str]
    variant: WatchlistEntry | None = None


@dataclass(slots=True)
class Suite:
    """A suite's cases and the list they run against."""

    key: str
    entries: list[WatchlistEntry]
    cases: list[Case]
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.key} {SUITE_TITLES[self.key]}"


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled name pair of S6."""

    key: tuple[str, str, str, str]  # case group, schema, name1, name2
    schema: str
    name1: str
    name2: str
    is_match: bool


def fold(text: str) -> str:
    """ASCII-folded, lower-cased, single-spaced: how S1 answers are looked up."""
    return " ".join(anyascii(text).lower().split())


def load_un(data: Path) -> list[WatchlistEntry]:
    """The UN consolidated list of the shared data folder."""
    path = data / UN_XML
    return read_un_xml(path.read_bytes(), source=path.name).entries


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def parse_dob(text: str) -> PartialDate | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (one-digit months and days too) as a date."""
    parts = text.strip().split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return None
    numbers = [int(p) for p in parts if p.isdigit()]
    month = numbers[1] if len(numbers) > 1 and 1 <= numbers[1] <= 12 else None
    day = numbers[2] if month and len(numbers) > 2 and 1 <= numbers[2] <= 31 else None
    return PartialDate(numbers[0], month, day)


def csv_query(row: dict[str, str], ident: str) -> Query:
    """A query from a yente fixture row: name parts when given, DOB, nationality (alpha-3)."""
    nationality = row.get("nationality", "").strip()
    alpha3 = to_alpha3(nationality) if len(nationality) == 2 else None
    if nationality and alpha3 is None:
        alpha3 = country_code(nationality)
    given = " ".join(p for p in (row.get("first_name", ""), row.get("middle_name", "")) if p)
    surname = row.get("last_name", "")
    gender = {"male": "M", "female": "F"}.get(row.get("gender", "").strip().lower())
    both = bool(given and surname)
    return Query(
        name="" if both else row["full_name"],
        given_names=given if both else "",
        surname=surname if both else "",
        id=ident,
        birth_date=parse_dob(row.get("date_of_birth", "")),
        nationality=alpha3 or None,
        gender=gender,
    )


def entry_query(entry: WatchlistEntry, name: str, ident: str) -> Query:
    """A query for ``name`` with the entry's first birth date and nationality."""
    return Query(
        name=name,
        id=ident,
        birth_date=entry.birth_dates[0] if entry.birth_dates else None,
        nationality=entry.nationalities[0] if entry.nationalities else None,
        kind=entry.kind,
    )


def _name_index(entries: list[WatchlistEntry]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for name in entry.names:
            index[fold(name.full)].add(entry.entry_id)
    return index


def un_positives(entries: list[WatchlistEntry], data: Path) -> tuple[Suite, Suite]:
    """S1 (untreated) and S2 (treated, row-aligned): answers looked up from the untreated name."""
    index = _name_index(entries)
    plain, treated = _rows(data / UNTREATED), _rows(data / TREATED)
    s1 = Suite("S1", entries, [])
    s2 = Suite("S2", entries, [])
    unresolved = ambiguous = 0
    for i, (row, other) in enumerate(zip(plain, treated, strict=True)):
        answers = frozenset(index.get(fold(row["full_name"]), ()))
        if not answers:
            unresolved += 1
            continue
        ambiguous += len(answers) > 1
        s1.cases.append(Case(csv_query(row, f"S1-{i}"), answers))
        s2.cases.append(Case(csv_query(other, f"S2-{i}"), answers))
    for suite in (s1, s2):
        suite.notes.append(
            f"{len(plain)} fixture rows; {unresolved} do not equal any UN name after folding "
            f"and are dropped; {ambiguous} equal names of two entries (either is right)"
        )
    return s1, s2


def leave_one_out(entries: list[WatchlistEntry]) -> Suite:
    """S3: each Good alias of a UN person as the query, that alias left out of its entry."""
    suite = Suite("S3", entries, [])
    for entry in entries:
        if entry.kind is not EntryKind.PERSON:
            continue
        for i, alias in enumerate(entry.names):
            if alias.strength is not NameStrength.ALIAS:
                continue
            gone = fold(alias.full)
            kept = [name for name in entry.names if fold(name.full) != gone]
            variant = replace(entry, names=kept)
            query = entry_query(entry, alias.full, f"S3-{entry.entry_id}-{i}")
            suite.cases.append(Case(query, frozenset({entry.entry_id}), variant))
    suite.notes.append(
        "query: the alias with the entry's first birth date and nationality; every name of "
        "that entry equal to the alias after folding is left out for that query only"
    )
    return suite


def original_script(entries: list[WatchlistEntry]) -> Suite:
    """S4: each UN person's original-script name as the query; such names left off the list."""
    stripped = [
        replace(entry, names=[n for n in entry.names if n.script != "original"])
        for entry in entries
    ]
    cases = [
        Case(entry_query(entry, name.full, f"S4-{entry.entry_id}"), frozenset({entry.entry_id}))
        for entry in entries
        if entry.kind is EntryKind.PERSON
        for name in entry.names
        if name.script == "original"
    ]
    note = "query: the original-script name with the entry's first birth date and nationality"
    return Suite("S4", stripped, cases, [note])


def negatives(entries: list[WatchlistEntry], data: Path) -> Suite:
    """S5: yente's synthetic negatives (US set), with birth date and nationality."""
    rows = _rows(data / NEGATIVES)
    cases = [Case(csv_query(row, f"S5-{i}"), frozenset()) for i, row in enumerate(rows)]
    return Suite("S5", entries, cases, [f"{len(rows)} synthetic people; none is listed"])


def pairs(data: Path) -> list[Pair]:
    """S6: nomenklatura's labelled name pairs."""
    return [
        Pair(
            (row["case_group"], row["schema"], row["name1"], row["name2"]),
            row["schema"],
            row["name1"],
            row["name2"],
            row["is_match"].strip().lower() == "true",
        )
        for row in _rows(data / PAIRS)
    ]


def frozen_scores(data: Path) -> dict[tuple[str, str, str, str], tuple[float, bool]]:
    """nomenklatura's own logic-v2 run on the pairs: score and predicted match, by pair."""
    return {
        (row["case_group"], row["schema"], row["name1"], row["name2"]): (
            float(row["score"]),
            row["predicted_match"].strip().lower() == "true",
        )
        for row in _rows(data / FROZEN)
    }


def build_suites(data: Path, keys: tuple[str, ...]) -> dict[str, Suite]:
    """The named suites among S1-S5 (S6 is pairs, see :func:`pairs`)."""
    entries = load_un(data)
    suites: dict[str, Suite] = {}
    if "S1" in keys or "S2" in keys:
        s1, s2 = un_positives(entries, data)
        suites |= {s.key: s for s in (s1, s2) if s.key in keys}
    if "S3" in keys:
        suites["S3"] = leave_one_out(entries)
    if "S4" in keys:
        suites["S4"] = original_script(entries)
    if "S5" in keys:
        suites["S5"] = negatives(entries, data)
    return suites
