"""``interlock control``: the stop switch on the command line (SG-55).

``suspend`` stops automated screening (all of it, one list or one rule) and ``lift`` resumes
it; both need a person with ``control.stop`` and a reason, and both are audited. ``status``
shows what is suspended (``control.read``).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from interlock.access.roles import Action
from interlock.cli_auth import AsOption, cli_principal
from interlock.cli_users import open_store, require
from interlock.errors import RefusedError
from interlock.stopswitch import Scope

app = typer.Typer(
    help="The stop switch: suspend or resume automated screening (SG-55).",
    rich_markup_mode="markdown",
    no_args_is_help=True,
)
out = Console()

ReasonOption = Annotated[str, typer.Option(help="Why (at least 8 characters); audited.")]


@app.command()
def suspend(
    reason: ReasonOption,
    all_: Annotated[bool, typer.Option("--all", help="Suspend all automated screening.")] = False,
    list_name: Annotated[
        str | None, typer.Option("--list", help="Suspend screening against this list.")
    ] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Suspend this rule.")] = None,
    as_user: AsOption = None,
) -> None:
    """Suspend exactly one of: `--all`, `--list NAME`, `--rule NAME`."""
    chosen = [(Scope.ALL, "")] if all_ else []
    chosen += [(Scope.LIST, list_name)] if list_name else []
    chosen += [(Scope.RULE, rule)] if rule else []
    if len(chosen) != 1:
        raise RefusedError("give exactly one of --all, --list NAME, --rule NAME",
                           location="scope")  # fmt: skip
    scope, target = chosen[0]
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.CONTROL_STOP)
        switch = store.switches.suspend(principal, scope, target, reason)
    what = "all automated screening" if scope is Scope.ALL else f"{scope.value} {target}"
    out.print(f"switch {switch.id}: {what} suspended", highlight=False)


@app.command()
def lift(
    switch_id: Annotated[int, typer.Argument(help="The switch's id (see `status`).")],
    reason: ReasonOption,
    as_user: AsOption = None,
) -> None:
    """Lift a suspension: automated screening of its scope resumes."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.CONTROL_STOP)
        switch = store.switches.lift(principal, switch_id, reason)
    out.print(f"switch {switch.id} lifted", highlight=False)


@app.command()
def status(as_user: AsOption = None) -> None:
    """What is suspended now: the switches in force, who set them, when and why."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.CONTROL_READ)
        active = store.switches.active()
    if not active:
        out.print("automated screening runs: nothing is suspended", highlight=False)
        return
    table = Table("id", "scope", "target", "set by", "at", "reason")
    for switch in active:
        table.add_row(str(switch.id), switch.scope.value, switch.target or "(all)",
                      switch.set_by, switch.set_at.isoformat(timespec="seconds"),
                      switch.reason)  # fmt: skip
    out.print(table)
