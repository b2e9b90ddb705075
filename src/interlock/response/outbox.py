"""The outbox: notifications written when a person confirms an alert, read later by delivery.

:func:`enqueue_for_confirmed` runs inside the transaction that confirms the alert (SG-20: only a
confirmed alert is acted upon, and a person confirmed it), so the confirmation and its
notifications commit together. Each notification gets its own acknowledgement token; the
payload is minimal (SG-37 style): ids, category, priority, severity, flight and airports,
review deadline, node name and a link to the alert: no names, document numbers or birth
dates. Recipients sign in to see the person.
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
from interlock.response.playbooks import Airports, Playbooks, Recipient, Step
from interlock.store.schema import FlightLegRow, FlightRow, FlightVersionRow
from interlock.store.schema_alerts import AlertEventRow, AlertRow
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
    existing = session.execute(
        select(NotificationRow.id)
        .where(NotificationRow.alert_id == alert.id, NotificationRow.escalated_from.is_(None))
        .order_by(NotificationRow.id)
    ).scalars().all()  # fmt: skip
    if existing:
        return list(existing)
    airports = flight_airports(session, alert.flight_key)
    payload = alert_payload(alert, airports, node_name=node_name, confirmed_at=now)
    playbook = playbooks.for_category(alert.category)
    rows, unresolved = _rows_for(playbook.key, playbook.steps, playbooks, airports, payload, now)
    if not rows and playbook.key != "default":
        fallback = playbooks.playbooks["default"]
        rows, more = _rows_for("default", fallback.steps, playbooks, airports, payload, now)
        unresolved += more
    for row in rows:
        row.alert_id = alert.id
        session.add(row)
    session.flush()
    ids = [row.id for row in rows]
    detail = {"playbook": rows[0].playbook if rows else playbook.key, "notifications": ids,
              "unresolved": unresolved}  # fmt: skip
    session.add(AlertEventRow(alert_id=alert.id, at=now, actor="node", kind="notified",
                              detail=detail))  # fmt: skip
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
