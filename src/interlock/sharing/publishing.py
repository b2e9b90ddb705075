"""Publishing a watchlist to partners: each recipient gets the active entries it does not hold
yet or holds in an older form, and revocations of those it holds that are no longer listed.
A partner's list is passed on under its originator's terms and seal (SG-42, SG-44)."""

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
from interlock.sharing.addressing import MIN_SHARE_REASON, own_terms, recipients_of
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Onward, Terms
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, audit_refusal, enqueue, object_digest
from interlock.sharing.policy import forward_terms
from interlock.sharing.revocations import revoked_identity, terms_fields
from interlock.sharing.seal import list_scope, seal_terms
from interlock.sharing.stix import bundle, entry_identity
from interlock.store.schema import WatchlistRow
from interlock.store.schema_sharing import PartnerListRow, ShareRecipientRow
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


class ListPublishing:
    """Publishing watchlist entries to partners."""

    ctx: SharingContext

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
            return Terms(**{**terms_fields(terms), "reason": reason, "group": options.group})
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
                revoked_identity(
                    object_id, origin, info.name, previous.entry_id or "", terms.tlp, now
                )
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


def _refused_terms(access: AccessPurpose, reason: str) -> Terms:
    return own_terms("-", purpose=access.purpose, legal_basis="", reason=reason, tlp=TLP.AMBER)
