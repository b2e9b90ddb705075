"""Account operations of the node, shared by ``/api/v1/users`` and ``interlock users``.

Each one checks the permission (``user.manage``), refuses to leave the node without an
enabled admin, makes the change and writes it to the audit log. Audit details name the
account and its roles, never a password or a token.
"""

from __future__ import annotations

from typing import Any

from interlock.access.roles import Action, Principal, Role, check
from interlock.access.users import AuditFor, UserInfo
from interlock.audit.log import AuditEvent
from interlock.errors import ConflictError, RefusedError
from interlock.store import Store

MAX_TOKEN_DAYS = 730
"""Longest lifetime of an API token, in days (a token without expiry is allowed too)."""


def has_admin(store: Store) -> bool:
    """Whether an enabled account holds the admin role (else the first one may be made)."""
    return any(Role.ADMIN in u.roles and not u.disabled for u in store.users.all())


def _audit(principal: Principal | None, action: str, **detail: Any) -> AuditFor:
    """The audit entry of an account change, written in the change's transaction."""

    def event(user: UserInfo) -> AuditEvent:
        return AuditEvent.by(
            principal,
            action,
            subject_kind="user",
            subject_id=str(user.id),
            detail={"username": user.username, **detail},
        )

    return event


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
    return store.users.create(
        username,
        roles,
        password=password,
        display_name=display_name,
        unit=unit,
        service=service,
        audit=_audit(
            principal,
            "user.create",
            roles=[r.value for r in roles],
            service=service,
            unit=unit,
            bootstrap=principal is None,
        ),
    )


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
    audit = _audit(
        principal,
        "user.roles",
        before=[r.value for r in before.roles],
        roles=[r.value for r in roles],
    )
    return store.users.set_roles(username, roles, audit=audit)


def disable_account(store: Store, principal: Principal, username: str) -> UserInfo:
    """Disable an account; its sessions and tokens stop working at once."""
    check(principal, Action.USER_MANAGE)
    target = store.users.get(username)
    if Role.ADMIN in target.roles:
        _keeps_an_admin(store, username)
    return store.users.disable(username, audit=_audit(principal, "user.disable"))


def new_token(
    store: Store, principal: Principal, username: str, *, label: str = "", days: int | None = None
) -> tuple[str, UserInfo]:
    """A new API token for an account, shown once (only its hash is kept)."""
    check(principal, Action.USER_MANAGE)
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        raise RefusedError(f"days must be between 1 and {MAX_TOKEN_DAYS}", location="days")
    audit = _audit(principal, "user.token", label=label, days=days)
    return store.users.issue_token(username, label=label, days=days, audit=audit)
