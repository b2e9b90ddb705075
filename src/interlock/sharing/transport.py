"""Moving envelopes between nodes: push from the outbox, pull catch-up, and the loop that runs
both under ``interlock serve``.

**Push** (at least once): the oldest pending message of each partner is POSTed to the
partner's inbox over HTTPS (the partner's pinned certificate); the answer is a receipt signed
with the partner's envelope key, checked against the registry before the message is marked
delivered. A failure leaves the message pending with exponential back-off; later messages to
that partner wait, so they arrive in order. The receiver is idempotent on message id, so a
message delivered twice (a lost receipt, a pull racing a push) is stored once.

**Pull** (catch-up): a node asks a partner for the messages addressed to it after the last
sequence number it holds with no gap (``in_seq``). The request is signed with the asking
node's envelope key over ``interlock-pull``, both names, the sequence number and the time,
and refused by the partner when stale (more than :data:`PULL_MAX_SKEW` seconds) or not from a
registered partner. Pulled envelopes go through the same :func:`inbox.receive` as pushed ones.

A partner that was down receives everything when it is back: its own pull on start-up, and
the sender's next push, each deliver what is missing; neither duplicates anything.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from interlock.errors import ForbiddenError, InterlockError, RefusedError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import (
    RECEIPT,
    Envelope,
    Receipt,
    ReceiptStatus,
    verify_envelope,
)
from interlock.sharing.outbox import DELIVERED, PENDING, REJECTED
from interlock.sharing.partner_views import Partner, partner_row, partner_view
from interlock.store.schema_sharing import PartnerRow, ShareOutboxRow

log = logging.getLogger(__name__)

INBOX_PATH = "/api/v1/sharing/inbox"
FEED_PATH = "/api/v1/sharing/feed"
PULL_MAX_SKEW = 300
PULL_PAGE = 200
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
TIMEOUT = 10.0
PUSH_THREADS = 8


def _now() -> datetime:
    return datetime.now(UTC)


def backoff(failures: int) -> float:
    """Seconds before the next push after ``failures`` failed ones: 0.5, 1, 2 … at most 30."""
    return float(min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, failures - 1)))


# -- pull requests are signed -------------------------------------------------------------


def pull_text(requester: str, target: str, after: int, timestamp: int) -> bytes:
    return f"interlock-pull\n{requester}\n{target}\n{after}\n{timestamp}\n".encode()


def pull_headers(ctx: SharingContext, target: str, after: int) -> dict[str, str]:
    timestamp = int(_now().timestamp())
    signature = ctx.identity.envelope.sign(pull_text(ctx.name, target, after, timestamp))
    return {
        "X-Interlock-Node": ctx.name,
        "X-Interlock-Time": str(timestamp),
        "X-Interlock-Signature": base64.b64encode(signature).decode(),
    }


def check_pull(ctx: SharingContext, headers: Mapping[str, str], after: int) -> PartnerRow:
    """The partner asking to pull, after checking its signature and the time."""
    name = headers.get("x-interlock-node", "")
    try:
        timestamp = int(headers.get("x-interlock-time", ""))
        signature = base64.b64decode(headers.get("x-interlock-signature", ""), validate=True)
    except ValueError:
        raise ForbiddenError("pull request without a valid time and signature") from None
    if abs(_now().timestamp() - timestamp) > PULL_MAX_SKEW:
        raise ForbiddenError("pull request is stale: the signed time is too far from now")
    with ctx.store.sessions() as session:
        row = session.execute(select(PartnerRow).where(PartnerRow.name == name)).scalar()
        if row is None:
            raise ForbiddenError("pull request from no registered partner")
        public = base64.b64decode(row.envelope_key)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(
            signature, pull_text(name, ctx.name, after, timestamp)
        )
    except (InvalidSignature, ValueError):
        raise ForbiddenError("pull request signature does not verify") from None
    return row


def feed(ctx: SharingContext, partner: str, after: int, limit: int = PULL_PAGE) -> dict[str, Any]:
    """The envelopes queued for ``partner`` after sequence number ``after``."""
    with ctx.store.sessions() as session:
        rows = session.execute(
            select(ShareOutboxRow)
            .where(ShareOutboxRow.recipient == partner, ShareOutboxRow.seq > after)
            .order_by(ShareOutboxRow.seq)
            .limit(limit)
        ).scalars()
        envelopes = [base64.b64encode(r.envelope).decode() for r in rows]
        last = partner_row(session, partner).out_seq
    return {"envelopes": envelopes, "last_seq": last}


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


# -- the client side -----------------------------------------------------------------------


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


@dataclass
class PullResult:
    received: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[str] = field(default_factory=list)


def pull_from(ctx: SharingContext, name: str) -> PullResult:
    """Fetch and receive what ``name`` holds for this node after ``in_seq``."""
    from interlock.sharing.inbox import receive

    result = PullResult()
    with ctx.store.sessions() as session:
        partner = partner_view(session, partner_row(session, name))
    after = partner.in_seq
    client = ctx.link(partner.name, partner.base_url, partner.tls_cert, partner.ssl_verify)
    while True:
        try:
            response = client.get(
                partner.base_url + FEED_PATH,
                params={"after": after},
                headers=pull_headers(ctx, name, after),
            )
            response.raise_for_status()
            page = response.json()
        except (httpx.HTTPError, ValueError) as err:
            result.errors.append(f"{name}: {err}")
            return result
        envelopes = page.get("envelopes", [])
        for encoded in envelopes:
            try:
                got = receive(ctx, base64.b64decode(encoded), via="pull")
            except InterlockError as err:
                result.errors.append(f"{name}: {err}")
                continue
            if got.status is ReceiptStatus.DUPLICATE:
                result.duplicates += 1
            elif got.status is ReceiptStatus.REJECTED:
                result.rejected += 1
            else:
                result.received += 1
        if len(envelopes) < PULL_PAGE:
            return result
        with ctx.store.sessions() as session:
            after = max(after + len(envelopes), partner_row(session, name).in_seq)


def pull_all(ctx: SharingContext) -> PullResult:
    total = PullResult()
    for partner in ctx.registry.all():
        if not partner.active:
            continue
        got = pull_from(ctx, partner.name)
        total.received += got.received
        total.duplicates += got.duplicates
        total.rejected += got.rejected
        total.errors += got.errors
    return total


class SharingWorker:
    """The loops under ``interlock serve``. The sharing loop pushes due messages every
    ``push_interval`` seconds (at once when woken) and pulls from every partner every
    ``pull_interval`` seconds and on start. The witness loop, in a thread of its own, collects
    the partners' cosignatures of this node's newest checkpoint whenever the log grew: a
    witness that is slow or hangs delays no message."""

    def __init__(
        self,
        ctx: SharingContext,
        *,
        push_interval: float = 0.5,
        pull_interval: float = 30.0,
        cosign: bool = True,
    ) -> None:
        self.ctx = ctx
        self.push_interval = push_interval
        self.pull_interval = pull_interval
        self.cosign = cosign
        self._wake = threading.Event()
        self._witness_wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._pull_now: set[str] = set()
        self._lock = threading.Lock()

    def wake(self) -> None:
        self._wake.set()

    def request_pull(self, partner: str) -> None:
        """Pull from ``partner`` in the next round (a gap was seen in its sequence)."""
        with self._lock:
            self._pull_now.add(partner)
        self._wake.set()

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._run, name="sharing", daemon=True)]
        if self.cosign:
            self._threads.append(
                threading.Thread(target=self._witness_run, name="witnessing", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._witness_wake.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self) -> None:
        last_pull = 0.0
        while not self._stop.is_set():
            started = _now().timestamp()
            with self._lock:
                asked, self._pull_now = self._pull_now, set()
            try:
                if started - last_pull >= self.pull_interval:
                    last_pull = started
                    pull_all(self.ctx)
                else:
                    for name in sorted(asked):
                        pull_from(self.ctx, name)
                push_once(self.ctx)
            except Exception:  # the loop must survive a bad round; the next one retries
                log.exception("sharing round failed")
            self._witness_wake.set()  # the log may have grown (sent, received, receipts)
            self._wake.wait(self.push_interval)
            self._wake.clear()

    def _witness_run(self) -> None:
        from interlock.sharing.witnessing import cosign_latest

        while not self._stop.is_set():
            self._witness_wake.wait(max(self.push_interval, 1.0))
            self._witness_wake.clear()
            if self._stop.is_set():
                return
            try:
                cosign_latest(self.ctx)
            except Exception:  # as above: the next round retries
                log.exception("witnessing round failed")
