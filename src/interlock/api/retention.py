"""``/api/v1/retention``: retention runs (SG-26, SG-27, SG-30) and retention holds (SG-28).

Runs need ``retention.run``; holds need ``retention.hold`` and a person (a service token is
refused). Every change is written to the audit log by :mod:`interlock.retention`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed
from interlock.api.deps import get_settings, get_store
from interlock.retention import Retention, parse_booking
from interlock.retention.node import node_retention
from interlock.settings import Settings
from interlock.store import Store

router = APIRouter(prefix="/api/v1/retention", tags=["retention"])


def get_retention(
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Retention:
    """The node's retention over its store."""
    return node_retention(store, settings)


class RunRequest(BaseModel):
    dry_run: bool = Field(default=False, description="Report what would be done; change nothing.")


class HoldRequest(BaseModel):
    """A hold on a booking (``CARRIER/LOCATOR``) or on one traveller (``traveller_id``)."""

    booking: str | None = Field(default=None, description="CARRIER/LOCATOR, e.g. LH/ABC123")
    traveller_id: int | None = None
    evidence: str | None = Field(default=None, description="Case or file number.")
    reason: str | None = None
    review_by: date | None = Field(default=None, description="Review date, in the future.")


class ReleaseRequest(BaseModel):
    reason: str | None = None


@router.post("/run")
def post_run(
    body: RunRequest,
    principal: Annotated[Principal, Depends(Allowed(Action.RETENTION_RUN))],
    retention: Annotated[Retention, Depends(get_retention)],
) -> dict[str, Any]:
    """Run retention now (or, with ``dry_run``, report what it would do)."""
    return retention.run(principal, dry_run=body.dry_run).to_dict()


@router.get("/holds")
def get_holds(
    principal: Annotated[Principal, Depends(Allowed(Action.RETENTION_HOLD))],
    retention: Annotated[Retention, Depends(get_retention)],
    include_released: Annotated[bool, Query(description="Released holds too.")] = True,
) -> list[dict[str, object]]:
    """The retention holds, newest first, with their state (active, lapsed, released)."""
    holds = retention.holds.all(principal, include_released=include_released)
    return [hold.to_dict() for hold in holds]


@router.post("/holds", status_code=201)
def post_hold(
    body: HoldRequest,
    principal: Annotated[Principal, Depends(Allowed(Action.RETENTION_HOLD))],
    retention: Annotated[Retention, Depends(get_retention)],
) -> dict[str, object]:
    """Set a hold: a person, an evidence reference, a reason and a review date (SG-28)."""
    hold = retention.holds.add(
        principal,
        booking=parse_booking(body.booking) if body.booking else None,
        traveller_id=body.traveller_id,
        evidence=body.evidence,
        reason=body.reason,
        review_by=body.review_by,
    )
    return hold.to_dict()


@router.post("/holds/{hold_id}/release")
def post_release(
    hold_id: int,
    body: ReleaseRequest,
    principal: Annotated[Principal, Depends(Allowed(Action.RETENTION_HOLD))],
    retention: Annotated[Retention, Depends(get_retention)],
) -> dict[str, object]:
    """Release a hold, with a reason; the data it kept is then handled by the next run."""
    return retention.holds.release(principal, hold_id, body.reason).to_dict()
