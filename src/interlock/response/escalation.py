"""Escalation: when nobody acknowledges a confirmed alert (or the case of a partner's hit) in
time, tell the next people.

A notification past its ``escalate_at`` and not acknowledged (sent, still being retried, or
failed: in each case nobody has taken the alert on) becomes ``escalated``, and new
notifications go to the ``escalate_to`` recipients its step named, once per alert and
recipient. Acknowledging any notification of the alert clears ``escalate_at`` on all of them,
so an acknowledged alert never escalates. A case's notifications escalate the same way, per
case. The status change is conditional, so two runs at once escalate a notification once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from interlock.response.delivery import session_factory
from interlock.response.outbox import NotificationStatus, new_notification
from interlock.response.playbooks import Playbooks, builtin_playbooks
from interlock.response.subject import subject_of
from interlock.store import Store
from interlock.store.schema_response import NotificationRow

_WAITING = (
    NotificationStatus.PENDING.value,
    NotificationStatus.SENT.value,
    NotificationStatus.FAILED.value,
)


def escalate_due(
    store_or_sessions: Store | sessionmaker[Session],
    *,
    now: datetime,
    playbooks: Playbooks | None = None,
) -> list[int]:
    """Escalate what is due at ``now``; the ids of the new notifications (pending, sent by the
    next :func:`~interlock.response.delivery.deliver_due`)."""
    sessions = session_factory(store_or_sessions)
    books = playbooks or builtin_playbooks()
    created: list[int] = []
    with sessions.begin() as session:
        due = session.execute(
            select(NotificationRow)
            .where(NotificationRow.status.in_(_WAITING), NotificationRow.escalate_at <= now,
                   NotificationRow.acked_at.is_(None))
            .order_by(NotificationRow.id)
        ).scalars().all()  # fmt: skip
        for row in due:
            if _take(session, row, now):
                created += _escalate(session, row, books, now)
    return created


def _take(session: Session, row: NotificationRow, now: datetime) -> bool:
    """Mark ``row`` escalated if it still waits; False when another run or an acknowledgement
    came first."""
    result = session.execute(
        update(NotificationRow)
        .where(NotificationRow.id == row.id, NotificationRow.status.in_(_WAITING),
               NotificationRow.escalate_at <= now, NotificationRow.acked_at.is_(None))
        .values(status=NotificationStatus.ESCALATED.value, next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )  # fmt: skip
    return getattr(result, "rowcount", 0) == 1


def _escalate(session: Session, row: NotificationRow, books: Playbooks, now: datetime) -> list[int]:
    subject = subject_of(row)
    already = set(
        session.execute(
            select(NotificationRow.recipient).where(
                subject.notifications(), NotificationRow.escalated_from.is_not(None)
            )
        ).scalars()
    )
    payload = {**row.payload, "escalation": True, "escalated_from": row.id}
    new: list[NotificationRow] = []
    missing: list[str] = []
    for name in row.escalate_to:
        recipient = books.recipients.get(name)
        if recipient is None:
            missing.append(name)
        elif name not in already:
            already.add(name)
            new.append(new_notification(recipient, playbook=row.playbook, payload=payload,
                                        now=now, escalated_from=row.id))  # fmt: skip
    for item in new:
        subject.attach(item)
        session.add(item)
    session.flush()
    ids = [item.id for item in new]
    detail = {"from": row.id, "notifications": ids, "unresolved": missing}
    subject.add_event(session, at=now, actor="node", kind="escalated", detail=detail)
    return ids
