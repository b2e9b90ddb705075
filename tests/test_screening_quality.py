"""Screening behaviour on a table of hard cases, explanations, bands and entry hygiene.

The entries are synthetic people (made-up names) in a small list; the real UN list is used
where a real alias or original-script name is the point.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from interlock.screening import DEFAULT_THRESHOLD, Band, Query, Screener, score_entry
from interlock.watchlists import read_un_xml
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    EntryStatus,
    NameStrength,
    PartialDate,
    WatchlistEntry,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
UN_XML = SHARED / "watchlists" / "un_sc_consolidated_2024-09-26.xml"
NAME_BENCH = SHARED / "names" / "opensanctions" / "nomenklatura_name_bench_cases.csv"


def person(
    entry_id: str,
    *names: str,
    born: PartialDate | None = None,
    nationality: str | None = None,
    gender: str | None = None,
    passport: tuple[str, str] | None = None,
    weak: tuple[str, ...] = (),
) -> WatchlistEntry:
    listed = [
        EntryName(name, strength=NameStrength.PRIMARY if i == 0 else NameStrength.ALIAS)
        for i, name in enumerate(names)
    ]
    listed += [EntryName(name, strength=NameStrength.WEAK_ALIAS) for name in weak]
    return WatchlistEntry(
        entry_id=entry_id,
        list_name="synthetic",
        kind=EntryKind.PERSON,
        names=listed,
        birth_dates=[born] if born else [],
        nationalities=[nationality] if nationality else [],
        gender=gender,
        documents=[EntryDocument("passport", passport[1], passport[0])] if passport else [],
    )


ENTRIES = [
    person(
        "S-1",
        "Abd al-Rahman Khalil al-Tamimi",
        born=PartialDate(1971, 3, 14),
        nationality="JOR",
        gender="M",
    ),
    person("S-2", "Yusuf Haroun Bakari", born=PartialDate(1980), nationality="NGA"),
    person("S-3", "Habibullah Zarghun Rasuli", born=PartialDate(1965, approximate=True)),
    person(
        "S-4",
        "Oksana Viktorivna Hrytsenko",
        born=PartialDate(1978, 11, 2),
        nationality="UKR",
        gender="F",
    ),
    person("S-5", "Marcel van der Bruggen", born=PartialDate(1959, 6, 30), nationality="NLD"),
    person(
        "S-6",
        "Tarek Bensalem Ouardi",
        born=PartialDate(1975, range_to_year=1978),
        passport=("DZA", "A1234567"),
    ),
    person("S-7", "Jonathan Pell Whitcombe", born=PartialDate(1990, 1, 5)),
    person("S-8", "Kamal Mourad Haddadi", weak=("Abu Qutayba",)),
    person("S-9", "Alla Zinchenko", born=PartialDate(1983, 4, 9)),
    person("S-10", "Tao Zhao", born=PartialDate(1988, 2, 2), nationality="CHN"),
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(ENTRIES, today=date(2026, 11, 26))


# (query, expected entry id or None, why)
HARD_CASES: list[tuple[Query, str | None, str]] = [
    (Query(name="Abdurrahman Khalil Tamimi"), "S-1", "abd + article joined, article dropped"),
    (Query(name="ABDELRAHMAN AL TAMIMI KHALIL"), "S-1", "order swap, abdel form"),
    (Query(name="TAMIMI, Abd Al Rahman Khalil"), "S-1", "SURNAME, Given order"),
    (Query(name="عبد الرحمن خليل التميمي"), "S-1", "Arabic script against the Latin list"),
    (
        Query(name="Abd al-Rahman Khalil al-Tamimi", birth_date=PartialDate(1971, 3, 14)),
        "S-1",
        "exact date raises the score",
    ),
    (
        Query(name="Abd al-Rahman Khalil al-Tamimi", birth_date=PartialDate(1971, 3, 15)),
        "S-1",
        "same year, other day: weak only",
    ),
    (
        Query(name="Oksana Viktorivna Hrytsenko", birth_date=PartialDate(1978, 2, 11)),
        "S-4",
        "day and month swapped: weak only",
    ),
    (Query(name="Yousef Haroun Bakari"), "S-2", "transliteration variant Yusuf/Yousef"),
    (
        Query(name="Yusuf Harun Bakary", birth_date=PartialDate(1981, 5, 2)),
        "S-2",
        "two spellings and a birth year one apart",
    ),
    (Query(name="Habib Ullah Zarghun Rasuli"), "S-3", "ullah written apart"),
    (
        Query(name="Habibullah Zarghun Rasuli", birth_date=PartialDate(1972, 1, 1)),
        "S-3",
        "approximate listed year never counts against",
    ),
    (Query(name="Оксана Вікторівна Гриценко"), "S-4", "Cyrillic script"),
    (Query(name="Oksana Hrytsenko"), "S-4", "patronymic left out"),
    (Query(name="Marcel Vanderbruggen"), "S-5", "particles written together"),
    (
        Query(name="M. van der Bruggen", birth_date=PartialDate(1959, 6, 30)),
        "S-5",
        "initial and exact date",
    ),
    (
        Query(name="Tarik Bensalem Wardi", birth_date=PartialDate(1977)),
        "S-6",
        "Maghreb spellings (ou = w); year inside the listed range",
    ),
    (
        Query(name="Someone Else Entirely", document_number="A 123-4567", document_country="DZA"),
        "S-6",
        "document number and issuer",
    ),
    (
        Query(name="Jonathan Pell Whitcombe", birth_date=PartialDate(1990, 1, 5)),
        "S-7",
        "exact copy",
    ),
    (Query(name="Jonathon Pel Whitcomb"), "S-7", "three typos"),
    (Query(name="Abu Qutaybah"), "S-8", "weak alias still found"),
    (Query(name="ZINCHENKO ALLA"), "S-9", "order swap with a given name that is also a suffix"),
    (Query(name="Tao Zhao"), "S-10", "short Chinese name"),
    # Must not match.
    (Query(name="Tao Du"), None, "one shared short given name; Du is a surname, not a particle"),
    (
        Query(name="Oksana Hrytsenko", gender="M", birth_date=PartialDate(1950, 2, 2)),
        None,
        "gender and date both differ",
    ),
    (Query(name="Kamal Mansour"), None, "another surname"),
    (Query(name="Mary Smith"), None, "unrelated"),
    (Query(name="Li Wei"), None, "unrelated short name"),
    (
        Query(name="Someone Else Entirely", document_number="A1234567", document_country="FRA"),
        None,
        "the same number from another issuer does not count",
    ),
]


@pytest.mark.parametrize(("query", "expected", "why"), HARD_CASES, ids=[c[2] for c in HARD_CASES])
def test_hard_cases(screener: Screener, query: Query, expected: str | None, why: str) -> None:
    matches = screener.screen(query)
    if expected is None:
        assert matches == [], f"{why}: unexpected {[(m.entry_id, m.score) for m in matches]}"
    else:
        assert matches, f"{why}: no match"
        assert matches[0].entry_id == expected, why
        assert matches[0].score >= DEFAULT_THRESHOLD


def test_explanations_name_the_values(screener: Screener) -> None:
    query = Query(
        name="Abdurrahman Khalil Tamimi",
        birth_date=PartialDate(1971, 3, 14),
        nationality="JOR",
    )
    match = screener.screen(query)[0]
    features = {item.feature: item for item in match.explanations}
    assert set(features) == {"name", "birth_date", "nationality"}
    assert features["name"].entry_value == "Abd al-Rahman Khalil al-Tamimi"
    assert "tamimi=tamimi" in features["name"].reason
    assert features["birth_date"].query_value == "1971-03-14"
    assert features["birth_date"].entry_value == "1971-03-14"
    assert features["birth_date"].weight > 0
    assert features["nationality"].entry_value == "JOR"
    as_json = match.as_dict()
    assert as_json["entry_id"] == "S-1" and as_json["list"] == "synthetic"
    assert as_json["band"] in {band.value for band in Band}


def test_date_far_apart_counts_against_and_is_explained(screener: Screener) -> None:
    near = score_entry(Query(name="Jonathan Pell Whitcombe"), ENTRIES[6])
    far = score_entry(
        Query(name="Jonathan Pell Whitcombe", birth_date=PartialDate(1960, 1, 5)), ENTRIES[6]
    )
    assert far.score < near.score
    (dob,) = [item for item in far.explanations if item.feature == "birth_date"]
    assert dob.weight < 0 and "apart" in dob.reason


def test_document_hit_explained(screener: Screener) -> None:
    (match,) = screener.screen(
        Query(name="Someone Else Entirely", document_number="A1234567", document_country="DZA")
    )
    (doc,) = [item for item in match.explanations if item.feature == "document"]
    assert doc.entry_value == "DZA A1234567"
    assert match.band in (Band.MEDIUM, Band.HIGH)


@pytest.mark.safeguard("SG-18")
def test_delisted_and_expired_entries_stop_matching_at_once() -> None:
    query = Query(name="Marcel van der Bruggen")
    live = Screener(ENTRIES, today=date(2026, 11, 26))
    assert live.screen(query)[0].entry_id == "S-5"
    delisted = replace(ENTRIES[4], status=EntryStatus.DELISTED)
    expired = replace(ENTRIES[4], entry_id="S-5b", review_by=date(2026, 11, 25))
    live.add([delisted, expired])
    assert live.screen(query) == []
    live.remove("synthetic", ["S-5"])
    assert live.screen(query) == []


def test_far_birth_date_leaves_at_most_a_low_band(screener: Screener) -> None:
    # Two of three names and a date 28 years off: shown, if at all, as a weak match whose
    # explanation says the dates differ (a long distinctive name may carry a wrong date).
    query = Query(name="Jonathan Whitcombe", birth_date=PartialDate(1962, 8, 19))
    for match in screener.screen(query):
        assert match.band is Band.LOW
        (dob,) = [item for item in match.explanations if item.feature == "birth_date"]
        assert dob.weight <= -0.12


def test_a_child_is_not_the_adult_on_the_list_but_a_year_typed_wrong_still_matches() -> None:
    entry = person("K-1", "Vickie Walker", born=PartialDate(1987, 5, 3), nationality="GBR")
    child = score_entry(
        Query(name="Vickie Walker", birth_date=PartialDate(2015, 2, 1), nationality="GBR"), entry
    )
    assert child.score < DEFAULT_THRESHOLD
    (dob,) = [item for item in child.explanations if item.feature == "birth_date"]
    assert dob.weight == pytest.approx(-0.4) and "another person" in dob.reason
    # 1967 for 1987 (one digit) and 1978 for 1987 (two digits swapped) are typing slips: the
    # date still counts against, softened for a distinctive name, and the person is matched.
    for year in (1967, 1978):
        slip = score_entry(
            Query(name="Vickie Walker", birth_date=PartialDate(year, 5, 3), nationality="GBR"),
            entry,
        )
        assert slip.score >= DEFAULT_THRESHOLD
        assert "another person" not in str(slip.explanations)


def test_bands_follow_scores() -> None:
    entry = ENTRIES[6]
    strong = score_entry(Query(name="Jonathan Pell Whitcombe"), entry)
    weaker = score_entry(Query(name="Jonathon Whitcomb"), entry)
    assert strong.band is Band.HIGH
    assert weaker.score < strong.score


@pytest.mark.skipif(not UN_XML.exists(), reason="shared data folder not present")
def test_real_un_list_original_script_and_alias() -> None:
    entries = read_un_xml(UN_XML.read_bytes()).entries
    originals = {
        entry.entry_id: [n.full for n in entry.names if n.script == "original"]
        for entry in entries
        if entry.kind is EntryKind.PERSON
    }
    latin_only = [
        replace(entry, names=[n for n in entry.names if n.script != "original"])
        for entry in entries
    ]
    screener = Screener(latin_only)
    tried = found = 0
    for entry_id, names in originals.items():
        for name in names[:1]:
            tried += 1
            matches = screener.screen(Query(name=name), threshold=0.0, limit=1)
            found += bool(matches) and matches[0].entry_id == entry_id
    assert tried > 250
    # Arabic-script names against the Latin list: the benchmark target is 0.90 top-1.
    assert found / tried >= 0.85


@pytest.mark.skipif(not NAME_BENCH.exists(), reason="shared data folder not present")
def test_band_precision_is_ordered_on_labelled_pairs() -> None:
    counts: dict[Band | None, list[int]] = {}
    with NAME_BENCH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = EntryKind.PERSON if row["schema"] == "Person" else EntryKind.ENTITY
            entry = WatchlistEntry("x", "pairs", kind, [EntryName(row["name2"])])
            match = score_entry(Query(name=row["name1"], kind=kind), entry)
            band = match.band if match.score >= DEFAULT_THRESHOLD else None
            tally = counts.setdefault(band, [0, 0])
            tally[0] += 1
            tally[1] += row["is_match"] == "true"
    share = {band: hits / total for band, (total, hits) in counts.items()}
    assert share[Band.HIGH] > share[Band.MEDIUM] > share[Band.LOW] > share[None]
    assert share[Band.HIGH] >= 0.9


def test_concurrent_queries_get_the_same_answers_as_one_at_a_time(screener: Screener) -> None:
    from concurrent.futures import ThreadPoolExecutor

    queries = [case[0] for case in HARD_CASES] * 20
    expected = [[(m.entry_id, m.score) for m in screener.screen(q)] for q in queries]
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(pool.map(lambda q: [(m.entry_id, m.score) for m in screener.screen(q)], queries))
    assert got == expected
