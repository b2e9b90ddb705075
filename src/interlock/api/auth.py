"""Authentication, the permission check and the stated purpose, as request dependencies.

- Credentials: ``Authorization: Bearer <secret>`` (an API token ``ilk_…`` or a console session
  ``ils_…``), or the console's ``interlock_session`` cookie. No credentials: 401.
- ``Depends(Allowed(Action.X))`` gives the principal after :func:`interlock.access.check`
  (403 otherwise; the refusal is written to the audit log).
- ``Depends(stated_purpose)`` reads the purpose and reason of the access (SG-01) from the
  headers ``X-Interlock-Purpose`` / ``X-Interlock-Reason`` or the query parameters ``purpose``
  / ``reason``. Missing or unknown: 422, and the refusal is written to the audit log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from interlock.access.purpose import AccessPurpose
from interlock.access.roles import Action, Principal, allowed, check
from interlock.api.deps import get_store
from interlock.audit.log import AuditEvent, Outcome
from interlock.errors import InterlockError, UnauthorizedError
from interlock.store import Store

SESSION_COOKIE = "interlock_session"


def current_principal(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    authorization: Annotated[str | None, Header()] = None,
) -> Principal:
    """The principal behind the request's credentials (401 without valid ones)."""
    secret = None
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            secret = value.strip()
    if secret is None:
        secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise UnauthorizedError("sign in: send 'Authorization: Bearer <token>'")
    principal = store.users.resolve(secret)
    request.state.principal = principal
    return principal


class Allowed:
    """Dependency: the principal, if it may take ``action`` (403 and an audit entry if not)."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(
        self,
        request: Request,
        principal: Annotated[Principal, Depends(current_principal)],
        store: Annotated[Store, Depends(get_store)],
    ) -> Principal:
        if not allowed(principal, self.action):
            store.audit.write(
                AuditEvent.by(
                    principal,
                    self.action,
                    outcome=Outcome.REFUSED,
                    detail={"path": request.url.path, "why": "not permitted"},
                )
            )
            check(principal, self.action)  # raises with the reason
        return principal


def stated_purpose(
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    principal: Annotated[Principal, Depends(current_principal)],
    purpose_header: Annotated[str | None, Header(alias="X-Interlock-Purpose")] = None,
    reason_header: Annotated[str | None, Header(alias="X-Interlock-Reason")] = None,
    purpose: Annotated[str | None, Query(description="terrorist-offence | serious-crime")] = None,
    reason: Annotated[str | None, Query(description="why this access is needed")] = None,
) -> AccessPurpose:
    """The purpose and reason of this access (SG-01); 422 (and an audit entry) without them."""
    try:
        return AccessPurpose.parse(purpose_header or purpose, reason_header or reason)
    except InterlockError as err:
        store.audit.write(
            AuditEvent.by(
                principal,
                f"{request.method} {request.url.path}",
                outcome=Outcome.REFUSED,
                detail={"why": err.reason},
            )
        )
        raise


Purposeful = Annotated[AccessPurpose, Depends(stated_purpose)]
__all__ = ["SESSION_COOKIE", "Allowed", "Purposeful", "current_principal", "stated_purpose"]
