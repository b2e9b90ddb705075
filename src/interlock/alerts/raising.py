"""Turning screening matches and rule hits into alerts, in the transaction that stores them.

One alert per person on a flight and cause: a re-sent manifest finds the alert it raised
before and updates it (the newest traveller record, a ``resent`` count, a timeline event),
whatever the alert's state. A cause a person dismissed for this traveller before is not
raised again (SG-25): the memory of dismissals is keyed by hashes of identity and cause.
Humanitarian flags that the data shows (a minor) are set when the alert is raised; people add
the others (asylum request, medical need) during review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from interlock.alerts.keys import cause_hash, identity_key, list_cause, person_key, rule_cause
from interlock.alerts.policy import (
    DEFAULT_DEADLINES,
    AlertStatus,
    CauseKind,
    Severity,
    grade_list_match,
    grade_rule_hit,
)
from interlock.audit.log import AuditEvent, record
from interlock.model import Traveller
from interlock.screening.model import Band, Match
from interlock.store.schema_alerts import AlertEventRow, AlertRow, DismissedMatchRow
from interlock.watchlists.model import ListType

if TYPE_CHECKING:
    from interlock.rules import RuleHit

ADULT_AGE = 18


@dataclass(frozen=True, slots=True)
class Subject:
    """The stored traveller an alert is about, by pseudonymous keys."""

    traveller_id: int
    identity_key: str
    person_key: str
    flight_key: str | None
    humanitarian: tuple[dict[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Cause:
    """What raised an alert, graded, with the explanation kept with the alert."""

    kind: CauseKind
    key: str
    category: str
    severity: Severity
    priority: int
    explanation: dict[str, Any]
    score: float | None = None
    band: Band | None = None
    list_name: str | None = None
    list_version: int | None = None
    entry_id: str | None = None
    rule_name: str | None = None
    rule_version: int | None = None


@dataclass(slots=True)
class RaiseReport:
    raised: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    suppressed: int = 0  # causes dismissed before for the same person (SG-25)


def humanitarian_flags(traveller: Traveller, on: date | None) -> tuple[dict[str, str], ...]:
    """The flags the data itself shows: a minor on the day of travel."""
    if traveller.birth_date is None or on is None:
        return ()
    born = traveller.birth_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if 0 <= age < ADULT_AGE and traveller.birth_date_precision == "day":
        return ({"flag": "minor", "source": "birth date", "set_by": "node"},)
    return ()


def subject_for(
    traveller_id: int, traveller: Traveller, flight_key: str | None, on: date | None
) -> Subject:
    """The subject of alerts on a stored traveller (``on``: the day of travel)."""
    document = traveller.documents[0] if traveller.documents else None
    identity = identity_key(
        traveller.surname,
        traveller.given_names,
        traveller.birth_date,
        document.number if document else None,
        document.issuing_country if document else None,
    )
    return Subject(
        traveller_id,
        identity,
        person_key(identity, flight_key),
        flight_key,
        humanitarian_flags(traveller, on),
    )


def cause_for_match(match: Match, list_type: ListType, list_version: int) -> Cause:
    """The cause of a watchlist match; on a list of documents it is a document hit."""
    kind = CauseKind.DOCUMENT if list_type is ListType.DOCUMENTS else CauseKind.WATCHLIST
    severity, priority = grade_list_match(list_type, match.band)
    explanation = {
        "kind": kind.value,
        "list": match.list_name,
        "list_version": list_version,
        "entry_id": match.entry_id,
        "matched_name": match.matched_name,
        "score": round(match.score, 4),
        "band": match.band.value,
        "features": [e.as_dict() for e in match.explanations],
    }
    return Cause(
        kind=kind,
        key=list_cause(match.list_name, match.entry_id),
        category=f"watchlist:{list_type.value}",
        severity=severity,
        priority=priority,
        explanation=explanation,
        score=match.score,
        band=match.band,
        list_name=match.list_name,
        list_version=list_version,
        entry_id=match.entry_id,
    )


def cause_for_rule(hit: RuleHit) -> Cause:
    """The cause of a rule hit (no score: a rule is met or not)."""
    severity, priority = grade_rule_hit(hit.severity)
    explanation = {"kind": CauseKind.RULE.value, **hit.explanation()}
    explanation.setdefault("author", hit.author)
    return Cause(
        kind=CauseKind.RULE,
        key=rule_cause(hit.rule_name),
        category=f"rule:{hit.category}",
        severity=severity,
        priority=priority,
        explanation=explanation,
        rule_name=hit.rule_name,
        rule_version=hit.rule_version,
    )


def raise_alerts(
    session: Session,
    pairs: Sequence[tuple[Subject, Cause]],
    *,
    now: datetime | None = None,
    deadlines: Mapping[int, int] = DEFAULT_DEADLINES,
) -> RaiseReport:
    """Raise or update the alert of each (subject, cause) in the caller's transaction."""
    report = RaiseReport()
    if not pairs:
        return report
    at = now or datetime.now(UTC)
    keys = {(s.person_key, c.key) for s, c in pairs}
    existing = {
        (row.person_key, row.cause_key): row
        for row in session.execute(
            select(AlertRow).where(tuple_(AlertRow.person_key, AlertRow.cause_key).in_(keys))
        ).scalars()
    }
    dismissed = _dismissed(session, pairs)
    seen: set[tuple[str, str]] = set()
    for subject, cause in pairs:
        key = (subject.person_key, cause.key)
        if key in seen:
            continue
        seen.add(key)
        row = existing.get(key)
        if row is not None:
            _update(session, row, subject, cause, at)
            report.updated.append(row.id)
            continue
        if (subject.identity_key, cause_hash(cause.key)) in dismissed:
            report.suppressed += 1
            continue
        row = _new(subject, cause, at, deadlines)
        session.add(row)
        session.flush()
        session.add(
            AlertEventRow(
                alert_id=row.id,
                at=at,
                actor="node",
                kind="raised",
                detail={"category": cause.category},
            )
        )
        record(
            session,
            AuditEvent.by(
                None,
                "alert.raise",
                subject_kind="alert",
                subject_id=str(row.id),
                detail={
                    "traveller": subject.traveller_id,
                    "cause": cause.kind.value,
                    "priority": cause.priority,
                },
            ),
            at=at,
        )
        report.raised.append(row.id)
    return report


def _dismissed(session: Session, pairs: Sequence[tuple[Subject, Cause]]) -> set[tuple[str, str]]:
    wanted = {(s.identity_key, cause_hash(c.key)) for s, c in pairs}
    query = select(DismissedMatchRow.identity_key, DismissedMatchRow.cause_hash).where(
        tuple_(DismissedMatchRow.identity_key, DismissedMatchRow.cause_hash).in_(wanted)
    )
    return {(identity, cause) for identity, cause in session.execute(query)}


def _new(subject: Subject, cause: Cause, at: datetime, deadlines: Mapping[int, int]) -> AlertRow:
    minutes = deadlines.get(cause.priority, max(deadlines.values()))
    return AlertRow(
        traveller_id=subject.traveller_id,
        person_key=subject.person_key,
        identity_key=subject.identity_key,
        cause_kind=cause.kind.value,
        cause_key=cause.key,
        list_name=cause.list_name,
        list_version=cause.list_version,
        entry_id=cause.entry_id,
        rule_name=cause.rule_name,
        rule_version=cause.rule_version,
        flight_key=subject.flight_key,
        score=cause.score,
        band=cause.band.value if cause.band else None,
        category=cause.category,
        severity=cause.severity.value,
        priority=cause.priority,
        status=AlertStatus.NEW.value,
        due_at=at + timedelta(minutes=minutes),
        created_at=at,
        updated_at=at,
        resent=0,
        explanation=cause.explanation,
        humanitarian=[dict(flag) for flag in subject.humanitarian],
    )


def _update(session: Session, row: AlertRow, subject: Subject, cause: Cause, at: datetime) -> None:
    """A re-sent manifest (or a new list version, a new rule version) found the same person
    and cause again: the alert follows the newest record; its review state is kept."""
    changed: dict[str, Any] = {}
    if row.traveller_id != subject.traveller_id:
        changed["traveller"] = [row.traveller_id, subject.traveller_id]
        row.traveller_id = subject.traveller_id
        row.resent += 1
    if cause.score is not None and row.score is not None and abs(cause.score - row.score) > 1e-9:
        changed["score"] = [round(row.score, 4), round(cause.score, 4)]
    if row.status in (AlertStatus.NEW, AlertStatus.UNDER_REVIEW):
        row.explanation = cause.explanation
        row.score = cause.score
        row.band = cause.band.value if cause.band else row.band
        row.list_version = cause.list_version or row.list_version
        row.rule_version = cause.rule_version or row.rule_version
    known = {flag.get("flag") for flag in row.humanitarian}
    added = [dict(f) for f in subject.humanitarian if f.get("flag") not in known]
    if added:
        row.humanitarian = [*row.humanitarian, *added]
    row.updated_at = at
    if changed:
        session.add(
            AlertEventRow(alert_id=row.id, at=at, actor="node", kind="updated", detail=changed)
        )
