"""PAXLST/PNRGOV parsing throughput and SQLite ingest, with pydifact as a reference reader.

Run: ``python -m bench.ingest [--travellers N] [--repeats R] [--out bench/results]``.
"""

from __future__ import annotations

import argparse
import csv
import gc
import os
import platform
import secrets
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy import text as sql
from sqlalchemy.exc import OperationalError

from interlock.generate.traffic import generate_traffic
from interlock.ingest.edifact import lex
from interlock.ingest.paxlst import parse_paxlst
from interlock.ingest.paxlst_write import write_paxlst
from interlock.ingest.pnrgov import parse_pnrgov
from interlock.ingest.pnrgov_write import write_pnrgov
from interlock.ingest.service import Ingestor
from interlock.runtime import settle_heap
from interlock.settings import Settings
from interlock.store import Store

PREPARED = datetime(2026, 1, 1, 6, 0)


@dataclass
class Row:
    measure: str
    value: float
    unit: str
    note: str = ""


def build_messages(travellers: int, seed: int) -> tuple[list[str], list[str], int, int]:
    """Generated PAXLST and PNRGOV texts, with their traveller counts."""
    traffic = generate_traffic(travellers, seed=seed)
    paxlst, pnrgov = [], []
    pax_count = pnr_count = 0
    for i, ft in enumerate(traffic.flights):
        ref = f"B{seed}{i:06d}"
        paxlst.append(write_paxlst(ft.flight, ft.passengers, sender="BENCH", recipient="NODE",
                                   reference=ref, prepared_at=PREPARED))  # fmt: skip
        pax_count += len(ft.passengers)
        if ft.bookings:
            pnrgov.append(write_pnrgov(ft.flight, ft.bookings, sender="BENCH", recipient="NODE",
                                       reference=ref, prepared_at=PREPARED))  # fmt: skip
            pnr_count += sum(len(people) for _, people in ft.bookings)
    return paxlst, pnrgov, pax_count, pnr_count


REFERENCE_TRAVELLERS = 20_000


def _first_manifests(texts: list[str], travellers: int) -> tuple[list[str], int]:
    """The first manifests holding at least ``travellers`` travellers, and their count."""
    chosen: list[str] = []
    count = 0
    for text in texts:
        if count >= travellers:
            break
        chosen.append(text)
        count += len(parse_paxlst(lex(text))[0].travellers)
    return chosen, count


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_all(texts: list[str], parser: Callable[..., object]) -> None:
    for text in texts:
        parser(lex(text))


def pydifact_all(texts: list[str]) -> None:
    from pydifact.segmentcollection import Interchange

    warnings.simplefilter("ignore")  # pydifact warns once per segment type about its XML specs
    for text in texts:
        list(Interchange.from_str(text).segments)


def ingest_all(
    paxlst: list[str], pnrgov: list[str], *, workers: int, url: str | None = None
) -> tuple[float, int]:
    """Wall time and travellers stored for ``Ingestor.ingest_paths`` over the messages as
    files, into a fresh store (SQLite, or the database at ``url``), with ``workers`` parse
    processes (0: in-process)."""
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "inbox"
        inbox.mkdir()
        for i, text in enumerate([*paxlst, *pnrgov]):
            (inbox / f"{i:06d}.edi").write_text(text)
        settings = Settings(data_dir=Path(tmp) / "node", database_url=url)
        store = Store.from_settings(settings)
        start = time.perf_counter()
        outcomes = Ingestor(store).ingest_paths([inbox], parse_workers=workers, sender="BENCH")
        wall = time.perf_counter() - start
        store.dispose()
        return wall, sum(o.travellers for o in outcomes)


def measure(travellers: int, repeats: int, seed: int) -> list[Row]:
    paxlst, pnrgov, pax_n, pnr_n = build_messages(travellers, seed)
    gc.collect()
    rows: list[Row] = []
    t_plain = median_seconds(lambda: parse_all(paxlst, parse_paxlst), repeats)
    rows.append(Row("PAXLST parsing, plain process (generator tables still loaded)",
                    pax_n / t_plain, "travellers/s", "collector rescans the tables"))  # fmt: skip
    settle_heap()  # as the node's ingest, demo and serve do after start-up
    t_pax = median_seconds(lambda: parse_all(paxlst, parse_paxlst), repeats)
    rows.append(Row("PAXLST parsing (lex + parse), one core, as the node runs", pax_n / t_pax,
                    "travellers/s", f"{pax_n} travellers in {len(paxlst)} manifests; "
                    "target >= 30000"))  # fmt: skip
    # pydifact is slow: the side-by-side comparison runs on the first manifests only.
    subset, sub_n = _first_manifests(paxlst, REFERENCE_TRAVELLERS)
    t_ours = median_seconds(lambda: parse_all(subset, parse_paxlst), repeats)
    t_ref = median_seconds(lambda: pydifact_all(subset), repeats)
    rows.append(Row("reference: pydifact segment reading", sub_n / t_ref, "travellers/s",
                    f"first {len(subset)} manifests ({sub_n} travellers); segments only, "
                    "no PAXLST semantics"))  # fmt: skip
    rows.append(Row("ratio Interlock (lex + parse) / pydifact (segments), same manifests",
                    t_ref / t_ours, "x", "higher is better"))  # fmt: skip
    if pnrgov:
        t_pnr = median_seconds(lambda: parse_all(pnrgov, parse_pnrgov), repeats)
        rows.append(Row("PNRGOV parsing (lex + parse), one core", pnr_n / t_pnr, "travellers/s",
                        f"{pnr_n} travellers in {len(pnrgov)} pushes"))  # fmt: skip
    messages = len(paxlst) + len(pnrgov)
    for workers, label in ((0, "one process"), (1, "one parse worker + the storing process")):
        wall, stored = ingest_all(paxlst, pnrgov, workers=workers)
        rows.append(Row(f"ingest into SQLite, {label}", stored / wall, "travellers/s",
                        f"{stored} travellers (passengers, crew, PNR) in {messages} messages; "
                        f"{wall:.1f} s wall, one run"))  # fmt: skip
    rows.extend(_postgres_rows(paxlst, pnrgov, messages))
    return rows


POSTGRES_SERVER = os.environ.get(
    "INTERLOCK_BENCH_POSTGRES_SERVER", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432"
)


def _postgres_rows(paxlst: list[str], pnrgov: list[str], messages: int) -> list[Row]:
    """The same ingest into a throwaway PostgreSQL database, when the server answers."""
    name = f"interlock_bench_{secrets.token_hex(4)}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sql(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        admin.dispose()
        return [Row("ingest into PostgreSQL", 0, "travellers/s", "server unreachable")]
    try:
        wall, stored = ingest_all(paxlst, pnrgov, workers=1, url=f"{POSTGRES_SERVER}/{name}")
    finally:
        with admin.connect() as connection:
            connection.execute(sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    note = f"{stored} travellers, {messages} messages; {wall:.1f} s wall, one run"
    label = "ingest into PostgreSQL, one parse worker + the storing process"
    return [Row(label, stored / wall, "travellers/s", note)]


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {mem}, Python {platform.python_version()}"
    )


def write_results(rows: list[Row], out: Path, travellers: int, repeats: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with (out / "ingest.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["measure", "value", "unit", "note"])
        writer.writerows([r.measure, f"{r.value:.2f}", r.unit, r.note] for r in rows)
    lines = [
        "# Ingest benchmark", "",
        f"Run {stamp} on {machine()}; {travellers} generated passengers, median of {repeats}.",
        "Command: `python -m bench.ingest "
        f"--travellers {travellers} --repeats {repeats}`", "",
        "| measure | value | unit | note |", "|---|---:|---|---|",
        *[f"| {r.measure} | {r.value:,.1f} | {r.unit} | {r.note} |" for r in rows], "",
    ]  # fmt: skip
    (out / "ingest.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--travellers", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "results")
    args = parser.parse_args()
    rows = measure(args.travellers, args.repeats, args.seed)
    for r in rows:
        print(f"{r.measure:60s} {r.value:12,.1f} {r.unit:13s} {r.note}")
    write_results(rows, args.out, args.travellers, args.repeats)


if __name__ == "__main__":
    main()
