"""The watchlists a screening run uses: files in any supported format, or lists in the node's
store by name (their active entries only, SG-18)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from interlock.errors import NotFoundError
from interlock.model import Issue
from interlock.watchlists.model import ListInfo, ListType, WatchlistEntry

if TYPE_CHECKING:
    from interlock.store import Store


@dataclass(slots=True)
class LoadedLists:
    """Entries of every list asked for, each list's registry record when known, the problems
    the readers skipped past."""

    entries: list[WatchlistEntry] = field(default_factory=list)
    infos: dict[str, ListInfo | None] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def sought(self) -> list[str]:
        """Lists of persons sought or under alert: the only ones PNR is screened against
        (SG-17). A list whose type is not known is not among them."""
        return [name for name, info in self.infos.items() if _is_sought(info)]


def _is_sought(info: ListInfo | None) -> bool:
    return info is not None and info.list_type is ListType.SOUGHT


def load_lists(
    specs: Sequence[str], *, today: date, open_store: Callable[[], Store]
) -> LoadedLists:
    """Each spec is a file or folder in a supported watchlist format, or the name of a list in
    the node's store (opened with ``open_store`` only when a spec is not a path)."""
    loaded = LoadedLists()
    store: Store | None = None
    for spec in specs:
        path = Path(spec)
        if path.exists():
            _load_file(loaded, path)
            continue
        store = store or open_store()
        _load_stored(loaded, store, spec, today)
    if store is not None:
        store.dispose()
    return loaded


def _load_file(loaded: LoadedLists, path: Path) -> None:
    from interlock.watchlists.detect import read_watchlist

    read = read_watchlist(path)
    loaded.entries.extend(read.entries)
    loaded.issues.extend(read.issues)
    for name in {entry.list_name for entry in read.entries} or {read.info.name}:
        loaded.infos[name] = read.info if name == read.info.name else None


def _load_stored(loaded: LoadedLists, store: Store, name: str, today: date) -> None:
    stored = store.watchlists.get(name, today=today)
    if stored is None:
        raise NotFoundError(f"{name}: no such file, and no list of that name in the node's store")
    loaded.entries.extend(store.watchlists.active_entries(name, today))
    loaded.infos[name] = stored.info
