"""``/api/v1/session`` and ``/api/v1/me``: sign in, sign out, and who the caller is.

Signing in gives a console session secret twice: in the JSON answer (for scripts, sent back
as ``Authorization: Bearer``) and as the ``interlock_session`` cookie, HttpOnly so page
scripts cannot read it and SameSite=Strict so another site cannot make the browser send it.
Sign-ins, failed sign-ins and sign-outs are written to the audit log (never the password).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal, allowed
from interlock.access.users import SESSION_HOURS
from interlock.api.auth import SESSION_COOKIE, current_principal
from interlock.api.deps import get_store
from interlock.audit.log import AuditEvent, Outcome
from interlock.errors import UnauthorizedError
from interlock.store import Store

router = APIRouter(tags=["session"])


class SignIn(BaseModel):
    username: str = Field(..., examples=["ana.lyst"])
    password: str = Field(..., repr=False)


def _presented_secret(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(SESSION_COOKIE)


def me_dict(principal: Principal) -> dict[str, Any]:
    """The principal as the API shows it, with the actions it may take."""
    return {
        "id": principal.user_id,
        "username": principal.username,
        "kind": principal.kind.value,
        "credential": principal.credential,
        "roles": sorted(role.value for role in principal.roles),
        "actions": sorted(a.value for a in Action if allowed(principal, a)),
    }


@router.post("/api/v1/session", responses={401: {"description": "Unknown user or wrong password"}})
def sign_in(
    body: SignIn, request: Request, response: Response, store: Annotated[Store, Depends(get_store)]
) -> dict[str, Any]:
    """Sign in with username and password: a console session (8 hours) in the answer and in
    the ``interlock_session`` cookie."""
    try:
        secret, user = store.users.login(body.username, body.password)
    except UnauthorizedError as err:
        store.audit.write(
            AuditEvent(
                actor="anonymous",
                action="session.open",
                actor_kind="unknown",
                outcome=Outcome.REFUSED,
                detail={"why": err.reason},
            )
        )
        raise
    principal = user.principal("session")
    store.audit.write(
        AuditEvent.by(principal, "session.open", subject_kind="user", subject_id=str(user.id))
    )
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return {"session": secret, "expires_in": SESSION_HOURS * 3600, "user": me_dict(principal)}


@router.delete("/api/v1/session", status_code=204)
def sign_out(
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(current_principal)],
    store: Annotated[Store, Depends(get_store)],
) -> None:
    """Sign out: the session (or token) presented is revoked and the cookie cleared."""
    secret = _presented_secret(request)
    if secret:
        store.users.revoke(secret)
    store.audit.write(
        AuditEvent.by(
            principal, "session.close", subject_kind="user", subject_id=str(principal.user_id)
        )
    )
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")


@router.get("/api/v1/me")
def me(principal: Annotated[Principal, Depends(current_principal)]) -> dict[str, Any]:
    """The signed-in account: roles, whether a person or a service, and allowed actions."""
    return me_dict(principal)
