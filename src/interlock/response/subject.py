"""What a notification is about: a confirmed alert of this node, or a case (the case a
partner's hit on one of this node's watchlist entries opened, :mod:`interlock.sharing.
partner_hits`).

A notification row names exactly one of the two (``alert_id`` or ``case_id``). Delivery,
acknowledgement and escalation work on the subject, so the audit entries name it and the
timeline events (``notified``, ``acknowledged``, ``escalated``) go on the alert's timeline or
the case's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from interlock.store.schema_alerts import AlertEventRow, CaseEventRow
from interlock.store.schema_response import NotificationRow


class SubjectKind(StrEnum):
    ALERT = "alert"
    CASE = "case"


@dataclass(frozen=True, slots=True)
class Subject:
    """An alert or a case, by id; ``str()`` reads ``alert 12`` or ``case 3``."""

    kind: SubjectKind
    id: int

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    def notifications(self) -> ColumnElement[bool]:
        """The condition selecting the notifications of this subject."""
        if self.kind is SubjectKind.ALERT:
            return NotificationRow.alert_id == self.id
        return NotificationRow.case_id == self.id

    def attach(self, row: NotificationRow) -> None:
        """Make ``row`` a notification of this subject."""
        row.alert_id = self.id if self.kind is SubjectKind.ALERT else None
        row.case_id = self.id if self.kind is SubjectKind.CASE else None

    def add_event(
        self, session: Session, *, at: datetime, actor: str, kind: str, detail: dict[str, Any]
    ) -> None:
        """Write an event on the subject's timeline (the alert's, or the case's)."""
        if self.kind is SubjectKind.ALERT:
            session.add(AlertEventRow(alert_id=self.id, at=at, actor=actor, kind=kind,
                                      detail=detail))  # fmt: skip
            return
        text = _CASE_TEXT.get(kind, kind).format(**detail)
        session.add(CaseEventRow(case_id=self.id, at=at, actor=actor, kind=kind, text=text,
                                 detail=detail))  # fmt: skip


_CASE_TEXT = {
    "notified": "Notified by playbook {playbook}: notifications {notifications}.",
    "acknowledged": "Notification {notification} acknowledged.",
    "escalated": "Nobody acknowledged notification {from}: escalated as {notifications}.",
}


def subject_of(row: NotificationRow) -> Subject:
    """The alert or case ``row`` notifies of (ValueError if it names neither or both)."""
    if row.alert_id is not None and row.case_id is None:
        return Subject(SubjectKind.ALERT, row.alert_id)
    if row.case_id is not None and row.alert_id is None:
        return Subject(SubjectKind.CASE, row.case_id)
    raise ValueError(f"notification {row.id} must be of an alert or of a case, not both")
