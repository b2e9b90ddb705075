"""Ingest with parse worker processes gives the same store as ingest in one process."""

from __future__ import annotations

from pathlib import Path

from interlock.generate.traffic import generate_traffic, write_traffic
from interlock.ingest.service import Ingestor, IngestOutcome
from interlock.store import Store


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    write_traffic(generate_traffic(300, seed=11), inbox)
    (inbox / "zz-broken.txt").write_text("this is not a message\n")
    first = sorted(inbox.glob("*.paxlst.edi"))[0]
    (inbox / "zz-copy.edi").write_bytes(first.read_bytes())  # the same bytes again
    return inbox


def _view(outcome: IngestOutcome) -> tuple[object, ...]:
    return (outcome.status, outcome.format, outcome.travellers, tuple(outcome.flights),
            tuple(outcome.errors), outcome.reason and outcome.reason.split(" (")[0])  # fmt: skip


def test_pipelined_ingest_matches_sequential_ingest(tmp_path: Path, store_url: str) -> None:
    inbox = _inbox(tmp_path)
    other = Store.open(f"sqlite:///{tmp_path / 'sequential.db'}")
    seen: list[str] = []
    pipelined = Ingestor(Store.open(store_url, migrate=False)).ingest_paths(
        [inbox], parse_workers=1, on_progress=lambda path, _o: seen.append(path.name)
    )
    sequential = Ingestor(other).ingest_paths([inbox])
    assert [_view(o) for o in pipelined] == [_view(o) for o in sequential]
    assert seen == sorted(p.name for p in inbox.iterdir())
    statuses = [o.status for o in pipelined]
    assert statuses.count("failed") == 1 and statuses.count("duplicate") == 1
    assert Store.open(store_url, migrate=False).summary() == other.summary()
