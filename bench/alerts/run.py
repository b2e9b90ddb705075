"""Receipt → alerts stored with the node running, and a day ingested, screened and alerted,
against the same pipeline with no list and no rule (BENCHMARKS.md §2).

Run: ``python -m bench.alerts [--manifests N] [--travellers N] [--quick] [--out DIR]``.
Writes ``alerts.md`` and ``alerts.csv`` under ``bench/results`` (or ``--out``).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.alerts.day import DayRun, ingest_day
from bench.alerts.latency import MANIFEST_SIZE, LatencyRun, build_manifests, percentile, run_node
from bench.alerts.node import PlantedCheck, shared_data_missing
from bench.alerts.report import Row, write_results
from interlock.generate.demo_list import build_demo_list
from interlock.generate.traffic import generate_traffic, write_traffic
from interlock.runtime import settle_heap

# One planted national-list entry per this many passengers (BENCHMARKS.md §2 plants "a few
# hundred" in the 250,000 of a day), and never fewer than the demo's eight kinds of change.
PASSENGERS_PER_PLANTED = 1_000
LEAST_PLANTED = 8


@dataclass(frozen=True, slots=True)
class Config:
    """What one run measures. ``quick``: the tiny configuration the tests run."""

    manifests: int = 200
    warmup: int = 5
    travellers: int = 20_000
    workers: int = 1
    seed: int = 1
    quick: bool = False

    @classmethod
    def tiny(cls) -> Config:
        return cls(manifests=3, warmup=1, travellers=1_000, quick=True)

    def command(self) -> str:
        if self.quick:
            return "python -m bench.alerts --quick"
        return (
            f"python -m bench.alerts --manifests {self.manifests} --warmup {self.warmup} "
            f"--travellers {self.travellers} --workers {self.workers} --seed {self.seed}"
        )


DEFAULT = Config()


def planted_for(passengers: int) -> int:
    return max(LEAST_PLANTED, passengers // PASSENGERS_PER_PLANTED)


@dataclass(slots=True)
class Results:
    """The runs (for tests) and the rows written."""

    config: Config
    screened: LatencyRun
    baseline: LatencyRun
    day: DayRun
    day_baseline: DayRun
    rows: list[Row] = field(default_factory=list)


def measure(config: Config) -> Results:
    """Run the three measures (module docstring); raises when the shared data is absent."""
    missing = shared_data_missing()
    if missing:
        raise FileNotFoundError(missing)
    manifests = build_manifests(config.warmup + config.manifests, config.seed)
    national = build_demo_list(
        manifests.traffic,
        seed=config.seed,
        planted=planted_for((config.warmup + config.manifests) * MANIFEST_SIZE),
    )
    settle_heap()
    screened = run_node(manifests, national, screened=True, warmup=config.warmup)
    baseline = run_node(manifests, None, screened=False, warmup=config.warmup)
    del manifests

    with tempfile.TemporaryDirectory(prefix="bench-alerts-inbox-") as tmp:
        traffic = generate_traffic(config.travellers, seed=config.seed + 1)
        day_list = build_demo_list(
            traffic, seed=config.seed + 1, planted=planted_for(config.travellers)
        )
        inbox = Path(tmp) / "inbox"
        write_traffic(traffic, inbox)
        del traffic
        settle_heap()
        day = ingest_day(inbox, day_list, screened=True, workers=config.workers)
        day_baseline = ingest_day(inbox, None, screened=False, workers=config.workers)
    results = Results(config, screened, baseline, day, day_baseline)
    results.rows = rows(results)
    return results


def _ms(seconds: float) -> float:
    return seconds * 1000


def rows(r: Results) -> list[Row]:
    """The figures of a run, in the order the results table shows them."""
    c = r.config
    out: list[Row] = []
    counted = f"{len(r.screened.latencies)} manifests of {MANIFEST_SIZE} passengers after " \
              f"{c.warmup} warm-up"  # fmt: skip
    s, b = r.screened, r.baseline
    for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)):
        note = counted + ("; target p99 <= 100 ms" if label == "p99" else "")
        out.append(Row("receipt-alerts", f"{label}, UN + OFAC + national list, 2 rules",
                       _ms(percentile(s.latencies, share)), "ms", note))  # fmt: skip
    for label, share in (("p50", 0.5), ("p99", 0.99), ("max", 1.0)):
        out.append(Row("receipt-alerts", f"{label}, baseline: no list, no rule",
                       _ms(percentile(b.latencies, share)), "ms", counted))  # fmt: skip
    for label, share in (("p50", 0.5), ("p99", 0.99)):
        ratio = percentile(s.latencies, share) / percentile(b.latencies, share)
        out.append(Row("receipt-alerts", f"ratio {label} screened / baseline", ratio, "x",
                       "same manifests, same machine, one after the other"))  # fmt: skip
    out.append(Row("receipt-alerts", "alerts raised (stored)", s.stored.alert_total, "alerts",
                   f"{_kinds(s.stored.alerts)}; {s.travellers} travellers in "
                   f"{c.warmup + c.manifests} manifests; the 201 responses said "
                   f"{s.outcome_alerts}"))  # fmt: skip
    out.append(Row("receipt-alerts", "matches stored", s.stored.matches, "matches",
                   _lists(s.lists)))  # fmt: skip
    out.append(Row("receipt-alerts", "alerts raised, baseline", b.stored.alert_total, "alerts",
                   "no list, no rule: none expected"))  # fmt: skip

    d, db = r.day, r.day_baseline
    day_note = (
        f"{c.travellers} passengers generated; {d.travellers} travellers stored (passengers, "
        f"crew, PNR) from {d.messages} messages, {c.workers} parse worker(s); target for "
        "250,000 passengers <= 30 s on 2 cores"
    )
    out += [
        Row("day", "wall, UN + OFAC + national list, 2 rules", d.wall, "s", day_note),
        Row("day", "throughput, screened", d.travellers / d.wall, "travellers/s",
            f"{d.screened} travellers screened against at least one list"),
        Row("day", "matches stored", d.stored.matches, "matches", ""),
        Row("day", "rule hits", d.rule_hits, "hits", ", ".join(r.screened.rules)),
        Row("day", "alerts raised (stored)", d.stored.alert_total, "alerts",
            f"{_kinds(d.stored.alerts)}; the outcomes said {d.outcome_alerts}"),
        Row("day", "wall, baseline: no list, no rule", db.wall, "s",
            f"{db.travellers} travellers stored, {db.stored.alert_total} alerts"),
        Row("day", "throughput, baseline", db.travellers / db.wall, "travellers/s", ""),
        Row("day", "ratio wall screened / baseline", d.wall / db.wall, "x", ""),
        Row("day", "messages failed", d.failed + db.failed, "messages", "none expected"),
    ]  # fmt: skip
    for section, check in (("receipt-alerts", s.planted), ("day", d.planted)):
        out.extend(_planted_rows(section, check))
    return out


def _planted_rows(section: str, check: PlantedCheck | None) -> list[Row]:
    if check is None:
        return []
    missed = f"missed: {', '.join(check.missed)}" if check.missed else "none missed"
    share = 100 * check.alerted / check.planted if check.planted else 0.0
    return [
        Row("planted", f"planted passengers alerted ({section})", share, "%",
            f"{check.alerted} of {check.planted}; {missed}; target >= 99 %"),
        Row("planted", f"national-list alerts on anyone else ({section})", check.misplaced,
            "alerts", "decoys, or a planted entry on another traveller"),
    ]  # fmt: skip


def _kinds(alerts: dict[str, int]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in sorted(alerts.items())) or "none"


def _lists(lists: dict[str, int]) -> str:
    return "lists: " + ", ".join(f"{name} ({n} entries)" for name, n in lists.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--manifests", type=int, default=DEFAULT.manifests,
                        help="manifests timed (after the warm-up)")  # fmt: skip
    parser.add_argument("--warmup", type=int, default=DEFAULT.warmup)
    parser.add_argument("--travellers", type=int, default=DEFAULT.travellers,
                        help="passengers of the ingested day")  # fmt: skip
    parser.add_argument("--workers", type=int, default=DEFAULT.workers,
                        help="parse worker processes of the day's ingest")  # fmt: skip
    parser.add_argument("--seed", type=int, default=DEFAULT.seed)
    parser.add_argument("--quick", action="store_true",
                        help="the tiny configuration the tests run")  # fmt: skip
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "results")
    args = parser.parse_args()
    config = Config.tiny() if args.quick else Config(
        manifests=args.manifests, warmup=args.warmup, travellers=args.travellers,
        workers=args.workers, seed=args.seed,
    )  # fmt: skip
    results = measure(config)
    for row in results.rows:
        print(f"{row.section:15s} {row.measure:55s} {row.value:12,.1f} {row.unit:13s} {row.note}")
    write_results(results.rows, args.out, config.command())


if __name__ == "__main__":
    main()
