"""Revoking a shared watchlist entry at every partner it was sent to, whatever the list says
now, under the terms of the message that carried it. Also what revocations and corrections
share: the revoked entry identity rebuilt from what identifies it, and the message and terms
of a message sent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.purpose import AccessPurpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.errors import NotFoundError
from interlock.sharing.addressing import MIN_SHARE_REASON
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Envelope, Message, Terms
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, enqueue
from interlock.sharing.seal import sealed_bytes
from interlock.sharing.stix import EXTENSION_ID, bundle, marking_ref, node_identity_id, timestamp
from interlock.store.schema_sharing import PartnerListRow, ShareOutboxRow, ShareRecipientRow


def _now() -> datetime:
    return datetime.now(UTC)


class EntryRevocations:
    """Revoking entries this node shared."""

    ctx: SharingContext

    def revoke_entry(
        self,
        principal: Principal,
        access: AccessPurpose,
        list_name: str,
        entry_id: str,
        *,
        reason: str,
    ) -> dict[str, Any]:
        """Revoke one entry at every partner it was sent to, whatever the list says now."""
        check(principal, Action.SHARE_SEND)
        text = stated_reason(reason, minimum=MIN_SHARE_REASON)
        now = _now()
        out: dict[str, Any] = {}
        with self.ctx.store.sessions.begin() as session:
            rows = session.execute(
                select(ShareRecipientRow).where(
                    ShareRecipientRow.list_name == list_name,
                    ShareRecipientRow.entry_id == entry_id,
                )
            ).scalars().all()  # fmt: skip
            latest: dict[str, ShareRecipientRow] = {}
            for row in rows:
                latest[row.recipient] = row
            targets = {r: row for r, row in latest.items() if not row.revoked}
            if not targets:
                raise NotFoundError(f"entry {entry_id} of {list_name} is held by no partner")
            held = session.execute(
                select(PartnerListRow).where(PartnerListRow.list_name == list_name)
            ).scalar()
            origin = held.partner if held else self.ctx.name
            source = held.source_list if held else list_name
            for recipient, row in sorted(targets.items()):
                terms, seal = self._terms_of_message(session, row.message_id, text)
                obj = revoked_identity(row.object_id, origin, source, entry_id, terms.tlp, now)
                share = Outgoing(
                    ShareKind.WATCHLIST_REVOCATION,
                    terms,
                    bundle([obj]),
                    objects=[SentObject(row.object_id, list_name, entry_id, revoked=True)],
                    origin_seal=seal,
                )
                out[recipient] = enqueue(
                    session, self.ctx, principal.username, [recipient], share, now=now
                )[0]
        del access
        return {"list": list_name, "entry": entry_id, "revoked_at": out}

    def _terms_of_message(
        self, session: Session, message_id: str, reason: str
    ) -> tuple[Terms, bytes | None]:
        """The terms of a message sent, with ``reason``, and the seal it carried."""
        message = sent_message(session, message_id)
        return Terms(**{**terms_fields(message.terms), "reason": reason}), sealed_bytes(message)


def sent_message(session: Session, message_id: str) -> Message:
    """The message this node sent as ``message_id`` (NotFoundError when it sent none)."""
    row = session.execute(
        select(ShareOutboxRow).where(ShareOutboxRow.message_id == message_id)
    ).scalar()
    if row is None:
        raise NotFoundError(f"no message {message_id} was sent")
    return Message.decode(Envelope.from_json(row.envelope).payload)


def terms_fields(terms: Terms) -> dict[str, Any]:
    return {name: getattr(terms, name) for name in Terms.__slots__}


def revoked_identity(
    object_id: str, origin: str, source_list: str, entry_id: str, tlp: TLP, now: datetime
) -> dict[str, Any]:
    """The revocation of an entry identity, rebuilt from what identifies it."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": object_id,
        "created_by_ref": node_identity_id(origin),
        "created": "1970-01-01T00:00:00.000Z",
        "modified": timestamp(now),
        "name": f"{source_list} {entry_id}",
        "identity_class": "individual",
        "revoked": True,
        "object_marking_refs": [marking_ref(tlp)],
        "extensions": {
            EXTENSION_ID: {
                "extension_type": "property-extension",
                "record": "watchlist-entry",
                "list_name": source_list,
                "entry_id": entry_id,
            }
        },
    }
