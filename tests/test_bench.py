"""The ingest benchmark still runs (a tiny configuration; the figures come from full runs)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from bench.ingest.run import measure, write_results


def test_ingest_benchmark_runs_and_writes_its_results(tmp_path: Path) -> None:
    rows = measure(travellers=120, repeats=1, seed=3)
    write_results(rows, tmp_path, travellers=120, repeats=1)
    table = list(csv.DictReader((tmp_path / "ingest.csv").open()))
    measures = {row["measure"]: float(row["value"]) for row in table}
    assert any(m.startswith("PAXLST parsing (lex + parse)") for m in measures)
    postgres = {m: v for m, v in measures.items() if "PostgreSQL" in m}
    assert len(postgres) == 1
    if os.environ.get("CI"):  # CI runs PostgreSQL: the scaled store must be measured too
        assert all(value > 0 for value in postgres.values())
    assert all(value > 0 for m, value in measures.items() if m not in postgres)
    assert "| measure | value | unit | note |" in (tmp_path / "ingest.md").read_text()
