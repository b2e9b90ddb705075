"""Ingest screens as it stores: matches stored with the travellers (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from interlock.cli import app
from interlock.generate.traffic import FlightTraffic, generate_traffic
from interlock.ingest.detect import parse_message
from interlock.ingest.paxlst_write import write_paxlst
from interlock.ingest.pnrgov_write import write_pnrgov
from interlock.ingest.service import Ingestor, IngestOutcome
from interlock.model import Booking, Flight, Sex, TravelDocument, Traveller
from interlock.screening.intake import IngestScreening, stored_fingerprint
from interlock.settings import get_settings
from interlock.store import Store
from interlock.store.matches import MatchReason, StoredMatch
from interlock.store.schema import MessageRow, TravelDocumentRow, TravellerRow
from interlock.store.watchlist_views import VersionSummary
from interlock.watchlists.detect import WatchlistFile, read_watchlist
from interlock.watchlists.model import (
    EntryKind,
    EntryName,
    EntryStatus,
    ListInfo,
    ListType,
    PartialDate,
    WatchlistEntry,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "watchlists"
UN_FILE = DATA / "un_sc_consolidated_2024-09-26.xml"
needs_un = pytest.mark.skipif(not UN_FILE.exists(), reason=f"sample list absent: {UN_FILE}")
UN = "UN SC Consolidated List"
PLANTED_ID = "TAi.139"  # ABDUL GHAFAR SHINWARI, born 1965-03-29, Afghan (a public UN listing)
DAY = date(2026, 6, 1)

# Two lists of synthetic people: one of persons sought (SG-17), one of another kind.
SOUGHT = ListInfo("National sought", "National Police", "Police Act s. 12", ListType.SOUGHT)
OTHER = ListInfo("Export control", "Trade Ministry", "Export Act s. 3", ListType.OTHER)


def planted(passport: str = "PX1234567") -> Traveller:
    """A traveller with the name, birth date and nationality of UN entry TAi.139 and a
    made-up passport."""
    return person("SHINWARI", "ABDUL GHAFAR", date(1965, 3, 29), "AFG", passport)


def person(
    surname: str, given: str, born: date, nationality: str, passport: str, sex: Sex = Sex.MALE
) -> Traveller:
    document = TravelDocument("P", passport, nationality, date(2031, 1, 1))
    return Traveller(surname, given, born, sex, nationality, documents=[document])


def synthetic_entry(info: ListInfo, entry_id: str, traveller: Traveller) -> WatchlistEntry:
    """A list entry for a synthetic traveller: same name, birth date and nationality."""
    assert traveller.birth_date is not None and traveller.nationality is not None
    born = traveller.birth_date
    return WatchlistEntry(
        entry_id,
        info.name,
        EntryKind.PERSON,
        names=[EntryName(f"{traveller.given_names} {traveller.surname}")],
        birth_dates=[PartialDate(born.year, born.month, born.day)],
        nationalities=[traveller.nationality],
        nominating_source=info.owner,
        reason="test listing",
    )


def flight_traffic(passengers: int = 40, *, seed: int = 1, day: date = DAY) -> FlightTraffic:
    """The first flight of a generated day of synthetic traffic."""
    return generate_traffic(passengers, seed=seed, day=day).flights[0]


def departure(flight: Flight) -> datetime:
    leg = flight.legs[0].departure
    assert leg is not None
    return leg


def manifest(
    traffic: FlightTraffic, extra: Sequence[Traveller] = (), *, reference: str = "0000001P"
) -> bytes:
    """The flight's passenger manifest (PAXLST) with ``extra`` travellers boarded too."""
    flight = traffic.flight
    text = write_paxlst(
        flight,
        [*traffic.passengers, *extra],
        sender=f"{flight.carrier}API",
        recipient="XXPIU",
        reference=reference,
        prepared_at=departure(flight) - timedelta(minutes=30),
    )
    return text.encode("utf-8")


def pnr_push(flight: Flight, travellers: Sequence[Traveller], *, locator: str = "ZZPLNT") -> bytes:
    """A PNRGOV push of one booking for ``travellers`` on ``flight`` (and no manifest)."""
    booking = Booking(locator, flight.carrier, traveller_count=len(travellers),
                      itinerary=list(flight.legs))  # fmt: skip
    text = write_pnrgov(
        flight,
        [(booking, list(travellers))],
        sender=f"{flight.carrier}PNR",
        recipient="XXPIU",
        reference="0000001R",
        prepared_at=departure(flight) - timedelta(hours=24),
    )
    return text.encode("utf-8")


def import_list(
    store: Store, info: ListInfo, entries: Sequence[WatchlistEntry], tag: str = "v1"
) -> VersionSummary:
    """Store ``entries`` as the next version of the list (``tag`` stands for the file)."""
    digest = hashlib.sha256(f"{info.name}/{tag}".encode()).hexdigest()
    return store.watchlists.import_version(info, entries, source_name=tag, sha256=digest)


@pytest.fixture(scope="session")
def un_list() -> WatchlistFile:
    if not UN_FILE.exists():
        pytest.skip(f"sample list absent: {UN_FILE}")
    return read_watchlist(UN_FILE)


def ingest(store: Store, data: bytes, source: str = "m.edi") -> IngestOutcome:
    outcome = Ingestor(store).ingest_bytes(data, source=source, sender="TEST")
    assert outcome.status == "stored", outcome
    return outcome


def traveller_names(store: Store, matches: Sequence[StoredMatch]) -> list[tuple[str, str]]:
    """(surname, given names) of the matched travellers, in match order."""
    with store.sessions() as session:
        rows = {
            row.id: (row.surname, row.given_names)
            for row in session.execute(select(TravellerRow)).scalars()
        }
    return [rows[m.traveller_id] for m in matches]


def documents(store: Store, matches: Sequence[StoredMatch]) -> list[str]:
    """The first travel document number of each matched traveller, in match order."""
    with store.sessions() as session:
        query = select(TravelDocumentRow.traveller_id, TravelDocumentRow.number)
        numbers = dict(session.execute(query.order_by(TravelDocumentRow.id.desc())).tuples().all())
    return [numbers[m.traveller_id] for m in matches]


# --- a listed person on a manifest -----------------------------------------------------------


@needs_un
def test_a_planted_un_person_is_matched_as_the_manifest_is_stored(
    store: Store, un_list: WatchlistFile
) -> None:
    import_list(store, un_list.info, un_list.entries)
    traffic = flight_traffic()
    outcome = ingest(store, manifest(traffic, [planted()]))
    travellers = len(traffic.passengers) + 1
    assert (outcome.travellers, outcome.screened, outcome.matches) == (travellers, travellers, 1)

    [found] = store.matches.find()
    assert (found.list_name, found.entry_id, found.list_version) == (UN, PLANTED_ID, 1)
    assert (found.reason, found.message_id, found.flight_key) == (
        MatchReason.INGEST,
        outcome.message_id,
        traffic.flight.key,
    )
    assert traveller_names(store, [found]) == [("SHINWARI", "ABDUL GHAFAR")]
    assert found.score >= get_settings().screen_threshold
    assert found.matched_name == "ABDUL GHAFAR SHINWARI"
    explained = {e.feature: e for e in found.explanations}
    assert explained["name"].entry_value == "ABDUL GHAFAR SHINWARI"
    assert (explained["birth_date"].query_value, explained["birth_date"].entry_value) == (
        "1965-03-29",
        "1965-03-29",
    )
    assert explained["nationality"].query_value == "AFG"
    assert found.screened_at is not None and found.screened_at.tzinfo is not None


@needs_un
def test_the_same_message_again_adds_no_match(store: Store, un_list: WatchlistFile) -> None:
    import_list(store, un_list.info, un_list.entries)
    data = manifest(flight_traffic(), [planted()])
    ingest(store, data)
    again = Ingestor(store).ingest_bytes(data, source="again.edi")
    assert (again.status, again.matches) == ("duplicate", 0)
    assert store.matches.count() == 1


def test_without_lists_ingest_stores_travellers_and_no_matches(store: Store) -> None:
    traffic = flight_traffic()
    outcome = ingest(store, manifest(traffic, [planted()]))
    assert (outcome.travellers, outcome.screened, outcome.matches) == (
        len(traffic.passengers) + 1,
        0,
        0,
    )
    assert store.matches.count() == 0
    assert len(store.travellers.for_flight(traffic.flight.key)) == len(traffic.passengers) + 1


@needs_un
def test_a_delisted_entry_matches_no_more_at_ingest(store: Store, un_list: WatchlistFile) -> None:
    import_list(store, un_list.info, un_list.entries)
    store.watchlists.set_status(UN, PLANTED_ID, EntryStatus.DELISTED, "test: delisted")
    outcome = ingest(store, manifest(flight_traffic(), [planted()]))
    assert outcome.matches == 0
    assert store.matches.count() == 0


@needs_un
def test_matches_below_the_threshold_are_not_stored(store: Store, un_list: WatchlistFile) -> None:
    import_list(store, un_list.info, un_list.entries)
    traffic = flight_traffic()
    data = manifest(traffic, [planted()])
    strict = IngestScreening(store, threshold=1.01)
    outcome = Ingestor(store, screening=strict).ingest_bytes(data, source="m.edi")
    assert (outcome.screened, outcome.matches) == (len(traffic.passengers) + 1, 0)


# --- PNR travellers only against lists of persons sought (SG-17) ------------------------------


@pytest.mark.safeguard("SG-17")
def test_a_pnr_traveller_is_screened_only_against_sought_lists(store: Store) -> None:
    wanted = person("QUILLFEATHER", "ODALYS MARGUERITE", date(1983, 7, 9), "FRA", "FR0001234")
    trader = person("VANTERPOOL", "BRISEIS ANTONIA", date(1977, 2, 14), "NLD", "NL0004321",
                    Sex.FEMALE)  # fmt: skip
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "S-1", wanted)])
    import_list(store, OTHER, [synthetic_entry(OTHER, "O-1", trader)])
    traffic = flight_traffic()

    pnr = ingest(store, pnr_push(traffic.flight, [wanted, trader]), source="p.edi")
    assert (pnr.format, pnr.travellers, pnr.screened, pnr.matches) == ("pnrgov", 2, 2, 1)
    [hit] = store.matches.find(message_id=pnr.message_id)
    assert (hit.list_name, hit.entry_id) == (SOUGHT.name, "S-1")
    assert traveller_names(store, [hit]) == [("QUILLFEATHER", "ODALYS MARGUERITE")]

    # The same person on a manifest is screened against every list, the other one included.
    api = ingest(store, manifest(traffic, [trader]), source="m.edi")
    [on_manifest] = store.matches.find(message_id=api.message_id)
    assert (on_manifest.list_name, on_manifest.entry_id) == (OTHER.name, "O-1")


@pytest.mark.safeguard("SG-17")
def test_without_a_sought_list_pnr_travellers_are_not_screened(store: Store) -> None:
    trader = person("VANTERPOOL", "BRISEIS ANTONIA", date(1977, 2, 14), "NLD", "NL0004321")
    import_list(store, OTHER, [synthetic_entry(OTHER, "O-1", trader)])
    pnr = ingest(store, pnr_push(flight_traffic().flight, [trader]), source="p.edi")
    assert (pnr.travellers, pnr.screened, pnr.matches) == (1, 0, 0)
    assert store.matches.count() == 0


# --- a list that moves while a message is being stored ----------------------------------------


@needs_un
def test_a_list_imported_between_screening_and_commit_is_caught_after_the_commit(
    store: Store, un_list: WatchlistFile
) -> None:
    """The race retro-screening alone would miss: screened with no list, the list imported
    (and retro-screened, finding nothing yet committed), then the travellers committed."""
    traffic = flight_traffic()
    data = manifest(traffic, [planted()])
    ingestor = Ingestor(store, screening=False)
    received = ingestor.receive(data, source="m.edi")
    assert not isinstance(received, IngestOutcome)
    parsed = parse_message(data, source="m.edi")
    screening = IngestScreening(store)
    screened = screening.screen(received.message_id, parsed)
    assert screened.found == []
    import_list(store, un_list.info, un_list.entries)
    store.store_content(received.message_id, parsed, received_at=received.received_at,
                        on_stored=screened.write)  # fmt: skip
    assert store.matches.count() == 0
    screening.recheck(screened, parsed)
    assert screened.stored == 1
    [found] = store.matches.find()
    assert (found.entry_id, found.list_version, found.reason) == (PLANTED_ID, 1, "ingest")
    assert traveller_names(store, [found]) == [("SHINWARI", "ABDUL GHAFAR")]


@needs_un
def test_an_entry_delisted_between_screening_and_commit_is_not_stored(
    store: Store, un_list: WatchlistFile
) -> None:
    import_list(store, un_list.info, un_list.entries)
    data = manifest(flight_traffic(), [planted()])
    received = Ingestor(store, screening=False).receive(data, source="m.edi")
    assert not isinstance(received, IngestOutcome)
    parsed = parse_message(data, source="m.edi")
    screening = IngestScreening(store)
    screened = screening.screen(received.message_id, parsed)
    assert [f.match.entry_id for f in screened.found] == [PLANTED_ID]
    store.watchlists.set_status(UN, PLANTED_ID, EntryStatus.DELISTED, "test: delisted")
    store.store_content(received.message_id, parsed, received_at=received.received_at,
                        on_stored=screened.write)  # fmt: skip
    screening.recheck(screened, parsed)
    assert (screened.lists_moved, screened.stored) == (True, 0)
    assert store.matches.count() == 0
    # The screening done again after the commit is the one the message records (SG-60).
    assert screened_of(store, received.message_id) == screened.screened > 0


def screened_of(store: Store, message_id: int) -> int:
    with store.sessions() as session:
        row = session.get(MessageRow, message_id)
        assert row is not None
        return row.screened


def test_each_message_records_how_many_travellers_were_screened(store: Store) -> None:
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", planted())])
    traffic = flight_traffic()
    screened = ingest(store, manifest(traffic, [planted()]))
    assert screened_of(store, screened.message_id or 0) == screened.screened
    assert screened.screened == len(traffic.passengers) + 1
    plain = Ingestor(store, screening=False).ingest_bytes(
        manifest(traffic, reference="0000009P"), source="plain.edi"
    )
    assert screened_of(store, plain.message_id or 0) == 0


@needs_un
def test_the_fingerprint_read_when_storing_is_the_screeners(
    store: Store, un_list: WatchlistFile
) -> None:
    def both() -> tuple[object, object]:
        with store.sessions() as session:
            ours = stored_fingerprint(session)
        theirs = store.screener.fingerprint()
        return ours, (tuple(sorted(theirs[0])), theirs[1])

    empty, _ = both()
    import_list(store, un_list.info, un_list.entries)
    lower = replace(OTHER, name="export control (lower case)")
    import_list(store, lower, [synthetic_entry(lower, "X-1", planted())])
    store.watchlists.set_status(UN, PLANTED_ID, EntryStatus.DELISTED, "test: delisted")
    ours, screeners = both()
    assert ours == screeners != empty
    assert [name for name, _version in ours[0]] == sorted([UN, lower.name])
    # Nothing moved since the screening: the matches are written with the travellers.
    data = manifest(flight_traffic(), [planted()])
    received = Ingestor(store, screening=False).receive(data, source="m.edi")
    assert not isinstance(received, IngestOutcome)
    parsed = parse_message(data, source="m.edi")
    screened = IngestScreening(store).screen(received.message_id, parsed)
    store.store_content(received.message_id, parsed, received_at=received.received_at,
                        on_stored=screened.write)  # fmt: skip
    assert (screened.lists_moved, screened.stored) == (False, 1)


@needs_un
def test_each_match_points_at_its_traveller(store: Store, un_list: WatchlistFile) -> None:
    """Several travellers of one message matched: each match is stored for the right one."""
    import_list(store, un_list.info, un_list.entries)
    traffic = flight_traffic()
    other = person("AL-ZAWAHIRI", "AIMAN MUHAMMED RABI", date(1951, 6, 19), "EGY", "EG1000001")
    boarded = [planted(), *traffic.passengers[:3], other, planted("PX7654321")]
    outcome = ingest(store, manifest(replace(traffic, passengers=[]), boarded))
    matches = store.matches.find(message_id=outcome.message_id)
    assert sorted(zip([m.entry_id for m in matches], documents(store, matches), strict=True)) == [
        ("QDi.006", "EG1000001"),
        (PLANTED_ID, "PX1234567"),
        (PLANTED_ID, "PX7654321"),
    ]


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def node(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The CLI pointed at an empty store on each engine."""
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    get_settings.cache_clear()
    yield store_url
    get_settings.cache_clear()


@needs_un
def test_interlock_ingest_reports_screening(
    node: str, tmp_path: Path, un_list: WatchlistFile
) -> None:
    store = Store.open(node, migrate=False)
    try:
        import_list(store, un_list.info, un_list.entries)
    finally:
        store.dispose()
    traffic = flight_traffic()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.edi").write_bytes(manifest(traffic, [planted()]))
    (inbox / "b.edi").write_bytes(pnr_push(traffic.flight, [planted("PX0000009")]))
    result = CliRunner().invoke(app, ["ingest", str(inbox), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    travellers = len(traffic.passengers) + 1
    assert [(o["screened"], o["matches"]) for o in lines] == [(travellers, 1), (1, 1)]
    assert f"{travellers + 1} travellers screened, 2 matches stored" in result.stderr
