"""Ledger benchmark (BENCHMARKS.md §3): appends per second into the store, and inclusion and
consistency proofs built and verified at 1,000,000 leaves.

- **appends**: ``Ledger.append_many`` of synthetic share events (ids, node names, digests,
  times: what the sharing code logs) into a fresh SQLite store, in batches of ``batch`` per
  transaction; leaves/s over the whole run, commits included.
- **proofs**: a :class:`~interlock.ledger.merkle.MerkleTree` of ``leaves`` leaves; inclusion
  proofs for random indexes and consistency proofs from random sizes to the full tree, each
  built and then verified with :mod:`interlock.ledger.merkle`; mean and p99 in µs.
- **through the ledger**: ``Ledger.prove_inclusion`` on the stored log, which also asks the
  store for leaves committed since the last read (one query per proof).

Targets: ≥ 50,000 leaves/s; inclusion proof ≤ 1 ms to build and ≤ 1 ms to verify.

    .venv/bin/python -m bench.sharing.ledger_bench            # 1,000,000 leaves
    .venv/bin/python -m bench.sharing.ledger_bench --leaves 20000
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from interlock.ledger import merkle
from interlock.ledger.log import Ledger
from interlock.ledger.merkle import MerkleTree
from interlock.ledger.note import Signer
from interlock.store import Store, migrate

DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
RESULTS = Path(__file__).resolve().parents[1] / "results"


def event(i: int) -> dict[str, Any]:
    """A share event as the sharing code logs it."""
    return {
        "event": "share.sent",
        "message_id": f"msg-{i:08d}",
        "sender": "node-a",
        "recipient": ("node-b", "node-c", "node-d")[i % 3],
        "seq": i,
        "kind": "alert-notification",
        "content_sha256": DIGEST,
        "at": "2026-11-26T10:00:00Z",
    }


def _micros(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"mean_us": statistics.fmean(samples) * 1e6, "p99_us": p99 * 1e6}


def _timed(calls: Sequence[Callable[[], Any]]) -> tuple[list[float], list[Any]]:
    times, results = [], []
    for call in calls:
        started = time.perf_counter()
        results.append(call())
        times.append(time.perf_counter() - started)
    return times, results


def measure_appends(leaves: int, batch: int, store: Store) -> tuple[dict[str, float], Ledger]:
    """Append ``leaves`` events into a fresh SQLite store, ``batch`` per transaction."""
    ledger = Ledger(store.sessions, Signer.generate("bench.interlock/ledger"))
    elapsed = 0.0
    for start in range(0, leaves, batch):
        events = [event(i) for i in range(start, min(start + batch, leaves))]
        started = time.perf_counter()  # the events are the caller's: only the append is timed
        ledger.write_many(events)
        elapsed += time.perf_counter() - started
    return {"leaves_per_s": leaves / elapsed, "seconds": elapsed, "batch": batch}, ledger


def measure_proofs(leaves: int, samples: int, seed: int) -> dict[str, Any]:
    """Inclusion and consistency proofs in an in-memory tree of ``leaves`` leaves."""
    rng = random.Random(seed)
    data = [f"leaf-{i}".encode() for i in range(leaves)]
    started = time.perf_counter()
    tree = MerkleTree.from_leaves(data)
    built = time.perf_counter() - started
    root = tree.root()
    indexes = [rng.randrange(leaves) for _ in range(samples)]
    build, paths = _timed([partial(tree.inclusion_proof, i) for i in indexes])
    hashes = [merkle.leaf_hash(data[i]) for i in indexes]
    checks = [
        partial(merkle.verify_inclusion, h, i, leaves, p, root)
        for h, i, p in zip(hashes, indexes, paths, strict=True)
    ]
    verify, ok = _timed(checks)
    sizes = [rng.randrange(1, leaves) for _ in range(samples)]
    olds = [tree.root(s) for s in sizes]
    c_build, c_paths = _timed([partial(tree.consistency_proof, s) for s in sizes])
    c_checks = [
        partial(merkle.verify_consistency, s, leaves, p, r, root)
        for s, p, r in zip(sizes, c_paths, olds, strict=True)
    ]
    c_verify, c_ok = _timed(c_checks)
    assert all(ok) and all(c_ok), "a proof did not verify"
    return {
        "tree_build_s": built,
        "inclusion_build": _micros(build),
        "inclusion_verify": _micros(verify),
        "inclusion_hashes": max(len(p) for p in paths),
        "consistency_build": _micros(c_build),
        "consistency_verify": _micros(c_verify),
    }


def measure_ledger_proofs(ledger: Ledger, samples: int, seed: int) -> dict[str, Any]:
    """``Ledger.prove_inclusion`` on the stored log (first read loads the tree)."""
    size = ledger.size()  # loads the cache from the store
    rng = random.Random(seed)
    indexes = [rng.randrange(size) for _ in range(samples)]
    times, _ = _timed([partial(ledger.prove_inclusion, i) for i in indexes])
    return _micros(times)


def run(
    leaves: int = 1_000_000, *, batch: int = 10_000, samples: int = 2_000, seed: int = 5
) -> dict[str, Any]:
    """Every measure, as a dict (see the module docstring)."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'ledger.db'}"
        migrate(url)
        store = Store.open(url, migrate=False)
        try:
            appends, writer = measure_appends(leaves, min(batch, leaves), store)
            ledger = Ledger(store.sessions, writer.signer)  # a fresh process's view
            started = time.perf_counter()
            ledger.size()  # loads every leaf hash from the store
            load = time.perf_counter() - started
            through = measure_ledger_proofs(ledger, min(samples, 500), seed)
            started = time.perf_counter()
            report = ledger.verify()
            verify_s = time.perf_counter() - started
        finally:
            store.dispose()
    return {
        "leaves": leaves,
        "appends": appends,
        "ledger_load_s": load,
        "ledger_inclusion": through,
        "ledger_verify_s": verify_s,
        "ledger_verified": report.ok,
        "proofs": measure_proofs(leaves, samples, seed),
    }


def rows(result: dict[str, Any]) -> list[tuple[str, float, str, str]]:
    """(measure, value, unit, target) rows of a result."""
    n = f"{result['leaves']:,}"
    proofs = result["proofs"]
    out = [
        ("ledger appends (SQLite, append_many)", result["appends"]["leaves_per_s"], "leaves/s",
         "≥ 50,000"),
        (f"tree of {n} leaves built in memory", proofs["tree_build_s"], "s", ""),
    ]  # fmt: skip
    for name, target in (("inclusion", "≤ 1,000"), ("consistency", "")):
        for step in ("build", "verify"):
            figures = proofs[f"{name}_{step}"]
            out.append((f"{name} proof {step}, {n} leaves, mean", figures["mean_us"], "µs", target))
            out.append((f"{name} proof {step}, {n} leaves, p99", figures["p99_us"], "µs", target))
    through = result["ledger_inclusion"]
    out += [
        ("Ledger.prove_inclusion on the stored log, mean", through["mean_us"], "µs", ""),
        ("Ledger.prove_inclusion on the stored log, p99", through["p99_us"], "µs", ""),
        (f"ledger tree loaded from the store ({n} leaves)", result["ledger_load_s"], "s", ""),
        (f"ledger verify ({n} leaves, every hash recomputed)", result["ledger_verify_s"], "s", ""),
    ]
    return out


def write_results(result: dict[str, Any], out: Path = RESULTS) -> None:
    """``ledger.md`` and ``ledger.csv`` under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    table = rows(result)
    with (out / "ledger.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["measure", "value", "unit", "target"])
        writer.writerows([m, f"{v:.3f}", u, t] for m, v, u, t in table)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Ledger benchmark", "",
        f"Run {stamp} on {platform.machine()} {platform.python_implementation()} "
        f"{platform.python_version()}; {result['leaves']:,} leaves, appends in batches of "
        f"{result['appends']['batch']:,}.",
        f"Command: `python -m bench.sharing.ledger_bench --leaves {result['leaves']}`", "",
        "| measure | value | unit | target |", "|---|---:|---|---|",
        *[f"| {m} | {v:,.2f} | {u} | {t} |" for m, v, u, t in table], "",
    ]  # fmt: skip
    (out / "ledger.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args.leaves, batch=args.batch, samples=args.samples)
    for measure, value, unit, target in rows(result):
        print(f"{measure:60s} {value:14,.2f} {unit:9s} {target}")
    write_results(result, args.out)


if __name__ == "__main__":
    main()
