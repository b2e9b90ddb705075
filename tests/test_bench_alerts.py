"""The alerts benchmark still runs (its tiny configuration; the figures come from full runs):
a node on loopback takes manifests over HTTP and raises alerts, a day is ingested with
alerts, every planted passenger is alerted, and the results files have their shape."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from bench.alerts.latency import MANIFEST_SIZE, percentile
from bench.alerts.node import shared_data_missing
from bench.alerts.report import write_results
from bench.alerts.run import Config, Results, measure

MISSING = shared_data_missing()
pytestmark = pytest.mark.skipif(
    MISSING is not None, reason=f"the UN and OFAC lists of ../shared/data are absent ({MISSING})"
)


@pytest.fixture(scope="module")
def results() -> Results:
    return measure(Config.tiny())


def test_node_over_http_raises_alerts_for_every_planted_passenger(results: Results) -> None:
    config, screened, baseline = results.config, results.screened, results.baseline
    assert len(screened.latencies) == len(baseline.latencies) == config.manifests
    assert all(seconds > 0 for seconds in [*screened.latencies, *baseline.latencies])
    assert screened.travellers == (config.warmup + config.manifests) * MANIFEST_SIZE
    assert screened.rules == ["demo-co-travel-with-match", "cash-late-one-way"]
    assert {"UN SC Consolidated List", "OFAC SDN", "bench-national-sought"} <= set(screened.lists)
    assert screened.stored.alert_total > 0
    # what the 201 responses reported is what the store holds afterwards
    assert screened.outcome_alerts == screened.stored.alert_total
    assert screened.outcome_matches == screened.stored.matches
    planted = screened.planted
    assert planted is not None and planted.planted >= 8
    assert planted.missed == [] and planted.alerted == planted.planted
    assert baseline.stored.alert_total == 0 and baseline.stored.matches == 0
    assert baseline.planted is None


def test_day_ingest_screens_runs_rules_and_alerts(results: Results) -> None:
    day, plain = results.day, results.day_baseline
    assert day.failed == plain.failed == 0
    assert day.travellers == plain.travellers > results.config.travellers  # crew and PNR too
    assert 0 < day.screened <= day.travellers and plain.screened == 0
    assert day.stored.alert_total > 0 and plain.stored.alert_total == 0
    assert day.outcome_alerts == day.stored.alert_total
    assert day.wall > 0 and plain.wall > 0
    assert day.planted is not None and day.planted.missed == []


def test_results_files_have_every_measure(results: Results, tmp_path: Path) -> None:
    table, text = write_results(results.rows, tmp_path, results.config.command())
    rows = list(csv.DictReader(table.open()))
    assert {row["section"] for row in rows} == {"receipt-alerts", "day", "planted"}
    values = {row["measure"]: float(row["value"]) for row in rows}
    p99 = values["p99, UN + OFAC + national list, 2 rules"]
    assert p99 == pytest.approx(1000 * percentile(results.screened.latencies, 0.99), rel=1e-3)
    assert values["p50, UN + OFAC + national list, 2 rules"] <= p99
    assert values["planted passengers alerted (receipt-alerts)"] == 100.0
    assert values["planted passengers alerted (day)"] == 100.0
    assert values["alerts raised, baseline"] == 0
    markdown = text.read_text()
    assert "| section | measure | value | unit | note |" in markdown
    assert "cores" in markdown and "python -m bench.alerts --quick" in markdown


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 201)]
    assert percentile(values, 0.5) == 100.0
    assert percentile(values, 0.99) == 198.0
    assert percentile(values, 1.0) == 200.0
    assert percentile([3.0], 0.99) == 3.0
