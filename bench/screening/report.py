"""Rows of the results table from the matcher runs: each measure side by side, with ratios."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.screening.config import SLOW, Config
from bench.screening.evaluate import MatcherRun
from bench.screening.metrics import median, pair_stats, percentile, rank_stats
from bench.screening.scale import ScaleRun
from bench.screening.suites import Pair, Suite

REFERENCES = ("rapidfuzz", "nomenklatura")
_OTHER_SCHEMAS = "Organization, LegalEntity, Vessel"


@dataclass(slots=True)
class Row:
    """One measure for every matcher that has it; ``better`` says which way is better."""

    section: str
    suite: str
    measure: str
    unit: str
    better: str  # "higher", "lower" or ""
    values: dict[str, float] = field(default_factory=dict)
    target: str = ""
    n: str = ""
    note: str = ""

    def ratio(self, reference: str) -> float:
        """Interlock ÷ the reference (NaN when either is missing or the reference is 0)."""
        ours, theirs = self.values.get("Interlock"), self.values.get(reference)
        if ours is None or theirs is None or theirs == 0 or math.isnan(theirs):
            return math.nan
        return ours / theirs


TARGETS = {
    ("S2", "recall at threshold"): ">= 0.995",
    ("S3", "top-1"): ">= 0.85",
    ("S3", "other entries above threshold per query"): "<= 0.3",
    ("S4", "top-1"): ">= 0.90",
    ("S4", "recall at threshold"): ">= 0.85",
    ("S5", "false alerts per 1,000 queries"): "<= 1",
    ("S6", "F1, all pairs"): ">= 0.85",
}


def _ok(runs: dict[str, MatcherRun]) -> dict[str, MatcherRun]:
    return {name: run for name, run in runs.items() if not run.error}


def suite_rows(suite: Suite, runs: dict[str, MatcherRun]) -> list[Row]:
    """Recall, top-1 (and S3's others above threshold, S5's false alerts) on the cases every
    matcher ran; the same on all cases for matchers that ran more."""
    ran = {name: run for name, run in _ok(runs).items() if suite.key in run.rankings}
    if not ran:
        return []
    common = sorted(set.intersection(*(set(run.rankings[suite.key]) for run in ran.values())))
    rows = _rank_rows(suite, ran, common, "")
    for name, run in ran.items():
        done = sorted(run.rankings[suite.key])
        if len(done) > len(common):
            extra = _rank_rows(suite, {name: run}, done, f" (all {len(done)} cases)")
            for row in extra:
                _merge(rows, row)
    return rows


def _merge(rows: list[Row], row: Row) -> None:
    for existing in rows:
        if existing.measure == row.measure and existing.suite == row.suite:
            existing.values |= row.values
            return
    rows.append(row)


def _rank_rows(suite: Suite, ran: dict[str, MatcherRun], indices: list[int], tag: str) -> list[Row]:
    measures: list[tuple[str, str, str]] = (
        [("false alerts per 1,000 queries", "per 1,000", "lower")]
        if suite.key == "S5"
        else [("recall at threshold", "share", "higher"), ("top-1", "share", "higher")]
    )
    if suite.key == "S3":
        measures.append(("other entries above threshold per query", "entries", "lower"))
    rows = [
        Row("quality", suite.key, measure + tag, unit, better,
            target=TARGETS.get((suite.key, measure), "") if not tag else "",
            n=str(len(indices)))
        for measure, unit, better in measures
    ]  # fmt: skip
    answers = [suite.cases[i].answers for i in indices]
    for name, run in ran.items():
        stats = rank_stats(answers, [run.rankings[suite.key][i] for i in indices], run.threshold)
        values = {
            "recall at threshold": stats.recall,
            "top-1": stats.top1,
            "other entries above threshold per query": stats.others_above,
            "false alerts per 1,000 queries": stats.alerts_per_1000,
        }
        for row in rows:
            row.values[name] = values[row.measure.removesuffix(tag)]
    return rows


def _schema_group(schema: str) -> str:
    return schema if schema in ("Person", "Company") else _OTHER_SCHEMAS


def pair_rows(
    cases: list[Pair], runs: dict[str, MatcherRun], frozen: dict[tuple[str, str, str, str],
                                                                  tuple[float, bool]]
) -> list[Row]:  # fmt: skip
    """F1 (all pairs and by schema), precision and recall at each matcher's threshold; and
    nomenklatura's own frozen logic-v2 run as a cross-check of how it is called here."""
    ran = {name: run for name, run in _ok(runs).items() if run.pair_scores}
    if not ran:
        return []
    indices = sorted(set.intersection(*(set(run.pair_scores) for run in ran.values())))
    groups: dict[str, list[int]] = {"all pairs": indices}
    for i in indices:
        groups.setdefault(_schema_group(cases[i].schema), []).append(i)
    rows: list[Row] = []
    for group, members in groups.items():
        labels = [cases[i].is_match for i in members]
        measures = ("F1", "precision", "recall") if group == "all pairs" else ("F1",)
        for measure in measures:
            target = TARGETS.get(("S6", f"{measure}, {group}"), "")
            row = Row("quality", "S6", f"{measure}, {group}", "share", "higher", target=target,
                      n=str(len(members)))  # fmt: skip
            for name, run in ran.items():
                stats = pair_stats(labels, [run.pair_scores[i] >= run.threshold for i in members])
                row.values[name] = {"F1": stats.f1, "precision": stats.precision,
                                    "recall": stats.recall}[measure]  # fmt: skip
            rows.append(row)
    rows.extend(_frozen_rows(cases, indices, runs.get("nomenklatura"), frozen))
    return rows


def _frozen_rows(
    cases: list[Pair],
    indices: list[int],
    run: MatcherRun | None,
    frozen: dict[tuple[str, str, str, str], tuple[float, bool]],
) -> list[Row]:
    known = [i for i in indices if cases[i].key in frozen]
    labels = [cases[i].is_match for i in known]
    stats = pair_stats(labels, [frozen[cases[i].key][1] for i in known])
    note = "nomenklatura's own logic-v2 run (frozen scores file), on the pairs it covers"
    rows = [Row("quality", "S6", "F1, frozen logic-v2 scores (cross-check)", "share", "",
                {"nomenklatura": stats.f1}, n=str(len(known)), note=note)]  # fmt: skip
    if run is None or run.error or not run.pair_scores:
        return rows
    agree = sum(
        (run.pair_scores[i] >= run.threshold) == frozen[cases[i].key][1] for i in known
    ) / max(1, len(known))
    gap = [abs(run.pair_scores[i] - frozen[cases[i].key][0]) for i in known]
    rows.append(Row("quality", "S6", "same decision as the frozen run", "share", "",
                    {"nomenklatura": agree}, n=str(len(known)),
                    note=f"median |score difference| {median(gap):.4f}"))  # fmt: skip
    return rows


def speed_rows(runs: dict[str, MatcherRun], config: Config) -> list[Row]:
    """Speed and memory of each matcher on the UN list (its own process)."""
    ok = _ok(runs)
    n = str(config.timing_queries)
    spec: list[tuple[str, str, str, str, Callable[[MatcherRun], float]]] = [
        ("queries/s, one core, UN list", "queries/s", "higher", ">= 5,000",
         lambda r: median(r.timing_qps)),
        ("latency p50", "ms", "lower", "", lambda r: 1000 * percentile(r.latencies, 0.5)),
        ("latency p99", "ms", "lower", "", lambda r: 1000 * percentile(r.latencies, 0.99)),
        ("cold start: first index build in a fresh process", "s", "lower", "",
         lambda r: r.cold_starts[0] if r.cold_starts else math.nan),
        ("index rebuild over the UN list, median of repeats", "s", "lower", "",
         lambda r: median(r.cold_starts)),
        ("memory: RSS growth while building", "MiB", "lower", "", lambda r: r.index_mib),
        ("memory: peak RSS of the matcher's process", "MiB", "lower", "", lambda r: r.peak_mib),
        ("S6 pairs scored per second", "pairs/s", "higher", "", lambda r: r.pairs_per_second),
    ]  # fmt: skip
    note = (
        f"{n} queries drawn from S1 + S2, at the operating threshold (alerts only), "
        f"median of {config.repeats} repeats; latencies pooled over the repeats"
    )
    rows = []
    for i, (measure, unit, better, target, get) in enumerate(spec):
        values = {name: float(get(run)) for name, run in ok.items()}
        rows.append(Row("speed", "UN", measure, unit, better, values, target,
                        n if i < 3 else "", note if i == 0 else ""))  # fmt: skip
    return rows


def scale_rows(run: ScaleRun, speeds: dict[str, float], un_names: int) -> list[Row]:
    """Interlock at scale; the references' brute force estimated from their UN speed (their
    cost grows with the names they compare: ``un_names`` on the UN list)."""
    estimate = ", ".join(
        f"{name} about {qps * un_names / max(run.names, 1):,.2f} queries/s" for name, qps in
        speeds.items() if name != "Interlock"
    )  # fmt: skip
    too_slow = f"references not run: brute force over every name ({estimate}, from UN speed)"
    planted = max(run.planted, 1)
    unplanted = max(1, run.travellers - run.planted)
    lat = run.latencies
    rows = [
        ("list: entries / names", "entries", "", run.entries, "", f"{run.names:,} names"),
        ("generation of list and travellers (not Interlock)", "s", "", run.generate_seconds, "",
         ""),
        ("memory: RSS of the generated list", "MiB", "lower", run.list_mib, "", ""),
        ("cold start: index build", "s", "lower", run.build_seconds, "", ""),
        ("memory: RSS growth while building", "MiB", "lower", run.index_mib, "< 4,096", ""),
        ("memory: peak RSS of the process (list, index, travellers)", "MiB", "lower",
         run.peak_mib, "< 4,096", ""),
        ("queries/s, one core, operating threshold", "queries/s", "higher",
         median(run.chunk_qps), ">= 2,000", f"median of {len(run.chunk_qps)} chunks; "
         f"{too_slow}"),
        ("latency p50", "ms", "lower", 1000 * percentile(lat, 0.5), "", ""),
        ("latency p99", "ms", "lower", 1000 * percentile(lat, 0.99), "", ""),
        ("candidate recall (threshold 0, limit 50)", "share", "higher",
         sum(run.found.values()) / planted, ">= 0.99", _by_kind(run)),
        ("planted found at the operating threshold", "share", "higher",
         run.alerted_planted / planted, "", ""),
        ("alerts per 1,000 unplanted travellers", "per 1,000", "lower",
         1000 * run.alerts_unplanted / unplanted, "",
         "names drawn from the list's own distributions: some share a listed name"),
        ("unplanted travellers whose full name is on the list, per 1,000", "per 1,000", "",
         1000 * run.namesakes / unplanted, "", "same words in the same order, any birth date"),
        ("queries/s, threshold 0 limit 50 (planted only)", "queries/s", "higher",
         run.recall_qps, "", ""),
    ]  # fmt: skip
    n = f"{run.travellers:,} travellers, {run.planted:,} planted"
    out = []
    for measure, unit, better, value, target, note in rows:
        values = {"Interlock": float(value)}
        out.append(Row("scale", "synthetic", measure, unit, better, values, target, n, note))
    return out


def _by_kind(run: ScaleRun) -> str:
    return "; ".join(
        f"{kind} {run.found[kind] / total:.4f} of {total}" for kind, total in
        sorted(run.by_kind.items())
    )  # fmt: skip


def slow_note(config: Config) -> str:
    """How the slow reference was sampled."""
    slow = ", ".join(sorted(SLOW))
    if config.slow_cap is None:
        return f"{slow} ran every case"
    return (
        f"{slow} ran at most {config.slow_cap:,} cases per suite (a seeded sample; the others "
        "ran a superset): side-by-side figures use the cases all ran"
    )
