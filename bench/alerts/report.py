"""The results table of the alerts benchmark, as Markdown and CSV."""

from __future__ import annotations

import csv
import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

STEM = "alerts"


@dataclass(frozen=True, slots=True)
class Row:
    section: str
    measure: str
    value: float
    unit: str
    note: str = ""


def machine() -> str:
    """Architecture, cores, memory and Python of the machine the figures come from."""
    memory = ""
    try:
        with open("/proc/meminfo") as f:
            memory = f", {int(f.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cores = os.cpu_count()
    return f"{platform.machine()}, {cores} cores{memory}, Python {platform.python_version()}"


def write_results(rows: list[Row], out: Path, command: str) -> tuple[Path, Path]:
    """Write ``alerts.csv`` and ``alerts.md`` under ``out``; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    table, text = out / f"{STEM}.csv", out / f"{STEM}.md"
    with table.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["section", "measure", "value", "unit", "note"])
        writer.writerows([r.section, r.measure, f"{r.value:.3f}", r.unit, r.note] for r in rows)
    lines = [
        "# Alerts benchmark: receipt → alerts stored, a day ingested with alerts", "",
        f"Run {stamp} on {machine()}. One run of each measure, not a median: the machine is "
        "shared by several engineers and noisy, so figures move between runs; ratios are "
        "measured side by side in the same run. Embedded default store (SQLite in a "
        "temporary data folder).", "",
        f"Command: `{command}`", "",
        "What is timed. *receipt-alerts*: each POST to `/api/v1/messages` of a running node "
        "(uvicorn, one worker, its own process) from the request sent to the 201 received over "
        "loopback; the 201 means travellers, matches and alerts are committed. *day*: "
        "`Ingestor.ingest_paths` over the day's files (passenger and crew PAXLST, PNRGOV), "
        "after the lists are imported, the rules approved and the screening index built. "
        "Percentiles are nearest-rank (a measured value). Rule hits count traveller records "
        "(a booked passenger is on the manifest and in the PNR); alerts are one per person, "
        "flight and cause.", "",
        "| section | measure | value | unit | note |", "|---|---|---:|---|---|",
        *[f"| {r.section} | {r.measure} | {r.value:,.1f} | {r.unit} | {r.note} |" for r in rows],
        "",
    ]  # fmt: skip
    text.write_text("\n".join(lines))
    return table, text
