"""Pushing envelopes to partners from the outbox (at least once).

The oldest pending message of each partner is POSTed to the partner's inbox over HTTPS (the
partner's pinned certificate, over a link kept open between messages); the answer is a
receipt signed with the partner's envelope key, checked against the registry before the
message is marked delivered. A failure leaves the message pending with exponential back-off;
later messages to that partner wait, so they arrive in order. The receiver is idempotent on
message id, so a message delivered twice (a lost receipt, a pull racing a push) is stored
once. Partners are pushed to in parallel.

The back-off counts the failures since the partner last showed it was up: a pull from it
(:func:`partner_is_back`, called by the feed) makes its pending messages due at once and
starts the back-off again. Pull catch-up is :mod:`interlock.sharing.pull`; the loop that runs
both under ``interlock serve`` is :mod:`interlock.sharing.worker`.

A partner that was down receives everything when it is back: its own pull on start-up, and
the sender's next push, each deliver what is missing; neither duplicates anything.
"""

from __future__ import annotations

import base64
import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from interlock.errors import InterlockError, RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import RECEIPT, Envelope, Receipt, ReceiptStatus, verify_envelope
from interlock.sharing.outbox import DELIVERED, PENDING, REJECTED
from interlock.sharing.partner_views import Partner, partner_row, partner_view
from interlock.store.schema_sharing import ShareOutboxRow

INBOX_PATH = "/api/v1/sharing/inbox"
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
PUSH_THREADS = 8


def _now() -> datetime:
    return datetime.now(UTC)


def backoff(failures: int) -> float:
    """Seconds before the next push after ``failures`` failed ones: 0.5, 1, 2 … at most 30."""
    return float(min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, failures - 1)))


def partner_is_back(ctx: SharingContext, partner: str, now: datetime | None = None) -> int:
    """A partner that pulls is up: its pending messages are due now instead of at the end of
    their back-off (they will be answered as duplicates of what it just pulled, which marks
    them delivered), and the back-off starts again from its first step, so a push that still
    fails (the partner pulls while it is starting, before it listens) is retried in half a
    second rather than after the long wait its earlier failures had earned. The number of
    messages made due."""
    with ctx.store.sessions.begin() as session:
        rows = session.execute(
            select(ShareOutboxRow).where(
                ShareOutboxRow.recipient == partner, ShareOutboxRow.status == PENDING
            )
        ).scalars().all()  # fmt: skip
        for row in rows:
            row.next_attempt_at = now or _now()
            row.failures = 0
        return len(rows)


@dataclass
class PushResult:
    delivered: int = 0
    rejected: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def check_receipt(partner: Partner, row: ShareOutboxRow, body: bytes) -> Receipt:
    """The partner's signed receipt for ``row``; RefusedError when it is not one."""
    envelope = Envelope.from_json(body)
    keys = {partner.envelope_key_id: partner.envelope_key}
    if verify_envelope(envelope, keys, payload_types=(RECEIPT,)) is None:
        raise RefusedError(f"receipt from {partner.name} is not signed with its key")
    receipt = Receipt.decode(envelope.payload)
    if (
        receipt.message_id != row.message_id
        or receipt.envelope_sha256 != row.envelope_sha256
        or receipt.from_node != partner.name
    ):
        raise RefusedError(f"receipt from {partner.name} is for another message")
    return receipt


def push_once(ctx: SharingContext, *, now: datetime | None = None) -> PushResult:
    """Push the due messages, oldest first per partner; stop at a partner's first failure."""
    now = now or _now()
    result = PushResult()
    with ctx.store.sessions() as session:
        due = session.execute(
            select(ShareOutboxRow.recipient)
            .where(ShareOutboxRow.status == PENDING)
            .distinct()
        ).scalars().all()  # fmt: skip
    if len(due) <= 1:
        for name in due:
            _push_partner(ctx, name, now, result)
        return result
    # partners are independent: push to them at once, each in order, each on its own link
    parts = [PushResult() for _ in due]
    with ThreadPoolExecutor(max_workers=min(PUSH_THREADS, len(due))) as pool:
        list(
            pool.map(
                lambda job: _push_partner(ctx, job[0], now, job[1]), zip(due, parts, strict=True)
            )
        )
    for part in parts:
        result.delivered += part.delivered
        result.rejected += part.rejected
        result.failed += part.failed
        result.errors += part.errors
    return result


def _push_partner(ctx: SharingContext, name: str, now: datetime, result: PushResult) -> None:
    with ctx.store.sessions() as session:
        partner = partner_view(session, partner_row(session, name))
        rows = session.execute(
            select(ShareOutboxRow)
            .where(ShareOutboxRow.recipient == name, ShareOutboxRow.status == PENDING)
            .order_by(ShareOutboxRow.seq)
        ).scalars().all()  # fmt: skip
    if not rows or (rows[0].next_attempt_at and rows[0].next_attempt_at > now):
        return
    client = ctx.link(partner.name, partner.base_url, partner.tls_cert, partner.ssl_verify)
    for row in rows:
        try:
            response = client.post(
                partner.base_url + INBOX_PATH,
                content=row.envelope,
                headers={"Content-Type": "application/json"},
            )
            if response.status_code != 200:
                raise RefusedError(f"HTTP {response.status_code}: {response.text[:200]}")
            receipt = check_receipt(partner, row, response.content)
        except (httpx.HTTPError, InterlockError) as err:
            _failed(ctx, row.id, str(err) or type(err).__name__, now)
            result.failed += 1
            result.errors.append(f"{name} #{row.seq}: {err}")
            return
        _delivered(ctx, row.id, receipt, response.content, now)
        if receipt.status is ReceiptStatus.REJECTED:
            result.rejected += 1
        else:
            result.delivered += 1


def _failed(ctx: SharingContext, row_id: int, error: str, now: datetime) -> None:
    with ctx.store.sessions.begin() as session:
        row = session.get(ShareOutboxRow, row_id)
        if row is None or row.status != PENDING:
            return
        row.attempts += 1
        row.failures += 1
        row.last_error = error[:500]
        row.next_attempt_at = now + timedelta(seconds=backoff(row.failures))


def _delivered(
    ctx: SharingContext, row_id: int, receipt: Receipt, body: bytes, now: datetime
) -> None:
    with ctx.store.sessions.begin() as session:
        row = session.get(ShareOutboxRow, row_id, with_for_update=True)
        if row is None or row.status != PENDING:
            return
        row.attempts += 1
        row.status = REJECTED if receipt.status is ReceiptStatus.REJECTED else DELIVERED
        row.delivered_at = now
        row.last_error = receipt.reason or None
        row.receipt = {
            "status": receipt.status.value,
            "reason": receipt.reason,
            "received_at": receipt.received_at.isoformat(),
            "envelope": base64.b64encode(body).decode(),
        }
        ctx.ledger.append(
            session,
            {
                "event": "receipt",
                "message_id": row.message_id,
                "recipient": row.recipient,
                "seq": row.seq,
                "kind": receipt.status.value,
                "sha256": hashlib.sha256(body).hexdigest(),
                "at": now.isoformat(),
            },
        )
