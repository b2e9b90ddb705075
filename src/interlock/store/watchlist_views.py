"""Read models of the managed watchlists: plain frozen records, never live ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from interlock.model.travel import Issue
from interlock.watchlists.model import ListInfo, WatchlistEntry


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """What importing a file did, with the importer's issues. ``duplicate``: the file was
    already the current version, so no version was added; counts and issues are that version's."""

    version: int
    added: int
    removed: int
    changed: int
    unchanged: int
    duplicate: bool = False
    issues: list[Issue] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "duplicate": self.duplicate,
            "issues": [str(issue) for issue in self.issues],
        }


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One stored version of a list."""

    version: int
    imported_at: datetime
    source_name: str
    sha256: str
    refreshed_on: date | None
    summary: VersionSummary


@dataclass(frozen=True, slots=True)
class StoredList:
    """A registered list: its registry record (``info.refreshed_on`` is that of the current
    version), the current version, entries on the list now and how many of them may match."""

    info: ListInfo
    current_version: int
    created_at: datetime
    imported_at: datetime | None
    entries: int
    active: int

    def to_dict(self) -> dict[str, Any]:
        info = self.info
        return {
            "name": info.name,
            "owner": info.owner,
            "legal_basis": info.legal_basis,
            "type": info.list_type.value,
            "description": info.description,
            "refreshed_on": info.refreshed_on.isoformat() if info.refreshed_on else None,
            "version": self.current_version,
            "imported_at": self.imported_at.isoformat() if self.imported_at else None,
            "entries": self.entries,
            "active": self.active,
        }


@dataclass(frozen=True, slots=True)
class StatusDecision:
    """A status set by hand on an entry, with its reason."""

    status: str
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry with its history in the list: ``entry.status`` is the status in force (delisted
    when the list dropped it, the list itself says so, or someone delisted it by hand)."""

    entry: WatchlistEntry
    first_version: int
    last_changed_version: int
    removed_in_version: int | None
    decisions: list[StatusDecision] = field(default_factory=list)
