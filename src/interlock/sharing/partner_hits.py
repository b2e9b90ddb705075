"""A partner's hit on one of this node's entries: the work it makes here.

When a partner confirms a hit on an entry this node shared with it, its hit notification
arrives here (:mod:`interlock.sharing.hit_notification` sends it). The notification opens a
case, priority 1, for the liaison who must answer whether the person seen is the one listed
(source confirmation, SG-19): the case's first timeline event says who reported what, where
and when, and which of this node's entries. The answer, sent with ``share confirm-source``,
is the case's next event; a notification is answered once.

A notification must be about an entry this node shared with that partner: its sighting refers
to the STIX id this node sent, and the sent objects are on record
(:class:`~interlock.store.schema_sharing.ShareRecipientRow`). A notification about anything
else is refused, so a partner cannot open cases here about entries it never received.

The case names no traveller: the timeline holds the entry, the airport, the flight and the
times. The person as the partner's data gave them stays in the inbox message, under the
originator's terms and their retention like any received content (SG-44).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.audit.log import AuditEvent, record
from interlock.errors import InterlockError, ParseError, RefusedError
from interlock.settings import Settings
from interlock.sharing.envelope import Message
from interlock.sharing.stix_read import LocationView, SightingView, read_bundle
from interlock.store.schema_alerts import CaseEventRow, CaseRow
from interlock.store.schema_sharing import ShareInboxRow, ShareRecipientRow

log = logging.getLogger(__name__)

HIT_PRIORITY = 1
PARTNER_HIT = "partner-hit"
SOURCE_ANSWER = "source-confirmation"


@dataclass(frozen=True, slots=True)
class PartnerHit:
    """One sighting of this node's entry, as the partner reported it."""

    sighting_id: str
    list_name: str
    entry_id: str
    airport: str | None
    country: str | None
    first_seen: datetime | None
    flight_number: str | None
    alert_ref: str | None

    def detail(self) -> dict[str, Any]:
        return {
            "sighting": self.sighting_id,
            "list": self.list_name,
            "entry": self.entry_id,
            "airport": self.airport,
            "country": self.country,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "flight": self.flight_number,
            "partner_alert": self.alert_ref,
        }


def hits_in(session: Session, message: Message) -> list[PartnerHit]:
    """The sightings of a hit notification, each resolved to the entry of this node's that
    was shared with the sender; RefusedError naming the sighting when one is not."""
    try:
        views = read_bundle(message.content)
    except ParseError as err:
        raise RefusedError(f"hit notification content: {err}", location="content") from None
    places = {v.meta.id: v for v in views if isinstance(v, LocationView)}
    sightings = [v for v in views if isinstance(v, SightingView)]
    if not sightings:
        raise RefusedError("a hit notification without a sighting", location="content")
    hits = []
    for seen in sightings:
        shared = session.execute(
            select(ShareRecipientRow)
            .where(
                ShareRecipientRow.object_id == seen.sighting_of_ref,
                ShareRecipientRow.recipient == message.sender,
                ShareRecipientRow.entry_id.is_not(None),
            )
            .order_by(ShareRecipientRow.id.desc())
            .limit(1)
        ).scalar()
        if shared is None or shared.list_name is None or shared.entry_id is None:
            raise RefusedError(
                f"a hit on {seen.sighting_of_ref}, which is no entry this node shared "
                f"with {message.sender}",
                location=f"sighting {seen.meta.id}",
            )
        place = next((places[r] for r in seen.where_sighted_refs if r in places), None)
        hits.append(
            PartnerHit(
                sighting_id=seen.meta.id,
                list_name=shared.list_name,
                entry_id=shared.entry_id,
                airport=place.name if place else None,
                country=place.country if place else None,
                first_seen=seen.first_seen,
                flight_number=seen.flight_number,
                alert_ref=seen.alert_id,
            )
        )
    return hits


def _title(sender: str, hits: list[PartnerHit]) -> str:
    first = hits[0]
    where = f" at {first.airport}" if first.airport else ""
    more = f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""
    return f"Hit reported by {sender}: {first.list_name} entry {first.entry_id}{where}{more}"


def open_hit_case(
    session: Session, message: Message, now: datetime, *, settings: Settings | None = None
) -> int:
    """Open the case of an accepted hit notification (inside the transaction that stores
    it), link it to the inbox message, and enqueue the notifications of the ``partner-hit``
    playbook (rapid response: the liaison is told, and told again on escalation); the case
    id. The playbooks are those of ``settings`` (default: the node's); the node name in the
    notifications is the one the partner addressed, which the inbox checked is this node's."""
    hits = hits_in(session, message)
    actor = f"partner:{message.sender}"
    case = CaseRow(
        title=_title(message.sender, hits),
        status="open",
        priority=HIT_PRIORITY,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    detail = {
        "message": message.message_id,
        "partner": message.sender,
        "purpose": str(message.terms.purpose),
        "source_confirmation_required": message.terms.source_confirmation_required,
        "hits": [hit.detail() for hit in hits],
    }
    text = "; ".join(
        f"{hit.list_name} entry {hit.entry_id} seen"
        + (f" at {hit.airport}" if hit.airport else "")
        + (f" on flight {hit.flight_number}" if hit.flight_number else "")
        + (f" on {hit.first_seen:%Y-%m-%d %H:%M} UTC" if hit.first_seen else "")
        for hit in hits
    )
    session.add(
        CaseEventRow(
            case_id=case.id,
            at=now,
            actor=actor,
            kind=PARTNER_HIT,
            text=f"{message.sender} confirmed a hit: {text}. Source confirmation is asked.",
            detail=detail,
        )
    )
    _notify(session, case, detail, message.to, now, settings)
    inbox = session.execute(
        select(ShareInboxRow).where(ShareInboxRow.message_id == message.message_id)
    ).scalar()
    if inbox is not None:
        inbox.case_id = case.id
    record(
        session,
        AuditEvent(
            actor=actor,
            actor_kind="system",
            action="case.open",
            purpose=message.terms.purpose,
            reason=message.terms.reason,
            subject_kind="case",
            subject_id=str(case.id),
            detail={"from": "hit-notification", "message": message.message_id},
        ),
        at=now,
    )
    return case.id


def _notify(
    session: Session,
    case: CaseRow,
    detail: dict[str, Any],
    node_name: str,
    now: datetime,
    settings: Settings | None,
) -> None:
    from interlock.response.outbox import enqueue_for_partner_hit
    from interlock.response.playbooks import builtin_playbooks, load_playbooks
    from interlock.settings import get_settings

    try:
        playbooks = load_playbooks((settings or get_settings()).resolved_playbooks_file)
    except InterlockError:  # the partner's message stands; the duty desk is still told
        log.exception("playbook file unreadable: the built-in playbooks notify this hit")
        playbooks = builtin_playbooks()
    enqueue_for_partner_hit(
        session, case, detail, playbooks=playbooks, now=now, node_name=node_name
    )


def record_answer(
    session: Session,
    inbox: ShareInboxRow,
    *,
    actor: str,
    confirmed: bool,
    reason: str,
    answer_id: str,
    now: datetime,
) -> None:
    """The liaison's answer to the notification, on its case's timeline."""
    if inbox.case_id is None:
        return
    case = session.get(CaseRow, inbox.case_id)
    if case is None:
        return
    case.updated_at = now
    verdict = "confirmed" if confirmed else "not confirmed"
    session.add(
        CaseEventRow(
            case_id=case.id,
            at=now,
            actor=actor,
            kind=SOURCE_ANSWER,
            text=f"Source {verdict} to {inbox.sender}: {reason}",
            detail={"message": inbox.message_id, "answer": answer_id, "confirmed": confirmed},
        )
    )
