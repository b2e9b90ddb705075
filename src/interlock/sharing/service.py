"""What people (and the alert desk) ask of sharing: publish list entries, revoke them, notify
the listing partner of a confirmed hit, answer such a notification, send a sighting, correct
what was shared. Every operation checks the permission, builds the STIX content and the
terms, and queues the messages through :func:`outbox.enqueue` (policy, signature, ledger,
audit) in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.purpose import AccessPurpose, Purpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, Outcome, record
from interlock.errors import ConflictError, ForbiddenError, NotFoundError, RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Message, Onward, Terms
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, audit_refusal, enqueue, object_digest
from interlock.sharing.policy import forward_terms
from interlock.sharing.stix import (
    EXTENSION_ID,
    airport_location,
    bundle,
    correction,
    entry_identity,
    entry_identity_id,
    node_identity_object,
    sighting,
    timestamp,
    traveller_identity,
)
from interlock.store.schema import (
    FlightLegRow,
    FlightRow,
    FlightVersionRow,
    TravelDocumentRow,
    TravellerRow,
    WatchlistRow,
)
from interlock.store.schema_alerts import AlertReviewRow, AlertRow
from interlock.store.schema_sharing import (
    PartnerListRow,
    ShareInboxRow,
    ShareOutboxRow,
    ShareRecipientRow,
    SourceConfirmationRow,
)
from interlock.store.watchlist_import import entries_at
from interlock.watchlists.model import EntryDocument, ListInfo, ListType, WatchlistEntry

MIN_SHARE_REASON = 10


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


def _recipients(
    session: Session, ctx: SharingContext, to: Sequence[str], group: str | None
) -> tuple[list[str], bool]:
    """The recipients and whether they were named (else: the members of ``group``)."""
    if group:
        groups = ctx.registry.groups(session)
        if group not in groups:
            raise NotFoundError(f"no sharing group {group!r} (write name@version)")
        return sorted(groups[group].members), False
    if not to:
        raise RefusedError("name the recipients or a sharing group", location="to")
    return list(dict.fromkeys(to)), True


class SharingService:
    """Sharing operations of one node."""

    def __init__(self, ctx: SharingContext) -> None:
        self.ctx = ctx

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
                recipients, named = _recipients(session, self.ctx, to, options.group)
                watchlist = session.execute(
                    select(WatchlistRow).where(WatchlistRow.name == list_name)
                ).scalar()
                if watchlist is None or not watchlist.current_version:
                    raise NotFoundError(f"no watchlist named {list_name!r}")
                held = session.execute(
                    select(PartnerListRow).where(PartnerListRow.list_name == list_name)
                ).scalar()
                terms = self._list_terms(list_name, held, access, text, options, watchlist, now)
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
                        session, recipient, origin, info, entries, terms, list_name, now
                    )
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
        return Outgoing(kind, terms, bundle(objects), objects=sent)

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
                terms = self._terms_of_message(session, row.message_id, text)
                obj = _revoked(row.object_id, origin, source, entry_id, terms.tlp, now)
                share = Outgoing(
                    ShareKind.WATCHLIST_REVOCATION,
                    terms,
                    bundle([obj]),
                    objects=[SentObject(row.object_id, list_name, entry_id, revoked=True)],
                )
                out[recipient] = enqueue(
                    session, self.ctx, principal.username, [recipient], share, now=now
                )[0]
        del access
        return {"list": list_name, "entry": entry_id, "revoked_at": out}

    def _terms_of_message(self, session: Session, message_id: str, reason: str) -> Terms:
        row = session.execute(
            select(ShareOutboxRow).where(ShareOutboxRow.message_id == message_id)
        ).scalar()
        if row is None:
            raise NotFoundError(f"no message {message_id} in the outbox")
        message = _outbox_message(row)
        return Terms(**{**_fields(message.terms), "reason": reason})

    # -- hits ------------------------------------------------------------------------------

    def notify_hit(self, session: Session, alert: AlertRow, now: datetime) -> list[str]:
        """Inside the transaction that confirms ``alert`` (SG-20: a person confirmed it):
        when the alert is on a partner's entry, tell that partner, asking for source
        confirmation before anything is passed on (SG-19). A share the policy refuses is
        recorded, and the confirmation stands."""
        if not alert.list_name:
            return []
        held = session.execute(
            select(PartnerListRow).where(PartnerListRow.list_name == alert.list_name)
        ).scalar()
        if held is None:
            return []
        review = session.execute(
            select(AlertReviewRow)
            .where(AlertReviewRow.alert_id == alert.id, AlertReviewRow.decision.is_not(None))
            .order_by(AlertReviewRow.id.desc())
            .limit(1)
        ).scalar()
        reviewer = review.reviewer if review is not None else "node"
        original = Terms.from_dict(held.terms)
        terms = own_terms(
            self.ctx.name,
            purpose=original.purpose,
            legal_basis=original.legal_basis,
            reason=(review.reason if review is not None and review.reason else "confirmed hit"),
            tlp=original.tlp if original.tlp is not TLP.CLEAR else TLP.AMBER,
            retention_until=original.retention_until,
            source_confirmation_required=True,
        )
        content = self.hit_bundle(session, alert, held.partner, held.source_list, terms.tlp, now)
        share = Outgoing(
            ShareKind.ALERT_NOTIFICATION,
            terms,
            content,
            objects=[
                SentObject(str(o["id"])) for o in content["objects"] if o.get("type") == "sighting"
            ],
        )
        try:
            with session.begin_nested():
                ids = enqueue(session, self.ctx, reviewer, [held.partner], share, now=now)
        except ForbiddenError as err:
            record(
                session,
                AuditEvent(
                    actor=reviewer,
                    action="share.send",
                    outcome=Outcome.REFUSED,
                    purpose=terms.purpose,
                    reason=terms.reason,
                    subject_kind="alert",
                    subject_id=str(alert.id),
                    recipient=held.partner,
                    detail={"kind": ShareKind.ALERT_NOTIFICATION.value, "refused": str(err)[:500]},
                ),
                at=now,
            )
            return []
        session.add(
            SourceConfirmationRow(
                alert_id=alert.id,
                partner=held.partner,
                request_message_id=ids[0],
                status="requested",
                requested_at=now,
            )
        )
        return ids

    def hit_bundle(
        self,
        session: Session,
        alert: AlertRow,
        owner: str,
        source_list: str,
        tlp: TLP,
        now: datetime,
    ) -> dict[str, Any]:
        """Who, where, when, which entry: the traveller as the data gave them, the airport,
        the flight, and a sighting of the entry (``owner``'s entry of ``source_list``)."""
        traveller = session.get(TravellerRow, alert.traveller_id)
        if traveller is None:
            raise NotFoundError(f"traveller of alert {alert.id} is gone")
        document = session.execute(
            select(TravelDocumentRow).where(TravelDocumentRow.traveller_id == traveller.id).limit(1)
        ).scalar()
        flight = session.execute(
            select(FlightRow).where(FlightRow.key == alert.flight_key)
        ).scalar() if alert.flight_key else None  # fmt: skip
        airport, departure, number = _flight_facts(session, flight)
        local = f"alert-{alert.id}"
        person = traveller_identity(
            node=self.ctx.name,
            local_id=local,
            name=" ".join(p for p in (traveller.given_names, traveller.surname) if p) or "unknown",
            given=traveller.given_names or "",
            family=traveller.surname or "",
            birth_date=traveller.birth_date,
            nationality=traveller.nationality,
            document=_document(document),
            tlp=tlp,
            created=now,
        )
        objects: list[dict[str, Any]] = [person, node_identity_object(self.ctx.name)]
        if not airport:
            raise RefusedError(
                f"alert {alert.id}: the flight's airport is unknown", location="flight"
            )
        place = airport_location(node=self.ctx.name, airport=airport)
        objects.append(place)
        seen = sighting(
            node=self.ctx.name,
            alert_id=local,
            entry_ref=entry_identity_id(
                node=owner, list_name=source_list, entry_id=alert.entry_id or ""
            ),
            location_ref=str(place["id"]),
            first_seen=departure or now,
            created=now,
            tlp=tlp,
            flight_number=number,
            traveller_ref=person["id"],
        )
        objects.append(seen)
        return bundle(objects)

    # -- answering a hit notification (this node listed the person) ------------------------

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
                "id": f"note--{_uuid5(self.ctx.name, message_id)}",
                "created": timestamp(now),
                "modified": timestamp(now),
                "content": ("confirmed" if confirmed else "not confirmed") + f": {text}",
                "object_refs": [str(s["id"]) for s in sightings]
                or [f"identity--{_uuid5('x', message_id)}"],
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
            return enqueue(session, self.ctx, principal.username, [row.sender], share, now=now)[0]

    # -- sightings -----------------------------------------------------------------------------

    def send_sighting(
        self,
        principal: Principal,
        access: AccessPurpose,
        alert_id: int,
        *,
        to: Sequence[str] = (),
        group: str | None = None,
        reason: str,
        tlp: TLP = TLP.AMBER,
    ) -> list[str]:
        """Tell partners that a confirmed alert's person was seen; on a partner's entry only
        once that partner confirmed (SG-19), and only a confirmed alert (SG-20)."""
        check(principal, Action.SHARE_SEND)
        text = stated_reason(reason, minimum=MIN_SHARE_REASON)
        now = _now()
        with self.ctx.store.sessions.begin() as session:
            alert = session.get(AlertRow, alert_id)
            if alert is None:
                raise NotFoundError(f"no alert {alert_id}")
            if alert.status != "confirmed":
                raise ConflictError(
                    f"alert {alert_id} is {alert.status}: only a confirmed alert is shared (SG-20)"
                )
            held = session.execute(
                select(PartnerListRow).where(PartnerListRow.list_name == alert.list_name)
            ).scalar() if alert.list_name else None  # fmt: skip
            confirmed = True
            if held is not None:
                answer = session.execute(
                    select(SourceConfirmationRow.status)
                    .where(SourceConfirmationRow.alert_id == alert_id)
                    .order_by(SourceConfirmationRow.id.desc())
                    .limit(1)
                ).scalar()
                confirmed = answer == "confirmed"
                if not confirmed:
                    raise ForbiddenError(
                        f"alert {alert_id} is on an entry of {held.partner}: it is passed on only "
                        f"once {held.partner} has confirmed it "
                        f"(SG-19; now: {answer or 'not asked'})"
                    )
            recipients, named = _recipients(session, self.ctx, to, group)
            terms = own_terms(
                self.ctx.name,
                purpose=access.purpose,
                legal_basis=_legal_basis(session, alert.list_name, held),
                reason=text,
                tlp=tlp,
                group=group,
            )
            if not alert.list_name or not alert.entry_id:
                raise RefusedError("sightings are sent for hits on list entries", location="alert")
            owner, source = (
                (held.partner, held.source_list) if held else (self.ctx.name, alert.list_name)
            )
            content = self.hit_bundle(session, alert, owner, source, tlp, now)
            share = Outgoing(
                ShareKind.SIGHTING,
                terms,
                content,
                objects=[
                    SentObject(str(o["id"]))
                    for o in content["objects"]
                    if o.get("type") == "sighting"
                ],
            )
            return enqueue(
                session, self.ctx, principal.username, recipients, share, now=now, named=named
            )

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


def own_terms(
    node: str,
    *,
    purpose: Purpose,
    legal_basis: str,
    reason: str,
    tlp: TLP,
    retention_until: date | None = None,
    source_confirmation_required: bool = False,
    group: str | None = None,
) -> Terms:
    """Terms of a record this node originates for its recipients only: no onward sharing,
    one hop."""
    return Terms(
        purpose=purpose,
        legal_basis=legal_basis,
        reason=reason,
        tlp=tlp,
        originator=node,
        onward=Onward.NEVER,
        consent=(),
        max_hops=1,
        hops_left=1,
        path=(node,),
        retention_until=retention_until,
        source_confirmation_required=source_confirmation_required,
        group=group,
    )


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


def _uuid5(node: str, local: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"interlock:{node}:{local}"))


def _flight_facts(
    session: Session, flight: FlightRow | None
) -> tuple[str | None, datetime | None, str | None]:
    if flight is None:
        return None, None, None
    leg = session.execute(
        select(FlightLegRow)
        .join(FlightVersionRow, FlightVersionRow.id == FlightLegRow.flight_version_id)
        .where(FlightVersionRow.flight_id == flight.id, FlightVersionRow.is_current)
        .order_by(FlightLegRow.position)
        .limit(1)
    ).scalar()
    airport = flight.origin or (leg.departure_airport if leg is not None else None)
    departure = leg.departure if leg is not None else None
    if departure is not None and departure.tzinfo is None:
        departure = departure.replace(tzinfo=UTC)  # legs keep local times; close enough here
    return airport, departure, f"{flight.carrier}{flight.number}"


def _document(row: TravelDocumentRow | None) -> EntryDocument | None:
    if row is None or not row.number:
        return None
    return EntryDocument(row.type or "P", row.number, row.issuing_country)


def _legal_basis(session: Session, list_name: str | None, held: PartnerListRow | None) -> str:
    """The legal basis a hit on ``list_name`` is shared under: the originator's for a
    partner's list, else the list's own registry record (SG-17)."""
    if held is not None:
        return Terms.from_dict(held.terms).legal_basis
    row = session.execute(select(WatchlistRow).where(WatchlistRow.name == list_name)).scalar()
    return row.legal_basis if row is not None else ""
