"""The node's screener over the lists in its store, kept current.

Building a screener indexes every active entry once; checking whether it is still current costs
one small query per request: each list's current version and the last status decision taken by
hand (a delisting must stop matches at once, SG-18). When either moved, the screener is rebuilt.
"""

from __future__ import annotations

import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, null, select, union_all

from interlock.errors import NotFoundError
from interlock.screening.screen import Screener
from interlock.store.schema import WatchlistRow, WatchlistStatusChangeRow
from interlock.watchlists.model import WatchlistEntry

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from interlock.store import Store

Fingerprint = tuple[tuple[tuple[str, int], ...], int]


@dataclass(slots=True)
class Snapshot:
    """A screener over the active entries of the stored lists as of ``fingerprint``."""

    screener: Screener
    fingerprint: Fingerprint
    entries: dict[tuple[str, str], WatchlistEntry] = field(default_factory=dict)

    @property
    def lists(self) -> list[str]:
        """The names of the stored lists, in name order."""
        return [name for name, _version in self.fingerprint[0]]

    def entry(self, list_name: str, entry_id: str) -> WatchlistEntry | None:
        return self.entries.get((list_name, entry_id))

    def check_lists(self, names: Collection[str]) -> None:
        """Raise :class:`NotFoundError` for a list name the store does not hold."""
        unknown = sorted(set(names) - set(self.lists))
        if unknown:
            raise NotFoundError(f"no watchlist {', '.join(map(repr, unknown))} in this node")


class StoredScreener:
    """Hands out a current :class:`Snapshot`; safe to share between request threads."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def fingerprint(self) -> Fingerprint:
        """Each list's name and current version, and the last status decision's id."""
        with self._store.sessions() as session:
            return stored_fingerprint(session)

    def current(self) -> Snapshot:
        """The snapshot for the store as it is now, rebuilt first when a list changed."""
        fingerprint = self.fingerprint()
        with self._lock:
            if self._snapshot is None or self._snapshot.fingerprint != fingerprint:
                self._snapshot = self._build(fingerprint)
            return self._snapshot

    def _build(self, fingerprint: Fingerprint) -> Snapshot:
        active = self._store.watchlists.active_entries(None, date.today())
        entries = {(entry.list_name, entry.entry_id): entry for entry in active}
        return Snapshot(Screener(entries.values()), fingerprint, entries)


def stored_fingerprint(session: Session) -> Fingerprint:
    """The lists' fingerprint (each list's name and current version, the last status
    decision's id), read in the caller's transaction in one statement; lists in Python's name
    order (the database's collation may differ)."""
    lists = select(WatchlistRow.name, WatchlistRow.current_version)
    decided = select(null(), func.coalesce(func.max(WatchlistStatusChangeRow.id), 0))
    versions: list[tuple[str, int]] = []
    last = 0
    for name, number in session.execute(union_all(lists, decided)):
        if name is None:
            last = int(number)
        else:
            versions.append((str(name), int(number)))
    return tuple(sorted(versions)), last
