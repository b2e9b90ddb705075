"""The inbox and outbox as people read them (API and command line): newest first, no
content (one received message's content is read with a purpose, ``GET
/api/v1/sharing/inbox/{id}``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from interlock.sharing.context import SharingContext
from interlock.store.schema_sharing import ShareInboxRow, ShareOutboxRow


def inbox_summary(row: ShareInboxRow) -> dict[str, Any]:
    return {
        "message_id": row.message_id,
        "sender": row.sender,
        "seq": row.seq,
        "kind": row.kind,
        "status": row.status,
        "reason": row.reason,
        "received_at": row.received_at.isoformat(),
        "via": row.via,
        "refers_to": row.refers_to,
        "corrected_by": row.corrected_by,
        "purpose": row.terms.get("purpose"),
        "tlp": row.terms.get("tlp"),
        "case_id": row.case_id,
    }


def outbox_summary(row: ShareOutboxRow) -> dict[str, Any]:
    return {
        "message_id": row.message_id,
        "recipient": row.recipient,
        "seq": row.seq,
        "kind": row.kind,
        "status": row.status,
        "attempts": row.attempts,
        "failures": row.failures,
        "last_error": row.last_error,
        "created_at": row.created_at.isoformat(),
        "delivered_at": row.delivered_at.isoformat() if row.delivered_at else None,
        "refers_to": row.refers_to,
    }


def recent_inbox(ctx: SharingContext, limit: int) -> list[dict[str, Any]]:
    with ctx.store.sessions() as session:
        rows = session.execute(
            select(ShareInboxRow).order_by(ShareInboxRow.id.desc()).limit(limit)
        ).scalars()
        return [inbox_summary(r) for r in rows]


def recent_outbox(ctx: SharingContext, limit: int) -> list[dict[str, Any]]:
    with ctx.store.sessions() as session:
        rows = session.execute(
            select(ShareOutboxRow).order_by(ShareOutboxRow.id.desc()).limit(limit)
        ).scalars()
        return [outbox_summary(r) for r in rows]
