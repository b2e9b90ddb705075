"""Who is acting on the command line.

A command that reads personal data or changes anything acts as an account of the node, like
the API: with ``INTERLOCK_TOKEN`` set it acts as that token's account; otherwise it signs in
as ``--as USER`` (or ``INTERLOCK_USER``) with ``INTERLOCK_PASSWORD`` or the password typed at
the prompt. The permission check is the same one the API uses (:mod:`interlock.access.roles`).
"""

from __future__ import annotations

from typing import Annotated

import typer

from interlock.access.purpose import AccessPurpose
from interlock.access.roles import Principal
from interlock.errors import UnauthorizedError
from interlock.settings import get_settings
from interlock.store import Store

AsOption = Annotated[
    str | None,
    typer.Option("--as", help="Account to act as (default: INTERLOCK_USER, or INTERLOCK_TOKEN)."),
]
PurposeOption = Annotated[
    str | None,
    typer.Option(help="Purpose of this access: terrorist-offence or serious-crime (SG-01)."),
]
ReasonOption = Annotated[str | None, typer.Option(help="Why this access is needed (SG-01).")]


def cli_principal(store: Store, username: str | None = None) -> Principal:
    """The principal the command acts as (see the module docstring)."""
    settings = get_settings()
    if username is None and settings.token is not None:
        return store.users.resolve(settings.token.get_secret_value())
    name = username or settings.user
    if not name:
        raise UnauthorizedError(
            "say who is acting: --as USER (or INTERLOCK_USER), or set INTERLOCK_TOKEN"
        )
    if settings.password is not None:
        password = settings.password.get_secret_value()
    else:
        password = typer.prompt(f"password for {name}", hide_input=True)
    user = store.users.authenticate(name, password)
    return user.principal("cli")


def cli_purpose(purpose: str | None, reason: str | None) -> AccessPurpose:
    """The purpose and reason given on the command line (refused without them, SG-01)."""
    return AccessPurpose.parse(purpose, reason)
