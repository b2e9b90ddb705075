"""The store's tables, as SQLAlchemy 2 typed ORM classes.

One received message is kept whole (raw bytes, sha256) with its status and status history.
What it carried is stored beside it: flights with one *version* per received manifest, the
travellers and their documents, and bookings (one row per PNR push, see :class:`BookingRow`).
Every row points back to the message it came from.

Timestamps of receipt are UTC; leg times are the local times the carrier reported.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every engine (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table; constraint names follow :data:`NAMING`."""

    metadata = MetaData(naming_convention=NAMING)


class MessageRow(Base):
    """A received message: the raw bytes as received and what became of them."""

    __tablename__ = "message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    sender: Mapped[str | None] = mapped_column(String)
    source: Mapped[str] = mapped_column(String, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    size: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(16), index=True)
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    dropped_elements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    flight_keys: Mapped[list[Any]] = mapped_column(JSON, default=list)
    traveller_count: Mapped[int] = mapped_column(Integer, default=0)
    # Travellers compared with at least one list when the message was stored (SG-60).
    screened: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MessageStatusRow(Base):
    """Append-only history of a message's status changes, with the reason where there is one."""

    __tablename__ = "message_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("message.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)


class FlightRow(Base):
    """A flight identified across re-sent manifests by ``key`` (carrier, number, day)."""

    __tablename__ = "flight"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String, unique=True)
    carrier: Mapped[str] = mapped_column(String)
    number: Mapped[str] = mapped_column(String)
    departure_date: Mapped[date | None] = mapped_column(Date, index=True)
    origin: Mapped[str | None] = mapped_column(String)
    destination: Mapped[str | None] = mapped_column(String)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FlightVersionRow(Base):
    """One received manifest of a flight. ``is_current`` marks the latest of its manifest kind."""

    __tablename__ = "flight_version"
    __table_args__ = (UniqueConstraint("flight_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flight_id: Mapped[int] = mapped_column(ForeignKey("flight.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    manifest: Mapped[str] = mapped_column(String, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    traveller_count: Mapped[int] = mapped_column(Integer, default=0)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class FlightLegRow(Base):
    """A leg of a flight as reported in one manifest version, in order (``position``)."""

    __tablename__ = "flight_leg"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flight_version_id: Mapped[int] = mapped_column(
        ForeignKey("flight_version.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    carrier: Mapped[str] = mapped_column(String)
    number: Mapped[str] = mapped_column(String)
    departure_airport: Mapped[str | None] = mapped_column(String)
    arrival_airport: Mapped[str | None] = mapped_column(String)
    departure: Mapped[datetime | None] = mapped_column(DateTime)
    arrival: Mapped[datetime | None] = mapped_column(DateTime)


class BookingRow(Base):
    """One PNR push. Every push is kept as a version of (carrier, record locator); the latest
    push is ``is_current``. Payment card numbers are masked before they reach this table."""

    __tablename__ = "booking"
    __table_args__ = (UniqueConstraint("carrier", "record_locator", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carrier: Mapped[str] = mapped_column(String)
    record_locator: Mapped[str] = mapped_column(String)
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    flight_id: Mapped[int | None] = mapped_column(ForeignKey("flight.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created: Mapped[date | None] = mapped_column(Date)
    traveller_count: Mapped[int] = mapped_column(Integer, default=0)
    travel_agent: Mapped[str | None] = mapped_column(String)
    itinerary: Mapped[list[Any]] = mapped_column(JSON, default=list)
    payments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    contacts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    ticket_numbers: Mapped[list[Any]] = mapped_column(JSON, default=list)
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)


class TravellerRow(Base):
    """A person as carried by one message: on a flight version, a booking, or neither."""

    __tablename__ = "traveller"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    flight_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("flight_version.id", ondelete="CASCADE"), index=True
    )
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="CASCADE"), index=True
    )
    surname: Mapped[str] = mapped_column(String, index=True)
    given_names: Mapped[str] = mapped_column(String, default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_date_precision: Mapped[str] = mapped_column(String, default="day")
    sex: Mapped[str | None] = mapped_column(String)
    nationality: Mapped[str | None] = mapped_column(String)
    role: Mapped[str] = mapped_column(String)
    infant: Mapped[bool] = mapped_column(Boolean, default=False)
    record_locator: Mapped[str | None] = mapped_column(String)
    reference: Mapped[str | None] = mapped_column(String)
    seat: Mapped[str | None] = mapped_column(String)
    residence_country: Mapped[str | None] = mapped_column(String)
    birth_place: Mapped[str | None] = mapped_column(String)
    embarkation: Mapped[str | None] = mapped_column(String)
    debarkation: Mapped[str | None] = mapped_column(String)
    address: Mapped[str | None] = mapped_column(Text)
    contacts: Mapped[list[Any]] = mapped_column(JSON, default=list)
    frequent_flyer: Mapped[list[Any]] = mapped_column(JSON, default=list)


class TravelDocumentRow(Base):
    """A travel document of a stored traveller."""

    __tablename__ = "travel_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    traveller_id: Mapped[int] = mapped_column(
        ForeignKey("traveller.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String)
    number: Mapped[str] = mapped_column(String, index=True)
    issuing_country: Mapped[str | None] = mapped_column(String)
    expiry: Mapped[date | None] = mapped_column(Date)
    issue_date: Mapped[date | None] = mapped_column(Date)


Index("ix_flight_version_flight_current", FlightVersionRow.flight_id, FlightVersionRow.is_current)
Index("ix_booking_locator", BookingRow.carrier, BookingRow.record_locator)


class WatchlistRow(Base):
    """A managed watchlist and its registry record (SG-17): owner, legal basis, what it holds."""

    __tablename__ = "watchlists"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    owner: Mapped[str] = mapped_column(String)
    legal_basis: Mapped[str] = mapped_column(Text)
    list_type: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    current_version: Mapped[int] = mapped_column(Integer, default=0)


class WatchlistVersionRow(Base):
    """One imported publication of a list: the file it came from and what it changed."""

    __tablename__ = "watchlist_versions"
    __table_args__ = (UniqueConstraint("watchlist_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    source_name: Mapped[str] = mapped_column(String)
    sha256: Mapped[str] = mapped_column(String(64))
    refreshed_on: Mapped[date | None] = mapped_column(Date)
    added: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    issues: Mapped[list[Any]] = mapped_column(JSON, default=list)


class WatchlistEntryRow(Base):
    """An entry of a list as last imported (``data``: the whole entry as JSON). An entry gone
    from the list is kept for audit: ``status`` delisted, ``removed_in_version`` set (SG-18).
    ``manual_status`` is the last decision taken by hand (see ``watchlist_status_changes``)."""

    __tablename__ = "watchlist_entries"
    __table_args__ = (UniqueConstraint("watchlist_id", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    watchlist_id: Mapped[int] = mapped_column(ForeignKey("watchlists.id", ondelete="CASCADE"))
    entry_id: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    manual_status: Mapped[str | None] = mapped_column(String(16))
    review_by: Mapped[date | None] = mapped_column(Date)
    nominating_source: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_version: Mapped[int] = mapped_column(Integer)
    last_changed_version: Mapped[int] = mapped_column(Integer)
    removed_in_version: Mapped[int | None] = mapped_column(Integer)


class WatchlistChangeRow(Base):
    """What one version did to one entry: added, removed or changed. ``before`` is the entry as
    it was (changed and removed entries), so any earlier version can be rebuilt."""

    __tablename__ = "watchlist_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("watchlist_versions.id", ondelete="CASCADE"), index=True
    )
    entry_id: Mapped[str] = mapped_column(String)
    change: Mapped[str] = mapped_column(String(16))
    before_hash: Mapped[str | None] = mapped_column(String(64))
    after_hash: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class WatchlistStatusChangeRow(Base):
    """Append-only record of an entry's status set by hand, with the reason (SG-18)."""

    __tablename__ = "watchlist_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_row_id: Mapped[int] = mapped_column(
        ForeignKey("watchlist_entries.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


Index("ix_watchlist_entries_list_status", WatchlistEntryRow.watchlist_id, WatchlistEntryRow.status)


class MatchRow(Base):
    """A watchlist entry that scored at or above the screening threshold for a stored traveller,
    found when the traveller was ingested (``reason`` ingest) or when the list later gained or
    changed the entry (retro). One row per traveller, list and entry; alerts are built on it."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("traveller_id", "list_name", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    traveller_id: Mapped[int] = mapped_column(ForeignKey("traveller.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), index=True)
    flight_key: Mapped[str | None] = mapped_column(String, index=True)
    list_name: Mapped[str] = mapped_column(String)
    list_version: Mapped[int] = mapped_column(Integer)
    entry_id: Mapped[str] = mapped_column(String)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(16))
    matched_name: Mapped[str] = mapped_column(String, default="")
    explanations: Mapped[list[Any]] = mapped_column(JSON, default=list)
    screened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(String(16))


Index("ix_matches_list_entry", MatchRow.list_name, MatchRow.entry_id)
