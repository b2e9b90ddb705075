"""Reading notifications and acknowledging them.

A recipient acknowledges with the token its message carried (no sign-in: the token is the
proof, and it is good for that one notification only), or a signed-in person with
``notification.ack`` acknowledges by id. Either way the acknowledgement is audited, written on
the alert's timeline, and stops the escalation of every notification of that alert: someone
has taken it on. The notifications of a case (a partner's hit on one of this node's entries)
work the same way, on the case's timeline.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.roles import Action, Principal, allowed, check
from interlock.audit.log import AuditEvent, record
from interlock.errors import NotFoundError, RefusedError
from interlock.response.outbox import NotificationStatus, token_hash
from interlock.response.subject import Subject, SubjectKind, subject_of
from interlock.store.schema_alerts import AlertRow, CaseRow
from interlock.store.schema_response import NotificationRow


@dataclass(frozen=True, slots=True)
class NotificationInfo:
    """A notification as shown to operators (no token, no payload secrets)."""

    id: int
    alert_id: int | None
    case_id: int | None
    playbook: str
    recipient: str
    channel: str
    address: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    acked_at: datetime | None
    acked_by: str | None
    escalate_at: datetime | None
    escalated_from: int | None

    def to_dict(self) -> dict[str, Any]:
        return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """What an acknowledgement did: which notification and alert (or case), by whom, and
    whether it had been acknowledged already (then nothing changed)."""

    notification_id: int
    alert_id: int | None
    case_id: int | None
    acked_by: str
    acked_at: datetime
    already: bool = False

    @property
    def subject(self) -> str:
        """``alert 12`` or ``case 3``."""
        return f"alert {self.alert_id}" if self.alert_id is not None else f"case {self.case_id}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "acked_at": self.acked_at.isoformat()}


_READ = {SubjectKind.ALERT: Action.ALERT_READ, SubjectKind.CASE: Action.CASE_READ}
"""What reading a subject's notifications needs: what reading the subject itself needs."""


def info(row: NotificationRow) -> NotificationInfo:
    return NotificationInfo(
        row.id, row.alert_id, row.case_id, row.playbook, row.recipient, row.channel,
        row.address, row.status, row.attempts, row.next_attempt_at, row.last_error,
        row.created_at, row.sent_at, row.acked_at, row.acked_by, row.escalate_at,
        row.escalated_from,
    )  # fmt: skip


class Notifications:
    """List notifications and take acknowledgements."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def for_alert(self, principal: Principal, alert_id: int) -> list[NotificationInfo]:
        """The notifications of one alert, oldest first (404 for an unknown alert)."""
        check(principal, Action.ALERT_READ)
        return self._of(principal, Subject(SubjectKind.ALERT, alert_id), AlertRow)

    def for_case(self, principal: Principal, case_id: int) -> list[NotificationInfo]:
        """The notifications of one case, oldest first (404 for an unknown case)."""
        check(principal, Action.CASE_READ)
        return self._of(principal, Subject(SubjectKind.CASE, case_id), CaseRow)

    def _of(
        self, principal: Principal, subject: Subject, table: type[AlertRow] | type[CaseRow]
    ) -> list[NotificationInfo]:
        with self._sessions.begin() as session:
            if session.get(table, subject.id) is None:
                raise NotFoundError(f"no {subject}")
            found = self._select(session, subject)
            record(session, AuditEvent.by(principal, "notification.list",
                                          subject_kind=str(subject.kind),
                                          subject_id=str(subject.id)))  # fmt: skip
        return found

    def find(
        self,
        principal: Principal,
        *,
        alert_id: int | None = None,
        case_id: int | None = None,
        status: str | None = None,
        limit: int = 200,
    ) -> list[NotificationInfo]:
        """Notifications, newest first, optionally of one alert or one case, or in one status.
        Alert notifications need ``alert.read``, case notifications ``case.read``; a principal
        with only one of them sees only those."""
        if status is not None and status not in tuple(NotificationStatus):
            known = ", ".join(NotificationStatus)
            raise RefusedError(f"unknown status {status!r}; one of {known}", location="status")
        subject, kinds = _readable(principal, alert_id=alert_id, case_id=case_id)
        with self._sessions() as session:
            return self._select(session, subject, kinds=kinds, status=status, limit=limit,
                                newest=True)  # fmt: skip

    @staticmethod
    def _select(
        session: Session,
        subject: Subject | None,
        *,
        kinds: tuple[SubjectKind, ...] = tuple(SubjectKind),
        status: str | None = None,
        limit: int = 1000,
        newest: bool = False,
    ) -> list[NotificationInfo]:
        query = select(NotificationRow)
        if subject is not None:
            query = query.where(subject.notifications())
        if SubjectKind.ALERT not in kinds:
            query = query.where(NotificationRow.alert_id.is_(None))
        if SubjectKind.CASE not in kinds:
            query = query.where(NotificationRow.case_id.is_(None))
        if status is not None:
            query = query.where(NotificationRow.status == status)
        order = NotificationRow.id.desc() if newest else NotificationRow.id
        return [info(r) for r in session.execute(query.order_by(order).limit(limit)).scalars()]

    def ack_by_token(self, token: str, *, now: datetime) -> Acknowledgement:
        """Acknowledge the notification whose message carried ``token`` (404 if none)."""
        if not token or len(token) > 200:
            raise RefusedError("an acknowledgement token is required", location="token")
        with self._sessions.begin() as session:
            row = session.execute(
                select(NotificationRow).where(NotificationRow.ack_token_hash == token_hash(token))
            ).scalar()
            if row is None:
                raise NotFoundError("unknown acknowledgement token")
            subject = subject_of(row)
            event = AuditEvent(actor=row.recipient, actor_kind="recipient",
                               action="notification.ack", subject_kind=subject.kind.value,
                               subject_id=str(subject.id),
                               detail={"notification": row.id, "by": "token"})  # fmt: skip
            return _acknowledge(session, row, by=f"recipient:{row.recipient}", event=event, now=now)

    def ack_by_principal(
        self, principal: Principal, notification_id: int, *, now: datetime
    ) -> Acknowledgement:
        """Acknowledge a notification as a signed-in person or account."""
        check(principal, Action.NOTIFICATION_ACK)
        with self._sessions.begin() as session:
            row = session.get(NotificationRow, notification_id)
            if row is None:
                raise NotFoundError(f"no notification {notification_id}")
            subject = subject_of(row)
            event = AuditEvent.by(principal, Action.NOTIFICATION_ACK,
                                  subject_kind=subject.kind.value, subject_id=str(subject.id),
                                  detail={"notification": row.id, "by": "principal"})  # fmt: skip
            return _acknowledge(session, row, by=principal.username, event=event, now=now)


def _readable(
    principal: Principal, *, alert_id: int | None, case_id: int | None
) -> tuple[Subject | None, tuple[SubjectKind, ...]]:
    """The subject asked for (None: any) and the kinds of subject ``principal`` may read
    notifications of; ForbiddenError when it may read none of those asked for."""
    if alert_id is not None and case_id is not None:
        raise RefusedError("name an alert or a case, not both", location="case")
    subject = None
    if alert_id is not None:
        subject = Subject(SubjectKind.ALERT, alert_id)
    elif case_id is not None:
        subject = Subject(SubjectKind.CASE, case_id)
    if subject is not None:
        check(principal, _READ[subject.kind])
        return subject, (subject.kind,)
    kinds = tuple(kind for kind in SubjectKind if allowed(principal, _READ[kind]))
    if not kinds:
        check(principal, Action.ALERT_READ)  # refused: may read no notification
    return None, kinds


def _acknowledge(
    session: Session, row: NotificationRow, *, by: str, event: AuditEvent, now: datetime
) -> Acknowledgement:
    if row.acked_at is not None:
        return Acknowledgement(row.id, row.alert_id, row.case_id, row.acked_by or by,
                               row.acked_at, True)  # fmt: skip
    subject = subject_of(row)
    row.status = NotificationStatus.ACKNOWLEDGED.value
    row.acked_at, row.acked_by, row.ack_token = now, by, None
    session.execute(
        update(NotificationRow)
        .where(subject.notifications(), NotificationRow.escalate_at.is_not(None))
        .values(escalate_at=None)
    )
    subject.add_event(session, at=now, actor=by, kind="acknowledged",
                      detail={"notification": row.id})  # fmt: skip
    record(session, event)
    return Acknowledgement(row.id, row.alert_id, row.case_id, by, now)
