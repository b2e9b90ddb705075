"""Quality and speed measures from rankings and scores: pure functions, no matcher inside."""

from __future__ import annotations

import math
import os
import resource
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.screening.matchers import Ranking

_TIE = 1e-9


@dataclass(frozen=True, slots=True)
class RankStats:
    """How a matcher ranked a suite's cases.

    ``recall``: share of cases whose right entry scored at or above the threshold.
    ``top1``: share ranked first; ties at the top share the credit (1/k when k entries tie).
    ``others_above``: mean count of other entries at or above the threshold per query.
    ``alerts_per_1000``: queries with any entry at or above the threshold, per 1,000.
    """

    n: int
    recall: float
    top1: float
    others_above: float
    alerts_per_1000: float


def top1_credit(ranking: Ranking, answers: frozenset[str]) -> float:
    """1 when a right entry alone scores highest, 1/k when k entries tie there, else 0."""
    if not ranking or ranking[0][1] <= 0.0:
        return 0.0
    best = ranking[0][1]
    tied = [entry_id for entry_id, score in ranking if score >= best - _TIE]
    return sum(1 for entry_id in tied if entry_id in answers) / len(tied)


def rank_stats(
    answers: Sequence[frozenset[str]], rankings: Sequence[Ranking], threshold: float
) -> RankStats:
    """Recall at ``threshold``, top-1, other entries above it, alerts (see :class:`RankStats`)."""
    n = len(rankings)
    if n == 0:
        return RankStats(0, math.nan, math.nan, math.nan, math.nan)
    found = top = others = alerts = 0.0
    for right, ranking in zip(answers, rankings, strict=True):
        above = [entry_id for entry_id, score in ranking if score >= threshold - _TIE]
        found += any(entry_id in right for entry_id in above)
        others += sum(1 for entry_id in above if entry_id not in right)
        alerts += bool(above)
        top += top1_credit(ranking, right)
    return RankStats(n, found / n, top / n, others / n, 1000.0 * alerts / n)


@dataclass(frozen=True, slots=True)
class PairStats:
    """Precision, recall and F1 of pair decisions (score at or above the threshold)."""

    n: int
    precision: float
    recall: float
    f1: float


def pair_stats(labels: Sequence[bool], predicted: Sequence[bool]) -> PairStats:
    """Precision, recall and F1 of ``predicted`` against ``labels``."""
    tp = sum(1 for label, guess in zip(labels, predicted, strict=True) if label and guess)
    fp = sum(1 for label, guess in zip(labels, predicted, strict=True) if guess and not label)
    fn = sum(1 for label, guess in zip(labels, predicted, strict=True) if label and not guess)
    precision = tp / (tp + fp) if tp + fp else math.nan
    recall = tp / (tp + fn) if tp + fn else math.nan
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else math.nan
    return PairStats(len(labels), precision, recall, f1)


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` (0..1) percentile by nearest rank; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def rss_mib() -> float:
    """The process's resident memory now, MiB (Linux ``/proc/self/statm``)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return math.nan
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mib() -> float:
    """The process's peak resident memory so far, MiB (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
