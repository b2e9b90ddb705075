"""Recording a new version of a list, and rebuilding the entries of an earlier one.

A version compares the imported entries with those on the list by ``entry_id`` and content
hash. New entries go in with one bulk insert (COPY on PostgreSQL), changed, removed and
re-listed ones with one executemany update, and every change gets a ``watchlist_changes`` row
keeping the entry as it was before; so any version can be rebuilt from the current entries by
undoing the later changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from interlock.model.travel import Issue
from interlock.store.bulk import insert_rows
from interlock.store.schema import (
    WatchlistChangeRow,
    WatchlistEntryRow,
    WatchlistRow,
    WatchlistVersionRow,
)
from interlock.store.watchlist_views import VersionSummary
from interlock.watchlists.model import EntryStatus, WatchlistEntry
from interlock.watchlists.versions import content_hash, entry_from_json, entry_to_json

ENTRIES: Table = WatchlistEntryRow.__table__  # type: ignore[assignment]
CHANGES: Table = WatchlistChangeRow.__table__  # type: ignore[assignment]
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
_DELISTED = EntryStatus.DELISTED.value


@dataclass(slots=True)
class _Known:
    """What a re-import needs of an entry already stored."""

    row_id: int
    content_hash: str
    removed_in_version: int | None
    manual_status: str | None


@dataclass(slots=True)
class _Plan:
    version: int
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    needs_before: dict[int, str] = field(default_factory=dict)  # row id -> entry_id
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((ADDED, REMOVED, CHANGED, "unchanged"), 0)
    )


def effective_status(listed_status: str, manual_status: str | None) -> str:
    """Delisted when the list says so or someone delisted the entry by hand (SG-18)."""
    return _DELISTED if _DELISTED in (listed_status, manual_status) else EntryStatus.ACTIVE.value


def record_version(
    session: Session,
    watchlist: WatchlistRow,
    version: WatchlistVersionRow,
    entries: list[WatchlistEntry],
) -> VersionSummary:
    """Apply ``entries`` as ``version`` of ``watchlist`` (the version row is added here)."""
    plan = _plan(_known(session, watchlist.id), entries, watchlist.id, version.version)
    for name in (ADDED, REMOVED, CHANGED, "unchanged"):
        setattr(version, name, plan.counts[name])
    session.add(version)
    session.flush()
    before = _data_of(session, list(plan.needs_before))
    for change in plan.changes:
        change["version_id"] = version.id
        change["before"] = before.get(change.pop("row_id"))
    insert_rows(session, ENTRIES, plan.inserts)
    if plan.updates:
        session.execute(update(WatchlistEntryRow), plan.updates)
    insert_rows(session, CHANGES, plan.changes)
    watchlist.current_version = version.version
    counts = plan.counts
    return VersionSummary(
        version.version, counts[ADDED], counts[REMOVED], counts[CHANGED], counts["unchanged"]
    )


def _known(session: Session, watchlist_id: int) -> dict[str, _Known]:
    query = select(
        WatchlistEntryRow.entry_id,
        WatchlistEntryRow.id,
        WatchlistEntryRow.content_hash,
        WatchlistEntryRow.removed_in_version,
        WatchlistEntryRow.manual_status,
    ).where(WatchlistEntryRow.watchlist_id == watchlist_id)
    return {entry_id: _Known(*rest) for entry_id, *rest in session.execute(query)}


def _plan(
    known: dict[str, _Known], entries: list[WatchlistEntry], watchlist_id: int, version: int
) -> _Plan:
    plan = _Plan(version)
    for entry in entries:
        data = entry_to_json(entry)
        digest = content_hash(entry)
        old = known.pop(entry.entry_id, None)
        if old is None:
            plan.inserts.append(_new_row(entry, data, digest, watchlist_id, version))
            _change(plan, ADDED, entry.entry_id, None, digest, None)
        elif old.removed_in_version is not None:  # back on the list
            plan.updates.append(_updated_row(old, entry, data, digest, version))
            _change(plan, ADDED, entry.entry_id, None, digest, None)
        elif old.content_hash != digest:
            plan.updates.append(_updated_row(old, entry, data, digest, version))
            _change(plan, CHANGED, entry.entry_id, old, digest, old.row_id)
        else:
            plan.counts["unchanged"] += 1
    for entry_id, old in known.items():
        if old.removed_in_version is None:
            plan.updates.append(
                {"id": old.row_id, "status": _DELISTED, "removed_in_version": version}
            )
            _change(plan, REMOVED, entry_id, old, None, old.row_id)
    return plan


def _change(
    plan: _Plan,
    change: str,
    entry_id: str,
    old: _Known | None,
    after_hash: str | None,
    before_row: int | None,
) -> None:
    plan.counts[change] += 1
    if before_row is not None:
        plan.needs_before[before_row] = entry_id
    plan.changes.append(
        {
            "entry_id": entry_id,
            "change": change,
            "before_hash": old.content_hash if old else None,
            "after_hash": after_hash,
            "row_id": before_row,
        }
    )


def _new_row(
    entry: WatchlistEntry, data: dict[str, Any], digest: str, watchlist_id: int, version: int
) -> dict[str, Any]:
    return {
        "watchlist_id": watchlist_id,
        "entry_id": entry.entry_id,
        **_content(entry, data, digest, None),
        "first_version": version,
        "last_changed_version": version,
        "removed_in_version": None,
    }


def _updated_row(
    old: _Known, entry: WatchlistEntry, data: dict[str, Any], digest: str, version: int
) -> dict[str, Any]:
    content = _content(entry, data, digest, old.manual_status)
    return {
        "id": old.row_id,
        **content,
        "last_changed_version": version,
        "removed_in_version": None,
    }


def _content(
    entry: WatchlistEntry, data: dict[str, Any], digest: str, manual_status: str | None
) -> dict[str, Any]:
    return {
        "kind": entry.kind.value,
        "status": effective_status(entry.status.value, manual_status),
        "review_by": entry.review_by,
        "nominating_source": entry.nominating_source,
        "reason": entry.reason,
        "data": data,
        "content_hash": digest,
    }


def _data_of(session: Session, row_ids: list[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(row_ids), 1000):
        chunk = row_ids[start : start + 1000]
        query = select(WatchlistEntryRow.id, WatchlistEntryRow.data)
        rows = session.execute(query.where(WatchlistEntryRow.id.in_(chunk)))
        found.update(rows.tuples().all())
    return found


def entries_at(session: Session, watchlist: WatchlistRow, version: int) -> list[WatchlistEntry]:
    """The entries of ``watchlist`` as ``version`` left them (0: none), by entry id; their
    status is the one the list gave."""
    if version <= 0:
        return []
    current = select(WatchlistEntryRow.entry_id, WatchlistEntryRow.data).where(
        WatchlistEntryRow.watchlist_id == watchlist.id,
        WatchlistEntryRow.removed_in_version.is_(None),
    )
    state: dict[str, dict[str, Any]] = dict(session.execute(current).tuples().all())
    later = (
        select(WatchlistChangeRow.entry_id, WatchlistChangeRow.change, WatchlistChangeRow.before)
        .join(WatchlistVersionRow, WatchlistVersionRow.id == WatchlistChangeRow.version_id)
        .where(WatchlistVersionRow.watchlist_id == watchlist.id)
        .where(WatchlistVersionRow.version > version)
        .order_by(WatchlistVersionRow.version.desc())
    )
    for entry_id, change, before in session.execute(later):
        if change == ADDED:
            state.pop(entry_id, None)
        elif before is not None:
            state[entry_id] = before
    return [entry_from_json(state[entry_id]) for entry_id in sorted(state)]


def version_row(
    watchlist: WatchlistRow,
    *,
    source_name: str,
    sha256: str,
    refreshed_on: date | None,
    issues: list[Issue],
    now: datetime,
) -> WatchlistVersionRow:
    """The row of the next version of ``watchlist`` (counts filled by :func:`record_version`)."""
    return WatchlistVersionRow(
        watchlist_id=watchlist.id,
        version=watchlist.current_version + 1,
        imported_at=now,
        source_name=source_name,
        sha256=sha256,
        refreshed_on=refreshed_on,
        issues=[issue.to_dict() for issue in issues],
    )
