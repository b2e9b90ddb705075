"""What people see of an alert: the queue line, the review view, the exonerating facts.

Humanitarian flags come first in every view. The review view shows the score band and the
evidence feature by feature, never a verdict (SG-22).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.alerts.policy import CHECKLISTS, CauseKind
from interlock.errors import NotFoundError
from interlock.store.schema import FlightRow, FlightVersionRow, TravelDocumentRow, TravellerRow
from interlock.store.schema_alerts import AlertEventRow, AlertReviewRow, AlertRow


def alert_row(session: Session, alert_id: int, *, lock: bool = False) -> AlertRow:
    query = select(AlertRow).where(AlertRow.id == alert_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.execute(query).scalar()
    if row is None:
        raise NotFoundError(f"no alert {alert_id}")
    return row


def traveller_view(session: Session, traveller_id: int) -> dict[str, Any]:
    """The traveller's identifying data as stored (personal data: callers check purpose)."""
    row = session.get(TravellerRow, traveller_id)
    if row is None:
        return {"id": traveller_id, "deleted": True}
    documents = session.execute(
        select(TravelDocumentRow)
        .where(TravelDocumentRow.traveller_id == traveller_id)
        .order_by(TravelDocumentRow.id)
    ).scalars()
    flight = None
    if row.flight_version_id is not None:
        flight = session.execute(
            select(FlightRow.key, FlightRow.origin, FlightRow.destination)
            .join(FlightVersionRow, FlightVersionRow.flight_id == FlightRow.id)
            .where(FlightVersionRow.id == row.flight_version_id)
        ).first()
    return {
        "id": row.id,
        "surname": row.surname,
        "given_names": row.given_names,
        "birth_date": row.birth_date.isoformat() if row.birth_date else None,
        "sex": row.sex,
        "nationality": row.nationality,
        "role": row.role,
        "seat": row.seat,
        "record_locator": row.record_locator,
        "documents": [
            {
                "type": d.type,
                "number": d.number,
                "issuing_country": d.issuing_country,
                "expiry": d.expiry.isoformat() if d.expiry else None,
            }
            for d in documents
        ],
        "flight": {"key": flight.key, "origin": flight.origin, "destination": flight.destination}
        if flight
        else None,
    }


def exonerating_facts(alert: AlertRow) -> list[dict[str, Any]]:
    """Facts that speak against the alert: score features that weighed against the match
    (a birth date or nationality that differs, words the names do not share), or the rule's
    exonerating conditions and what the data held for them."""
    explanation = alert.explanation
    facts: list[dict[str, Any]] = []
    if alert.cause_kind == CauseKind.RULE:
        for condition in explanation.get("exonerating", []):
            facts.append(
                {
                    "fact": f"exonerating condition on {condition.get('field')} "
                    f"({condition.get('op')} {condition.get('expected')!r})",
                    "traveller": condition.get("actual"),
                    "met": condition.get("met"),
                }
            )
        return facts
    for feature in explanation.get("features", []):
        if float(feature.get("weight", 0)) < 0:
            facts.append(
                {
                    "fact": feature.get("reason", feature.get("feature")),
                    "feature": feature.get("feature"),
                    "traveller": feature.get("query_value"),
                    "entry": feature.get("entry_value"),
                    "weight": feature.get("weight"),
                }
            )
    return facts


def summary(alert: AlertRow) -> dict[str, Any]:
    """The queue line of an alert: no personal data beyond pseudonymous ids."""
    return {
        "id": alert.id,
        "humanitarian": alert.humanitarian,
        "status": alert.status,
        "priority": alert.priority,
        "severity": alert.severity,
        "category": alert.category,
        "band": alert.band,
        "cause": alert.cause_kind,
        "list": alert.list_name,
        "entry_id": alert.entry_id,
        "rule": alert.rule_name,
        "flight_key": alert.flight_key,
        "traveller_id": alert.traveller_id,
        "due_at": alert.due_at.isoformat(),
        "created_at": alert.created_at.isoformat(),
        "updated_at": alert.updated_at.isoformat(),
        "resent": alert.resent,
        "case_id": alert.case_id,
        "assigned_to": alert.assigned_to,
    }


def review_view(session: Session, alert: AlertRow) -> dict[str, Any]:
    """What a reviewer works from: humanitarian flags first, the traveller, the evidence
    feature by feature with the band (the overall score is left out: SG-22), exonerating
    facts, and the checklist to answer (SG-21)."""
    explanation = {k: v for k, v in alert.explanation.items() if k != "score"}
    return {
        "humanitarian": alert.humanitarian,
        "alert": summary(alert),
        "traveller": traveller_view(session, alert.traveller_id),
        "evidence": explanation,
        "band": alert.band,
        "exonerating": exonerating_facts(alert),
        "checklist": CHECKLISTS[CauseKind(alert.cause_kind)],
        "reviews": reviews(session, alert.id),
    }


def reviews(session: Session, alert_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AlertReviewRow)
        .where(AlertReviewRow.alert_id == alert_id)
        .order_by(AlertReviewRow.id)
    ).scalars()
    return [
        {
            "reviewer": r.reviewer,
            "started_at": r.started_at.isoformat(),
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "decision": r.decision,
            "reason": r.reason,
            "checklist": r.checklist,
            "band_shown": r.band_shown,
        }
        for r in rows
    ]


def timeline(session: Session, alert_id: int) -> list[dict[str, Any]]:
    rows = session.execute(
        select(AlertEventRow).where(AlertEventRow.alert_id == alert_id).order_by(AlertEventRow.id)
    ).scalars()
    return [
        {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "detail": e.detail} for e in rows
    ]
