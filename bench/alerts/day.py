"""A day ingested, screened and alerted (BENCHMARKS.md §2: ≤ 30 s wall on 2 cores for
250,000 passengers, on the embedded default).

The generated day is written as the files ``interlock generate traffic`` writes (passenger
and crew PAXLST, PNRGOV pushes) and ingested with ``Ingestor.ingest_paths`` as ``interlock
ingest`` does, parsing in worker processes while the calling process screens, runs the rules,
raises alerts and stores. The store is prepared first (lists imported, rules approved) and its
screening index built before the clock starts, as on a node already running; the wall time is
that of the ingest alone.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.alerts.node import PlantedCheck, Stored, check_planted, prepare, stored_counts
from interlock.generate.demo_list import DemoList
from interlock.ingest.service import Ingestor
from interlock.runtime import settle_heap
from interlock.settings import Settings
from interlock.store import Store


@dataclass(frozen=True, slots=True)
class DayRun:
    """One ingest of the day: wall seconds and what it did and stored."""

    wall: float
    messages: int
    travellers: int
    screened: int
    outcome_matches: int
    rule_hits: int
    outcome_alerts: int
    failed: int
    stored: Stored
    planted: PlantedCheck | None


def ingest_day(inbox: Path, national: DemoList | None, *, screened: bool, workers: int) -> DayRun:
    """Ingest every file under ``inbox`` into a fresh SQLite store, prepared with the lists
    and rules when ``screened``; ``workers`` parse processes (0: parse in-process)."""
    with tempfile.TemporaryDirectory(prefix="bench-alerts-day-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "node", database_url=None)
        store = Store.from_settings(settings)
        try:
            prepared = prepare(store, settings, national, screened=screened)
            store.screener.current()  # the index a running node holds already
            settle_heap()
            start = time.perf_counter()
            outcomes = Ingestor(store).ingest_paths([inbox], parse_workers=workers, sender="BENCH")
            wall = time.perf_counter() - start
            stored = stored_counts(store)
            planted = check_planted(store, prepared.planted) if prepared.planted else None
        finally:
            store.dispose()
    return DayRun(
        wall=wall,
        messages=len(outcomes),
        travellers=sum(o.travellers for o in outcomes),
        screened=sum(o.screened for o in outcomes),
        outcome_matches=sum(o.matches for o in outcomes),
        rule_hits=sum(o.rule_hits for o in outcomes),
        outcome_alerts=sum(o.alerts for o in outcomes),
        failed=sum(o.status == "failed" for o in outcomes),
        stored=stored,
        planted=planted,
    )
