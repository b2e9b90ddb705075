"""Screening quality and speed (BENCHMARKS.md §1): Interlock beside nomenklatura logic-v2 and
a rapidfuzz baseline on suites S1-S6, and Interlock alone on a large synthetic list.

Run: ``python -m bench.screening [--quick] [--suites S1,S2,...] [--scale N]``. Each matcher
runs in a process of its own, one after the other (one core each, memory its own).
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

from bench.ingest.run import machine
from bench.screening.config import ALL_SUITES, MATCHERS, Config, quick_config
from bench.screening.evaluate import MatcherRun, evaluate
from bench.screening.report import (
    REFERENCES,
    Row,
    pair_rows,
    scale_rows,
    slow_note,
    speed_rows,
    suite_rows,
)
from bench.screening.scale import measure_scale
from bench.screening.suites import build_suites, frozen_scores, load_un, pairs

OUT = Path(__file__).resolve().parents[1] / "results"
COLUMNS = ["section", "suite", "measure", "unit", "better", *MATCHERS,
           *(f"Interlock / {r}" for r in REFERENCES), "target", "n", "note"]  # fmt: skip
T = TypeVar("T")


def in_child(func: Callable[..., T], *args: object) -> T:
    """``func(*args)`` in a fresh process (spawned: nothing inherited but the arguments)."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(func, *args).result()


def measure(config: Config) -> tuple[list[Row], list[str]]:
    """Every configured measure as rows, and notes for the results header."""
    ranked = tuple(key for key in config.suites if key != "S6")
    runs: dict[str, MatcherRun] = {}
    if config.suites:
        for name in config.matchers:
            runs[name] = in_child(evaluate, name, config)
            print(f"{name}: done {runs[name].error}", file=sys.stderr)
    suites = build_suites(config.data, ranked)
    rows: list[Row] = []
    for key in ranked:
        rows.extend(suite_rows(suites[key], runs))
    if "S6" in config.suites:
        rows.extend(pair_rows(pairs(config.data), runs, frozen_scores(config.data)))
    if runs:
        rows.extend(speed_rows(runs, config))
    notes = [f"{name}: {run.error}" for name, run in runs.items() if run.error]
    notes += [f"{name}: threshold {run.threshold}" for name, run in runs.items() if not run.error]
    notes.append(slow_note(config))
    notes += [f"{suites[key].title}: {note}" for key in ranked for note in suites[key].notes]
    if config.scale:
        speeds = {row_name: value for row in rows if row.measure.startswith("queries/s")
                  for row_name, value in row.values.items()}  # fmt: skip
        un_names = sum(len(entry.names) for entry in load_un(config.data))
        rows.extend(scale_rows(in_child(measure_scale, config), speeds, un_names))
    return rows, notes


def _cell(value: float | None, digits: int = 4) -> str:
    if value is None or math.isnan(value):
        return ""
    return f"{value:.{digits}f}"


def _shown(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "–"
    if unit in ("share",):
        return f"{value:.3f}"
    if 0 < abs(value) < 0.1:
        return f"{value:.2g}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def write_results(rows: list[Row], notes: list[str], config: Config, command: str,
                  out: Path) -> None:  # fmt: skip
    """``screening.csv`` (every figure) and ``screening.md`` (the same, readable)."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "screening.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow([r.section, r.suite, r.measure, r.unit, r.better,
                             *(_cell(r.values.get(m)) for m in MATCHERS),
                             *(_cell(r.ratio(ref)) for ref in REFERENCES),
                             r.target, r.n, r.note])  # fmt: skip
    (out / "screening.md").write_text("\n".join(_markdown(rows, notes, config, command)))


def _markdown(rows: list[Row], notes: list[str], config: Config, command: str) -> list[str]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Screening benchmark (BENCHMARKS.md §1)", "",
        f"Run {stamp} on {machine()}; {_versions()}.", f"Command: `{command}`", "",
        "Ratios are Interlock ÷ reference, measured side by side in the same run; the `better` "
        "column says which direction is better. Timings are medians over repeats.", "",
        *(f"- {note}" for note in notes), "",
    ]  # fmt: skip
    head = ["suite", "measure", *MATCHERS, *(f"÷ {r}" for r in REFERENCES), "better", "target",
            "n", "note"]  # fmt: skip
    for section in ("quality", "speed", "scale"):
        chosen = [r for r in rows if r.section == section]
        if not chosen:
            continue
        lines += [f"## {section.capitalize()}", "", "| " + " | ".join(head) + " |",
                  "|" + "---|" * len(head)]  # fmt: skip
        for r in chosen:
            cells = [r.suite, f"{r.measure} ({r.unit})",
                     *(_shown(r.values.get(m), r.unit) for m in MATCHERS),
                     *(_shown(r.ratio(ref), "x") for ref in REFERENCES),
                     r.better, r.target, r.n, r.note]  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _versions() -> str:
    found = []
    for package in ("nomenklatura", "followthemoney", "rigour", "rapidfuzz"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} absent")
    return ", ".join(found)


def parse_config(argv: Sequence[str] | None) -> tuple[Config, Path]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tiny configuration (seconds)")
    parser.add_argument("--suites", default=",".join(ALL_SUITES), help="e.g. S1,S2,S6")
    parser.add_argument("--matchers", default=",".join(MATCHERS))
    parser.add_argument("--scale", type=int, help="names in the synthetic list (0: none)")
    parser.add_argument("--scale-queries", type=int, help="travellers screened at scale")
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="the shared data folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    config = quick_config() if args.quick else Config()
    suites = tuple(s.strip().upper() for s in args.suites.split(",") if s.strip())
    matchers = tuple(m.strip() for m in args.matchers.split(",") if m.strip())
    unknown = set(suites) - set(ALL_SUITES) | set(matchers) - set(MATCHERS)
    if unknown:
        parser.error(f"unknown suites or matchers: {', '.join(sorted(unknown))}")
    changes: dict[str, object] = {"suites": suites, "matchers": matchers, "seed": args.seed}
    for name in ("scale", "scale_queries", "repeats", "data"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    return replace(config, **changes), args.out  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> None:
    config, out = parse_config(argv)
    rows, notes = measure(config)
    given = sys.argv[1:] if argv is None else list(argv)
    command = " ".join(["python -m bench.screening", *given])
    for r in rows:
        values = "  ".join(f"{m}={_shown(v, r.unit)}" for m, v in r.values.items())
        print(f"{r.suite:9s} {r.measure:60s} {values}")
    write_results(rows, notes, config, command, out)


if __name__ == "__main__":
    main()
