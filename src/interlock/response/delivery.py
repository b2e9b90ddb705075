"""Delivery of due notifications, with retries, and escalation of unacknowledged ones.

Delivery is safe when two runs overlap: a run first *claims* each due row in a short
transaction (``attempts`` + 1 and ``next_attempt_at`` moved a lease ahead, only if ``attempts``
is still what it read), commits, and only then sends. A second run finds the row not due, or
loses the conditional update. A run that dies after sending leaves the row to be sent again
when the lease ends: at least once, never lost. Failures retry with exponential back-off
(30 s, 1 min, 2 min … capped) until ``max_attempts``, then the row is ``failed``.

Every attempt is a disclosure to the recipient (SG-33): an audit entry by the node, action
``notification.send``, recipient = the recipient's name, subject the alert (or the case, for a
partner's hit), written with the row's new state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from interlock.audit.log import AuditEvent, record
from interlock.response.channels import DeliveryError, post_webhook, send_email
from interlock.response.outbox import NotificationStatus
from interlock.response.playbooks import Channel, Playbooks, builtin_playbooks
from interlock.response.subject import Subject, subject_of
from interlock.store import Store
from interlock.store.schema_response import NotificationRow

MAX_ATTEMPTS = 6
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 30 * 60
CLAIM_SECONDS = 5 * 60
"""How long a claimed row is left to the run that claimed it before another may retry it."""
HTTP_TIMEOUT_SECONDS = 10.0
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
"""Base of the links in messages (``Settings.public_url`` is meant to take its place)."""
DEFAULT_MAIL_FROM = "interlock@localhost"
DEFAULT_SMTP = ("127.0.0.1", 25)

PENDING = NotificationStatus.PENDING.value


@dataclass(slots=True)
class DeliveryReport:
    """Notification ids by what one run did to them."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[int]]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row this run has claimed, as read when claiming."""

    id: int
    subject: Subject
    recipient: str
    channel: str
    address: str
    payload: dict[str, Any]
    token: str | None
    attempt: int


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min … at most 30 min."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


def session_factory(store_or_sessions: Store | sessionmaker[Session]) -> sessionmaker[Session]:
    return store_or_sessions.sessions if isinstance(store_or_sessions, Store) else store_or_sessions


def deliver_due(
    store_or_sessions: Store | sessionmaker[Session],
    *,
    now: datetime,
    http_client: httpx.Client | None = None,
    smtp: tuple[str, int] = DEFAULT_SMTP,
    playbooks: Playbooks | None = None,
    public_url: str = DEFAULT_PUBLIC_URL,
    mail_from: str = DEFAULT_MAIL_FROM,
    max_attempts: int = MAX_ATTEMPTS,
    limit: int = 100,
) -> DeliveryReport:
    """Send the pending notifications due at ``now`` (at most ``limit``). Webhook secrets come
    from ``playbooks`` (the built-in set when None) by recipient name."""
    sessions = session_factory(store_or_sessions)
    books = playbooks or builtin_playbooks()
    report = DeliveryReport()
    client = http_client or httpx.Client(timeout=HTTP_TIMEOUT_SECONDS)
    try:
        for claimed in _claim_due(sessions, now=now, limit=limit):
            message = _message(claimed, public_url=public_url, now=now)
            try:
                _send(claimed, message, books, client=client, smtp=smtp, mail_from=mail_from)
                error = None
            except DeliveryError as err:
                error = err.reason
            _settle(sessions, claimed, error=error, now=now, max_attempts=max_attempts,
                    report=report)  # fmt: skip
    finally:
        if http_client is None:
            client.close()
    return report


def _claim_due(sessions: sessionmaker[Session], *, now: datetime, limit: int) -> list[Claimed]:
    claimed: list[Claimed] = []
    with sessions.begin() as session:
        due = session.execute(
            select(NotificationRow)
            .where(NotificationRow.status == PENDING, NotificationRow.next_attempt_at <= now)
            .order_by(NotificationRow.next_attempt_at, NotificationRow.id)
            .limit(limit)
        ).scalars().all()  # fmt: skip
        for row in due:
            won = session.execute(
                update(NotificationRow)
                .where(NotificationRow.id == row.id, NotificationRow.status == PENDING,
                       NotificationRow.attempts == row.attempts)
                .values(attempts=row.attempts + 1,
                        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            if getattr(won, "rowcount", 0) == 1:
                claimed.append(Claimed(row.id, subject_of(row), row.recipient, row.channel,
                                       row.address, dict(row.payload), row.ack_token,
                                       row.attempts + 1))  # fmt: skip
    return claimed


def _message(claimed: Claimed, *, public_url: str, now: datetime) -> dict[str, Any]:
    base = public_url.rstrip("/")
    message = dict(claimed.payload)
    message.update(notification=claimed.id, attempt=claimed.attempt, sent_at=now.isoformat(),
                   url=f"{base}{claimed.payload.get('link', '')}")  # fmt: skip
    if claimed.token:
        message["ack_token"] = claimed.token
        message["ack_url"] = f"{base}/api/v1/notifications/ack?token={claimed.token}"
    return message


def _send(
    claimed: Claimed,
    message: dict[str, Any],
    books: Playbooks,
    *,
    client: httpx.Client,
    smtp: tuple[str, int],
    mail_from: str,
) -> None:
    if claimed.channel == Channel.EMAIL.value:
        send_email(smtp, mail_from=mail_from, to=claimed.address, message=message)
        return
    recipient = books.recipients.get(claimed.recipient)
    if recipient is None or recipient.channel is not Channel.WEBHOOK:
        raise DeliveryError(f"recipient {claimed.recipient!r} is no longer a webhook in the "
                            "playbooks")  # fmt: skip
    post_webhook(client, claimed.address, message, secret=recipient.secret)


def _settle(
    sessions: sessionmaker[Session],
    claimed: Claimed,
    *,
    error: str | None,
    now: datetime,
    max_attempts: int,
    report: DeliveryReport,
) -> None:
    """Record the attempt's outcome and its audit entry. A row acknowledged or escalated while
    it was being sent keeps that status."""
    with sessions.begin() as session:
        row = session.get(NotificationRow, claimed.id)
        if row is None:  # deleted with its alert (or case) meanwhile
            return
        still_ours = row.status == PENDING and row.attempts == claimed.attempt
        if error is None:
            row.sent_at = row.sent_at or now
            if still_ours:
                row.status, row.ack_token, row.next_attempt_at = "sent", None, None
            report.sent.append(row.id)
        elif still_ours:
            row.last_error = error
            if claimed.attempt >= max_attempts:
                row.status, row.next_attempt_at = NotificationStatus.FAILED.value, None
                report.failed.append(row.id)
            else:
                row.next_attempt_at = now + retry_delay(claimed.attempt)
                report.retrying.append(row.id)
        _audit(session, claimed, error)


def _audit(session: Session, claimed: Claimed, error: str | None) -> None:
    detail: dict[str, Any] = {"notification": claimed.id, "channel": claimed.channel,
                              "attempt": claimed.attempt, "result": "sent" if error is None
                              else "error"}  # fmt: skip
    if error is not None:
        detail["error"] = error
    subject = claimed.subject
    record(session, AuditEvent.by(None, "notification.send", subject_kind=subject.kind.value,
                                  subject_id=str(subject.id), recipient=claimed.recipient,
                                  detail=detail))  # fmt: skip
