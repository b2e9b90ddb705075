"""Retro-screening: stored travellers against the entries a new list version added or changed
(SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from tests.test_ingest_screening import (
    DAY,
    OTHER,
    PLANTED_ID,
    SOUGHT,
    UN,
    UN_FILE,
    documents,
    flight_traffic,
    import_list,
    ingest,
    manifest,
    needs_un,
    person,
    planted,
    pnr_push,
    synthetic_entry,
    traveller_names,
)
from typer.testing import CliRunner

from interlock.cli import app
from interlock.ingest.service import Ingestor
from interlock.model import Sex
from interlock.screening.retro import retro_screen, retro_window
from interlock.settings import Settings, get_settings
from interlock.store import Store
from interlock.store.matches import MatchReason
from interlock.watchlists.detect import WatchlistFile, read_watchlist
from interlock.watchlists.model import EntryName, PartialDate, WatchlistEntry

NOON = datetime(DAY.year, DAY.month, DAY.day, 12, 0, tzinfo=UTC)
WINDOW = Settings(retro_window_past_days=30, retro_window_future_hours=72, screen_threshold=0.7)
CHANGED_ID = "QDi.154"  # SULAIMAN JASSEM SULAIMAN ALI ABO GHAITH, born 1965-12-14, Kuwaiti


def without(entries: list[WatchlistEntry], entry_id: str) -> list[WatchlistEntry]:
    return [entry for entry in entries if entry.entry_id != entry_id]


@pytest.fixture(scope="module")
def un_list() -> WatchlistFile:
    if not UN_FILE.exists():
        pytest.skip(f"sample list absent: {UN_FILE}")
    return read_watchlist(UN_FILE)


def ingest_unmatched(store: Store, data: bytes, source: str = "m.edi") -> None:
    """Ingest before the list that matters is stored: no match yet."""
    outcome = Ingestor(store).ingest_bytes(data, source=source)
    assert (outcome.status, outcome.matches) == ("stored", 0)


@needs_un
def test_a_new_list_finds_the_planted_traveller_already_stored(
    store: Store, un_list: WatchlistFile
) -> None:
    traffic = flight_traffic()
    ingest_unmatched(store, manifest(traffic, [planted()]))
    version = import_list(store, un_list.info, un_list.entries)
    summary = retro_screen(store, UN, version.version, now=NOON, settings=WINDOW)
    assert summary.entries == len(un_list.entries) == version.added
    assert (summary.travellers, summary.matches) == (len(traffic.passengers) + 1, 1)
    [found] = store.matches.find()
    assert (found.entry_id, found.list_version, found.reason) == (PLANTED_ID, 1, MatchReason.RETRO)
    assert (found.flight_key, found.screened_at) == (traffic.flight.key, NOON)
    assert traveller_names(store, [found]) == [("SHINWARI", "ABDUL GHAFAR")]
    assert {e.feature for e in found.explanations} >= {"name", "birth_date"}


@needs_un
def test_only_the_entries_the_version_added_or_changed_are_screened(
    store: Store, un_list: WatchlistFile
) -> None:
    """Version 1 lacks the planted person and carries another listed person under a changed
    name and birth date; version 2 adds the one and restores the other."""
    entries = un_list.entries
    altered = [
        replace(entry, names=[EntryName("ZEBEDEE QUORNHOLT")], birth_dates=[PartialDate(1990)])
        if entry.entry_id == CHANGED_ID
        else entry
        for entry in without(entries, PLANTED_ID)
    ]
    other = person("ABO GHAITH", "SULAIMAN JASSEM SULAIMAN ALI", date(1965, 12, 14), "KWT",
                   "KW0000001")  # fmt: skip
    traffic = flight_traffic()
    ingest_unmatched(store, manifest(traffic, [planted(), other]))
    first = import_list(store, un_list.info, altered, tag="v1")
    before = retro_screen(store, UN, first.version, now=NOON, settings=WINDOW)
    assert before.matches == 0

    second = import_list(store, un_list.info, entries, tag="v2")
    assert (second.version, second.added, second.changed) == (2, 1, 1)
    after = retro_screen(store, UN, 2, now=NOON, settings=WINDOW)
    assert (after.entries, after.travellers, after.matches) == (2, len(traffic.passengers) + 2, 2)
    found = store.matches.find(reason=MatchReason.RETRO)
    assert sorted(zip([m.entry_id for m in found], documents(store, found), strict=True)) == [
        (CHANGED_ID, "KW0000001"),
        (PLANTED_ID, "PX1234567"),
    ]
    assert {m.list_version for m in found} == {2}


@needs_un
def test_running_it_again_raises_no_duplicates(store: Store, un_list: WatchlistFile) -> None:
    ingest_unmatched(store, manifest(flight_traffic(), [planted()]))
    version = import_list(store, un_list.info, un_list.entries).version
    assert retro_screen(store, UN, version, now=NOON, settings=WINDOW).matches == 1
    again = retro_screen(store, UN, version, now=NOON, settings=WINDOW)
    assert (again.travellers > 0, again.matches) == (True, 0)
    # The same file imported again is no new version: nothing to screen.
    assert import_list(store, un_list.info, un_list.entries).duplicate
    assert store.matches.count() == 1


@needs_un
def test_a_traveller_matched_at_ingest_is_not_matched_again(
    store: Store, un_list: WatchlistFile
) -> None:
    version = import_list(store, un_list.info, un_list.entries).version
    assert ingest(store, manifest(flight_traffic(), [planted()])).matches == 1
    assert retro_screen(store, UN, version, now=NOON, settings=WINDOW).matches == 0
    assert [m.reason for m in store.matches.find()] == [MatchReason.INGEST]


@needs_un
def test_travellers_on_flights_outside_the_window_are_not_screened(
    store: Store, un_list: WatchlistFile
) -> None:
    days = {
        "too early": DAY - timedelta(days=31),
        "first day": DAY - timedelta(days=30),
        "today": DAY,
        "last day": DAY + timedelta(days=3),
        "too late": DAY + timedelta(days=4),
    }
    flights = {}
    for number, (label, day) in enumerate(days.items()):
        traffic = flight_traffic(20, seed=number + 1, day=day)
        flights[label] = traffic
        passport = f"PX{number:07d}"
        ingest_unmatched(store, manifest(traffic, [planted(passport)]), source=f"{label}.edi")
    version = import_list(store, un_list.info, un_list.entries).version
    summary = retro_screen(store, UN, version, now=NOON, settings=WINDOW)
    assert (summary.window_start, summary.window_end) == (DAY - timedelta(30), DAY + timedelta(3))
    inside = ["first day", "today", "last day"]
    assert summary.travellers == sum(len(flights[k].passengers) + 1 for k in inside)
    found = store.matches.find()
    assert sorted(m.flight_key or "" for m in found) == sorted(
        flights[k].flight.key for k in inside
    )


def test_the_window_is_whole_departure_days() -> None:
    late = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    assert retro_window(late, past_days=30, future_hours=72) == (date(2026, 5, 2), date(2026, 6, 4))
    assert retro_window(late, past_days=0, future_hours=0) == (date(2026, 6, 1), date(2026, 6, 1))


@needs_un
def test_small_batches_give_the_same_result(store: Store, un_list: WatchlistFile) -> None:
    first, second = flight_traffic(30), flight_traffic(25, seed=9)
    ingest_unmatched(store, manifest(first, [planted()]))
    ingest_unmatched(store, manifest(second, [planted("PX0000002")]), "b")
    version = import_list(store, un_list.info, un_list.entries).version
    summary = retro_screen(store, UN, version, now=NOON, settings=WINDOW, batch=7)
    assert summary.travellers == len(first.passengers) + len(second.passengers) + 2
    assert sorted(documents(store, store.matches.find())) == ["PX0000002", "PX1234567"]


def test_entries_no_longer_in_force_are_not_screened(store: Store) -> None:
    wanted = person("QUILLFEATHER", "ODALYS MARGUERITE", date(1983, 7, 9), "FRA", "FR0001234")
    ingest_unmatched(store, manifest(flight_traffic(), [wanted]))
    expired = replace(synthetic_entry(SOUGHT, "S-1", wanted), review_by=DAY - timedelta(days=1))
    version = import_list(store, SOUGHT, [expired]).version
    summary = retro_screen(store, SOUGHT.name, version, now=NOON, settings=WINDOW)
    assert (summary.entries, summary.travellers, summary.matches) == (0, 0, 0)


@pytest.mark.safeguard("SG-17")
def test_pnr_travellers_are_retro_screened_only_against_sought_lists(store: Store) -> None:
    wanted = person("QUILLFEATHER", "ODALYS MARGUERITE", date(1983, 7, 9), "FRA", "FR0001234")
    trader = person("VANTERPOOL", "BRISEIS ANTONIA", date(1977, 2, 14), "NLD", "NL0004321",
                    Sex.FEMALE)  # fmt: skip
    flight = flight_traffic().flight
    ingest_unmatched(store, pnr_push(flight, [wanted, trader]), source="p.edi")

    other = import_list(store, OTHER, [synthetic_entry(OTHER, "O-1", trader)]).version
    summary = retro_screen(store, OTHER.name, other, now=NOON, settings=WINDOW)
    assert (summary.entries, summary.travellers, summary.matches) == (1, 0, 0)

    sought = import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "S-1", wanted)]).version
    summary = retro_screen(store, SOUGHT.name, sought, now=NOON, settings=WINDOW)
    assert (summary.entries, summary.travellers, summary.matches) == (1, 2, 1)
    [found] = store.matches.find()
    assert (found.list_name, found.entry_id, found.flight_key) == (SOUGHT.name, "S-1", flight.key)


# --- `interlock watchlist import` -------------------------------------------------------------


@pytest.fixture
def node(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The CLI pointed at an empty store on each engine."""
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    get_settings.cache_clear()
    yield store_url
    get_settings.cache_clear()


@needs_un
def test_watchlist_import_retro_screens_a_new_version(node: str) -> None:
    """The command screens the travellers of flights departing today (the window is around
    the real time) and says how many matches it raised; the same file again raises none."""
    today = datetime.now(UTC).date()
    traffic = flight_traffic(day=today)
    store = Store.open(node, migrate=False)
    try:
        ingest_unmatched(store, manifest(traffic, [planted()]))
        runner = CliRunner()
        first = runner.invoke(app, ["watchlist", "import", str(UN_FILE), "--json"])
        assert first.exit_code == 0, first.output
        retro = json.loads(first.stdout)["retro"]
        assert (retro["travellers"], retro["matches"]) == (len(traffic.passengers) + 1, 1)
        again = runner.invoke(app, ["watchlist", "import", str(UN_FILE)])
        assert again.exit_code == 0, again.output
        assert "retro-screening" not in again.stdout
        assert [m.entry_id for m in store.matches.find()] == [PLANTED_ID]
    finally:
        store.dispose()


@needs_un
def test_watchlist_import_prints_the_matches_raised(node: str) -> None:
    store = Store.open(node, migrate=False)
    try:
        ingest_unmatched(store, manifest(flight_traffic(day=datetime.now(UTC).date()),
                                          [planted()]))  # fmt: skip
    finally:
        store.dispose()
    result = CliRunner().invoke(app, ["watchlist", "import", str(UN_FILE)])
    assert result.exit_code == 0, result.output
    assert "1 matches raised" in " ".join(result.stdout.split())
