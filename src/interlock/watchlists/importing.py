"""Import a list file into the node's store as its next version, then retro-screen: what
``interlock watchlist import`` does, for the command line and the demo alike.

The file's format is detected (:func:`~interlock.watchlists.detect.read_watchlist`). A new list
is registered with its owner and legal basis (SG-17); options given for a stored list update
its registry record. The same file as the current version changes nothing. When the version
adds or changes entries, the travellers already stored on flights of the retro-screening
window are screened against those entries (:mod:`interlock.screening.retro`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from interlock.watchlists.model import ListInfo, ListType

if TYPE_CHECKING:
    from interlock.screening.retro import RetroSummary
    from interlock.settings import Settings
    from interlock.store import Store
    from interlock.store.watchlist_views import VersionSummary

Status = Callable[[str], AbstractContextManager[object]]
"""Shows what a long step is doing while it runs (the command line's spinner)."""


@dataclass(frozen=True, slots=True)
class ListImport:
    """What importing one file did: the registry record it was imported under, the detected
    format, the version summary, and the retro-screening (None when none was needed)."""

    record: ListInfo
    format: str
    summary: VersionSummary
    retro: RetroSummary | None


def import_list(
    store: Store,
    path: Path,
    *,
    name: str | None = None,
    owner: str | None = None,
    legal_basis: str | None = None,
    list_type: ListType | None = None,
    description: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    status: Status | None = None,
) -> ListImport:
    """Import ``path`` as the next version of a list (``name``, default: the format's or the
    file's) and retro-screen the stored travellers against what it added or changed, at
    ``now`` (default: the clock). Raises the reader's ``ParseError`` / ``UnknownFormatError``
    for an unreadable file and ``RegistryError`` for a new list without owner or legal basis.
    """
    from interlock.screening.retro import retro_screen
    from interlock.watchlists.detect import read_watchlist
    from interlock.watchlists.registry import import_record
    from interlock.watchlists.versions import source_digest

    show = status or (lambda _text: nullcontext())
    with show(f"reading {path}"):
        read = read_watchlist(path)
    from_file = replace(read.info, name=name or read.info.name)
    stored = store.watchlists.get(from_file.name)
    record, register = import_record(
        from_file, stored.info if stored else None, owner=owner, legal_basis=legal_basis,
        list_type=list_type, description=description,
    )  # fmt: skip
    if register:
        store.watchlists.register(record)
    summary = store.watchlists.import_version(
        record, read.entries, source_name=path.name, sha256=source_digest(path),
        issues=read.issues,
    )  # fmt: skip
    retro: RetroSummary | None = None
    if not summary.duplicate and (summary.added or summary.changed):
        with show("retro-screening stored travellers"):
            at = now or datetime.now(UTC)
            retro = retro_screen(store, record.name, summary.version, now=at, settings=settings)
    return ListImport(record, read.format, summary, retro)


def retro_line(retro: RetroSummary) -> str:
    """One line on what a retro-screening did."""
    return (
        f"retro-screening: {retro.travellers} travellers on flights departing "
        f"{retro.window_start} to {retro.window_end} screened against {retro.entries} new or "
        f"changed entries: {retro.matches} matches raised"
    )
