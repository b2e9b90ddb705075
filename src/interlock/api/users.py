"""``/api/v1/users``: accounts, their roles and their API tokens (``user.manage``: admin).

The account operations themselves live in :mod:`interlock.access.accounts`, shared with
``interlock users``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from interlock.access.accounts import (
    MAX_TOKEN_DAYS,
    add_account,
    change_roles,
    disable_account,
    new_token,
)
from interlock.access.roles import Action, Principal
from interlock.access.users import parse_roles
from interlock.api.auth import Allowed
from interlock.api.deps import get_store
from interlock.store import Store

router = APIRouter(prefix="/api/v1/users", tags=["users"])


class NewUser(BaseModel):
    username: str = Field(..., examples=["ana.lyst"])
    roles: list[str] = Field(..., min_length=1, examples=[["analyst"]])
    password: str | None = Field(None, repr=False, description="People only; 12+ characters")
    service: bool = Field(False, description="A machine account that signs in with tokens")
    display_name: str = ""
    unit: str = ""


class RolesChange(BaseModel):
    roles: list[str] = Field(..., min_length=1)


class TokenRequest(BaseModel):
    label: str = ""
    days: int | None = Field(None, description=f"1-{MAX_TOKEN_DAYS}; none: no expiry")


Admin = Annotated[Principal, Depends(Allowed(Action.USER_MANAGE))]
StoreDep = Annotated[Store, Depends(get_store)]


@router.get("")
def list_users(principal: Admin, store: StoreDep) -> list[dict[str, object]]:
    """Every account with its roles and whether it is a service or disabled."""
    return [user.to_dict() for user in store.users.all()]


@router.post("", status_code=201)
def create_user(body: NewUser, principal: Admin, store: StoreDep) -> dict[str, object]:
    """A new person (with a password) or service account (tokens only)."""
    user = add_account(store, principal, body.username, parse_roles(body.roles),
                       password=body.password, service=body.service,
                       display_name=body.display_name, unit=body.unit)  # fmt: skip
    return user.to_dict()


@router.put("/{username}/roles")
def set_roles(
    username: str, body: RolesChange, principal: Admin, store: StoreDep
) -> dict[str, object]:
    """Replace the account's roles."""
    return change_roles(store, principal, username, parse_roles(body.roles)).to_dict()


@router.post("/{username}/disable")
def disable(username: str, principal: Admin, store: StoreDep) -> dict[str, object]:
    """Disable the account and revoke its sessions and tokens."""
    return disable_account(store, principal, username).to_dict()


@router.post("/{username}/tokens", status_code=201)
def issue_token(
    username: str, body: TokenRequest, principal: Admin, store: StoreDep
) -> dict[str, object]:
    """A new API token for the account. The token is in this answer only."""
    secret, user = new_token(store, principal, username, label=body.label, days=body.days)
    return {"token": secret, "user": user.to_dict(), "label": body.label, "days": body.days}
