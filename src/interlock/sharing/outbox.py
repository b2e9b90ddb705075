"""Sending side: a share is checked against policy, signed, and written to the outbox in the
transaction that decided it.

For each recipient :func:`enqueue` checks the policy (deny by default, :mod:`policy`), gives
the message the next sequence number of that partner, signs it as a DSSE envelope, writes the
outbox row, records which objects went to whom (for corrections, SG-43), adds the STIX objects
to the partner's TAXII collection, appends a ``sent`` leaf to the ledger and writes the audit
entry (SG-33). Push and pull read the outbox later (:mod:`transport`, :mod:`pull`), so a node
that stops after the commit still delivers, and a rolled-back decision sends nothing.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from interlock.audit.log import AuditEvent, Outcome, record
from interlock.errors import ForbiddenError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import SHARE, Message, Terms, new_message_id, sign_envelope
from interlock.sharing.jsonfields import canonical_json
from interlock.sharing.kinds import ShareKind
from interlock.sharing.partner_views import partner_row, partner_view
from interlock.sharing.policy import decide_send
from interlock.store.schema_sharing import ShareOutboxRow, ShareRecipientRow

COLLECTION_OF: dict[ShareKind, str] = {
    ShareKind.ALERT_NOTIFICATION: "alerts",
    ShareKind.SOURCE_CONFIRMATION: "alerts",
    ShareKind.WATCHLIST_ENTRY: "watchlist-entries",
    ShareKind.WATCHLIST_REVOCATION: "watchlist-entries",
    ShareKind.SIGHTING: "sightings",
    ShareKind.CORRECTION: "alerts",
}
"""The TAXII collection of each kind of share (the partner's API root)."""

PENDING, DELIVERED, REJECTED = "pending", "delivered", "rejected"


@dataclass(frozen=True, slots=True)
class SentObject:
    """A STIX object in a share, remembered so that a correction reaches its recipients."""

    object_id: str
    list_name: str | None = None
    entry_id: str | None = None
    revoked: bool = False


@dataclass(slots=True)
class Outgoing:
    """One share, to one or more partners."""

    kind: ShareKind
    terms: Terms
    content: dict[str, Any]
    refers_to: str | None = None
    objects: Sequence[SentObject] = field(default_factory=tuple)
    collection: str | None = None
    origin_seal: bytes | None = None  # the originator's seal of the terms (seal.py)


def object_digest(obj: dict[str, Any]) -> str:
    """SHA-256 of an object as sent, ``modified`` left out: the same record built again has the
    same digest, so publishing sends only what changed."""
    return hashlib.sha256(
        canonical_json({k: v for k, v in obj.items() if k != "modified"})
    ).hexdigest()


def object_digests(content: dict[str, Any]) -> dict[str, str]:
    """:func:`object_digest` of each object of a bundle, by id."""
    return {
        str(obj.get("id")): object_digest(obj)
        for obj in content.get("objects", [])
        if isinstance(obj, dict)
    }


def sent_leaf(message: Message, envelope_sha256: str) -> dict[str, Any]:
    """The ledger event of a message sent: what both ends know, digests and ids only, so the
    receiver can rebuild the leaf and ask for its inclusion proof."""
    return {
        "event": "sent",
        "message_id": message.message_id,
        "sender": message.sender,
        "recipient": message.to,
        "seq": message.seq,
        "kind": message.kind.value,
        "sha256": envelope_sha256,
        "at": message.created.isoformat(),
    }


def enqueue(
    session: Session,
    ctx: SharingContext,
    actor: str,
    recipients: Sequence[str],
    share: Outgoing,
    *,
    now: datetime,
    named: bool = True,
) -> list[str]:
    """Check, sign and queue ``share`` for every recipient; the message ids. Refused
    (ForbiddenError naming each failed condition) unless every recipient passes: a share goes
    to all or to none. ``named``: the recipients were named one by one (else they are the
    members of ``share.terms.group``)."""
    groups = ctx.registry.groups(session)
    planned = []
    refusals: list[str] = []
    notify_dpo: list[str] = []
    for name in recipients:
        row = partner_row(session, name, lock=True)
        partner = partner_view(session, row)
        if not partner.active:
            refusals.append(f"{name}: sharing with this partner is suspended")
            continue
        decision = decide_send(
            sender=ctx.name,
            recipient=name,
            kind=share.kind,
            terms=share.terms,
            agreement=partner.agreement,
            groups=groups,
            named_recipients=frozenset(recipients) if named else frozenset(),
            today=now.date(),
        )
        if not decision.allowed:
            refusals.append(f"{name}: " + "; ".join(decision.reasons))
            continue
        if decision.notify_dpo:
            notify_dpo.append(name)
        planned.append(row)
    if refusals:
        raise ForbiddenError("share refused: " + " | ".join(refusals))
    ids = []
    digests = object_digests(share.content)
    for row in planned:
        row.out_seq += 1
        message = Message(
            message_id=new_message_id(),
            kind=share.kind,
            sender=ctx.name,
            recipients=tuple(recipients),
            to=row.name,
            seq=row.out_seq,
            created=now,
            terms=share.terms,
            content=share.content,
            refers_to=share.refers_to,
            origin_seal=_base64(share.origin_seal),
        )
        payload = message.encode()
        message = Message.decode(payload)  # the leaf holds the time exactly as the peer reads it
        envelope = sign_envelope(
            SHARE, payload, ctx.identity.envelope, ctx.identity.envelope_key_id
        ).to_json()
        sha = hashlib.sha256(envelope).hexdigest()
        leaf = ctx.ledger.append(session, sent_leaf(message, sha))
        session.add(
            ShareOutboxRow(
                message_id=message.message_id,
                recipient=row.name,
                seq=row.out_seq,
                kind=share.kind.value,
                refers_to=share.refers_to,
                envelope=envelope,
                envelope_sha256=sha,
                status=PENDING,
                attempts=0,
                failures=0,
                next_attempt_at=now,
                created_by=actor,
                created_at=now,
                leaf_index=leaf,
            )
        )
        for obj in share.objects:
            session.add(
                ShareRecipientRow(
                    object_id=obj.object_id,
                    recipient=row.name,
                    message_id=message.message_id,
                    digest=digests.get(obj.object_id, ""),
                    list_name=obj.list_name,
                    entry_id=obj.entry_id,
                    revoked=obj.revoked,
                    sent_at=now,
                )
            )
        stix_objects = [o for o in share.content.get("objects", []) if isinstance(o, dict)]
        if stix_objects:
            ctx.taxii.add(
                session,
                row.name,
                share.collection or COLLECTION_OF[share.kind],
                stix_objects,
            )
        record(
            session,
            AuditEvent(
                actor=actor,
                action="share.send",
                purpose=share.terms.purpose,
                reason=share.terms.reason,
                subject_kind="share",
                subject_id=message.message_id,
                recipient=row.name,
                detail={
                    "kind": share.kind.value,
                    "seq": row.out_seq,
                    "tlp": share.terms.tlp.value,
                    "legal_basis": share.terms.legal_basis,
                    "envelope_sha256": sha,
                },
            ),
            at=now,
        )
        if row.name in notify_dpo:
            record(
                session,
                AuditEvent(
                    actor=actor,
                    action="dpo.notify",
                    recipient="dpo",
                    subject_kind="share",
                    subject_id=message.message_id,
                    detail={"transfer_to_third_country": row.name, "kind": share.kind.value},
                ),
                at=now,
            )
        ids.append(message.message_id)
    session.flush()
    return ids


def _base64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def audit_refusal(
    ctx: SharingContext, actor: str, share: Outgoing, recipients: Sequence[str], why: str
) -> None:
    """Record a refused share (its own transaction: the share's was rolled back)."""
    with ctx.store.sessions.begin() as session:
        record(
            session,
            AuditEvent(
                actor=actor,
                action="share.send",
                outcome=Outcome.REFUSED,
                purpose=share.terms.purpose,
                reason=share.terms.reason,
                subject_kind="share",
                recipient=",".join(recipients),
                detail={"kind": share.kind.value, "refused": why[:500]},
            ),
        )
