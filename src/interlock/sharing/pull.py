"""Pull catch-up between nodes, and the feed that answers it.

A node asks a partner for the messages addressed to it after the last sequence number it
holds with no gap (``in_seq``): on start, every ``INTERLOCK_SHARE_PULL_INTERVAL_SECONDS``, and
at once when it sees a gap. The request is signed with the asking node's envelope key over
``interlock-pull``, both names, the sequence number and the time, and refused by the partner
when stale (more than :data:`PULL_MAX_SKEW` seconds) or not from a registered partner.
Pulled envelopes go through the same :func:`inbox.receive` as pushed ones, so nothing is
stored twice.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from interlock.errors import ForbiddenError, InterlockError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import ReceiptStatus
from interlock.sharing.partner_views import partner_row, partner_view
from interlock.store.schema_sharing import PartnerRow, ShareOutboxRow

FEED_PATH = "/api/v1/sharing/feed"
PULL_MAX_SKEW = 300
PULL_PAGE = 200


def _now() -> datetime:
    return datetime.now(UTC)


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
