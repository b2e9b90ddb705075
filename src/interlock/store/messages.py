"""Received messages: recorded first (raw bytes, sha256), then moved through their statuses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from interlock.store.schema import MessageRow, MessageStatusRow
from interlock.store.views import MessageInfo, MessageStatus, StatusChange
from interlock.store.writer import insert_or_ignore


class MessageRepository:
    """Received messages and their status history."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record_received(
        self,
        raw: bytes,
        *,
        sha256: str,
        source: str,
        sender: str | None,
        received_at: datetime,
    ) -> int | None:
        """Store a message as RECEIVED and commit; ``None`` if the same bytes are already here."""
        values: dict[str, Any] = {
            "sha256": sha256,
            "sender": sender,
            "source": source,
            "received_at": received_at,
            "size": len(raw),
            "raw": raw,
            "status": MessageStatus.RECEIVED.value,
            "warnings": [],
            "errors": [],
            "dropped_elements": [],
            "flight_keys": [],
            "traveller_count": 0,
        }
        with self._sessions.begin() as session:
            stmt = insert_or_ignore(session, MessageRow).values(values)
            stmt = stmt.on_conflict_do_nothing(index_elements=["sha256"])
            message_id = session.execute(stmt.returning(MessageRow.id)).scalar_one_or_none()
            if message_id is not None:
                _add_status(session, message_id, MessageStatus.RECEIVED, at=received_at)
        return message_id

    def mark(
        self,
        message_id: int,
        status: MessageStatus,
        *,
        reason: str | None = None,
        **values: Any,
    ) -> None:
        """Move a message to ``status`` (with optional column ``values``) and commit."""
        with self._sessions.begin() as session:
            mark_status(session, message_id, status, reason=reason, **values)

    def get(self, message_id: int) -> MessageInfo | None:
        """The message's metadata and status history, or ``None``."""
        with self._sessions() as session:
            row = session.get(MessageRow, message_id)
            return _info(session, row) if row is not None else None

    def by_sha256(self, sha256: str) -> MessageInfo | None:
        """The message with these bytes' digest, or ``None``."""
        with self._sessions() as session:
            row = session.execute(
                select(MessageRow).where(MessageRow.sha256 == sha256)
            ).scalar_one_or_none()
            return _info(session, row) if row is not None else None

    def raw(self, message_id: int) -> bytes | None:
        """The bytes exactly as received, or ``None``."""
        with self._sessions() as session:
            query = select(MessageRow.raw).where(MessageRow.id == message_id)
            return session.execute(query).scalar_one_or_none()


def mark_status(
    session: Session,
    message_id: int,
    status: MessageStatus,
    *,
    reason: str | None = None,
    **values: Any,
) -> None:
    """Inside the caller's transaction: set the status and append it to the history."""
    session.execute(
        update(MessageRow)
        .where(MessageRow.id == message_id)
        .values(status=status.value, reason=reason, **values)
    )
    _add_status(session, message_id, status, at=datetime.now(UTC), reason=reason)


def _add_status(
    session: Session,
    message_id: int,
    status: MessageStatus,
    *,
    at: datetime,
    reason: str | None = None,
) -> None:
    session.execute(
        insert(MessageStatusRow).values(
            message_id=message_id, status=status.value, at=at, reason=reason
        )
    )


def _info(session: Session, row: MessageRow) -> MessageInfo:
    history = session.execute(
        select(MessageStatusRow)
        .where(MessageStatusRow.message_id == row.id)
        .order_by(MessageStatusRow.id)
    ).scalars()
    return MessageInfo(
        id=row.id,
        sha256=row.sha256,
        sender=row.sender,
        source=row.source,
        received_at=row.received_at,
        size=row.size,
        status=row.status,
        reason=row.reason,
        format=row.format,
        traveller_count=row.traveller_count,
        flights=list(row.flight_keys),
        warnings=list(row.warnings),
        errors=list(row.errors),
        dropped_elements=list(row.dropped_elements),
        history=[StatusChange(h.status, h.at, h.reason) for h in history],
    )
