"""``/api/v1/control/switches``: the stop switch (SG-55).

A person with ``control.stop`` (supervisor, DPO) suspends one rule, one list or all automated
screening, with a reason, and lifts it again; both are in the audit log. Services never hold
``control.stop`` (it is person-only). What is suspended now is readable with
``control.read``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed
from interlock.api.deps import get_store
from interlock.stopswitch import Scope, SwitchState
from interlock.store import Store

router = APIRouter(prefix="/api/v1/control", tags=["control"])

StoreDep = Annotated[Store, Depends(get_store)]
Stopper = Annotated[Principal, Depends(Allowed(Action.CONTROL_STOP))]


class Suspension(BaseModel):
    scope: Scope = Field(..., description="all, list or rule")
    target: str = Field("", description="The list or rule name (empty for all)")
    reason: str = Field(..., description="Why automated screening must stop")


class Lift(BaseModel):
    reason: str


def state_dict(state: SwitchState) -> dict[str, Any]:
    return {"all": state.all, "lists": sorted(state.lists), "rules": sorted(state.rules)}


@router.get("/switches")
def switches(
    principal: Annotated[Principal, Depends(Allowed(Action.CONTROL_READ))], store: StoreDep
) -> dict[str, Any]:
    """What is suspended now, and the switches in force with who set them and why."""
    return {
        "state": state_dict(store.switches.state()),
        "active": [switch.to_dict() for switch in store.switches.active()],
    }


@router.post("/switches", status_code=201)
def suspend(body: Suspension, principal: Stopper, store: StoreDep) -> dict[str, object]:
    """Suspend all automated screening, one list or one rule (409 if already suspended)."""
    return store.switches.suspend(principal, body.scope, body.target, body.reason).to_dict()


@router.post("/switches/{switch_id}/lift")
def lift(switch_id: int, body: Lift, principal: Stopper, store: StoreDep) -> dict[str, object]:
    """End a suspension: automated screening of its scope resumes."""
    return store.switches.lift(principal, switch_id, body.reason).to_dict()
