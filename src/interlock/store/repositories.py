"""The store: one engine, one session factory, and the small repositories over them.

``Store.open(url)`` (or ``Store.from_settings(settings)``) migrates the schema to the newest
revision unless told not to, so a node always runs on the schema its code expects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from interlock.model import ParsedMessage
from interlock.settings import Settings
from interlock.store.engine import create_store_engine, engine_from_settings, migrate_engine
from interlock.store.flights import FlightRepository
from interlock.store.matches import MatchRepository
from interlock.store.messages import MessageRepository, mark_status
from interlock.store.schema import (
    BookingRow,
    FlightRow,
    FlightVersionRow,
    MatchRow,
    MessageRow,
    TravelDocumentRow,
    TravellerRow,
)
from interlock.store.schema_alerts import AlertRow
from interlock.store.travellers import BookingRepository, TravellerRepository
from interlock.store.views import MessageStatus
from interlock.store.watchlists import WatchlistRepository
from interlock.store.writer import StoredContent, store_parsed

if TYPE_CHECKING:
    from interlock.access.users import UserRepository
    from interlock.audit.log import AuditLog
    from interlock.screening.pool import ScreeningPool
    from interlock.screening.stored import StoredScreener
    from interlock.stopswitch import StopSwitches

OnStored = Callable[[Session], None]
"""Called in the storing transaction once a message's content is written."""


class Store:
    """The node's store. Repositories: ``messages``, ``flights``, ``travellers``, ``bookings``,
    ``watchlists``, ``matches``, ``users``, ``audit``, ``switches``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.messages = MessageRepository(self.sessions)
        self.flights = FlightRepository(self.sessions)
        self.travellers = TravellerRepository(self.sessions)
        self.bookings = BookingRepository(self.sessions)
        self.watchlists = WatchlistRepository(self.sessions)
        self.matches = MatchRepository(self.sessions)
        # Worker processes that share the screening of large messages (``interlock serve``).
        self.screening_pool: ScreeningPool | None = None

    # The access parts build on the store's tables, so they are imported when first used.
    @cached_property
    def users(self) -> UserRepository:
        """Accounts, sessions and tokens."""
        from interlock.access.users import UserRepository

        return UserRepository(self.sessions)

    @cached_property
    def audit(self) -> AuditLog:
        """The hash-chained audit log."""
        from interlock.audit.log import AuditLog

        return AuditLog(self.sessions)

    @cached_property
    def switches(self) -> StopSwitches:
        """The stop switches (SG-55)."""
        from interlock.stopswitch import StopSwitches

        return StopSwitches(self.sessions)

    @cached_property
    def screener(self) -> StoredScreener:
        """The node's screener over its stored lists, shared by everything using this store
        (built on first use, rebuilt when a list gains a version or an entry is delisted)."""
        from interlock.screening.stored import StoredScreener

        return StoredScreener(self)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        """The store at a SQLAlchemy ``url``, migrated to the newest schema by default."""
        return cls._ready(create_store_engine(url), migrate=migrate)

    @classmethod
    def from_settings(cls, settings: Settings, *, migrate: bool = True) -> Store:
        """The node's store as configured (creates the data folder when missing)."""
        return cls._ready(engine_from_settings(settings), migrate=migrate)

    @classmethod
    def _ready(cls, engine: Engine, *, migrate: bool) -> Store:
        if migrate:
            migrate_engine(engine)
        return cls(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as session:
            yield session

    def store_content(
        self,
        message_id: int,
        parsed: Sequence[ParsedMessage],
        *,
        received_at: datetime,
        parsed_values: dict[str, Any] | None = None,
        on_stored: OnStored | None = None,
    ) -> StoredContent:
        """Write everything the parsed messages carried and mark the message STORED, at once.

        With ``parsed_values`` the message is first marked PARSED (with those column values)
        in the same transaction: one commit instead of two on the hot path. ``on_stored`` is
        called in that transaction once the content is written (ingest stores the travellers'
        screening matches with them; :func:`message_traveller_ids` gives their ids).
        """
        total = StoredContent()
        with self.transaction() as session:
            if parsed_values is not None:
                mark_status(session, message_id, MessageStatus.PARSED, **parsed_values)
            for message in parsed:
                stored = store_parsed(
                    session, message, message_id=message_id, received_at=received_at
                )
                total.travellers += stored.travellers
                total.flight_keys.extend(
                    k for k in stored.flight_keys if k not in total.flight_keys
                )
            if on_stored is not None:
                on_stored(session)
            mark_status(
                session,
                message_id,
                MessageStatus.STORED,
                traveller_count=total.travellers,
                flight_keys=total.flight_keys,
            )
        return total

    def traveller_ids(self, message_id: int) -> list[int]:
        """The ids of the travellers a stored message carried, in message order."""
        with self.sessions() as session:
            return message_traveller_ids(session, message_id)

    def ping(self) -> bool:
        """True when the database answers."""
        with self.engine.connect() as connection:
            return bool(connection.execute(text("SELECT 1")).scalar_one() == 1)

    def summary(self) -> dict[str, int]:
        """Counts for a summary: messages (all, ``messages_<status>``, ``format_<format>``),
        flights, flight versions, travellers, travel documents, bookings, matches, alerts (all
        and ``alerts_<status>``)."""
        with self.sessions() as session:
            counts = {
                "messages": _count(session, MessageRow.id),
                **{f"messages_{s.value}": 0 for s in MessageStatus},
            }
            for column, prefix in ((MessageRow.status, "messages"), (MessageRow.format, "format")):
                query = select(column, func.count()).where(column.is_not(None)).group_by(column)
                for value, number in session.execute(query):
                    counts[f"{prefix}_{value}"] = number
            counts["flights"] = _count(session, FlightRow.id)
            counts["flight_versions"] = _count(session, FlightVersionRow.id)
            counts["travellers"] = _count(session, TravellerRow.id)
            counts["travel_documents"] = _count(session, TravelDocumentRow.id)
            counts["bookings"] = _count(session, BookingRow.id)
            counts["matches"] = _count(session, MatchRow.id)
            counts["alerts"] = _count(session, AlertRow.id)
            by_status = select(AlertRow.status, func.count()).group_by(AlertRow.status)
            for status, number in session.execute(by_status.order_by(AlertRow.status)):
                counts[f"alerts_{status}"] = number
            return counts

    def dispose(self) -> None:
        """Stop the screening workers, if any, and close every pooled connection."""
        if self.screening_pool is not None:
            self.screening_pool.close()
            self.screening_pool = None
        self.engine.dispose()


def _count(session: Session, column: InstrumentedAttribute[int]) -> int:
    return int(session.execute(select(func.count(column))).scalar_one())


def message_traveller_ids(session: Session, message_id: int) -> list[int]:
    """The ids of a message's travellers in the order they were written (ids are handed out
    in insertion order, see :mod:`interlock.store.bulk`)."""
    query = select(TravellerRow.id).where(TravellerRow.message_id == message_id)
    return list(session.execute(query.order_by(TravellerRow.id)).scalars())
