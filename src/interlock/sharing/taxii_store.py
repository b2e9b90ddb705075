"""The TAXII 2.1 store: the STIX object versions a node shares, per API root (one per partner)
and collection, with the ``date_added`` that paging runs on, and the status resources of
objects added. :mod:`interlock.sharing.taxii` serves it over HTTP.

Paging loses nothing because ``date_added`` is strictly increasing within a collection *in
commit order*: a writer takes the collection's lock (a PostgreSQL transaction advisory lock,
or SQLite's single write lock) before it reads the last ``date_added``, and keeps it until it
commits. So two writers never share a value, and no object commits with a ``date_added``
earlier than one a reader has already seen. The ``next`` cursor is ``(date_added, id)`` all the
same, so rows that share a ``date_added`` (stored before this rule) are still paged exactly
once."""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, text, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from interlock.errors import ParseError
from interlock.sharing.stix import NAMESPACE, parse_timestamp
from interlock.store.schema_taxii import TaxiiObjectRow, TaxiiStatusRow
from interlock.store.writer import insert_or_ignore

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
MAX_PAGE = 1000
"""The most objects one response carries; a larger ``limit`` gets this many and ``more``."""
DEFAULT_PAGE = 100
MAX_CONTENT_LENGTH = 10 * 1024 * 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNVERSIONED = "1970-01-01T00:00:00.000000Z"  # objects with neither modified nor created
_LOCK_CLASS = 0x494C4B54  # "ILKT": the PostgreSQL advisory lock class of TAXII collections


class CollectionName(StrEnum):
    """The collections of every API root."""

    ALERTS = "alerts"
    WATCHLIST_ENTRIES = "watchlist-entries"
    SIGHTINGS = "sightings"


_TITLES = {
    CollectionName.ALERTS: "Confirmed hits on the partner's watchlist entries",
    CollectionName.WATCHLIST_ENTRIES: "Watchlist entries and revocations shared with the partner",
    CollectionName.SIGHTINGS: "Sightings and corrections",
}
# What a partner may add, per collection; the others are read-only.
WRITABLE: dict[CollectionName, frozenset[str]] = {
    CollectionName.SIGHTINGS: frozenset(
        {"sighting", "identity", "location", "marking-definition", "extension-definition"}
    ),
}


def collection_id(api_root: str, name: CollectionName) -> str:
    """The stable id of a collection of an API root."""
    return str(uuid.uuid5(NAMESPACE, f"taxii/{api_root}/{name.value}"))


# --- the store ---------------------------------------------------------------------------


def micros(moment: datetime) -> int:
    """``moment`` in microseconds since 1970 (UTC)."""
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def taxii_time(value: int) -> str:
    """A ``date_added`` (microseconds) as a TAXII timestamp with microseconds."""
    return (_EPOCH + timedelta(microseconds=value)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def version_of(obj: Mapping[str, Any], where: str = "object") -> str:
    """The TAXII version of a STIX object: its ``modified`` (else ``created``) in UTC with
    microseconds, so that one version has one spelling and versions sort as text."""
    value = obj.get("modified", obj.get("created"))
    if value is None:
        return _UNVERSIONED
    return parse_timestamp(value, f"{where}.modified").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Added:
    """One object given to :meth:`TaxiiRepository.add`; ``new`` is False for a version the
    collection already held."""

    stix_id: str
    version: str
    date_added: int
    new: bool


@dataclass(frozen=True, slots=True)
class StoredObject:
    row_id: int
    stix_id: str
    version: str
    date_added: int
    object: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ObjectQuery:
    """The filters of Get Objects (TAXII 2.1 section 3.4.2). ``versions`` holds ``last``,
    ``first``, ``all`` or normalised versions; ``after`` is the paging cursor."""

    added_after: int | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    spec_versions: tuple[str, ...] = ()
    limit: int = DEFAULT_PAGE
    after: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Page:
    objects: list[StoredObject]
    more: bool

    @property
    def next(self) -> str | None:
        """The cursor of the next page, when there is one: ``date_added`` and row id of this
        page's last object, so objects sharing a ``date_added`` are neither lost nor repeated."""
        if not self.more or not self.objects:
            return None
        last = self.objects[-1]
        return f"{last.date_added}.{last.row_id}"


class TaxiiRepository:
    """The object versions of every API root and collection, and the add requests' status."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(
        self,
        session: Session,
        api_root: str,
        collection: CollectionName | str,
        objects: Sequence[Mapping[str, Any]],
    ) -> list[Added]:
        """Store the objects in ``session``'s transaction; a version already held is left as
        it was. ``date_added`` grows with every new version added to the collection, and the
        collection stays locked for other writers until the transaction ends."""
        name = CollectionName(collection)
        keys = [_key(obj, f"objects[{i}]") for i, obj in enumerate(objects)]
        _lock_collection(session, api_root, name)
        held = self._held(session, api_root, name, {stix_id for stix_id, _ in keys})
        clock = self._next_added(session, api_root, name)
        result: list[Added] = []
        for obj, key in zip(objects, keys, strict=True):
            if key in held:
                result.append(Added(*key, date_added=held[key], new=False))
                continue
            held[key] = clock
            self._insert(session, api_root, name, obj, key, clock)
            result.append(Added(*key, date_added=clock, new=True))
            clock += 1
        return result

    def page(self, api_root: str, collection: CollectionName, query: ObjectQuery) -> Page:
        """One page of the object versions ``query`` selects, oldest ``date_added`` first."""
        statement = _select(api_root, collection, query)
        with self.sessions() as session:
            rows = session.scalars(statement.limit(query.limit + 1)).all()
        found = [
            StoredObject(r.id, r.stix_id, r.version, r.added_at, r.stix_object)
            for r in rows[: query.limit]
        ]
        return Page(found, more=len(rows) > query.limit)

    def holds(self, api_root: str, collection: CollectionName, stix_id: str) -> bool:
        """Whether any version of ``stix_id`` is in the collection."""
        statement = _scope(select(TaxiiObjectRow.id), api_root, collection).where(
            TaxiiObjectRow.stix_id == stix_id
        )
        with self.sessions() as session:
            return session.execute(statement.limit(1)).first() is not None

    def save_status(
        self,
        session: Session,
        api_root: str,
        collection: CollectionName,
        *,
        requested_by: str,
        resource: dict[str, Any],
    ) -> None:
        """Keep the status resource of an Add Objects request."""
        session.add(
            TaxiiStatusRow(
                id=resource["id"],
                api_root=api_root,
                collection=collection.value,
                requested_by=requested_by,
                requested_at=datetime.now(UTC),
                resource=resource,
            )
        )

    def status(self, api_root: str, status_id: str) -> dict[str, Any] | None:
        """The status resource ``status_id`` of ``api_root``; None if there is none."""
        with self.sessions() as session:
            row = session.get(TaxiiStatusRow, status_id)
            return row.resource if row is not None and row.api_root == api_root else None

    @staticmethod
    def _held(
        session: Session, api_root: str, name: CollectionName, ids: set[str]
    ) -> dict[tuple[str, str], int]:
        held: dict[tuple[str, str], int] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            statement = _scope(
                select(TaxiiObjectRow.stix_id, TaxiiObjectRow.version, TaxiiObjectRow.added_at),
                api_root,
                name,
            ).where(TaxiiObjectRow.stix_id.in_(ordered[start : start + 500]))
            held |= {(s, v): added for s, v, added in session.execute(statement)}
        return held

    @staticmethod
    def _next_added(session: Session, api_root: str, name: CollectionName) -> int:
        # Read under the collection's lock: the last value committed, or our own.
        statement = _scope(select(func.max(TaxiiObjectRow.added_at)), api_root, name)
        last = session.execute(statement).scalar_one_or_none()
        now = micros(datetime.now(UTC))
        return now if last is None else max(now, int(last) + 1)

    @staticmethod
    def _insert(
        session: Session,
        api_root: str,
        name: CollectionName,
        obj: Mapping[str, Any],
        key: tuple[str, str],
        added_at: int,
    ) -> None:
        values = {
            "api_root": api_root,
            "collection": name.value,
            "stix_id": key[0],
            "stix_type": str(obj["type"]),
            "version": key[1],
            "added_at": added_at,
            "stix_object": dict(obj),
        }
        statement = insert_or_ignore(session, TaxiiObjectRow).values(values)
        unique = ["api_root", "collection", "stix_id", "version"]
        session.execute(statement.on_conflict_do_nothing(index_elements=unique))


def _lock_collection(session: Session, api_root: str, name: CollectionName) -> None:
    """Take, until ``session``'s transaction ends, the right to add to the collection: one
    writer at a time reads the last ``date_added`` and commits the next ones."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"{api_root}\x00{name.value}".encode())
        signed = key - (1 << 32) if key >= 1 << 31 else key
        statement = text("SELECT pg_advisory_xact_lock(:cls, :key)")
        session.execute(statement, {"cls": _LOCK_CLASS, "key": signed})
        return
    # SQLite: any write statement, even one that changes no row, takes the database's single
    # write lock, held until commit (a deferred transaction has not read anything before it).
    noop = update(TaxiiObjectRow).where(false()).values(added_at=TaxiiObjectRow.added_at)
    session.execute(noop.execution_options(synchronize_session=False))


def _key(obj: Mapping[str, Any], where: str) -> tuple[str, str]:
    stix_id, stix_type = obj.get("id"), obj.get("type")
    if not isinstance(stix_id, str) or not isinstance(stix_type, str):
        raise ParseError("a STIX object needs a type and an id", location=where)
    return stix_id, version_of(obj, where)


def _scope(statement: Select[Any], api_root: str, name: CollectionName) -> Select[Any]:
    return statement.where(
        TaxiiObjectRow.api_root == api_root, TaxiiObjectRow.collection == name.value
    )


def _select(api_root: str, name: CollectionName, query: ObjectQuery) -> Select[Any]:
    row = TaxiiObjectRow
    statement = _scope(select(row), api_root, name)
    if query.ids:
        statement = statement.where(row.stix_id.in_(query.ids))
    if query.types:
        statement = statement.where(row.stix_type.in_(query.types))
    if query.spec_versions and "2.1" not in query.spec_versions:
        statement = statement.where(false())  # only STIX 2.1 is stored
    if "all" not in query.versions:
        statement = statement.where(or_(*_version_terms(query.versions)))
    if query.added_after is not None:
        statement = statement.where(row.added_at > query.added_after)
    if query.after is not None:
        added, row_id = query.after
        statement = statement.where(
            or_(row.added_at > added, and_(row.added_at == added, row.id > row_id))
        )
    return statement.order_by(row.added_at, row.id)


def _version_terms(versions: tuple[str, ...]) -> list[Any]:
    row, other = TaxiiObjectRow, aliased(TaxiiObjectRow)
    terms: list[Any] = []
    for pick, pick_fn in (("last", func.max), ("first", func.min)):
        if pick in versions:
            chosen = (
                select(pick_fn(other.version))
                .where(
                    other.api_root == row.api_root,
                    other.collection == row.collection,
                    other.stix_id == row.stix_id,
                )
                .scalar_subquery()
            )
            terms.append(row.version == chosen)
    stamps = [v for v in versions if v not in ("last", "first")]
    if stamps:
        terms.append(row.version.in_(stamps))
    return terms
