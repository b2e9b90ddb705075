"""``interlock ledger``: verify the node's Merkle log, print its checkpoint and proofs, and list
the alarms raised about partners' logs.

The ledger holds digests and pseudonymous ids only (SG-31), so none of these commands needs a
sign-in: anyone holding the store and the node's keys can check it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from interlock.errors import InterlockError
from interlock.ledger.log import Ledger
from interlock.ledger.proofs import b64
from interlock.ledger.witness import alarms as read_alarms
from interlock.settings import get_settings
from interlock.sharing.identity import node_identity
from interlock.store import Store

ledger_app = typer.Typer(
    help="The tamper-evident ledger: verify, checkpoint, proofs, alarms (SG-31).",
    rich_markup_mode="markdown",
    no_args_is_help=True,
)
proof_app = typer.Typer(help="Inclusion and consistency proofs, as JSON.", no_args_is_help=True)
ledger_app.add_typer(proof_app, name="proof")
out = Console()
err = Console(stderr=True)


@contextmanager
def open_ledger() -> Iterator[Ledger]:
    """The node's ledger on its store as configured, signed with its log key."""
    settings = get_settings()
    store = Store.from_settings(settings)
    try:
        yield Ledger(store.sessions, node_identity(settings).log)
    finally:
        store.dispose()


def _print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, indent=2) + "\n")


def _fail(error: InterlockError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


@ledger_app.command()
def verify() -> None:
    """Recompute every leaf hash from the stored data, the root of every stored checkpoint,
    and every signature. Exit code 1, with every problem listed, when a leaf was changed,
    removed or inserted, or a checkpoint or cosignature does not verify."""
    with open_ledger() as ledger:
        report = ledger.verify()
    for where, problem in report.problems:
        err.print(f"[bold red]{where}:[/] {problem}", highlight=False, soft_wrap=True)
    if not report.ok:
        err.print(f"ledger BROKEN: {len(report.problems)} problems in {report.leaves} leaves",
                  highlight=False)  # fmt: skip
        raise typer.Exit(1)
    out.print(f"ledger intact: {report.leaves} leaves, {report.checkpoints} checkpoints, "
              f"{report.cosignatures} cosignatures, root {b64(report.root)}",
              highlight=False, soft_wrap=True)  # fmt: skip


@ledger_app.command()
def checkpoint() -> None:
    """Print the newest signed checkpoint with its cosignatures (signing a new one first when
    the log has grown)."""
    with open_ledger() as ledger:
        note = ledger.checkpoint()
    sys.stdout.write(note)


@proof_app.command()
def inclusion(
    index: Annotated[int, typer.Option(help="The leaf's index.", min=0)],
    size: Annotated[
        int | None, typer.Option(help="The tree size (default: the whole log).", min=1)
    ] = None,
) -> None:
    """The inclusion proof of leaf INDEX, with its leaf hash and the root (base64)."""
    with open_ledger() as ledger:
        try:
            proof = ledger.prove_inclusion(index, size)
        except InterlockError as error:
            raise _fail(error) from None
    _print_json(proof.to_dict())


@proof_app.command()
def consistency(
    first: Annotated[int, typer.Option(help="The older tree size.", min=0)],
    second: Annotated[
        int | None, typer.Option(help="The newer tree size (default: the whole log).", min=0)
    ] = None,
) -> None:
    """The consistency proof from the tree of FIRST leaves to that of SECOND, with both roots."""
    with open_ledger() as ledger:
        try:
            proof = ledger.prove_consistency(first, second)
        except InterlockError as error:
            raise _fail(error) from None
    _print_json(proof.to_dict())


@ledger_app.command()
def alarms(
    origin: Annotated[str | None, typer.Option(help="Only this partner log's origin.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Partners' logs caught inconsistent (a fork, a bad consistency proof) and witnesses
    that hold a tree of ours that ours does not extend."""
    settings = get_settings()
    store = Store.from_settings(settings)
    try:
        found = read_alarms(store.sessions, origin)
    finally:
        store.dispose()
    if as_json:
        for alarm in found:
            sys.stdout.write(json.dumps(alarm.to_dict()) + "\n")
        return
    if not found:
        out.print("no alarms")
        return
    table = Table("id", "at", "origin", "kind", "detail")
    for alarm in found:
        table.add_row(str(alarm.id), alarm.at.isoformat(timespec="seconds"), alarm.origin,
                      alarm.kind, alarm.detail)  # fmt: skip
    out.print(table)
