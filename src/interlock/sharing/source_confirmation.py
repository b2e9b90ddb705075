"""The listing node's answer to a hit notification received: it confirms (or not) that the
person seen is the one it listed (source confirmation, SG-19). Until it has confirmed, the
node that saw the person sends no sighting of them (:mod:`interlock.sharing.sightings`)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from interlock.access.purpose import AccessPurpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.errors import ConflictError, NotFoundError
from interlock.sharing.addressing import MIN_SHARE_REASON, own_terms
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Terms
from interlock.sharing.kinds import ShareKind
from interlock.sharing.outbox import Outgoing, enqueue
from interlock.sharing.partner_hits import record_answer
from interlock.sharing.stix import EXTENSION_ID, bundle, object_id, timestamp
from interlock.store.schema_sharing import ShareInboxRow, ShareOutboxRow


def _now() -> datetime:
    return datetime.now(UTC)


class SourceConfirmation:
    """Answering hit notifications received, as the node that listed the person."""

    ctx: SharingContext

    def confirm_source(
        self,
        principal: Principal,
        access: AccessPurpose,
        message_id: str,
        *,
        confirmed: bool,
        reason: str,
    ) -> str:
        """Answer a hit notification received: the listing node confirms (or not) that the
        person seen is the one it listed (SG-19)."""
        check(principal, Action.SHARE_SEND)
        text = stated_reason(reason, minimum=MIN_SHARE_REASON)
        now = _now()
        with self.ctx.store.sessions.begin() as session:
            row = session.execute(
                select(ShareInboxRow).where(ShareInboxRow.message_id == message_id)
            ).scalar()
            if row is None or row.kind != ShareKind.ALERT_NOTIFICATION.value:
                raise NotFoundError(f"no hit notification {message_id} was received")
            if row.status != "accepted":
                raise ConflictError(f"notification {message_id} was not accepted")
            answered = session.execute(
                select(ShareOutboxRow.message_id).where(
                    ShareOutboxRow.refers_to == message_id,
                    ShareOutboxRow.kind == ShareKind.SOURCE_CONFIRMATION.value,
                )
            ).scalar()
            if answered is not None:
                raise ConflictError(
                    f"notification {message_id} was answered already (message {answered}); "
                    "a wrong answer is put right with `share correct`"
                )
            asked = Terms.from_dict(row.terms)
            terms = own_terms(
                self.ctx.name,
                purpose=asked.purpose,
                legal_basis=asked.legal_basis,
                reason=text,
                tlp=asked.tlp,
                retention_until=asked.retention_until,
            )
            sightings = [o for o in row.content.get("objects", []) if o.get("type") == "sighting"]
            note = {
                "type": "note",
                "spec_version": "2.1",
                "id": object_id(
                    "note", node=self.ctx.name, kind="source-confirmation", local_id=message_id
                ),
                "created": timestamp(now),
                "modified": timestamp(now),
                "content": ("confirmed" if confirmed else "not confirmed") + f": {text}",
                "object_refs": [str(s["id"]) for s in sightings]
                or [object_id("identity", node=row.sender, kind="message", local_id=message_id)],
                "object_marking_refs": sightings[0].get("object_marking_refs", [])
                if sightings
                else [],
                "extensions": {
                    EXTENSION_ID: {
                        "extension_type": "property-extension",
                        "record": "source-confirmation",
                        "source_confirmation": "confirmed" if confirmed else "not-confirmed",
                    }
                },
            }
            share = Outgoing(
                ShareKind.SOURCE_CONFIRMATION, terms, bundle([note]), refers_to=message_id
            )
            answer = enqueue(session, self.ctx, principal.username, [row.sender], share, now=now)
            record_answer(
                session, row, actor=principal.username, confirmed=confirmed, reason=text,
                answer_id=answer[0], now=now,
            )  # fmt: skip
            return answer[0]
