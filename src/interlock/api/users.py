"""``/api/v1/users``: accounts, their roles and their API tokens (``user.manage``: admin).

The account operations themselves (:func:`add_account`, :func:`change_roles`,
:func:`disable_account`, :func:`new_token`) are plain functions used by this router and by
``interlock users``: each checks the permission, refuses to leave the node without an
enabled admin, makes the change and writes it to the audit log. Audit details name the
account and its roles, never a password or a token.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal, Role, check
from interlock.access.users import UserInfo, parse_roles
from interlock.api.auth import Allowed
from interlock.api.deps import get_store
from interlock.audit.log import AuditEvent
from interlock.errors import ConflictError, RefusedError
from interlock.store import Store

router = APIRouter(prefix="/api/v1/users", tags=["users"])

MAX_TOKEN_DAYS = 730
"""Longest lifetime of an API token, in days (a token without expiry is allowed too)."""


def has_admin(store: Store) -> bool:
    """Whether an enabled account holds the admin role (else the first one may be made)."""
    return any(Role.ADMIN in u.roles and not u.disabled for u in store.users.all())


def _audit(store: Store, principal: Principal | None, action: str, user: UserInfo,
           **detail: Any) -> None:  # fmt: skip
    store.audit.write(
        AuditEvent.by(
            principal,
            action,
            subject_kind="user",
            subject_id=str(user.id),
            detail={"username": user.username, **detail},
        )
    )


def _keeps_an_admin(store: Store, username: str) -> None:
    others = [
        u
        for u in store.users.all()
        if Role.ADMIN in u.roles and not u.disabled and u.username != username
    ]
    if not others:
        raise ConflictError(f"{username} is the last enabled admin; make another admin first")


def add_account(
    store: Store,
    principal: Principal | None,
    username: str,
    roles: tuple[Role, ...],
    *,
    password: str | None = None,
    service: bool = False,
    display_name: str = "",
    unit: str = "",
) -> UserInfo:
    """Create an account. ``principal`` ``None`` is the bootstrap: allowed only while the
    node has no enabled admin, and only to create a person with the admin role."""
    if principal is None:
        if has_admin(store):
            raise ConflictError("the node has an admin: sign in as one to add accounts")
        if service or Role.ADMIN not in roles:
            raise RefusedError(
                "the first account must be a person with the admin role", location="roles"
            )
    else:
        check(principal, Action.USER_MANAGE)
    user = store.users.create(
        username,
        roles,
        password=password,
        display_name=display_name,
        unit=unit,
        service=service,
    )
    _audit(store, principal, "user.create", user, roles=[r.value for r in user.roles],
           service=user.is_service, unit=user.unit, bootstrap=principal is None)  # fmt: skip
    return user


def change_roles(
    store: Store, principal: Principal, username: str, roles: tuple[Role, ...]
) -> UserInfo:
    """Replace an account's roles (at least one)."""
    check(principal, Action.USER_MANAGE)
    if not roles:
        raise RefusedError("an account needs at least one role", location="roles")
    before = store.users.get(username)
    if Role.ADMIN in before.roles and Role.ADMIN not in roles:
        _keeps_an_admin(store, username)
    user = store.users.set_roles(username, roles)
    _audit(store, principal, "user.roles", user, before=[r.value for r in before.roles],
           roles=[r.value for r in user.roles])  # fmt: skip
    return user


def disable_account(store: Store, principal: Principal, username: str) -> UserInfo:
    """Disable an account; its sessions and tokens stop working at once."""
    check(principal, Action.USER_MANAGE)
    target = store.users.get(username)
    if Role.ADMIN in target.roles:
        _keeps_an_admin(store, username)
    user = store.users.disable(username)
    _audit(store, principal, "user.disable", user)
    return user


def new_token(
    store: Store, principal: Principal, username: str, *, label: str = "", days: int | None = None
) -> tuple[str, UserInfo]:
    """A new API token for an account, shown once (only its hash is kept)."""
    check(principal, Action.USER_MANAGE)
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise RefusedError(f"days must be between 1 and {MAX_TOKEN_DAYS}", location="days")
    secret, user = store.users.issue_token(username, label=label, days=days)
    _audit(store, principal, "user.token", user, label=label, days=days)
    return secret, user


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
