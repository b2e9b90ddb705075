"""``interlock retention``: run retention and manage retention holds (SG-26 to SG-28, SG-30).

``run`` acts as the signed-in account (it needs ``retention.run``), or, with ``--as-node``,
as the node's scheduled job (audited as actor ``node``): whoever can start a command on the
node's host can read its database and key file anyway, so the flag gives nothing more.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from interlock.cli_auth import AsOption, cli_principal
from interlock.settings import get_settings

if TYPE_CHECKING:
    from interlock.retention import Retention, RetentionReport
    from interlock.store import Store

app = typer.Typer(
    help="Retention of PNR data: delete or depersonalise what is past its period; holds.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
hold_app = typer.Typer(
    help="Retention holds: keep (depersonalised) PNR data of a case past six months.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(hold_app, name="hold")

out = Console()
JsonOption = Annotated[bool, typer.Option("--json", help="JSON output.")]


def _open() -> tuple[Store, Retention]:
    from interlock.retention.node import node_retention
    from interlock.store import Store

    settings = get_settings()
    store = Store.from_settings(settings)
    return store, node_retention(store, settings)


@app.command("run")
def run(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what would be done; change nothing.")
    ] = False,
    as_node: Annotated[
        bool, typer.Option("--as-node", help="Run as the node's scheduled job (actor node).")
    ] = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Delete PNR data past six months, depersonalise what is held, delete everything past
    five years (counts and pseudonymous ids are printed and audited, never values)."""
    store, retention = _open()
    try:
        principal = None if as_node else cli_principal(store, as_user)
        report = retention.run(principal, dry_run=dry_run)
    finally:
        store.dispose()
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict()) + "\n")
        return
    _print_report(report)


def _print_report(report: RetentionReport) -> None:
    title = "retention dry run (nothing changed)" if report.dry_run else "retention run"
    out.print(f"[bold]{title}[/]: PNR period from {report.cutoff:%Y-%m-%d %H:%M} UTC, "
              f"maximum period from {report.hard_cutoff:%Y-%m-%d %H:%M} UTC")  # fmt: skip
    table = Table("kind", "deleted", "depersonalised")
    for kind in sorted(set(report.deleted) | set(report.depersonalised)):
        table.add_row(kind, str(report.deleted.get(kind, 0)),
                      str(report.depersonalised.get(kind, 0)))  # fmt: skip
    out.print(table)
    out.print(f"held: {report.held}   already depersonalised (skipped): {report.skipped}   "
              f"time: {report.seconds:.2f} s")  # fmt: skip
    for label, ids in (
        ("deleted", report.deleted_ids),
        ("depersonalised", report.depersonalised_ids),
    ):
        for kind, ranges in ids.items():
            if ranges:
                out.print(f"{label} {kind} ids: {ranges}", highlight=False, soft_wrap=True)


@hold_app.command("add")
def hold_add(
    evidence: Annotated[str, typer.Option(help="Evidence reference: case or file number.")],
    reason: Annotated[str, typer.Option(help="Why the data must be kept.")],
    review_by: Annotated[
        datetime, typer.Option("--review-by", formats=["%Y-%m-%d"], help="Review date.")
    ],
    booking: Annotated[
        str | None, typer.Option(help="The booking to hold: CARRIER/LOCATOR.")
    ] = None,
    traveller: Annotated[int | None, typer.Option(help="The traveller id to hold.")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Hold a booking (every push and traveller of it) or one traveller past six months."""
    from interlock.retention import parse_booking

    store, retention = _open()
    try:
        principal = cli_principal(store, as_user)
        hold = retention.holds.add(
            principal,
            booking=parse_booking(booking) if booking else None,
            traveller_id=traveller,
            evidence=evidence,
            reason=reason,
            review_by=review_by.date(),
        )
    finally:
        store.dispose()
    if as_json:
        sys.stdout.write(json.dumps(hold.to_dict()) + "\n")
        return
    out.print(f"hold {hold.id} set on {hold.target} until review on {hold.review_by}",
              highlight=False)  # fmt: skip


@hold_app.command("list")
def hold_list(
    active_only: Annotated[bool, typer.Option("--active", help="Unreleased holds only.")] = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The retention holds, newest first."""
    store, retention = _open()
    try:
        principal = cli_principal(store, as_user)
        holds = retention.holds.all(principal, include_released=not active_only)
    finally:
        store.dispose()
    if as_json:
        for hold in holds:
            sys.stdout.write(json.dumps(hold.to_dict()) + "\n")
        return
    table = Table("id", "target", "state", "evidence", "review by", "set by")
    for hold in holds:
        data = hold.to_dict()
        table.add_row(str(hold.id), hold.target, str(data["state"]), hold.evidence,
                      hold.review_by.isoformat(), hold.set_by)  # fmt: skip
    out.print(table)


@hold_app.command("release")
def hold_release(
    hold_id: Annotated[int, typer.Argument(help="The hold's id.")],
    reason: Annotated[str, typer.Option(help="Why the hold ends.")],
    as_user: AsOption = None,
) -> None:
    """Release a hold; the next run deletes or depersonalises the data it kept."""
    store, retention = _open()
    try:
        hold = retention.holds.release(cli_principal(store, as_user), hold_id, reason)
    finally:
        store.dispose()
    out.print(f"hold {hold.id} on {hold.target} released", highlight=False)
