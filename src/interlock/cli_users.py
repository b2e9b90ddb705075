"""``interlock users``: accounts, roles and API tokens on the command line.

Acting needs an admin (``--as`` or ``INTERLOCK_USER`` / ``INTERLOCK_TOKEN``, see
:mod:`interlock.cli_auth`). The one exception is the bootstrap: while the node has no enabled
admin, ``interlock users add NAME --role admin`` works without signing in, and only for that.
The new account's password is asked for twice at the prompt, or read from the first line of
standard input with ``--password-stdin`` (for scripts). Every change is in the audit log.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from interlock.access.accounts import (
    add_account,
    change_roles,
    disable_account,
    has_admin,
    new_token,
)
from interlock.access.roles import Action, Principal, allowed, check
from interlock.access.users import parse_roles
from interlock.audit.log import AuditEvent, Outcome
from interlock.cli_auth import AsOption, cli_principal
from interlock.errors import RefusedError
from interlock.settings import get_settings
from interlock.store import Store

app = typer.Typer(
    help="Accounts, roles and API tokens (admin).",
    rich_markup_mode="markdown",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)

RoleOption = Annotated[
    list[str],
    typer.Option("--role", help="A role (repeat for several): analyst, reviewer, rule-author, "
                 "rule-approver, liaison, dpo, auditor, supervisor, admin, service."),
]  # fmt: skip


@contextmanager
def open_store() -> Iterator[Store]:
    """The node's store as configured, closed afterwards."""
    store = Store.from_settings(get_settings())
    try:
        yield store
    finally:
        store.dispose()


def require(store: Store, principal: Principal, action: Action) -> None:
    """Refuse (403) unless ``principal`` may take ``action``; a refusal is audited, as on the
    API."""
    if not allowed(principal, action):
        store.audit.write(AuditEvent.by(principal, action, outcome=Outcome.REFUSED,
                                        detail={"via": "cli", "why": "not permitted"}))  # fmt: skip
        check(principal, action)


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise RefusedError("no password on standard input", location="--password-stdin")
        return line
    return str(typer.prompt("password of the new account", hide_input=True,
                            confirmation_prompt=True))  # fmt: skip


@app.command()
def add(
    username: Annotated[str, typer.Argument(help="Account name: lower-case letters, digits, .-_")],
    role: RoleOption,
    service: Annotated[
        bool, typer.Option("--service", help="A machine account: no password, tokens only.")
    ] = False,
    unit: Annotated[str, typer.Option(help="The unit the person works in.")] = "",
    display_name: Annotated[str, typer.Option(help="Name shown in the console.")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from stdin.")
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Create an account. The first one on a node (no admin yet) must be an admin and needs
    no sign-in; after that an admin acts."""
    roles = parse_roles(role)
    with open_store() as store:
        actor: Principal | None = None
        if has_admin(store):
            actor = cli_principal(store, as_user)
            require(store, actor, Action.USER_MANAGE)
        password = None if service else _new_password(password_stdin)
        user = add_account(store, actor, username, roles, password=password, service=service,
                           display_name=display_name, unit=unit)  # fmt: skip
    kind = "service account" if user.is_service else "account"
    out.print(f"{kind} {user.username} created: {', '.join(r.value for r in user.roles)}",
              highlight=False)  # fmt: skip


@app.command("list")
def list_users(as_user: AsOption = None) -> None:
    """Every account, its roles and state."""
    with open_store() as store:
        require(store, cli_principal(store, as_user), Action.USER_MANAGE)
        users = store.users.all()
    table = Table("username", "kind", "roles", "unit", "state")
    for user in users:
        table.add_row(
            user.username,
            "service" if user.is_service else "person",
            ", ".join(r.value for r in user.roles),
            user.unit,
            "disabled" if user.disabled else "active",
        )
    out.print(table)


@app.command()
def roles(username: str, role: RoleOption, as_user: AsOption = None) -> None:
    """Replace the roles of an account."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.USER_MANAGE)
        user = change_roles(store, principal, username, parse_roles(role))
    out.print(f"{user.username}: {', '.join(r.value for r in user.roles)}", highlight=False)


@app.command()
def disable(username: str, as_user: AsOption = None) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.USER_MANAGE)
        user = disable_account(store, principal, username)
    out.print(f"{user.username} disabled", highlight=False)


@app.command()
def token(
    username: str,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    days: Annotated[
        int | None, typer.Option(help="Days until it expires (default: never).")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Issue an API token for an account. It is printed once, on its own line; only its hash
    is kept."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.USER_MANAGE)
        secret, user = new_token(store, principal, username, label=label, days=days)
    err.print(f"token for {user.username} (shown once, keep it safe):", highlight=False)
    sys.stdout.write(secret + "\n")
