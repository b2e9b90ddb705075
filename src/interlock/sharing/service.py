"""What people (and the alert desk) ask of sharing: publish list entries, revoke them, correct
what was shared, and (from :mod:`interlock.sharing.hits`) notify the listing partner of a
confirmed hit, answer such a notification, send a sighting. Every operation checks the
permission, builds the STIX content and the terms, and queues the messages through
:func:`outbox.enqueue` (policy, signature, ledger, audit) in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.purpose import AccessPurpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.errors import ForbiddenError, NotFoundError, RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Message, Onward, Terms
from interlock.sharing.hits import MIN_SHARE_REASON, HitSharing, own_terms, recipients_of
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, audit_refusal, enqueue, object_digest
from interlock.sharing.policy import forward_terms
from interlock.sharing.seal import list_scope, seal_terms, sealed_bytes
from interlock.sharing.stix import (
    EXTENSION_ID,
    bundle,
    correction,
    entry_identity,
    timestamp,
)
from interlock.store.schema import (
    WatchlistRow,
)
from interlock.store.schema_sharing import (
    PartnerListRow,
    ShareOutboxRow,
    ShareRecipientRow,
)
from interlock.store.watchlist_import import entries_at
from interlock.watchlists.model import ListInfo, ListType, WatchlistEntry


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ShareOptions:
    """What a person states when publishing: the TLP, the originator's conditions."""

    tlp: TLP = TLP.AMBER
    onward: Onward = Onward.NEVER
    consent: tuple[str, ...] = ()
    max_hops: int = 1
    retention_days: int = 180
    legal_basis: str | None = None
    group: str | None = None


class SharingService(HitSharing):
    """Sharing operations of one node."""

    # -- watchlist entries ---------------------------------------------------------------

    def publish_list(
        self,
        principal: Principal,
        access: AccessPurpose,
        list_name: str,
        *,
        to: Sequence[str] = (),
        reason: str,
        options: ShareOptions = ShareOptions(),
    ) -> dict[str, Any]:
        """Send each recipient the active entries of ``list_name`` it does not hold yet or
        holds in an older form, and revocations of those it holds that are no longer listed.
        A partner's list is passed on under its originator's terms (SG-42, SG-44)."""
        check(principal, Action.SHARE_SEND)
        text = stated_reason(reason, minimum=MIN_SHARE_REASON)
        now = _now()
        sent: dict[str, Any] = {}
        try:
            with self.ctx.store.sessions.begin() as session:
                recipients, named = recipients_of(session, self.ctx, to, options.group)
                watchlist = session.execute(
                    select(WatchlistRow).where(WatchlistRow.name == list_name)
                ).scalar()
                if watchlist is None or not watchlist.current_version:
                    raise NotFoundError(f"no watchlist named {list_name!r}")
                held = session.execute(
                    select(PartnerListRow).where(PartnerListRow.list_name == list_name)
                ).scalar()
                terms = self._list_terms(list_name, held, access, text, options, watchlist, now)
                if held is not None and held.origin_seal is None:
                    raise RefusedError(
                        f"{list_name} came from {held.partner} without its originator's seal "
                        "(sent before seals existed), so a receiver would refuse it: ask "
                        f"{held.partner} to publish it again first",
                        location=list_name,
                    )
                seal = (
                    held.origin_seal
                    if held is not None
                    else seal_terms(self.ctx.identity, terms, list_scope(list_name), now=now)
                )
                info = ListInfo(
                    name=held.source_list if held else list_name,
                    owner=watchlist.owner,
                    legal_basis=watchlist.legal_basis,
                    list_type=ListType(watchlist.list_type),
                    refreshed_on=None,
                )
                origin = held.partner if held else self.ctx.name
                today = now.date()
                entries = [
                    e
                    for e in entries_at(session, watchlist, watchlist.current_version)
                    if e.is_active(today)
                ]
                for recipient in recipients:
                    share = self._entries_share(
                        session, recipient, origin, info, entries, terms, list_name, now,
                        seal=seal,
                    )  # fmt: skip
                    if share is None:
                        sent[recipient] = {"entries": 0, "revocations": 0, "message": None}
                        continue
                    ids = enqueue(
                        session, self.ctx, principal.username, [recipient], share, now=now,
                        named=named,
                    )  # fmt: skip
                    revoked = sum(1 for o in share.objects if o.revoked)
                    sent[recipient] = {
                        "entries": len(share.objects) - revoked,
                        "revocations": revoked,
                        "message": ids[0],
                    }
        except ForbiddenError as err:
            share_for_audit = Outgoing(ShareKind.WATCHLIST_ENTRY, _refused_terms(access, text), {})
            audit_refusal(self.ctx, principal.username, share_for_audit, list(to), str(err))
            raise
        return {"list": list_name, "sent": sent}

    def _list_terms(
        self,
        list_name: str,
        held: PartnerListRow | None,
        access: AccessPurpose,
        reason: str,
        options: ShareOptions,
        watchlist: WatchlistRow,
        now: datetime,
    ) -> Terms:
        if held is not None:
            # passing on a partner's entries: the originator's terms, one hop further
            original = Terms.from_dict(held.terms)
            terms = forward_terms(original, self.ctx.name)
            return Terms(**{**_fields(terms), "reason": reason, "group": options.group})
        return Terms(
            purpose=access.purpose,
            legal_basis=options.legal_basis or watchlist.legal_basis,
            reason=reason,
            tlp=options.tlp,
            originator=self.ctx.name,
            onward=options.onward,
            consent=tuple(options.consent),
            max_hops=options.max_hops,
            hops_left=options.max_hops,
            path=(self.ctx.name,),
            retention_until=(now + timedelta(days=options.retention_days)).date(),
            source_confirmation_required=False,
            group=options.group,
        )

    def _entries_share(
        self,
        session: Session,
        recipient: str,
        origin: str,
        info: ListInfo,
        entries: Sequence[WatchlistEntry],
        terms: Terms,
        local_list: str,
        now: datetime,
        *,
        seal: bytes | None,
    ) -> Outgoing | None:
        known = {
            r.object_id: r
            for r in session.execute(
                select(ShareRecipientRow)
                .where(
                    ShareRecipientRow.recipient == recipient,
                    ShareRecipientRow.list_name == local_list,
                )
                .order_by(ShareRecipientRow.id)
            ).scalars()
        }
        objects: list[dict[str, Any]] = []
        sent: list[SentObject] = []
        listed: set[str] = set()
        for entry in entries:
            obj = entry_identity(entry, info, node=origin, tlp=terms.tlp)
            listed.add(obj["id"])
            previous = known.get(obj["id"])
            if (
                previous is not None
                and not previous.revoked
                and previous.digest == object_digest(obj)
            ):
                continue
            if previous is not None:
                obj = entry_identity(entry, info, node=origin, tlp=terms.tlp, modified=now)
            objects.append(obj)
            sent.append(SentObject(obj["id"], local_list, entry.entry_id))
        for object_id, previous in known.items():
            if object_id in listed or previous.revoked:
                continue
            objects.append(
                _revoked(object_id, origin, info.name, previous.entry_id or "", terms.tlp, now)
            )
            sent.append(SentObject(object_id, local_list, previous.entry_id, revoked=True))
        if not objects:
            return None
        kind = (
            ShareKind.WATCHLIST_REVOCATION
            if all(s.revoked for s in sent)
            else ShareKind.WATCHLIST_ENTRY
        )
        return Outgoing(kind, terms, bundle(objects), objects=sent, origin_seal=seal)

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
                obj = _revoked(row.object_id, origin, source, entry_id, terms.tlp, now)
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
        row = session.execute(
            select(ShareOutboxRow).where(ShareOutboxRow.message_id == message_id)
        ).scalar()
        if row is None:
            raise NotFoundError(f"no message {message_id} in the outbox")
        message = _outbox_message(row)
        return Terms(**{**_fields(message.terms), "reason": reason}), sealed_bytes(message)

    # -- corrections ---------------------------------------------------------------------------

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
            row = session.execute(
                select(ShareOutboxRow).where(ShareOutboxRow.message_id == message_id)
            ).scalar()
            if row is None:
                raise NotFoundError(f"no message {message_id} was sent")
            message = _outbox_message(row)
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
    terms = Terms(**{**_fields(message.terms), "reason": reason})
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


def _outbox_message(row: ShareOutboxRow) -> Message:
    from interlock.sharing.envelope import Envelope

    return Message.decode(Envelope.from_json(row.envelope).payload)


def _fields(terms: Terms) -> dict[str, Any]:
    return {name: getattr(terms, name) for name in Terms.__slots__}


def _refused_terms(access: AccessPurpose, reason: str) -> Terms:
    return own_terms("-", purpose=access.purpose, legal_basis="", reason=reason, tlp=TLP.AMBER)


def _revoked(
    object_id: str, origin: str, source_list: str, entry_id: str, tlp: TLP, now: datetime
) -> dict[str, Any]:
    """The revocation of an entry identity, rebuilt from what identifies it."""
    from interlock.sharing.stix import marking_ref, node_identity_id

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
