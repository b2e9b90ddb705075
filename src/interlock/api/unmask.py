"""``/api/v1/unmask``: unmasking depersonalised PNR data (SG-29).

A person with ``unmask.request`` asks (``POST /requests``) with a purpose, a reason and an
evidence reference; a person of an authority outside the requesting unit (``unmask.approve``)
approves or refuses it; the requester then reads the plaintext (``GET /requests/{id}/data``,
with the purpose and reason of this access, SG-01) while the approval is valid. Every step and
every refusal is audited and notified to the DPO (``GET /api/v1/audit?action=dpo.notify``) by
:mod:`interlock.retention.unmask`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed, Purposeful, current_principal
from interlock.api.deps import get_settings, get_store
from interlock.retention.holds import parse_booking
from interlock.retention.node import node_unmasking
from interlock.retention.unmask import Unmasking
from interlock.settings import Settings
from interlock.store import Store

router = APIRouter(prefix="/api/v1/unmask", tags=["unmask"])


def get_unmasking(
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Unmasking:
    """Unmasking over the node's store, with its depersonalisation key file."""
    return node_unmasking(store, settings)


UnmaskingDep = Annotated[Unmasking, Depends(get_unmasking)]


class UnmaskRequestBody(BaseModel):
    """What to unmask (a booking ``CARRIER/LOCATOR`` or a ``traveller_id``), and why."""

    booking: str | None = Field(default=None, description="CARRIER/LOCATOR, e.g. LH/ABC123")
    traveller_id: int | None = None
    purpose: str | None = Field(default=None, description="terrorist-offence | serious-crime")
    reason: str | None = Field(default=None, description="Why the plaintext is needed.")
    evidence: str | None = Field(default=None, description="Case or file number.")


class DecisionBody(BaseModel):
    reason: str | None = Field(default=None, description="Why it is approved or refused.")


@router.post("/requests", status_code=201)
def post_request(
    body: UnmaskRequestBody,
    principal: Annotated[Principal, Depends(Allowed(Action.UNMASK_REQUEST))],
    unmasking: UnmaskingDep,
) -> dict[str, object]:
    """Ask to unmask a depersonalised booking or traveller; the request is pending."""
    made = unmasking.request(
        principal,
        booking=parse_booking(body.booking) if body.booking else None,
        traveller_id=body.traveller_id,
        purpose=body.purpose,
        reason=body.reason,
        evidence=body.evidence,
    )
    return made.to_dict()


@router.get("/requests")
def get_requests(
    principal: Annotated[Principal, Depends(current_principal)],
    unmasking: UnmaskingDep,
) -> list[dict[str, object]]:
    """Requests, newest first: the requester's own, or all for the authority and the DPO."""
    return [made.to_dict() for made in unmasking.all(principal)]


@router.post("/requests/{request_id}/approve")
def post_approve(
    request_id: int,
    body: DecisionBody,
    principal: Annotated[Principal, Depends(Allowed(Action.UNMASK_APPROVE))],
    unmasking: UnmaskingDep,
) -> dict[str, object]:
    """Approve a pending request (a person of an authority outside the requesting unit)."""
    return unmasking.approve(principal, request_id, body.reason).to_dict()


@router.post("/requests/{request_id}/refuse")
def post_refuse(
    request_id: int,
    body: DecisionBody,
    principal: Annotated[Principal, Depends(Allowed(Action.UNMASK_APPROVE))],
    unmasking: UnmaskingDep,
) -> dict[str, object]:
    """Refuse a pending request, with a reason."""
    return unmasking.refuse(principal, request_id, body.reason).to_dict()


@router.get("/requests/{request_id}/data")
def get_data(
    request_id: int,
    principal: Annotated[Principal, Depends(Allowed(Action.UNMASK_REQUEST))],
    access: Purposeful,
    unmasking: UnmaskingDep,
) -> dict[str, Any]:
    """The plaintext of an approved request, for its requester (each read is audited)."""
    return unmasking.read(principal, request_id, access).to_dict()
