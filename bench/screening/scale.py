"""Interlock against the synthetic list at scale (meant for a process of its own): build time,
memory, queries per second at the operating threshold, and candidate recall of the planted
travellers (their entry among the results at threshold 0, limit 50)."""

from __future__ import annotations

import gc
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.screening.config import Config
from bench.screening.metrics import peak_rss_mib, rss_mib
from bench.screening.synthetic import Traveller
from bench.screening.travellers import scale_data
from interlock.runtime import settle_heap
from interlock.screening import Screener

RECALL_LIMIT = 50
CHUNKS = 10


@dataclass(slots=True)
class ScaleRun:
    """What the scale run measured."""

    entries: int = 0
    names: int = 0
    travellers: int = 0
    planted: int = 0
    generate_seconds: float = 0.0
    list_mib: float = 0.0
    build_seconds: float = 0.0
    index_mib: float = 0.0
    chunk_qps: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    alerted_planted: int = 0
    alerts_unplanted: int = 0
    namesakes: int = 0
    found: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    recall_qps: float = 0.0
    peak_mib: float = 0.0


def _operating(screener: Screener, travellers: list[Traveller], run: ScaleRun) -> None:
    size = max(1, len(travellers) // CHUNKS)
    for start in range(0, len(travellers), size):
        chunk = travellers[start : start + size]
        began = time.perf_counter()
        for traveller in chunk:
            t0 = time.perf_counter()
            alerts = screener.screen(traveller.query)
            run.latencies.append(time.perf_counter() - t0)
            if traveller.answer is None:
                run.alerts_unplanted += bool(alerts)
            else:
                run.alerted_planted += any(m.entry_id == traveller.answer for m in alerts)
        run.chunk_qps.append(len(chunk) / (time.perf_counter() - began))


def _recall(screener: Screener, travellers: list[Traveller], run: ScaleRun) -> None:
    planted = [t for t in travellers if t.answer is not None]
    began = time.perf_counter()
    for traveller in planted:
        matches = screener.screen(traveller.query, threshold=0.0, limit=RECALL_LIMIT)
        run.by_kind[traveller.perturbation] += 1
        if any(m.entry_id == traveller.answer for m in matches):
            run.found[traveller.perturbation] += 1
    run.recall_qps = len(planted) / (time.perf_counter() - began) if planted else 0.0


def measure_scale(config: Config) -> ScaleRun:
    """Generate, build, screen every traveller at the operating threshold, then the planted
    ones at threshold 0 for candidate recall."""
    run = ScaleRun()
    before = rss_mib()
    began = time.perf_counter()
    rounds = 1 if config.quick else 6
    entries, travellers = scale_data(config.scale, config.scale_queries, config.planted_share,
                                     config.seed, rounds=rounds)  # fmt: skip
    run.generate_seconds = time.perf_counter() - began
    run.entries, run.names = len(entries), sum(len(e.names) for e in entries)
    run.travellers = len(travellers)
    run.planted = sum(1 for t in travellers if t.answer is not None)
    listed = {name.full for entry in entries for name in entry.names}
    run.namesakes = sum(1 for t in travellers if t.answer is None and t.query.full_name in listed)
    del listed
    gc.collect()
    run.list_mib = rss_mib() - before
    before = rss_mib()
    began = time.perf_counter()
    screener = Screener(entries)
    run.build_seconds = time.perf_counter() - began
    gc.collect()
    run.index_mib = rss_mib() - before
    settle_heap()  # as the node does once its lists are loaded
    _operating(screener, travellers, run)
    _recall(screener, travellers, run)
    run.peak_mib = peak_rss_mib()
    return run
