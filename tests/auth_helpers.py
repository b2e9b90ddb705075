"""Plain helpers for tests that act as an account of the node: make one, get its token, build
the headers a request carries (credentials, and the purpose and reason of SG-01), and build
the node's app with the access routers."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from fastapi import FastAPI

from interlock.access.roles import Principal, Role
from interlock.api.app import create_app
from interlock.settings import Settings
from interlock.store import Store

PASSWORD = "correct horse battery"
"""The password of every person the helpers create (long enough for MIN_PASSWORD)."""

PURPOSE = "serious-crime"
REASON = "case 2026/0042: test access"


def make_user(
    store: Store,
    username: str,
    *roles: Role,
    service: bool = False,
    unit: str = "",
) -> tuple[Principal, str]:
    """A new account with ``roles`` and an API token for it: ``(principal, token)``."""
    store.users.create(
        username,
        tuple(roles),
        password=None if service else PASSWORD,
        service=service,
        unit=unit,
    )
    token, _ = store.users.issue_token(username, label="test")
    return store.users.resolve(token), token


def auth(
    token: str, *, purpose: str | None = PURPOSE, reason: str | None = REASON
) -> dict[str, str]:
    """Headers with ``token`` as bearer credentials and, unless ``None``, purpose and reason."""
    headers = {"Authorization": f"Bearer {token}"}
    if purpose is not None:
        headers["X-Interlock-Purpose"] = purpose
    if reason is not None:
        headers["X-Interlock-Reason"] = reason
    return headers


def node_app(store_url: str, data_dir: Path) -> FastAPI:
    """The node's app on ``store_url`` with the access, audit and control routers included
    (those the app does not mount itself yet)."""
    from interlock.api import audit, control, session, users

    app = create_app(Settings(data_dir=data_dir, database_url=store_url))
    mounted = {getattr(route, "path", "") for route in app.routes}
    for router in (session.router, users.router, audit.router, control.router):
        if not {getattr(route, "path", "") for route in router.routes} <= mounted:
            app.include_router(router)
    return app


def app_store(app: FastAPI) -> Store:
    """The store an app was created with."""
    return cast(Store, app.state.store)
