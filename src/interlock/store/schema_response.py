"""Tables of the rapid response part (migration 0007): the notification outbox.

One row per notification of one recipient about one confirmed alert. The row is written in the
transaction that confirms the alert, so a confirmation never exists without its notifications
(and a rolled-back confirmation sends nothing); delivery reads the rows later, so a node that
stops between the two still sends after a restart. Rows go with their alert
(``ON DELETE CASCADE``), and the alert goes with its traveller when retention deletes it.

The acknowledgement token is kept in plain only until the notification is sent (``ack_token``,
needed to put it in the message, and again on a retry); after that only its SHA-256
(``ack_token_hash``) stays, like the node's API tokens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class NotificationRow(Base):
    """A notification to one recipient: what it says (``payload``, no personal data), where
    it goes, and how far it got: pending → sent → acknowledged, or failed after the last
    attempt, or escalated when nobody acknowledged in time."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(
            "(alert_id IS NULL) <> (case_id IS NULL)", name="ck_notifications_one_subject"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # of an alert, or of a case (a partner's hit on one of this node's entries): one is set
    alert_id: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    playbook: Mapped[str] = mapped_column(String)
    recipient: Mapped[str] = mapped_column(String)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    acked_by: Mapped[str | None] = mapped_column(String)
    ack_token: Mapped[str | None] = mapped_column(String)
    ack_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    escalate_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalate_to: Mapped[list[Any]] = mapped_column(JSON, default=list)
    escalated_from: Mapped[int | None] = mapped_column(
        ForeignKey("notifications.id", ondelete="SET NULL"), index=True
    )


Index("ix_notifications_status_next", NotificationRow.status, NotificationRow.next_attempt_at)
