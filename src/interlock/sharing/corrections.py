"""Corrections (SG-43): a record sent that proved wrong is revoked, with the reason, at every
partner that received any of its objects; a correction received for objects this node passed
on goes on to everyone it passed them to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.purpose import AccessPurpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.errors import RefusedError
from interlock.sharing.addressing import MIN_SHARE_REASON
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Message, Terms
from interlock.sharing.kinds import ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, enqueue
from interlock.sharing.policy import forward_terms
from interlock.sharing.revocations import sent_message, terms_fields
from interlock.sharing.seal import sealed_bytes
from interlock.sharing.stix import bundle, correction
from interlock.store.schema_sharing import ShareRecipientRow


def _now() -> datetime:
    return datetime.now(UTC)


class Corrections:
    """Correcting what this node sent."""

    ctx: SharingContext

    def correct(
        self, principal: Principal, access: AccessPurpose, message_id: str, *, reason: str
    ) -> dict[str, str]:
        """The record sent in ``message_id`` proved wrong: every partner that received any of
        its objects gets their revocation, with the reason (SG-43)."""
        check(principal, Action.SHARE_SEND)
        text = stated_reason(reason, minimum=MIN_SHARE_REASON)
        now = _now()
        del access
        with self.ctx.store.sessions.begin() as session:
            message = sent_message(session, message_id)
            return _send_correction(session, self.ctx, principal.username, message, text, now)


def forward_correction(
    session: Session, ctx: SharingContext, message: Message, now: datetime
) -> None:
    """A correction received for objects this node passed on goes on to everyone it passed
    them to (SG-43)."""
    ids = [str(o.get("id")) for o in message.content.get("objects", []) if isinstance(o, dict)]
    rows = session.execute(
        select(ShareRecipientRow).where(ShareRecipientRow.object_id.in_(ids))
    ).scalars().all()  # fmt: skip
    recipients = sorted({r.recipient for r in rows} - {message.sender})
    if not recipients:
        return
    terms = forward_terms(message.terms, ctx.name)
    objects = [o for o in message.content.get("objects", []) if isinstance(o, dict)]
    share = Outgoing(
        ShareKind.CORRECTION,
        terms,
        bundle(objects),
        refers_to=message.message_id,
        objects=[SentObject(i, revoked=True) for i in ids if i in {r.object_id for r in rows}],
        origin_seal=sealed_bytes(message),
    )
    for recipient in recipients:
        enqueue(session, ctx, "node", [recipient], share, now=now)


def _send_correction(
    session: Session, ctx: SharingContext, actor: str, message: Message, reason: str, now: datetime
) -> dict[str, str]:
    objects = [
        o
        for o in message.content.get("objects", [])
        if isinstance(o, dict)
        and o.get("type") in ("identity", "sighting")
        and o.get("created_by_ref")
        and not o.get("revoked")
    ]
    if not objects:
        raise RefusedError("the message carries nothing that can be corrected", location="message")
    corrected = [
        correction(o, reason=reason, modified=max(now, _after(o)), revoke=True) for o in objects
    ]
    ids = [str(o["id"]) for o in objects]
    rows = session.execute(
        select(ShareRecipientRow).where(ShareRecipientRow.object_id.in_(ids))
    ).scalars().all()  # fmt: skip
    recipients = sorted({r.recipient for r in rows} | {message.to})
    terms = Terms(**{**terms_fields(message.terms), "reason": reason})
    sent: dict[str, str] = {}
    for recipient in recipients:
        share = Outgoing(
            ShareKind.CORRECTION,
            terms,
            bundle(corrected),
            refers_to=message.message_id,
            objects=[SentObject(i, revoked=True) for i in ids],
            origin_seal=sealed_bytes(message),
        )
        sent[recipient] = enqueue(session, ctx, actor, [recipient], share, now=now)[0]
    return sent


def _after(obj: dict[str, Any]) -> datetime:
    stamp = str(obj.get("modified") or obj.get("created"))
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")) + timedelta(milliseconds=1)
