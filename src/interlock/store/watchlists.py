"""Managed watchlists: the registry of lists (SG-17), their versions and entries (SG-18).

An entry that a new version no longer carries is kept for audit, delisted, with
``removed_in_version`` set; delisted entries and entries past their review-by date are never
handed to screening (:meth:`WatchlistRepository.active_entries`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.errors import NotFoundError
from interlock.model.travel import Issue
from interlock.store.schema import (
    WatchlistChangeRow,
    WatchlistEntryRow,
    WatchlistRow,
    WatchlistStatusChangeRow,
    WatchlistVersionRow,
)
from interlock.store.watchlist_import import (
    ADDED,
    CHANGED,
    effective_status,
    entries_at,
    record_version,
    version_row,
)
from interlock.store.watchlist_views import (
    StatusDecision,
    StoredEntry,
    StoredList,
    VersionInfo,
    VersionSummary,
)
from interlock.watchlists.model import EntryStatus, ListInfo, ListType, WatchlistEntry
from interlock.watchlists.registry import RegistryError, check_registrable
from interlock.watchlists.versions import (
    EntryDiff,
    diff_entries,
    entry_from_json,
    unique_entries,
)


class WatchlistRepository:
    """Register lists, import their versions, and read the entries that may match."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def register(self, info: ListInfo) -> StoredList:
        """Create the list, or update its registry record (owner, legal basis, type,
        description); refused without a known owner and legal basis (SG-17)."""
        check_registrable(info)
        with self._sessions.begin() as session:
            row = _list_row(session, info.name, lock=True)
            if row is None:
                row = WatchlistRow(name=info.name, created_at=_now(), current_version=0)
                session.add(row)
            row.owner, row.legal_basis = info.owner, info.legal_basis
            row.list_type, row.description = info.list_type.value, info.description
            session.flush()
            return _stored_list(session, row, date.today())

    def import_version(
        self,
        info: ListInfo,
        entries: Sequence[WatchlistEntry],
        *,
        source_name: str,
        sha256: str,
        issues: Sequence[Issue] = (),
    ) -> VersionSummary:
        """Record ``entries`` as the next version of list ``info.name`` (registered from
        ``info`` when new; an existing registry record is left as it is: see :meth:`register`).

        Idempotent: when ``sha256`` is that of the current version nothing is written and that
        version's summary comes back with ``duplicate`` set. Entry ids repeated in ``entries``
        keep their first entry; the others are recorded as issues of the version.
        """
        with self._sessions.begin() as session:
            return import_version_in(
                session, info, entries, source_name=source_name, sha256=sha256, issues=issues
            )

    def lists(self, *, today: date | None = None) -> list[StoredList]:
        """Every registered list, by name."""
        with self._sessions() as session:
            rows = session.execute(select(WatchlistRow).order_by(WatchlistRow.name)).scalars()
            return [_stored_list(session, row, today or date.today()) for row in rows.all()]

    def get(self, name: str, *, today: date | None = None) -> StoredList | None:
        """The list called ``name``, or None."""
        with self._sessions() as session:
            row = _list_row(session, name)
            return None if row is None else _stored_list(session, row, today or date.today())

    def versions(self, name: str) -> list[VersionInfo]:
        """Every version of the list, oldest first."""
        with self._sessions() as session:
            row = _require(session, name)
            query = (
                select(WatchlistVersionRow)
                .where(WatchlistVersionRow.watchlist_id == row.id)
                .order_by(WatchlistVersionRow.version)
            )
            return [_version_info(v) for v in session.execute(query).scalars()]

    def active_entries(self, name: str | None, today: date) -> list[WatchlistEntry]:
        """The entries that may produce hits on ``today`` (SG-18): active, not past their
        review-by date; of one list, or of every list when ``name`` is None."""
        query = (
            select(WatchlistEntryRow.data)
            .where(_in_force(today))
            .order_by(WatchlistEntryRow.watchlist_id, WatchlistEntryRow.id)
        )
        with self._sessions() as session:
            if name is not None:
                query = query.where(WatchlistEntryRow.watchlist_id == _require(session, name).id)
            return [_active(data) for data in session.execute(query).scalars()]

    def entries_added_in(
        self, name: str, version: int, *, include_changed: bool = False
    ) -> list[WatchlistEntry]:
        """The entries ``version`` added (back) to the list, and with ``include_changed`` those
        it changed, as they are now: ``status`` is the one in force (for retro-screening, keep
        those that are :meth:`~WatchlistEntry.is_active`)."""
        kinds = [ADDED, CHANGED] if include_changed else [ADDED]
        with self._sessions() as session:
            row = _require(session, name)
            ids = (
                select(WatchlistChangeRow.entry_id)
                .join(WatchlistVersionRow, WatchlistVersionRow.id == WatchlistChangeRow.version_id)
                .where(WatchlistVersionRow.watchlist_id == row.id)
                .where(WatchlistVersionRow.version == version)
                .where(WatchlistChangeRow.change.in_(kinds))
            )
            query = _entries_of(row.id).where(WatchlistEntryRow.entry_id.in_(ids))
            return [_in_force_status(e) for e in session.execute(query).scalars()]

    def entry(self, name: str, entry_id: str) -> StoredEntry | None:
        """One entry of the list with its history, or None."""
        with self._sessions() as session:
            row = _require(session, name)
            query = _entries_of(row.id).where(WatchlistEntryRow.entry_id == entry_id)
            found = session.execute(query).scalar_one_or_none()
            return None if found is None else _stored_entry(session, found)

    def entries_at(self, name: str, version: int | None = None) -> list[WatchlistEntry]:
        """The entries as ``version`` of the list carried them (default: the current one;
        0: none), by entry id, with the status the list gave them."""
        with self._sessions() as session:
            row = _require(session, name)
            return entries_at(session, row, _version_of(row, version))

    def diff(self, name: str, from_version: int, to_version: int) -> EntryDiff:
        """What changed between two stored versions of the list (0: the empty list)."""
        with self._sessions() as session:
            row = _require(session, name)
            old = entries_at(session, row, _version_of(row, from_version))
            return diff_entries(old, entries_at(session, row, _version_of(row, to_version)))

    def set_status(self, name: str, entry_id: str, status: EntryStatus, reason: str) -> StoredEntry:
        """Delist an entry by hand (it stops matching at once), or lift such a delisting;
        the decision and its reason are kept (SG-18). A re-import does not undo it."""
        if not reason.strip():
            raise RegistryError(f"{name} {entry_id}: a reason is required to set its status")
        with self._sessions.begin() as session:
            row = _require(session, name)
            query = _entries_of(row.id).where(WatchlistEntryRow.entry_id == entry_id)
            entry = session.execute(query.with_for_update()).scalar_one_or_none()
            if entry is None:
                raise NotFoundError(f"list {name!r} has no entry {entry_id!r}")
            listed = str(entry.data.get("status", EntryStatus.ACTIVE.value))
            if status is EntryStatus.ACTIVE:
                _check_reinstatable(name, entry, listed)
            entry.manual_status = status.value
            entry.status = effective_status(listed, status.value)
            session.add(
                WatchlistStatusChangeRow(
                    entry_row_id=entry.id, status=status.value, reason=reason.strip(), at=_now()
                )
            )
            session.flush()
            return _stored_entry(session, entry)


def _now() -> datetime:
    return datetime.now(UTC)


def _list_row(session: Session, name: str, *, lock: bool = False) -> WatchlistRow | None:
    query = select(WatchlistRow).where(WatchlistRow.name == name)
    return session.execute(query.with_for_update() if lock else query).scalar_one_or_none()


def _require(session: Session, name: str) -> WatchlistRow:
    row = _list_row(session, name)
    if row is None:
        raise NotFoundError(f"no watchlist named {name!r}")
    return row


def _version_of(row: WatchlistRow, version: int | None) -> int:
    if version is None:
        return row.current_version
    if not 0 <= version <= row.current_version:
        raise NotFoundError(
            f"list {row.name!r} has no version {version} (versions 1 to {row.current_version})"
        )
    return version


def _entries_of(watchlist_id: int) -> Select[tuple[WatchlistEntryRow]]:
    return select(WatchlistEntryRow).where(WatchlistEntryRow.watchlist_id == watchlist_id)


def _in_force(today: date) -> ColumnElement[bool]:
    return and_(
        WatchlistEntryRow.status == EntryStatus.ACTIVE.value,
        or_(WatchlistEntryRow.review_by.is_(None), WatchlistEntryRow.review_by >= today),
    )


def _active(data: dict[str, Any]) -> WatchlistEntry:
    entry = entry_from_json(data)
    entry.status = EntryStatus.ACTIVE
    return entry


def _in_force_status(row: WatchlistEntryRow) -> WatchlistEntry:
    entry = entry_from_json(row.data)
    entry.status = EntryStatus(row.status)
    return entry


def _check_reinstatable(name: str, entry: WatchlistEntryRow, listed: str) -> None:
    where = f"{name} {entry.entry_id}"
    if entry.removed_in_version is not None:
        raise RegistryError(f"{where}: not on the list since version {entry.removed_in_version}")
    if listed == EntryStatus.DELISTED.value:
        raise RegistryError(f"{where}: the list itself marks it delisted")


def _version_row(session: Session, watchlist_id: int, version: int) -> WatchlistVersionRow | None:
    query = select(WatchlistVersionRow).where(
        WatchlistVersionRow.watchlist_id == watchlist_id, WatchlistVersionRow.version == version
    )
    return session.execute(query).scalar_one_or_none()


def _summary(row: WatchlistVersionRow, *, duplicate: bool = False) -> VersionSummary:
    issues = [Issue(i.get("location", ""), i.get("reason", "")) for i in row.issues]
    counts = (row.version, row.added, row.removed, row.changed, row.unchanged)
    return VersionSummary(*counts, duplicate=duplicate, issues=issues)


def _version_info(row: WatchlistVersionRow) -> VersionInfo:
    return VersionInfo(
        row.version, row.imported_at, row.source_name, row.sha256, row.refreshed_on, _summary(row)
    )


def _stored_list(session: Session, row: WatchlistRow, today: date) -> StoredList:
    current = _version_row(session, row.id, row.current_version)
    count = select(func.count(WatchlistEntryRow.id)).where(
        WatchlistEntryRow.watchlist_id == row.id, WatchlistEntryRow.removed_in_version.is_(None)
    )
    active = count.where(_in_force(today))
    info = ListInfo(
        row.name,
        row.owner,
        row.legal_basis,
        ListType(row.list_type),
        current.refreshed_on if current else None,
        row.description,
    )
    return StoredList(
        info=info,
        current_version=row.current_version,
        created_at=row.created_at,
        imported_at=current.imported_at if current else None,
        entries=int(session.execute(count).scalar_one()),
        active=int(session.execute(active).scalar_one()),
    )


def _stored_entry(session: Session, row: WatchlistEntryRow) -> StoredEntry:
    entry = _in_force_status(row)
    query = (
        select(WatchlistStatusChangeRow)
        .where(WatchlistStatusChangeRow.entry_row_id == row.id)
        .order_by(WatchlistStatusChangeRow.id)
    )
    decisions = [StatusDecision(d.status, d.reason, d.at) for d in session.execute(query).scalars()]
    return StoredEntry(
        entry, row.first_version, row.last_changed_version, row.removed_in_version, decisions
    )


def import_version_in(
    session: Session,
    info: ListInfo,
    entries: Sequence[WatchlistEntry],
    *,
    source_name: str,
    sha256: str,
    issues: Sequence[Issue] = (),
) -> VersionSummary:
    """:meth:`WatchlistRepository.import_version` inside the caller's transaction (a partner's
    entries arrive in the transaction that stores the message carrying them)."""
    row = _list_row(session, info.name, lock=True)
    if row is None:
        check_registrable(info)
        row = WatchlistRow(
            name=info.name,
            owner=info.owner,
            legal_basis=info.legal_basis,
            list_type=info.list_type.value,
            description=info.description,
            created_at=_now(),
            current_version=0,
        )
        session.add(row)
        session.flush()
    current = _version_row(session, row.id, row.current_version)
    if current is not None and current.sha256 == sha256:
        return _summary(current, duplicate=True)
    noted = list(issues)
    kept = unique_entries(list(entries), noted, list_name=row.name)
    version = version_row(
        row,
        source_name=source_name,
        sha256=sha256,
        refreshed_on=info.refreshed_on,
        issues=noted,
        now=_now(),
    )
    summary = record_version(session, row, version, kept)
    return replace(summary, issues=noted)
