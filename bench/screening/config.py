"""What a benchmark run covers: suites, sample sizes, repeats, the synthetic scale."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from bench.screening.suites import DATA

ALL_SUITES = ("S1", "S2", "S3", "S4", "S5", "S6")
MATCHERS = ("Interlock", "rapidfuzz", "nomenklatura")
SLOW = frozenset({"nomenklatura"})  # about 10 queries/s brute force on the UN list


@dataclass(frozen=True, slots=True)
class Config:
    """One run's settings (``--quick`` gives a configuration that runs in seconds).

    ``case_cap``: at most this many cases per suite for every matcher (None: all).
    ``slow_cap``: at most this many per suite for the slow reference; the side-by-side figures
    use the cases every matcher ran, the faster matchers' figures on all cases are extra rows.
    ``timing_queries``: queries (drawn from S1 + S2) timed ``repeats`` times for speed.
    ``scale``: names in the synthetic list (0: no scale run); ``scale_queries`` travellers.
    """

    suites: tuple[str, ...] = ALL_SUITES
    matchers: tuple[str, ...] = MATCHERS
    case_cap: int | None = None
    slow_cap: int | None = 5_000
    timing_queries: int = 400
    repeats: int = 3
    limit: int = 25
    scale: int = 1_000_000
    scale_queries: int = 100_000
    planted_share: float = 0.1
    seed: int = 1
    data: Path = DATA
    quick: bool = False

    def cap(self, matcher: str) -> int | None:
        """Cases per suite ``matcher`` runs."""
        caps = [c for c in (self.case_cap, self.slow_cap if matcher in SLOW else None) if c]
        return min(caps) if caps else None


def quick_config(**changes: object) -> Config:
    """A tiny run: a few cases per suite, one repeat, a small synthetic list."""
    settings: dict[str, object] = {
        "case_cap": 40,
        "slow_cap": 12,
        "timing_queries": 20,
        "repeats": 1,
        "scale": 3_000,
        "scale_queries": 600,
        "quick": True,
    }
    return Config(**(settings | changes))  # type: ignore[arg-type]


def chosen(count: int, cap: int | None, seed: int) -> list[int]:
    """The first ``cap`` indices of a seeded shuffle of ``range(count)``, ascending.

    Smaller caps give subsets of larger ones, so every matcher's cases include the slow one's.
    """
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return sorted(order if cap is None else order[:cap])
