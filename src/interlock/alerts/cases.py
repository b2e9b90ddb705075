"""Cases: alerts and travellers worked on together, with notes, an assignee and a timeline.

Every change is a timeline event and an audit entry; reading a case (it names travellers)
needs a purpose and reason like any read of personal data (SG-01).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import AccessPurpose
from interlock.access.roles import Action, Principal, check
from interlock.alerts.views import alert_row, summary, traveller_view
from interlock.audit.log import AuditEvent, record
from interlock.errors import ConflictError, NotFoundError, RefusedError
from interlock.store.schema import TravellerRow
from interlock.store.schema_alerts import AlertRow, CaseEventRow, CaseRow, CaseTravellerRow


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def _case(session: Session, case_id: int) -> CaseRow:
    row = session.get(CaseRow, case_id)
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    return row


def _head(row: CaseRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "status": row.status,
        "priority": row.priority,
        "assigned_to": row.assigned_to,
        "created_by": row.created_by,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


class CaseDesk:
    """Open, work and close cases; every method takes the acting principal."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def open(
        self,
        principal: Principal,
        title: str,
        *,
        priority: int = 3,
        alert_ids: tuple[int, ...] = (),
        traveller_ids: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        check(principal, Action.CASE_MANAGE)
        if not title.strip():
            raise RefusedError("a case needs a title", location="title")
        if priority not in (1, 2, 3):
            raise RefusedError("priority is 1, 2 or 3", location="priority")
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = CaseRow(
                title=title.strip(),
                status=CaseStatus.OPEN.value,
                priority=priority,
                created_by=principal.username,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            self._event(session, row, principal, "opened", title.strip(), now)
            for alert_id in alert_ids:
                self._add_alert(session, row, principal, alert_id, now)
            for traveller_id in traveller_ids:
                self._add_traveller(session, row, principal, traveller_id, now)
            return _head(row)

    def add_alert(self, principal: Principal, case_id: int, alert_id: int) -> dict[str, Any]:
        check(principal, Action.CASE_MANAGE)
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = self._open_case(session, case_id)
            self._add_alert(session, row, principal, alert_id, now)
            return _head(row)

    def add_traveller(
        self, principal: Principal, case_id: int, traveller_id: int
    ) -> dict[str, Any]:
        check(principal, Action.CASE_MANAGE)
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = self._open_case(session, case_id)
            self._add_traveller(session, row, principal, traveller_id, now)
            return _head(row)

    def note(self, principal: Principal, case_id: int, text: str) -> dict[str, Any]:
        check(principal, Action.CASE_MANAGE)
        if not text.strip():
            raise RefusedError("an empty note", location="text")
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = self._open_case(session, case_id)
            self._event(session, row, principal, "note", text.strip(), now)
            return _head(row)

    def assign(self, principal: Principal, case_id: int, username: str | None) -> dict[str, Any]:
        check(principal, Action.CASE_MANAGE)
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = self._open_case(session, case_id)
            row.assigned_to = username
            self._event(session, row, principal, "assigned", username or "nobody", now)
            return _head(row)

    def close(self, principal: Principal, case_id: int, reason: str) -> dict[str, Any]:
        check(principal, Action.CASE_MANAGE)
        if len(reason.strip()) < 8:
            raise RefusedError("say why the case is closed", location="reason")
        now = datetime.now(UTC)
        with self._sessions.begin() as session:
            row = self._open_case(session, case_id)
            row.status = CaseStatus.CLOSED.value
            self._event(session, row, principal, "closed", reason.strip(), now)
            return _head(row)

    def list(self, principal: Principal, *, status: str | None = None) -> list[dict[str, Any]]:
        """Case headings (no personal data), newest first, with how many alerts each holds."""
        check(principal, Action.CASE_READ)
        query = select(CaseRow)
        if status:
            query = query.where(CaseRow.status == status)
        with self._sessions() as session:
            rows = session.execute(query.order_by(CaseRow.id.desc())).scalars().all()
            counts = dict(
                session.execute(
                    select(AlertRow.case_id, func.count())
                    .where(AlertRow.case_id.in_([r.id for r in rows]))
                    .group_by(AlertRow.case_id)
                ).tuples()
            )
            return [{**_head(r), "alerts": counts.get(r.id, 0)} for r in rows]

    def get(self, principal: Principal, access: AccessPurpose, case_id: int) -> dict[str, Any]:
        """The whole case: alerts, travellers, notes and timeline."""
        check(principal, Action.CASE_READ)
        with self._sessions.begin() as session:
            row = _case(session, case_id)
            alerts = session.execute(
                select(AlertRow).where(AlertRow.case_id == case_id).order_by(AlertRow.id)
            ).scalars()
            links = session.execute(
                select(CaseTravellerRow.traveller_id)
                .where(CaseTravellerRow.case_id == case_id)
                .order_by(CaseTravellerRow.id)
            ).scalars()
            events = session.execute(
                select(CaseEventRow)
                .where(CaseEventRow.case_id == case_id)
                .order_by(CaseEventRow.id)
            ).scalars()
            case = {
                **_head(row),
                "alerts": [summary(a) for a in alerts],
                "travellers": [traveller_view(session, t) for t in links],
                "timeline": [
                    {
                        "at": e.at.isoformat(),
                        "actor": e.actor,
                        "kind": e.kind,
                        "text": e.text,
                        "detail": e.detail,
                    }
                    for e in events
                ],
            }
            record(
                session,
                AuditEvent.by(
                    principal,
                    Action.CASE_READ,
                    access=access,
                    subject_kind="case",
                    subject_id=str(case_id),
                ),
            )
            return case

    # helpers -------------------------------------------------------------------------------

    @staticmethod
    def _open_case(session: Session, case_id: int) -> CaseRow:
        row = _case(session, case_id)
        if row.status != CaseStatus.OPEN:
            raise ConflictError(f"case {case_id} is closed")
        return row

    def _add_alert(
        self, session: Session, row: CaseRow, principal: Principal, alert_id: int, at: datetime
    ) -> None:
        alert = alert_row(session, alert_id)
        if alert.case_id is not None and alert.case_id != row.id:
            raise ConflictError(f"alert {alert_id} belongs to case {alert.case_id}")
        alert.case_id = row.id
        self._event(
            session, row, principal, "alert-added", f"alert {alert_id}", at, {"alert": alert_id}
        )
        self._add_traveller(session, row, principal, alert.traveller_id, at, quiet=True)

    def _add_traveller(
        self,
        session: Session,
        row: CaseRow,
        principal: Principal,
        traveller_id: int,
        at: datetime,
        *,
        quiet: bool = False,
    ) -> None:
        if session.get(TravellerRow, traveller_id) is None:
            raise NotFoundError(f"no traveller {traveller_id}")
        linked = session.execute(
            select(CaseTravellerRow.id).where(
                CaseTravellerRow.case_id == row.id, CaseTravellerRow.traveller_id == traveller_id
            )
        ).first()
        if linked is not None:
            return
        session.add(
            CaseTravellerRow(
                case_id=row.id, traveller_id=traveller_id, added_by=principal.username, added_at=at
            )
        )
        if not quiet:
            self._event(
                session,
                row,
                principal,
                "traveller-added",
                f"traveller {traveller_id}",
                at,
                {"traveller": traveller_id},
            )

    @staticmethod
    def _event(
        session: Session,
        row: CaseRow,
        principal: Principal,
        kind: str,
        text: str,
        at: datetime,
        detail: dict[str, Any] | None = None,
    ) -> None:
        row.updated_at = at
        session.add(
            CaseEventRow(
                case_id=row.id,
                at=at,
                actor=principal.username,
                kind=kind,
                text=text,
                detail=detail or {},
            )
        )
        record(
            session,
            AuditEvent.by(
                principal,
                f"case.{kind}",
                subject_kind="case",
                subject_id=str(row.id),
                detail=detail or {},
            ),
        )
