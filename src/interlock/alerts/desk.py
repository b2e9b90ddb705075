"""The alert desk: the queue, reviews and decisions, humanitarian flags, actions on persons.

- States new -> under_review -> confirmed | dismissed (SG-20). Only a person decides; only a
  confirmed alert can be acted upon or shared.
- A decision needs a review the same person started (so they were shown the evidence), every
  checklist item answered and a reason (SG-21). One alert per decision: there is no bulk
  confirm, and the author of a rule may not confirm its hits (SG-22).
- A dismissal is remembered for the person and cause (SG-25); a confirmation starts the
  rapid-response playbook of the alert's category.
- An action on a person (secondary inspection, referral, refusal …) is saved only on a
  confirmed alert, by a person, with a reason; a basis that is only automated is refused
  (SG-24). On a traveller with humanitarian flags it needs a humanitarian-considerations note.
- Every read, change and decision is in the audit log with its purpose and reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import AccessPurpose, stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.alerts.keys import cause_hash
from interlock.alerts.policy import (
    CHECKLISTS,
    MIN_DECISION_REASON,
    AlertStatus,
    Answer,
    CauseKind,
    Decision,
)
from interlock.alerts.views import alert_row, review_view, summary, timeline
from interlock.audit.log import AuditEvent, record
from interlock.errors import ConflictError, ForbiddenError, RefusedError
from interlock.store.schema_alerts import (
    AlertEventRow,
    AlertReviewRow,
    AlertRow,
    DismissedMatchRow,
    PersonActionRow,
)

OnConfirmed = Callable[[Session, AlertRow, datetime], list[int]]
"""Called in the confirming transaction (rapid response: enqueue the playbook's
notifications); returns the notification ids."""


class ActionKind(StrEnum):
    SECONDARY_INSPECTION = "secondary-inspection"
    REFERRAL = "referral"
    REFUSAL = "refusal"
    INTERVIEW = "interview"
    NO_ACTION = "no-action"


class Basis(StrEnum):
    HUMAN_REVIEW = "human-review"  # a person's decision on the confirmed alert
    AUTOMATED = "automated"  # a score or rule alone: never enough (SG-24)


class HumanitarianFlag(StrEnum):
    MINOR = "minor"
    ASYLUM_REQUEST = "asylum-request"
    MEDICAL_NEED = "medical-need"
    VICTIM_OF_TRAFFICKING = "possible-trafficking-victim"


MIN_HUMANITARIAN_NOTE = 20


@dataclass(frozen=True, slots=True)
class QueueFilter:
    status: str | None = None
    priority: int | None = None
    flight_key: str | None = None
    case_id: int | None = None
    limit: int = 100


class AlertDesk:
    """Alerts as people work them; every method takes the acting principal."""

    def __init__(
        self, sessions: sessionmaker[Session], *, on_confirmed: OnConfirmed | None = None
    ) -> None:
        self._sessions = sessions
        self._on_confirmed = on_confirmed

    # reading -------------------------------------------------------------------------------

    def queue(
        self, principal: Principal, access: AccessPurpose, where: QueueFilter = QueueFilter()
    ) -> list[dict[str, Any]]:
        """Open alerts first, by priority and deadline (humanitarian flags in each line)."""
        check(principal, Action.ALERT_READ)
        query = select(AlertRow)
        if where.status:
            query = query.where(AlertRow.status == where.status)
        if where.priority:
            query = query.where(AlertRow.priority == where.priority)
        if where.flight_key:
            query = query.where(AlertRow.flight_key == where.flight_key)
        if where.case_id:
            query = query.where(AlertRow.case_id == where.case_id)
        open_first = AlertRow.status.in_([AlertStatus.NEW, AlertStatus.UNDER_REVIEW]).desc()
        query = query.order_by(open_first, AlertRow.priority, AlertRow.due_at, AlertRow.id)
        with self._sessions.begin() as session:
            rows = session.execute(query.limit(where.limit)).scalars().all()
            record(
                session,
                AuditEvent.by(
                    principal,
                    Action.ALERT_READ,
                    access=access,
                    subject_kind="alert-queue",
                    detail={"returned": len(rows)},
                ),
            )
            return [summary(row) for row in rows]

    def view(self, principal: Principal, access: AccessPurpose, alert_id: int) -> dict[str, Any]:
        """The alert as a reviewer sees it, with its timeline."""
        check(principal, Action.ALERT_READ)
        with self._sessions.begin() as session:
            row = alert_row(session, alert_id)
            view = review_view(session, row)
            view["timeline"] = timeline(session, alert_id)
            self._audit(session, principal, Action.ALERT_READ, row, access=access)
            return view

    # review --------------------------------------------------------------------------------

    def start_review(
        self, principal: Principal, access: AccessPurpose, alert_id: int
    ) -> dict[str, Any]:
        """Open the alert for review: it moves to under_review and the reviewer is shown the
        evidence, the exonerating facts and the checklist."""
        check(principal, Action.ALERT_REVIEW)
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = alert_row(session, alert_id, lock=True)
            if row.status in (AlertStatus.CONFIRMED, AlertStatus.DISMISSED):
                raise ConflictError(f"alert {alert_id} was decided already ({row.status})")
            if self._open_review(session, alert_id, principal.username) is None:
                session.add(
                    AlertReviewRow(
                        alert_id=alert_id,
                        reviewer=principal.username,
                        started_at=now,
                        checklist={},
                        band_shown=row.band,
                    )
                )
            if row.status == AlertStatus.NEW:
                row.status = AlertStatus.UNDER_REVIEW.value
            row.updated_at = now
            self._event(session, row, principal, "review-started", {}, now)
            self._audit(session, principal, Action.ALERT_REVIEW, row, access=access)
            session.flush()
            return review_view(session, row)

    def decide(
        self,
        principal: Principal,
        access: AccessPurpose,
        alert_id: int,
        decision: Decision | str,
        answers: Mapping[str, str],
        reason: str,
    ) -> dict[str, Any]:
        """Confirm or dismiss one alert, with every checklist item answered and a reason."""
        check(principal, Action.ALERT_DECIDE)
        try:
            chosen = Decision(decision)
        except ValueError:
            raise RefusedError(
                f"decision must be 'confirmed' or 'dismissed', not {decision!r}",
                location="decision",
            ) from None
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = alert_row(session, alert_id, lock=True)
            if row.status != AlertStatus.UNDER_REVIEW:
                raise ConflictError(
                    f"alert {alert_id} is {row.status}: only an alert under review can be decided"
                )
            review = self._open_review(session, alert_id, principal.username)
            if review is None:
                raise ConflictError(
                    f"start your review of alert {alert_id} first: the decision rests on the "
                    "evidence you were shown"
                )
            checklist = _checked(CauseKind(row.cause_kind), answers)
            text = stated_reason(reason, minimum=MIN_DECISION_REASON)
            if (
                chosen is Decision.CONFIRMED
                and row.cause_kind == CauseKind.RULE
                and row.explanation.get("author") == principal.username
            ):
                raise ForbiddenError(
                    f"{principal.username} wrote rule {row.rule_name}: its author may not "
                    "confirm its hits (SG-22)"
                )
            review.decided_at = now
            review.decision = chosen.value
            review.reason = text
            review.checklist = checklist
            row.status = chosen.value
            row.updated_at = now
            detail: dict[str, Any] = {"decision": chosen.value}
            if chosen is Decision.DISMISSED:
                _remember_dismissal(session, row, principal, now)
            elif self._on_confirmed is not None:
                detail["notifications"] = self._on_confirmed(session, row, now)
            self._event(session, row, principal, chosen.value, detail, now)
            self._audit(
                session,
                principal,
                Action.ALERT_DECIDE,
                row,
                access=access,
                reason=text,
                detail={"decision": chosen.value},
            )
            session.flush()
            return summary(row)

    def flag(
        self, principal: Principal, alert_id: int, flag: HumanitarianFlag | str, note: str
    ) -> dict[str, Any]:
        """Add a humanitarian flag a person learnt of (asylum request, medical need …)."""
        check(principal, Action.ALERT_REVIEW)
        try:
            chosen = HumanitarianFlag(flag)
        except ValueError:
            known = ", ".join(f.value for f in HumanitarianFlag)
            raise RefusedError(f"unknown flag {flag!r}: one of {known}", location="flag") from None
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = alert_row(session, alert_id, lock=True)
            if any(f.get("flag") == chosen for f in row.humanitarian):
                raise ConflictError(f"alert {alert_id} already carries the flag {chosen.value}")
            entry = {"flag": chosen.value, "source": note.strip(), "set_by": principal.username}
            row.humanitarian = [*row.humanitarian, entry]
            row.updated_at = now
            self._event(session, row, principal, "humanitarian-flag", {"flag": chosen.value}, now)
            self._audit(session, principal, "alert.flag", row, detail={"flag": chosen.value})
            session.flush()
            return summary(row)

    def act(
        self,
        principal: Principal,
        alert_id: int,
        kind: ActionKind | str,
        reason: str,
        *,
        basis: Basis | str = Basis.HUMAN_REVIEW,
        humanitarian_note: str | None = None,
    ) -> dict[str, Any]:
        """Record an action on the person of a confirmed alert (SG-20, SG-24)."""
        check(principal, Action.PERSON_ACTION)
        try:
            chosen, grounds = ActionKind(kind), Basis(basis)
        except ValueError as err:
            raise RefusedError(str(err), location="kind/basis") from None
        if grounds is Basis.AUTOMATED:
            raise RefusedError(
                "an action on a person cannot rest on an automated basis alone (SG-24): "
                "it needs a person's review of the confirmed alert",
                location="basis",
            )
        text = stated_reason(reason, minimum=MIN_DECISION_REASON)
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = alert_row(session, alert_id)
            if row.status != AlertStatus.CONFIRMED:
                raise ConflictError(
                    f"alert {alert_id} is {row.status}: only a confirmed alert can be acted on"
                )
            note = (humanitarian_note or "").strip()
            if row.humanitarian and len(note) < MIN_HUMANITARIAN_NOTE:
                flags = ", ".join(str(f.get("flag")) for f in row.humanitarian)
                raise RefusedError(
                    f"the traveller is flagged ({flags}): a humanitarian-considerations note "
                    f"of at least {MIN_HUMANITARIAN_NOTE} characters is required",
                    location="humanitarian_note",
                )
            action = PersonActionRow(
                alert_id=row.id,
                traveller_id=row.traveller_id,
                kind=chosen.value,
                decided_by=principal.username,
                basis=grounds.value,
                reason=text,
                humanitarian_note=note or None,
                at=now,
            )
            session.add(action)
            session.flush()
            self._event(session, row, principal, "action", {"kind": chosen.value}, now)
            self._audit(
                session,
                principal,
                Action.PERSON_ACTION,
                row,
                reason=text,
                detail={"kind": chosen.value, "action": action.id},
            )
            return {
                "id": action.id,
                "alert_id": row.id,
                "kind": chosen.value,
                "decided_by": action.decided_by,
                "basis": action.basis,
                "reason": action.reason,
                "humanitarian_note": action.humanitarian_note,
                "at": now.isoformat(),
            }

    def assign(self, principal: Principal, alert_id: int, username: str | None) -> dict[str, Any]:
        check(principal, Action.CASE_MANAGE)
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = alert_row(session, alert_id)
            row.assigned_to = username
            row.updated_at = now
            self._event(session, row, principal, "assigned", {"to": username}, now)
            self._audit(session, principal, "alert.assign", row, detail={"to": username})
            return summary(row)

    # helpers -------------------------------------------------------------------------------

    @staticmethod
    def _open_review(session: Session, alert_id: int, reviewer: str) -> AlertReviewRow | None:
        return session.execute(
            select(AlertReviewRow).where(
                AlertReviewRow.alert_id == alert_id,
                AlertReviewRow.reviewer == reviewer,
                AlertReviewRow.decided_at.is_(None),
            )
        ).scalar()

    @staticmethod
    def _event(
        session: Session,
        row: AlertRow,
        principal: Principal,
        kind: str,
        detail: dict[str, Any],
        at: datetime,
    ) -> None:
        session.add(
            AlertEventRow(
                alert_id=row.id, at=at, actor=principal.username, kind=kind, detail=detail
            )
        )

    @staticmethod
    def _audit(
        session: Session,
        principal: Principal,
        action: Action | str,
        row: AlertRow,
        *,
        access: AccessPurpose | None = None,
        reason: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        fields: dict[str, Any] = {"subject_kind": "alert", "subject_id": str(row.id)}
        if reason is not None and access is None:
            fields["reason"] = reason
        record(
            session,
            AuditEvent.by(
                principal,
                action,
                access=access,
                detail={"traveller": row.traveller_id, **(detail or {})},
                **fields,
            ),
        )


def _checked(kind: CauseKind, answers: Mapping[str, str]) -> dict[str, str]:
    """Every checklist item of the alert's kind answered yes, no or not-applicable (SG-21)."""
    items = CHECKLISTS[kind]
    unknown = sorted(set(answers) - set(items))
    if unknown:
        raise RefusedError(f"not on the checklist: {', '.join(unknown)}", location="checklist")
    missing = [item for item in items if item not in answers]
    if missing:
        raise RefusedError(
            f"every checklist item must be answered; missing: {', '.join(missing)}",
            location="checklist",
        )
    checked: dict[str, str] = {}
    for item in items:
        value = str(answers[item]).strip().lower()
        try:
            checked[item] = Answer(value).value
        except ValueError:
            raise RefusedError(
                f"answer {item} with yes, no or not-applicable, not {answers[item]!r}",
                location=f"checklist.{item}",
            ) from None
    return checked


def _remember_dismissal(
    session: Session, row: AlertRow, principal: Principal, now: datetime
) -> None:
    """Remember the dismissed cause for this person (SG-25)."""
    digest = cause_hash(row.cause_key)
    known = session.execute(
        select(DismissedMatchRow.id).where(
            DismissedMatchRow.identity_key == row.identity_key,
            DismissedMatchRow.cause_hash == digest,
        )
    ).first()
    if known is None:
        session.add(
            DismissedMatchRow(
                identity_key=row.identity_key,
                cause_hash=digest,
                traveller_id=row.traveller_id,
                dismissed_by=principal.username,
                dismissed_at=now,
            )
        )
