"""The ingest pipeline into a real store (SQLite and PostgreSQL, see conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from interlock.errors import NotFoundError
from interlock.ingest.service import Ingestor, IngestOutcome
from interlock.store import Store

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GTAS = SAMPLES / "traveller-messages" / "gtas"
KEY = "XY123/2024-05-01"


def paxlst_body(
    names: list[str], *, flight: str = "XY123", ref: str = "M1", count: int = -1
) -> list[str]:
    """The segments UNH … UNT of one synthetic passenger manifest (made-up people)."""
    body = [
        f"UNH+{ref}+PAXLST:D:05B:UN:IATA",
        "BGM+745",
        "NAD+MS+++OPS DESK",
        f"TDT+20+{flight}+++XY",
        "LOC+125+FRA",
        "DTM+189:2405010930:201",
        "LOC+87+JFK",
        "DTM+232:2405011730:201",
    ]
    for number, name in enumerate(names):
        surname, given = name.split(" ", 1)
        body += [
            f"NAD+FL+++{surname}:{given}",
            "ATT+2++F",
            "DTM+329:800229",
            "NAT+2+DEU",
            f"DOC+P:110:111+X{number:08d}",
            "DTM+36:300101",
            "LOC+91+DEU",
        ]
    body.append(f"CNT+42:{len(names) if count < 0 else count}")
    body.append(f"UNT+{len(body) + 1}+{ref}")
    return body


def paxlst(*messages: list[str]) -> bytes:
    """An interchange around one or more message bodies."""
    segments = ["UNB+UNOA:4+XYAIR+BORDERPIU+240501:0600+IC1"]
    for body in messages:
        segments += body
    segments.append(f"UNZ+{len(messages)}+IC1")
    return ("UNA:+.? '" + "'\n".join(segments) + "'\n").encode("ascii")


@pytest.fixture
def ingestor(store: Store) -> Ingestor:
    return Ingestor(store)


def test_a_manifest_is_stored(store: Store, ingestor: Ingestor) -> None:
    data = paxlst(paxlst_body(["DOE JANE", "ROE RICHARD"]))
    at = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)
    outcome = ingestor.ingest_bytes(data, source="m1.edi", sender="XYAIR", received_at=at)
    assert (outcome.status, outcome.format, outcome.travellers) == ("stored", "paxlst", 2)
    assert outcome.flights == [KEY]
    assert outcome.message_id is not None
    info = store.messages.get(outcome.message_id)
    assert info is not None
    assert [h.status for h in info.history] == ["received", "parsed", "stored"]
    assert (info.received_at, info.source, info.sender) == (at, "m1.edi", "XYAIR")
    assert store.messages.raw(outcome.message_id) == data
    people = store.travellers.for_flight(KEY)
    assert [(t.surname, t.documents[0].number) for t in people] == [
        ("DOE", "X00000000"),
        ("ROE", "X00000001"),
    ]


def test_the_same_bytes_twice_are_stored_once(store: Store, ingestor: Ingestor) -> None:
    data = paxlst(paxlst_body(["DOE JANE"]))
    first = ingestor.ingest_bytes(data, source="a")
    second = ingestor.ingest_bytes(data, source="b")
    assert second.status == "duplicate"
    assert (second.message_id, second.sha256) == (first.message_id, first.sha256)
    assert (second.travellers, second.flights, second.format) == (1, [KEY], "paxlst")
    summary = store.summary()
    assert (summary["messages"], summary["travellers"], summary["flight_versions"]) == (1, 1, 1)


def test_a_later_manifest_updates_the_flight_and_keeps_history(
    store: Store, ingestor: Ingestor
) -> None:
    ingestor.ingest_bytes(paxlst(paxlst_body(["DOE JANE", "ROE RICHARD"])), source="v1")
    later = paxlst(paxlst_body(["DOE JANE", "ROE RICHARD", "POE EDGAR"], ref="M2"))
    ingestor.ingest_bytes(later, source="v2")
    flight = store.flights.get(KEY)
    assert flight is not None
    assert [(v.version, v.traveller_count, v.is_current) for v in flight.versions] == [
        (1, 2, False),
        (2, 3, True),
    ]
    assert (flight.current_version, flight.traveller_count) == (2, 3)
    assert len(store.travellers.for_flight(KEY, version=1)) == 2


def test_unreadable_input_is_kept_as_failed(store: Store, ingestor: Ingestor) -> None:
    outcome = ingestor.ingest_bytes(b"\x00\x01 this is no message", source="junk.bin")
    assert outcome.status == "failed"
    assert outcome.reason is not None and "junk.bin" in outcome.reason
    assert outcome.message_id is not None
    info = store.messages.get(outcome.message_id)
    assert info is not None
    assert (info.status, info.reason) == ("failed", outcome.reason)
    assert [h.status for h in info.history] == ["received", "failed"]
    assert store.messages.raw(outcome.message_id) == b"\x00\x01 this is no message"


def test_a_partly_broken_message_is_stored_with_its_errors(
    store: Store, ingestor: Ingestor
) -> None:
    text = "surname,given_names,birth_date\nDOE,JANE,1980-02-29\nROE,RICHARD,1980-13-45\n"
    outcome = ingestor.ingest_bytes(text.encode(), source="list.csv")
    assert (outcome.status, outcome.format, outcome.travellers) == ("stored", "csv", 1)
    assert len(outcome.errors) == 1 and "list.csv" in outcome.errors[0]
    assert outcome.message_id is not None
    info = store.messages.get(outcome.message_id)
    assert info is not None and info.errors == outcome.errors


def test_count_mismatch_is_a_warning_kept_on_the_message(store: Store, ingestor: Ingestor) -> None:
    outcome = ingestor.ingest_bytes(paxlst(paxlst_body(["DOE JANE"], count=5)), source="c")
    assert outcome.status == "stored"
    assert outcome.warnings
    assert outcome.message_id is not None
    info = store.messages.get(outcome.message_id)
    assert info is not None and info.warnings == outcome.warnings


def test_every_manifest_of_an_interchange_is_stored_under_one_message(
    store: Store, ingestor: Ingestor
) -> None:
    data = paxlst(paxlst_body(["DOE JANE"]), paxlst_body(["ROE RICHARD"], flight="XY7", ref="M2"))
    outcome = ingestor.ingest_bytes(data, source="two.edi")
    assert outcome.status == "stored"
    assert sorted(outcome.flights) == [KEY, "XY7/2024-05-01"]
    assert outcome.travellers == 2
    assert store.summary()["messages"] == 1
    assert {f.key for f in store.flights.list()} == {KEY, "XY7/2024-05-01"}


def test_paths_are_walked_sorted_and_hidden_files_skipped(
    store: Store, ingestor: Ingestor, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "b").mkdir(parents=True)
    (inbox / ".hidden").mkdir()
    (inbox / "b" / "2.edi").write_bytes(paxlst(paxlst_body(["DOE JANE"])))
    (inbox / "a.csv").write_text("surname,given_names\nROE,RICHARD\n")
    (inbox / ".hidden" / "x.csv").write_text("surname,given_names\nPOE,EDGAR\n")
    seen: list[tuple[str, str]] = []

    def progress(path: Path, outcome: IngestOutcome) -> None:
        seen.append((path.name, outcome.status))

    outcomes = ingestor.ingest_paths([inbox], on_progress=progress)
    assert seen == [("a.csv", "stored"), ("2.edi", "stored")]
    assert [o.status for o in outcomes] == ["stored", "stored"]
    assert store.summary()["travellers"] == 2


def test_a_missing_path_stops_before_anything_is_ingested(
    store: Store, ingestor: Ingestor, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text("surname,given_names\nROE,RICHARD\n")
    with pytest.raises(NotFoundError, match="nowhere"):
        ingestor.ingest_paths([tmp_path / "a.csv", tmp_path / "nowhere"])
    assert store.summary()["messages"] == 0


@pytest.mark.skipif(not GTAS.is_dir(), reason=f"sample messages absent: {GTAS}")
def test_gtas_samples_are_ingested(store: Store, ingestor: Ingestor) -> None:
    folders = [GTAS / "paxlst", GTAS / "pnrgov"]
    outcomes = ingestor.ingest_paths(folders)
    assert outcomes and all(o.status in ("stored", "failed") for o in outcomes)
    stored = [o for o in outcomes if o.status == "stored"]
    assert sum(o.travellers for o in stored) == store.summary()["travellers"] > 0
    assert store.summary()["bookings"] > 0
    again = ingestor.ingest_paths(folders)
    assert {o.status for o in again} == {"duplicate"}
