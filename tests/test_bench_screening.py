"""The screening benchmark still runs (a tiny configuration; the figures come from full runs),
its suites hold the right answers, and its measures compute what they say."""

from __future__ import annotations

import csv
import importlib.util
import math
import random
from pathlib import Path

import pytest
from bench.screening.config import chosen
from bench.screening.metrics import pair_stats, percentile, rank_stats, top1_credit
from bench.screening.run import COLUMNS, main
from bench.screening.suites import DATA, UN_XML, build_suites, fold, parse_dob
from bench.screening.synthetic import PERTURBATIONS
from bench.screening.travellers import scale_data, typo
from rapidfuzz.distance import Levenshtein

from interlock.watchlists import PartialDate

needs_data = pytest.mark.skipif(not (DATA / UN_XML).exists(), reason=f"shared data absent: {DATA}")
HAS_NOMENKLATURA = importlib.util.find_spec("nomenklatura") is not None


def test_top1_shares_credit_among_ties_and_ignores_zero_scores() -> None:
    assert top1_credit([("a", 0.9), ("b", 0.8)], frozenset({"a"})) == 1.0
    assert top1_credit([("b", 0.9), ("a", 0.9), ("c", 0.5)], frozenset({"a"})) == 0.5
    assert top1_credit([("b", 0.9), ("a", 0.8)], frozenset({"a"})) == 0.0
    assert top1_credit([("a", 0.0)], frozenset({"a"})) == 0.0
    assert top1_credit([], frozenset({"a"})) == 0.0


def test_rank_stats_count_recall_others_and_alerts_at_the_threshold() -> None:
    answers = [frozenset({"a"}), frozenset({"b"}), frozenset()]
    rankings = [
        [("a", 0.95), ("x", 0.75), ("y", 0.69)],  # found, one other above 0.7
        [("x", 0.80), ("b", 0.60)],  # right entry below the threshold; x above
        [("z", 0.71)],  # a negative that alerts
    ]
    stats = rank_stats(answers, rankings, 0.7)
    assert stats.n == 3
    assert stats.recall == pytest.approx(1 / 3)
    assert stats.top1 == pytest.approx(1 / 3)
    assert stats.others_above == pytest.approx(3 / 3)
    assert stats.alerts_per_1000 == pytest.approx(1000.0)
    assert math.isnan(rank_stats([], [], 0.7).recall)


def test_pair_stats_and_percentile() -> None:
    stats = pair_stats([True, True, False, False], [True, False, True, False])
    assert (stats.precision, stats.recall, stats.f1) == (0.5, 0.5, 0.5)
    assert pair_stats([True], [True]).f1 == 1.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([float(i) for i in range(1, 101)], 0.99) == 99.0


def test_smaller_samples_are_subsets_of_larger_ones() -> None:
    small, large = chosen(1000, 50, 7), chosen(1000, 300, 7)
    assert len(small) == 50 and len(large) == 300
    assert set(small) <= set(large)
    assert chosen(10, None, 7) == list(range(10))


def test_fixture_dates_and_typos() -> None:
    assert parse_dob("1965") == PartialDate(1965)
    assert parse_dob("1960-6-29") == PartialDate(1960, 6, 29)
    assert parse_dob("") is None
    rng = random.Random(3)
    typos = [typo(rng, "HASSAN") for _ in range(50)]
    assert all(Levenshtein.distance(t, "HASSAN") <= 2 and abs(len(t) - 6) <= 1 for t in typos)
    assert all(t[0] == "H" and t[-1] == "N" for t in typos)  # first and last letters kept
    assert sum(t != "HASSAN" for t in typos) >= 40  # a swap of SS or a same-letter change only


def test_planted_travellers_point_at_their_entries() -> None:
    entries, travellers = scale_data(2_000, 400, 0.25, seed=5, rounds=1)
    by_id = {entry.entry_id: entry for entry in entries}
    planted = [t for t in travellers if t.answer is not None]
    assert len(planted) == 100
    assert {t.perturbation for t in planted} <= set(PERTURBATIONS)
    for traveller in planted:
        entry = by_id[traveller.answer or ""]
        words = set(fold(" ".join(n.full for n in entry.names)).split())
        query = set(fold(traveller.query.full_name).split())
        if traveller.perturbation in ("exact", "DOB ±1 year", "order swap"):
            assert query <= words
        if traveller.perturbation == "DOB ±1 year":
            assert traveller.query.birth_date is not None
            assert abs(traveller.query.birth_date.year - entry.birth_dates[0].year) == 1


@needs_data
def test_suites_resolve_their_answers() -> None:
    suites = build_suites(DATA, ("S1", "S2", "S3", "S4"))
    assert len(suites["S1"].cases) == len(suites["S2"].cases) == 677
    by_id = {entry.entry_id: entry for entry in suites["S1"].entries}
    for case in suites["S1"].cases:
        names = {fold(n.full) for answer in case.answers for n in by_id[answer].names}
        assert fold(case.query.full_name) in names
    for case in suites["S3"].cases:
        assert case.variant is not None
        left = {fold(name.full) for name in case.variant.names}
        assert fold(case.query.full_name) not in left
        assert len(case.variant.names) < len(by_id[case.variant.entry_id].names)
    assert all(name.script != "original" for e in suites["S4"].entries for name in e.names)
    assert all(not case.query.full_name.isascii() for case in suites["S4"].cases)


def _table(out: Path) -> list[dict[str, str]]:
    with (out / "screening.csv").open() as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _check_numbers(rows: list[dict[str, str]], matchers: tuple[str, ...]) -> None:
    for row in rows:
        for matcher in matchers:
            if not row[matcher]:
                continue
            value = float(row[matcher])
            assert math.isfinite(value), row
            if row["unit"] == "share":
                assert 0.0 <= value <= 1.0, row
            elif row["unit"] in ("queries/s", "pairs/s", "ms", "per 1,000"):
                assert value >= 0.0, row
        ours, theirs = row["Interlock"], row["rapidfuzz"]
        # The CSV rounds to 4 decimals: check the ratio where that rounding is negligible.
        if ours and theirs and float(theirs) >= 0.1 and row["Interlock / rapidfuzz"]:
            ratio = float(ours) / float(theirs)
            assert float(row["Interlock / rapidfuzz"]) == pytest.approx(ratio, rel=1e-3, abs=1e-3)


@needs_data
def test_quick_run_writes_side_by_side_results(tmp_path: Path) -> None:
    main(["--quick", "--matchers", "Interlock,rapidfuzz", "--out", str(tmp_path)])
    rows = _table(tmp_path)
    _check_numbers(rows, ("Interlock", "rapidfuzz"))
    assert {row["suite"] for row in rows} >= {"S1", "S2", "S3", "S4", "S5", "S6", "UN"}
    quality = [r for r in rows if r["section"] == "quality"]
    assert all(r["Interlock"] and r["rapidfuzz"] for r in quality if "frozen" not in r["measure"])
    speed = {r["measure"]: r for r in rows if r["section"] == "speed"}
    assert float(speed["queries/s, one core, UN list"]["Interlock"]) > 0
    assert float(speed["queries/s, one core, UN list"]["rapidfuzz"]) > 0
    scale = {r["measure"]: r for r in rows if r["section"] == "scale"}
    assert 0 < float(scale["candidate recall (threshold 0, limit 50)"]["Interlock"]) <= 1
    assert float(scale["queries/s, one core, operating threshold"]["Interlock"]) > 0
    assert not any(r["nomenklatura"] for r in rows if "frozen" not in r["measure"])
    text = (tmp_path / "screening.md").read_text()
    assert "| suite | measure | Interlock | rapidfuzz | nomenklatura |" in text
    assert "## Scale" in text and "python -m bench.screening --quick" in text


@needs_data
@pytest.mark.skipif(
    not HAS_NOMENKLATURA, reason="nomenklatura is a bench-only extra: pip install -e '.[bench]'"
)
def test_quick_run_with_nomenklatura(tmp_path: Path) -> None:
    main(["--quick", "--matchers", "Interlock,nomenklatura", "--suites", "S1,S6", "--scale",
          "0", "--out", str(tmp_path)])  # fmt: skip
    rows = _table(tmp_path)
    _check_numbers(rows, ("Interlock", "nomenklatura"))
    measures = {(r["suite"], r["measure"]): r for r in rows}
    assert float(measures[("S1", "recall at threshold")]["nomenklatura"]) > 0
    assert float(measures[("S6", "F1, all pairs")]["nomenklatura"]) > 0
    # Called as nomenklatura calls it: the decisions agree with its own frozen run.
    agree = measures[("S6", "same decision as the frozen run")]["nomenklatura"]
    assert float(agree) >= 0.8
    assert not any(r["section"] == "scale" for r in rows)
