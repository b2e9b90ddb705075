"""The matchers compared: Interlock's screener and two references behind one small protocol.

A matcher is prepared with a list, then ranks the list's entries for a query (best first,
with scores in 0..1), and scores a bare name pair for S6. The references score every entry of
the list (brute force): they have no candidate index of their own.
"""

from __future__ import annotations

import heapq
from typing import Protocol

from anyascii import anyascii
from rapidfuzz import fuzz, process

from interlock.screening import DEFAULT_THRESHOLD, Screener, score_entry
from interlock.screening.model import Query
from interlock.watchlists.model import EntryKind, EntryName, WatchlistEntry

Ranking = list[tuple[str, float]]
REFERENCE_THRESHOLD = 0.7  # BENCHMARKS.md §1 measures the references at 0.7
PAIR_LIST = "S6 pairs"


class Matcher(Protocol):
    """What the harness needs from a matcher."""

    name: str
    threshold: float  # the operating threshold: scores at or above it are alerts

    def prepare(self, entries: list[WatchlistEntry]) -> None:
        """Index (or hold) the list; replaces whatever was prepared before."""

    def replace(self, entry: WatchlistEntry) -> None:
        """Put ``entry`` in place of the prepared entry with the same list and id."""

    def query(self, query: Query, limit: int) -> Ranking:
        """Up to ``limit`` (entry id, score) pairs, best first, scores of any value."""

    def alerts(self, query: Query) -> Ranking:
        """The entries at or above the threshold, best first, as an operator would run it."""

    def pair_score(self, name1: str, name2: str, schema: str) -> float:
        """The score of two bare names of the FtM ``schema`` (Person, Company …)."""


ALERT_LIMIT = 10


def above(ranking: Ranking, threshold: float) -> Ranking:
    """The head of a ranking at or above ``threshold``."""
    return [(entry_id, score) for entry_id, score in ranking if score >= threshold]


def pair_kind(schema: str) -> EntryKind:
    """Persons are persons; Company, Organization, LegalEntity and Vessel are entities."""
    return EntryKind.PERSON if schema == "Person" else EntryKind.ENTITY


def fold(text: str) -> str:
    """anyascii-folded and lower-cased."""
    return anyascii(text).lower()


class RapidfuzzMatcher:
    """``token_sort_ratio`` over anyascii-folded, lower-cased names; an entry scores its best
    name. Birth date and nationality are not used."""

    name = "rapidfuzz"
    threshold = REFERENCE_THRESHOLD

    def __init__(self) -> None:
        self._names: dict[str, list[str]] = {}
        self._choices: list[str] = []
        self._owners: list[str] = []
        self._stale = False

    def prepare(self, entries: list[WatchlistEntry]) -> None:
        self._names = {e.entry_id: [fold(n.full) for n in e.names] for e in entries}
        self._flatten()

    def replace(self, entry: WatchlistEntry) -> None:
        self._names[entry.entry_id] = [fold(n.full) for n in entry.names]
        self._stale = True

    def _flatten(self) -> None:
        self._choices = [name for names in self._names.values() for name in names]
        self._owners = [owner for owner, names in self._names.items() for _ in names]
        self._stale = False

    def query(self, query: Query, limit: int) -> Ranking:
        if self._stale:
            self._flatten()
        found = process.extract(
            fold(query.full_name),
            self._choices,
            scorer=fuzz.token_sort_ratio,
            processor=None,
            limit=None,
        )
        best: dict[str, float] = {}
        for _, score, index in found:
            owner = self._owners[index]
            if score > best.get(owner, -1.0):
                best[owner] = score
        top = heapq.nlargest(limit, best.items(), key=lambda item: item[1])
        return [(owner, score / 100.0) for owner, score in top]

    def alerts(self, query: Query) -> Ranking:
        return above(self.query(query, ALERT_LIMIT), self.threshold)

    def pair_score(self, name1: str, name2: str, schema: str) -> float:
        return float(fuzz.token_sort_ratio(fold(name1), fold(name2))) / 100.0


class InterlockMatcher:
    """``interlock.screening.Screener``: its candidate index, its scores, its threshold.

    A replaced entry rebuilds the index before the next query, so the list statistics the
    scores use (word frequencies) are exactly those of the list as changed: ``Screener.remove``
    leaves the removed names counted.
    """

    name = "Interlock"

    def __init__(self) -> None:
        self.threshold = DEFAULT_THRESHOLD
        self._entries: dict[str, WatchlistEntry] = {}
        self._screener = Screener()
        self._stale = False

    def prepare(self, entries: list[WatchlistEntry]) -> None:
        self._entries = {entry.entry_id: entry for entry in entries}
        self._screener = Screener(entries)
        self._stale = False

    def replace(self, entry: WatchlistEntry) -> None:
        self._entries[entry.entry_id] = entry
        self._stale = True

    def _current(self) -> Screener:
        if self._stale:
            self._screener = Screener(self._entries.values())
            self._stale = False
        return self._screener

    def query(self, query: Query, limit: int) -> Ranking:
        matches = self._current().screen(query, threshold=0.0, limit=limit)
        return [(match.entry_id, match.score) for match in matches]

    def alerts(self, query: Query) -> Ranking:
        matches = self._current().screen(query, threshold=self.threshold, limit=ALERT_LIMIT)
        return [(match.entry_id, match.score) for match in matches]

    def pair_score(self, name1: str, name2: str, schema: str) -> float:
        kind = pair_kind(schema)
        entry = WatchlistEntry("pair", PAIR_LIST, kind, names=[EntryName(name2)])
        return score_entry(Query(name=name1, kind=kind), entry).score


def make_matcher(name: str) -> Matcher:
    """A matcher by its name in the results (Interlock, rapidfuzz, nomenklatura)."""
    if name == "Interlock":
        return InterlockMatcher()
    if name == "rapidfuzz":
        return RapidfuzzMatcher()
    if name == "nomenklatura":
        from bench.screening.nomenklatura_matcher import NomenklaturaMatcher

        return NomenklaturaMatcher()
    raise ValueError(f"unknown matcher {name!r}")
