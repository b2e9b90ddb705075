"""Sharing hits: the hit notification to the listing partner when a person confirms an alert
on its entry, the listing partner's answer (source confirmation, SG-19), and sightings to
other partners, which wait for that answer. :class:`interlock.sharing.service.SharingService`
offers these with the list operations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.access.purpose import AccessPurpose, Purpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, Outcome, record
from interlock.errors import ConflictError, ForbiddenError, NotFoundError, RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Onward, Terms
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.outbox import Outgoing, SentObject, enqueue
from interlock.sharing.partner_hits import record_answer
from interlock.sharing.stix import (
    EXTENSION_ID,
    airport_location,
    bundle,
    entry_identity_id,
    node_identity_object,
    object_id,
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
    SourceConfirmationRow,
)
from interlock.watchlists.model import EntryDocument

MIN_SHARE_REASON = 10


def _now() -> datetime:
    return datetime.now(UTC)


def recipients_of(
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


class HitSharing:
    """Hit notifications, source confirmations and sightings of one node."""

    def __init__(self, ctx: SharingContext) -> None:
        self.ctx = ctx

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
        # the entry as its originator published it: a forwarded entry keeps its originator's id
        content = self.hit_bundle(
            session, alert, original.originator, held.source_list, terms.tlp, now
        )
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
            recipients, named = recipients_of(session, self.ctx, to, group)
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
                (Terms.from_dict(held.terms).originator, held.source_list)
                if held
                else (self.ctx.name, alert.list_name)
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
