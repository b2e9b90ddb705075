"""One matcher over the UN suites and the pairs, in a process of its own (so its peak memory
and its imports are its own): rankings, pair scores, timings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from bench.screening.config import Config, chosen
from bench.screening.matchers import Matcher, Ranking, make_matcher
from bench.screening.metrics import peak_rss_mib, rss_mib
from bench.screening.suites import Suite, build_suites, pairs

# S3 swaps entries in and out: it runs after the suites that share the prepared UN list.
_ORDER = ("S1", "S2", "S5", "S3", "S4")


@dataclass(slots=True)
class MatcherRun:
    """What one matcher produced. Rankings are by suite, then case index."""

    matcher: str
    threshold: float = 0.0
    error: str = ""
    cold_starts: list[float] = field(default_factory=list)
    index_mib: float = 0.0
    timing_qps: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    rankings: dict[str, dict[int, Ranking]] = field(default_factory=dict)
    pair_scores: dict[int, float] = field(default_factory=dict)
    pairs_per_second: float = 0.0
    peak_mib: float = 0.0


def timing_cases(suites: dict[str, Suite], config: Config) -> list[int]:
    """Indices into S1 + S2 cases (concatenated) timed for speed; the same for every matcher."""
    count = sum(len(suites[key].cases) for key in ("S1", "S2") if key in suites)
    return chosen(count, config.timing_queries, config.seed)


def _timed(matcher: Matcher, suite: Suite, indices: list[int], limit: int) -> dict[int, Ranking]:
    out: dict[int, Ranking] = {}
    originals = {entry.entry_id: entry for entry in suite.entries}
    for index in indices:
        case = suite.cases[index]
        if case.variant is not None:
            matcher.replace(case.variant)
        out[index] = matcher.query(case.query, limit)
        if case.variant is not None:
            matcher.replace(originals[case.variant.entry_id])
    return out


def _speed(matcher: Matcher, suites: dict[str, Suite], config: Config, run: MatcherRun) -> None:
    queries = [case.query for key in ("S1", "S2") if key in suites for case in suites[key].cases]
    picked = [queries[i] for i in timing_cases(suites, config)]
    for _ in range(config.repeats if picked else 0):
        start = time.perf_counter()
        for query in picked:
            began = time.perf_counter()
            matcher.alerts(query)
            run.latencies.append(time.perf_counter() - began)
        run.timing_qps.append(len(picked) / (time.perf_counter() - start))


def _prepare(matcher: Matcher, suite: Suite, config: Config, run: MatcherRun) -> None:
    """Prepare ``repeats`` times (cold start each); the memory the first one kept."""
    for repeat in range(config.repeats):
        before = rss_mib()
        start = time.perf_counter()
        matcher.prepare(suite.entries)
        run.cold_starts.append(time.perf_counter() - start)
        if repeat == 0:
            run.index_mib = rss_mib() - before


def evaluate(name: str, config: Config) -> MatcherRun:
    """Run matcher ``name`` over the configured suites (meant for a child process)."""
    run = MatcherRun(name)
    try:
        matcher = make_matcher(name)
    except ImportError as exc:
        run.error = f"not importable: {exc}"
        return run
    run.threshold = matcher.threshold
    wanted = tuple(key for key in config.suites if key != "S6")
    suites = build_suites(config.data, tuple({*wanted, "S1", "S2"}))
    _prepare(matcher, suites["S1"], config, run)
    _speed(matcher, suites, config, run)
    cap = config.cap(name)
    for key in _ORDER:
        if key not in wanted:
            continue
        suite = suites[key]
        if key == "S4":
            matcher.prepare(suite.entries)
        indices = chosen(len(suite.cases), cap, config.seed)
        run.rankings[key] = _timed(matcher, suite, indices, config.limit)
    if "S6" in config.suites:
        _pairs(matcher, config, run)
    run.peak_mib = peak_rss_mib()
    return run


def _pairs(matcher: Matcher, config: Config, run: MatcherRun) -> None:
    cases = pairs(config.data)
    indices = chosen(len(cases), config.case_cap, config.seed)
    start = time.perf_counter()
    for index in indices:
        pair = cases[index]
        run.pair_scores[index] = matcher.pair_score(pair.name1, pair.name2, pair.schema)
    run.pairs_per_second = len(indices) / (time.perf_counter() - start)
