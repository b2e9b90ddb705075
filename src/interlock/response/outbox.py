"""The outbox: notifications written when a person confirms an alert, or when a partner's hit
on one of this node's entries opens a case, read later by delivery.

:func:`enqueue_for_confirmed` runs inside the transaction that confirms the alert (SG-20: only a
confirmed alert is acted upon, and a person confirmed it), so the confirmation and its
notifications commit together. Each notification gets its own acknowledgement token; the
payload is minimal (SG-37 style): ids, category, priority, severity, flight and airports,
review deadline, node name and a link to the alert: no names, document numbers or birth
dates. Recipients sign in to see the person.

:func:`enqueue_for_partner_hit` runs inside the transaction that opens the case of a partner's
hit (:mod:`interlock.sharing.partner_hits`): the ``partner-hit`` playbook tells the liaison that
a partner asks for source confirmation. Its payload names the partner, the entry, the airport
and the time, never the person seen.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.errors import ConflictError
from interlock.response.playbooks import PARTNER_HIT, Airports, Playbooks, Recipient, Step
from interlock.response.subject import Subject, SubjectKind
from interlock.store.schema import FlightLegRow, FlightRow, FlightVersionRow
from interlock.store.schema_alerts import AlertRow, CaseRow
from interlock.store.schema_response import NotificationRow

DEFAULT_NODE_NAME = "interlock-local"
"""The node name put in payloads unless told (``Settings.node_name``)."""


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"
    ESCALATED = "escalated"


def token_hash(token: str) -> str:
    """SHA-256 (hex) of an acknowledgement token: all the store keeps once it is sent."""
    return hashlib.sha256(token.encode()).hexdigest()


def flight_airports(session: Session, flight_key: str | None) -> Airports:
    """Origin and destination of the flight ``flight_key``; from its current legs when the
    flight row does not say."""
    if not flight_key:
        return Airports()
    flight = session.execute(select(FlightRow).where(FlightRow.key == flight_key)).scalar()
    if flight is None:
        return Airports()
    origin, destination = flight.origin, flight.destination
    if origin is None or destination is None:
        legs = session.execute(
            select(FlightLegRow)
            .join(FlightVersionRow, FlightVersionRow.id == FlightLegRow.flight_version_id)
            .where(FlightVersionRow.flight_id == flight.id, FlightVersionRow.is_current)
            .order_by(FlightVersionRow.version.desc(), FlightLegRow.position)
        ).scalars().all()  # fmt: skip
        if legs:
            origin = origin or legs[0].departure_airport
            destination = destination or legs[-1].arrival_airport
    return Airports(departure_airport=origin, arrival_airport=destination)


def alert_payload(
    alert: AlertRow, airports: Airports, *, node_name: str, confirmed_at: datetime
) -> dict[str, Any]:
    """What a notification says about ``alert``: nothing that names or identifies the person."""
    return {
        "alert_id": alert.id,
        "category": alert.category,
        "priority": alert.priority,
        "severity": alert.severity,
        "flight_key": alert.flight_key,
        "departure_airport": airports.departure_airport,
        "arrival_airport": airports.arrival_airport,
        "review_deadline": alert.due_at.isoformat() if alert.due_at else None,
        "confirmed_at": confirmed_at.isoformat(),
        "node": node_name,
        "link": f"/api/v1/alerts/{alert.id}",
    }


def enqueue_for_confirmed(
    session: Session,
    alert: AlertRow,
    *,
    playbooks: Playbooks,
    now: datetime,
    node_name: str = DEFAULT_NODE_NAME,
) -> list[int]:
    """Write the notifications of the playbook for ``alert``'s category, in the caller's
    (confirming) transaction; their ids. Calling it again for the same alert writes nothing
    more. When the playbook reaches nobody (e.g. no border post for the arrival airport), the
    ``default`` playbook is used, so a confirmed alert is never silent."""
    if alert.status != "confirmed":
        raise ConflictError(f"alert {alert.id} is {alert.status}; only a confirmed one notifies")
    subject = Subject(SubjectKind.ALERT, alert.id)
    existing = _first_notifications(session, subject)
    if existing:
        return existing
    airports = flight_airports(session, alert.flight_key)
    payload = alert_payload(alert, airports, node_name=node_name, confirmed_at=now)
    return _write(session, subject, alert.category, playbooks, airports, payload, now)


def partner_hit_payload(
    case: CaseRow, detail: dict[str, Any], *, node_name: str, now: datetime
) -> dict[str, Any]:
    """What a notification says about the case a partner's hit opened: the partner, which of
    this node's entries (list and entry id, the first when the partner reported several),
    where and when it was seen. Nothing about the person seen: that stays in the inbox
    message, under the partner's terms."""
    hits = [h for h in detail.get("hits", []) if isinstance(h, dict)]
    first = hits[0] if hits else {}
    return {
        "case_id": case.id,
        "category": PARTNER_HIT,
        "priority": case.priority,
        "partner": detail.get("partner"),
        "list": first.get("list"),
        "entry_id": first.get("entry"),
        "airport": first.get("airport"),
        "first_seen": first.get("first_seen"),
        "hits": len(hits),
        "reported_at": now.isoformat(),
        "node": node_name,
        "link": f"/api/v1/cases/{case.id}",
    }


def enqueue_for_partner_hit(
    session: Session,
    case: CaseRow,
    detail: dict[str, Any],
    *,
    playbooks: Playbooks,
    now: datetime,
    node_name: str = DEFAULT_NODE_NAME,
) -> list[int]:
    """Write the notifications of the ``partner-hit`` playbook for the case a partner's hit
    opened (``detail`` is the case's ``partner-hit`` event detail), in the transaction that
    opens it; their ids. Calling it again for the same case writes nothing more. The sighting
    was abroad, so names with an airport placeholder resolve to nobody, as for an alert whose
    flight is unknown; when the playbook reaches nobody, ``default`` is used, so a partner's
    hit is never silent."""
    subject = Subject(SubjectKind.CASE, case.id)
    existing = _first_notifications(session, subject)
    if existing:
        return existing
    payload = partner_hit_payload(case, detail, node_name=node_name, now=now)
    return _write(session, subject, PARTNER_HIT, playbooks, Airports(), payload, now)


def _first_notifications(session: Session, subject: Subject) -> list[int]:
    """The ids of the notifications a playbook wrote for ``subject`` (not escalations)."""
    return list(
        session.execute(
            select(NotificationRow.id)
            .where(subject.notifications(), NotificationRow.escalated_from.is_(None))
            .order_by(NotificationRow.id)
        ).scalars()
    )


def _write(
    session: Session,
    subject: Subject,
    category: str,
    playbooks: Playbooks,
    airports: Airports,
    payload: dict[str, Any],
    now: datetime,
) -> list[int]:
    """The notifications of ``category``'s playbook (else ``default``'s), and the
    ``notified`` event on the subject's timeline."""
    playbook = playbooks.for_category(category)
    rows, unresolved = _rows_for(playbook.key, playbook.steps, playbooks, airports, payload, now)
    if not rows and playbook.key != "default":
        fallback = playbooks.playbooks["default"]
        rows, more = _rows_for("default", fallback.steps, playbooks, airports, payload, now)
        unresolved += more
    for row in rows:
        subject.attach(row)
        session.add(row)
    session.flush()
    ids = [row.id for row in rows]
    detail = {"playbook": rows[0].playbook if rows else playbook.key, "notifications": ids,
              "unresolved": unresolved}  # fmt: skip
    subject.add_event(session, at=now, actor="node", kind="notified", detail=detail)
    return ids


def _rows_for(
    key: str,
    steps: tuple[Step, ...],
    playbooks: Playbooks,
    airports: Airports,
    payload: dict[str, Any],
    now: datetime,
) -> tuple[list[NotificationRow], list[str]]:
    rows: list[NotificationRow] = []
    unresolved: list[str] = []
    for step in steps:
        recipients, missing = playbooks.resolve(step.notify, airports)
        escalate_to, missing_later = playbooks.resolve(step.escalate_to, airports)
        unresolved += missing + missing_later
        minutes = step.escalate_after_minutes
        escalate_at = now + timedelta(minutes=minutes) if minutes and escalate_to else None
        for recipient in recipients:
            rows.append(
                new_notification(
                    recipient, playbook=key, payload=payload, now=now, escalate_at=escalate_at,
                    escalate_to=[r.name for r in escalate_to],
                )
            )  # fmt: skip
    return rows, unresolved


def new_notification(
    recipient: Recipient,
    *,
    playbook: str,
    payload: dict[str, Any],
    now: datetime,
    escalate_at: datetime | None = None,
    escalate_to: list[str] | None = None,
    escalated_from: int | None = None,
) -> NotificationRow:
    """A pending notification to ``recipient``, due now, with a fresh acknowledgement token."""
    token = secrets.token_urlsafe(32)
    return NotificationRow(
        playbook=playbook,
        recipient=recipient.name,
        channel=recipient.channel.value,
        address=recipient.address,
        payload=dict(payload),
        status=NotificationStatus.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        ack_token=token,
        ack_token_hash=token_hash(token),
        escalate_at=escalate_at,
        escalate_to=list(escalate_to or []),
        escalated_from=escalated_from,
    )
