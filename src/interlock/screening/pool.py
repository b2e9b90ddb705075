"""Screening on more than one core while the node serves (``interlock serve``).

Screening is CPU work in Python: one process screens about 5,000 travellers a second against
the UN and OFAC lists, so a 300-passenger manifest spends most of its time there. The node's
other core is idle meanwhile. A :class:`ScreeningPool` keeps worker processes that open the
same store and hold their own screener over its lists; ingest hands a worker part of a
message's travellers and screens the rest itself, at the same time.

A worker screens only with the lists exactly as the caller saw them: the caller sends the
fingerprint of its snapshot (each list's version, the last delisting), and a worker whose
own snapshot differs answers ``None``; the caller then screens that part itself. So a
message is never screened against two different states of the lists.

Workers are started with ``spawn`` (not ``fork``: the node has threads) and build their index
once, on start; they hold no permission and write nothing.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Collection, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING

from interlock.screening.model import Match, Query

if TYPE_CHECKING:
    from interlock.screening.stored import Fingerprint
    from interlock.store import Store

Part = Sequence[tuple[int, Query, frozenset[str] | None]]
"""Travellers to screen: position in the message, the query, the lists (None: all)."""
Found = list[tuple[int, Match]]

MIN_PARALLEL = 48
"""Messages with fewer travellers than this are screened in one process (not worth a hop)."""

_STORE: Store | None = None


def _start_worker(url: str) -> None:
    """Open the store in the worker and build the screener's index before the first call."""
    global _STORE
    from interlock.runtime import settle_heap
    from interlock.store import Store

    _STORE = Store.open(url, migrate=False)
    _STORE.screener.current()
    settle_heap()


def _screen_part(
    fingerprint: Fingerprint, part: Part, threshold: float, limit: int
) -> Found | None:
    """In a worker: screen ``part`` with the snapshot of ``fingerprint``, or None when this
    worker's lists are not in that state."""
    if _STORE is None:  # pragma: no cover - the initializer always ran
        return None
    snapshot = _STORE.screener.current()
    if snapshot.fingerprint != fingerprint:
        return None
    screener = snapshot.screener
    found: Found = []
    for position, query, lists in part:
        matches = screener.screen(query, threshold=threshold, limit=limit, lists=lists)
        found.extend((position, match) for match in matches)
    return found


class ScreeningPool:
    """Worker processes that screen parts of messages for the node (see the module
    docstring). ``workers``: how many; ``url``: the store they open."""

    def __init__(self, url: str, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError("a screening pool needs at least one worker")
        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(url,),
        )

    def warm(self) -> None:
        """Start every worker now (each builds its index), not on the first message."""
        futures = [self._executor.submit(_noop) for _ in range(self.workers)]
        for future in futures:
            future.result()

    def submit(
        self, fingerprint: Fingerprint, part: Part, *, threshold: float, limit: int
    ) -> Future[Found | None]:
        """Screen ``part`` in a worker; the future gives its matches, or None (see above)."""
        return self._executor.submit(_screen_part, fingerprint, part, threshold, limit)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _noop() -> None:
    """Nothing: a first task makes a worker run its initializer."""


def split(part: Part, workers: int) -> tuple[Part, list[Part]]:
    """The share the caller keeps and one share per worker, in message order."""
    shares = workers + 1
    size = -(-len(part) // shares)
    pieces = [part[i * size : (i + 1) * size] for i in range(shares)]
    return pieces[0], [piece for piece in pieces[1:] if piece]


def lists_or_none(lists: Collection[str] | None) -> frozenset[str] | None:
    return None if lists is None else frozenset(lists)
