"""``/api/v1/sharing`` and ``/api/v1/partners``: sharing with partner nodes.

Node to node (no account; the signature is the credential):

- ``POST /api/v1/sharing/inbox``: a DSSE envelope in, a signed receipt out (``inbox``);
- ``GET /api/v1/sharing/feed?after=N``: pull catch-up, a request signed by the asking
  partner (``transport.check_pull``);
- ``GET /api/v1/sharing/identity``: this node's public identity card.

People (Bearer token or console session, with a purpose and reason where data is read or
sent): the partner registry and agreements (``partner.manage``), publishing and revoking
entries, sightings, corrections and source confirmations (``share.send``, a person), the
inbox and outbox (``share.read``), and checking that a received message is in its sender's
log (inclusion proof against the sender's checkpoint).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed, Purposeful
from interlock.errors import ForbiddenError, NotFoundError
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import Onward, Terms
from interlock.sharing.kinds import TLP
from interlock.sharing.publishing import ShareOptions
from interlock.sharing.service import SharingService
from interlock.sharing.views import inbox_summary, recent_inbox, recent_outbox
from interlock.store.schema_sharing import ShareInboxRow

log = logging.getLogger(__name__)

router = APIRouter(tags=["sharing"])


def get_sharing(request: Request) -> SharingContext:
    return cast(SharingContext, request.app.state.sharing)


SharingDep = Annotated[SharingContext, Depends(get_sharing)]


def _wake(request: Request, partner: str | None = None) -> None:
    worker = getattr(request.app.state, "sharing_worker", None)
    if worker is None:
        return
    if partner is not None:
        worker.request_pull(partner)
    else:
        worker.wake()


# -- node to node ----------------------------------------------------------------------------


@router.post("/api/v1/sharing/inbox")
async def inbox(request: Request, ctx: SharingDep, background: BackgroundTasks) -> Response:
    """Receive a signed envelope from a registered partner; answer with a signed receipt."""
    from starlette.concurrency import run_in_threadpool

    from interlock.sharing.inbox import receive

    raw = await request.body()
    got = await run_in_threadpool(receive, ctx, raw)
    if got.gap:
        _wake(request, got.sender)
    for list_name, version in got.retro:
        background.add_task(_retro, ctx, list_name, version)
    return Response(got.receipt, media_type="application/json")


def _retro(ctx: SharingContext, list_name: str, version: int) -> None:
    from interlock.screening.retro import retro_screen

    try:
        retro_screen(ctx.store, list_name, version, now=datetime.now(UTC), settings=ctx.settings)
    except Exception:  # retro-screening is best effort here; `interlock watchlist` can rerun it
        log.exception("retro-screening of a partner's list failed")


@router.get("/api/v1/sharing/feed")
def feed(
    request: Request, ctx: SharingDep, after: Annotated[int, Query(ge=0)] = 0
) -> dict[str, Any]:
    """The envelopes queued for the signed-in partner after sequence number ``after``."""
    from interlock.sharing.pull import check_pull
    from interlock.sharing.pull import feed as read_feed
    from interlock.sharing.transport import partner_is_back

    partner = check_pull(ctx, request.headers, after)
    page = read_feed(ctx, partner.name, after)
    if partner_is_back(ctx, partner.name):
        _wake(request)
    return page


@router.get("/api/v1/sharing/identity")
def identity(ctx: SharingDep) -> dict[str, Any]:
    """This node's identity card, to hand to a partner (public keys only)."""
    return ctx.identity.card(ctx.settings.public_url)


# -- the registry -------------------------------------------------------------------------------


class PartnerBody(BaseModel):
    card: dict[str, Any] = Field(description="The partner's identity card.")
    taxii_account: str | None = Field(
        default=None, description="Account the partner's TAXII client signs in with."
    )


class AgreementBody(BaseModel):
    kinds: list[str]
    purposes: list[str]
    max_tlp: str
    valid_from: date
    valid_until: date
    legal_basis: str
    third_country: bool = False


class GroupBody(BaseModel):
    name: str
    members: list[str]


@router.get("/api/v1/partners")
def partners(
    ctx: SharingDep, _p: Annotated[Principal, Depends(Allowed(Action.SHARE_READ))]
) -> list[dict[str, Any]]:
    return [p.to_dict() for p in ctx.registry.all()]


@router.get("/api/v1/partners/{name}")
def partner(
    name: str, ctx: SharingDep, _p: Annotated[Principal, Depends(Allowed(Action.SHARE_READ))]
) -> dict[str, Any]:
    return ctx.registry.get(name).to_dict()


@router.post("/api/v1/partners", status_code=201)
def add_partner(
    body: PartnerBody,
    ctx: SharingDep,
    principal: Annotated[Principal, Depends(Allowed(Action.PARTNER_MANAGE))],
) -> dict[str, Any]:
    return ctx.registry.register(principal, body.card, taxii_account=body.taxii_account).to_dict()


@router.put("/api/v1/partners/{name}/agreement")
def set_agreement(
    name: str,
    body: AgreementBody,
    ctx: SharingDep,
    principal: Annotated[Principal, Depends(Allowed(Action.PARTNER_MANAGE))],
) -> dict[str, Any]:
    from interlock.sharing.partner_views import agreement_dict

    made = ctx.registry.set_agreement(principal, name, **body.model_dump())
    return agreement_dict(made)


@router.post("/api/v1/partners/{name}/suspend")
def suspend(
    name: str,
    ctx: SharingDep,
    principal: Annotated[Principal, Depends(Allowed(Action.PARTNER_MANAGE))],
) -> dict[str, Any]:
    return ctx.registry.set_active(principal, name, False).to_dict()


@router.post("/api/v1/partners/{name}/resume")
def resume(
    name: str,
    ctx: SharingDep,
    principal: Annotated[Principal, Depends(Allowed(Action.PARTNER_MANAGE))],
) -> dict[str, Any]:
    return ctx.registry.set_active(principal, name, True).to_dict()


@router.post("/api/v1/sharing/groups", status_code=201)
def define_group(
    body: GroupBody,
    ctx: SharingDep,
    principal: Annotated[Principal, Depends(Allowed(Action.PARTNER_MANAGE))],
) -> dict[str, Any]:
    group = ctx.registry.define_group(principal, body.name, body.members)
    return {"group": group.key, "members": sorted(group.members)}


# -- sharing ----------------------------------------------------------------------------------


class PublishBody(BaseModel):
    watchlist: str
    to: list[str] = Field(default_factory=list)
    group: str | None = None
    reason: str
    tlp: TLP = TLP.AMBER
    onward: Onward = Onward.NEVER
    consent: list[str] = Field(default_factory=list)
    max_hops: int = Field(default=1, ge=1, le=10)
    retention_days: int = Field(default=180, ge=1)
    legal_basis: str | None = None


class RevokeBody(BaseModel):
    watchlist: str
    entry_id: str
    reason: str


class SightingBody(BaseModel):
    alert_id: int
    to: list[str] = Field(default_factory=list)
    group: str | None = None
    reason: str
    tlp: TLP = TLP.AMBER


class CorrectionBody(BaseModel):
    message_id: str
    reason: str


class ConfirmBody(BaseModel):
    confirmed: bool
    reason: str


SendAs = Annotated[Principal, Depends(Allowed(Action.SHARE_SEND))]


@router.post("/api/v1/sharing/publish")
def publish(
    body: PublishBody, request: Request, ctx: SharingDep, principal: SendAs, access: Purposeful
) -> dict[str, Any]:
    """Send partners the entries of a list they lack, and revocations of those delisted."""
    options = ShareOptions(
        tlp=body.tlp,
        onward=body.onward,
        consent=tuple(body.consent),
        max_hops=body.max_hops,
        retention_days=body.retention_days,
        legal_basis=body.legal_basis,
        group=body.group,
    )
    out = SharingService(ctx).publish_list(
        principal, access, body.watchlist, to=body.to, reason=body.reason, options=options
    )
    _wake(request)
    return out


@router.post("/api/v1/sharing/revoke")
def revoke(
    body: RevokeBody, request: Request, ctx: SharingDep, principal: SendAs, access: Purposeful
) -> dict[str, Any]:
    out = SharingService(ctx).revoke_entry(
        principal, access, body.watchlist, body.entry_id, reason=body.reason
    )
    _wake(request)
    return out


@router.post("/api/v1/sharing/sightings")
def sightings(
    body: SightingBody, request: Request, ctx: SharingDep, principal: SendAs, access: Purposeful
) -> dict[str, Any]:
    ids = SharingService(ctx).send_sighting(
        principal, access, body.alert_id, to=body.to, group=body.group, reason=body.reason,
        tlp=body.tlp,
    )  # fmt: skip
    _wake(request)
    return {"messages": ids}


@router.post("/api/v1/sharing/corrections")
def corrections(
    body: CorrectionBody, request: Request, ctx: SharingDep, principal: SendAs, access: Purposeful
) -> dict[str, Any]:
    sent = SharingService(ctx).correct(principal, access, body.message_id, reason=body.reason)
    _wake(request)
    return {"sent": sent}


@router.post("/api/v1/sharing/inbox/{message_id}/source-confirmation")
def confirm_source(
    message_id: str,
    body: ConfirmBody,
    request: Request,
    ctx: SharingDep,
    principal: SendAs,
    access: Purposeful,
) -> dict[str, Any]:
    sent = SharingService(ctx).confirm_source(
        principal, access, message_id, confirmed=body.confirmed, reason=body.reason
    )
    _wake(request)
    return {"message": sent}


# -- reading -------------------------------------------------------------------------------------


@router.get("/api/v1/sharing/inbox")
def inbox_list(
    ctx: SharingDep,
    _p: Annotated[Principal, Depends(Allowed(Action.SHARE_READ))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Messages received, newest first (no content: see one message with a purpose)."""
    return recent_inbox(ctx, limit)


@router.get("/api/v1/sharing/inbox/{message_id}")
def inbox_message(
    message_id: str,
    ctx: SharingDep,
    principal: Annotated[Principal, Depends(Allowed(Action.SHARE_READ))],
    access: Purposeful,
) -> dict[str, Any]:
    """One received message with its content, read only for the originator's purpose
    (SG-44); the read is audited."""
    from interlock.audit.log import AuditEvent, record

    with ctx.store.sessions.begin() as session:
        row = session.execute(
            select(ShareInboxRow).where(ShareInboxRow.message_id == message_id)
        ).scalar()
        if row is None:
            raise NotFoundError(f"no message {message_id} was received")
        terms = Terms.from_dict(row.terms)
        if access.purpose != terms.purpose:
            raise ForbiddenError(f"{row.sender} shared this for {terms.purpose.value} only (SG-44)")
        record(
            session,
            AuditEvent.by(
                principal,
                "share.read",
                access=access,
                subject_kind="share",
                subject_id=message_id,
                recipient=None,
            ),
        )
        return inbox_summary(row) | {"terms": row.terms, "content": row.content}


@router.get("/api/v1/sharing/outbox")
def outbox_list(
    ctx: SharingDep,
    _p: Annotated[Principal, Depends(Allowed(Action.SHARE_READ))],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Messages sent and queued, newest first."""
    return recent_outbox(ctx, limit)


@router.post("/api/v1/sharing/inbox/{message_id}/inclusion")
def inclusion(
    message_id: str,
    ctx: SharingDep,
    _p: Annotated[Principal, Depends(Allowed(Action.SHARE_READ))],
) -> dict[str, Any]:
    """Check that a received message is in its sender's log (inclusion proof against the
    sender's latest checkpoint)."""
    from interlock.sharing.witnessing import check_inclusion

    return check_inclusion(ctx, message_id).to_dict()
