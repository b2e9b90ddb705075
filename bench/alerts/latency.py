"""Receipt → alerts stored, with the node running (BENCHMARKS.md §2: p99 ≤ 100 ms for one
300-passenger manifest).

The node runs in a process of its own (:mod:`bench.alerts.serve`) on a loopback port; a
carrier gateway's service account posts generated PAXLST manifests to ``/api/v1/messages``
one after another and times each request from the first byte sent to the 201 received. The
201 means the travellers, their matches and their alerts are committed (one transaction,
:mod:`interlock.screening.intake`), so the time is receipt → alerts stored, seen from the
sender. The first manifests warm the node (its first requests import code paths, fill caches)
and are not counted; they are screened and checked like the others.
"""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bench.alerts.node import REPO, PlantedCheck, Stored, check_planted, prepare, stored_counts
from interlock.generate.demo_list import DemoList
from interlock.generate.traffic import FlightTraffic, Traffic, generate_traffic
from interlock.ingest.paxlst_write import write_paxlst
from interlock.settings import Settings
from interlock.store import Store

MANIFEST_SIZE = 300
PREPARED = datetime(2026, 1, 1, 6, 0)
STARTUP_TIMEOUT = 120.0  # seconds for the node to answer /health (it indexes the lists first)
REQUEST_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class Manifests:
    """The manifests to send, as bytes, and the traffic they carry (what the national list
    is planted from: one flight per manifest, its passengers those of the manifest)."""

    traffic: Traffic
    bodies: list[bytes]


def build_manifests(count: int, seed: int, size: int = MANIFEST_SIZE) -> Manifests:
    """``count`` manifests of exactly ``size`` passengers: a generated day's passengers in
    order, cut into groups of ``size``, each group put on one of the day's flights."""
    day = generate_traffic(count * size, seed=seed, pnr_share=0.0)
    people = [p for ft in day.flights for p in ft.passengers]
    if len(day.flights) < count or len(people) < count * size:
        raise ValueError(f"the generated day has too few flights for {count} manifests")
    flights = [
        FlightTraffic(day.flights[i].flight, people[i * size : (i + 1) * size], [], [])
        for i in range(count)
    ]
    bodies = [
        write_paxlst(ft.flight, ft.passengers, sender="BENCH", recipient="NODE",
                     reference=f"L{seed}{i:06d}", prepared_at=PREPARED).encode()
        for i, ft in enumerate(flights)
    ]  # fmt: skip
    return Manifests(Traffic(day=day.day, flights=flights), bodies)


@dataclass(frozen=True, slots=True)
class LatencyRun:
    """One node's run: per-request seconds of the counted manifests, what the responses
    said, what the store holds afterwards, and the planted passengers found."""

    latencies: list[float]
    warmup: int
    travellers: int
    outcome_alerts: int
    outcome_matches: int
    stored: Stored
    planted: PlantedCheck | None
    lists: dict[str, int]
    rules: list[str]


def run_node(
    manifests: Manifests, national: DemoList | None, *, screened: bool, warmup: int
) -> LatencyRun:
    """Prepare a fresh node (lists and rules when ``screened``), start it, send every
    manifest, stop it, and read what it stored."""
    with tempfile.TemporaryDirectory(prefix="bench-alerts-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "node", database_url=None)
        store = Store.from_settings(settings)
        try:
            prepared = prepare(store, settings, national, screened=screened)
        finally:
            store.dispose()
        with running_node(settings.data_dir, Path(tmp) / "node.log") as url:
            seconds, outcomes = post_all(url, prepared.token, manifests.bodies)
        store = Store.from_settings(settings, migrate=False)
        try:
            stored = stored_counts(store)
            planted = check_planted(store, prepared.planted) if prepared.planted else None
        finally:
            store.dispose()
    return LatencyRun(
        latencies=seconds[warmup:],
        warmup=warmup,
        travellers=sum(int(o["travellers"]) for o in outcomes),
        outcome_alerts=sum(int(o["alerts"]) for o in outcomes),
        outcome_matches=sum(int(o["matches"]) for o in outcomes),
        stored=stored,
        planted=planted,
        lists=prepared.lists,
        rules=prepared.rules,
    )


def post_all(url: str, token: str, bodies: list[bytes]) -> tuple[list[float], list[dict[str, Any]]]:
    """POST each body in turn; the seconds each took and the outcomes (201 expected)."""
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/octet-stream",
        "X-Interlock-Sender": "BENCH",
    }
    seconds: list[float] = []
    outcomes: list[dict[str, Any]] = []
    with httpx.Client(base_url=url, headers=headers, timeout=REQUEST_TIMEOUT) as client:
        for number, body in enumerate(bodies):
            start = time.perf_counter()
            response = client.post("/api/v1/messages", content=body)
            seconds.append(time.perf_counter() - start)
            if response.status_code != 201:
                raise RuntimeError(
                    f"manifest {number}: HTTP {response.status_code}: {response.text[:300]}"
                )
            outcomes.append(response.json())
    return seconds, outcomes


def free_port() -> int:
    """A TCP port free on the loopback interface now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_node(data_dir: Path, log: Path) -> Iterator[str]:
    """Run the node on ``data_dir`` in a subprocess until the block ends; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")])}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.alerts.serve", str(data_dir), str(port)],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_for(url, process, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the node exited ({process.returncode}): {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the node did not answer within {STARTUP_TIMEOUT:.0f} s")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``: a value that was
    actually measured, not an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
