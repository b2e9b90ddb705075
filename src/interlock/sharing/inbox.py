"""Receiving side: verify first, then read, check policy again, store once, answer with a
signed receipt.

Order matters (issue 5, Transport): the envelope's signature is checked against the key the
registry holds for the signing partner *before* the payload is parsed; an unknown key or a bad
signature is refused without looking further. A message id seen before is a duplicate (the
receipt says so and nothing is applied twice: push is at least once); a sequence number seen
before under another id is a replay and is rejected. The policy is checked again from this
side (:func:`policy.decide_receive`), and terms passed on by a node that is not their
originator must be within the originator's seal (:func:`seal.seal_reasons`). Accepted
content is applied (:mod:`received`) in the same transaction that stores the message and
appends the ``received`` leaf.

``in_seq`` of the partner is the highest sequence number below which nothing is missing; a
message above ``in_seq + 1`` reveals a gap, which pull catch-up fills (:mod:`pull`).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from interlock.audit.log import AuditEvent, record
from interlock.errors import ForbiddenError, InterlockError, ParseError
from interlock.ledger.leaves import leaf_bytes
from interlock.ledger.merkle import leaf_hash
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import (
    RECEIPT,
    SHARE,
    Envelope,
    Message,
    Receipt,
    ReceiptStatus,
    sign_envelope,
    verify_envelope,
)
from interlock.sharing.outbox import sent_leaf
from interlock.sharing.partner_views import partner_view
from interlock.sharing.policy import decide_receive
from interlock.sharing.seal import seal_reasons
from interlock.store.schema_sharing import PartnerRow, ShareInboxRow


@dataclass(frozen=True, slots=True)
class Received:
    """What receiving one envelope came to: the signed receipt, and what to do next."""

    receipt: bytes
    status: ReceiptStatus
    message_id: str
    sender: str
    gap: bool
    retro: tuple[tuple[str, int], ...] = ()  # (list, version) to retro-screen after commit


def _now() -> datetime:
    return datetime.now(UTC)


def authenticate(session: Session, envelope: Envelope) -> PartnerRow:
    """The registered partner whose envelope key signed ``envelope``; ForbiddenError for an
    unknown key or a signature that does not verify."""
    for signature in envelope.signatures:
        row = session.execute(
            select(PartnerRow).where(PartnerRow.envelope_key_id == signature.keyid)
        ).scalar()
        if row is None:
            continue
        partner = partner_view(session, row)
        keys = {partner.envelope_key_id: partner.envelope_key}
        if verify_envelope(envelope, keys, payload_types=(envelope.payload_type,)) is None:
            raise ForbiddenError(f"envelope signature does not verify with {row.name}'s key")
        return row
    raise ForbiddenError("envelope signed by no registered partner: unknown sender")


def receive(ctx: SharingContext, raw: bytes, *, via: str = "push") -> Received:
    """Receive one envelope (see the module docstring). ParseError for bytes that are not an
    envelope or a message; ForbiddenError for an unknown sender or a forged signature."""
    envelope = Envelope.from_json(raw)
    for attempt in range(2):
        try:
            with ctx.store.sessions.begin() as session:
                return _receive(session, ctx, envelope, raw, via)
        except IntegrityError:
            # the same message arrived by push and by pull at once: the other one stored it;
            # the second pass answers it as a duplicate
            if attempt:
                raise
    raise AssertionError("unreachable")


def _receive(
    session: Session, ctx: SharingContext, envelope: Envelope, raw: bytes, via: str
) -> Received:
    partner_row_ = authenticate(session, envelope)
    if envelope.payload_type != SHARE:
        raise ParseError(
            f"payloadType {envelope.payload_type!r} is not a share", location="payloadType"
        )
    message = Message.decode(envelope.payload)
    if message.sender != partner_row_.name:
        raise ForbiddenError(
            f"message says it is from {message.sender!r} but is signed by {partner_row_.name!r}"
        )
    now = _now()
    sha = hashlib.sha256(raw).hexdigest()
    session.execute(select(PartnerRow).where(PartnerRow.id == partner_row_.id).with_for_update())
    seen = session.execute(
        select(ShareInboxRow).where(ShareInboxRow.message_id == message.message_id)
    ).scalar()
    if seen is not None:
        if seen.envelope_sha256 == sha:
            return _answer(
                ctx, session, message, sha, ReceiptStatus.DUPLICATE, "already received", False, now
            )
        return _answer(
            ctx, session, message, sha, ReceiptStatus.REJECTED,
            "message id reused with other content (replay)", False, now,
        )  # fmt: skip
    reused = session.execute(
        select(ShareInboxRow.message_id).where(
            ShareInboxRow.sender == message.sender, ShareInboxRow.seq == message.seq
        )
    ).scalar()
    if reused is not None:
        return _answer(
            ctx, session, message, sha, ReceiptStatus.REJECTED,
            f"sequence number {message.seq} already used by message {reused} (replay)", False, now,
        )  # fmt: skip
    partner = partner_view(session, partner_row_)
    status, reason = ReceiptStatus.ACCEPTED, ""
    if message.to != ctx.name or ctx.name not in message.recipients:
        status, reason = ReceiptStatus.REJECTED, f"not addressed to {ctx.name}"
    elif not partner.active:
        status, reason = ReceiptStatus.REJECTED, f"sharing with {partner.name} is suspended here"
    else:
        decision = decide_receive(
            receiver=ctx.name,
            message_sender=message.sender,
            kind=message.kind,
            terms=message.terms,
            recipients=frozenset(message.recipients),
            agreement=partner.agreement,
            groups=ctx.registry.groups(session),
            today=now.date(),
        )
        reasons = [*decision.reasons, *seal_reasons(message, _registered_keys(session))]
        if reasons:
            status, reason = ReceiptStatus.REJECTED, "; ".join(reasons)
    row = ShareInboxRow(
        message_id=message.message_id,
        sender=message.sender,
        seq=message.seq,
        kind=message.kind.value,
        refers_to=message.refers_to,
        envelope=raw,
        envelope_sha256=sha,
        terms=message.terms.to_dict(),
        content=message.content,
        status=status.value,
        reason=reason or None,
        received_at=now,
        via=via,
        sender_leaf_hash=leaf_hash(leaf_bytes(sent_leaf(message, sha))).hex(),
    )
    session.add(row)
    session.flush()
    retro: tuple[tuple[str, int], ...] = ()
    if status is ReceiptStatus.ACCEPTED:
        from interlock.sharing.received import apply_message

        try:
            with session.begin_nested():
                retro = tuple(apply_message(session, ctx, message, now))
        except InterlockError as err:
            row.status, row.reason = ReceiptStatus.REJECTED.value, f"content refused: {err}"
            status, reason = ReceiptStatus.REJECTED, row.reason
    row.leaf_index = ctx.ledger.append(
        session,
        {
            "event": "received",
            "message_id": message.message_id,
            "sender": message.sender,
            "seq": message.seq,
            "kind": message.kind.value,
            "sha256": sha,
            "at": now.isoformat(),
        },
    )
    while (
        session.execute(
            select(ShareInboxRow.id).where(
                ShareInboxRow.sender == message.sender,
                ShareInboxRow.seq == partner_row_.in_seq + 1,
            )
        ).scalar()
        is not None
    ):
        partner_row_.in_seq += 1
    gap = message.seq > partner_row_.in_seq
    record(
        session,
        AuditEvent(
            actor="node",
            actor_kind="system",
            action="share.receive",
            purpose=message.terms.purpose,
            reason=message.terms.reason,
            subject_kind="share",
            subject_id=message.message_id,
            recipient=message.sender,
            detail={
                "kind": message.kind.value,
                "seq": message.seq,
                "status": status.value,
                "via": via,
                "gap": gap,
            },
        ),
        at=now,
    )
    answer = _answer(ctx, session, message, sha, status, reason, gap, now)
    return Received(answer.receipt, status, message.message_id, message.sender, gap, retro)


def _registered_keys(session: Session) -> dict[str, bytes]:
    """The envelope key of each registered partner, by name: what an originator's seal is
    checked against."""
    rows = session.execute(select(PartnerRow.name, PartnerRow.envelope_key)).all()
    return {name: base64.b64decode(key) for name, key in rows}


def _answer(
    ctx: SharingContext,
    session: Session,
    message: Message,
    sha: str,
    status: ReceiptStatus,
    reason: str,
    gap: bool,
    now: datetime,
) -> Received:
    receipt = Receipt(
        message_id=message.message_id,
        from_node=ctx.name,
        to_node=message.sender,
        seq=message.seq,
        status=status,
        reason=reason,
        received_at=now,
        envelope_sha256=sha,
    )
    signed = sign_envelope(
        RECEIPT, receipt.encode(), ctx.identity.envelope, ctx.identity.envelope_key_id
    ).to_json()
    if status is not ReceiptStatus.DUPLICATE:
        ctx.ledger.append(
            session,
            {
                "event": "receipt-sent",
                "message_id": message.message_id,
                "recipient": message.sender,
                "seq": message.seq,
                "kind": status.value,
                "sha256": hashlib.sha256(signed).hexdigest(),
                "at": now.isoformat(),
            },
        )
    return Received(signed, status, message.message_id, message.sender, gap)
