"""``interlock audit``: verify the hash-chained audit log, print its head, show entries.

``verify`` and ``head`` reveal no content and need no sign-in, so anyone holding the store can
check it. ``show`` prints entries and is for the DPO and auditors (SG-34); the reading is
itself recorded.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from interlock.access.roles import Action
from interlock.audit.log import parse_head
from interlock.cli_auth import AsOption, cli_principal
from interlock.cli_users import open_store, require

app = typer.Typer(
    help="The tamper-evident audit log: verify, head, show (SG-33, SG-34).",
    rich_markup_mode="markdown",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)


@app.command()
def verify(
    head: Annotated[
        str | None,
        typer.Option(help="A head recorded earlier (`interlock audit head`): SEQ:HASH."),
    ] = None,
) -> None:
    """Recompute the whole chain. Exit code 1, with every problem listed, when an entry was
    changed, removed or forged, or when the recorded head is gone or differs."""
    expected = parse_head(head, location="--head") if head else None
    with open_store() as store:
        report = store.audit.verify(expected_head=expected)
    for seq, problem in report.problems:
        err.print(f"[bold red]entry {seq}:[/] {problem}", highlight=False, soft_wrap=True)
    if not report.ok:
        err.print(f"audit log BROKEN: {len(report.problems)} problems in {report.entries} "
                  "entries", highlight=False)  # fmt: skip
        raise typer.Exit(1)
    out.print(f"audit log intact: {report.entries} entries, head "
              f"{report.head_seq}:{report.head_hash}", highlight=False, soft_wrap=True)  # fmt: skip


@app.command()
def head() -> None:
    """Print the newest entry as SEQ:HASH; keep it elsewhere to detect a cut-off tail later."""
    with open_store() as store:
        seq, digest = store.audit.head()
    sys.stdout.write(f"{seq}:{digest}\n")


@app.command()
def show(
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. user.create.")] = None,
    subject_kind: Annotated[str | None, typer.Option(help="Only this kind of subject.")] = None,
    subject_id: Annotated[str | None, typer.Option(help="Only this subject id.")] = None,
    limit: Annotated[int, typer.Option(help="Most entries shown.", min=1)] = 200,
    after: Annotated[int, typer.Option(help="Entries after this seq.", min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    as_user: AsOption = None,
) -> None:
    """Entries in order (DPO and auditors only)."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.AUDIT_READ)
        found = store.audit.entries(
            principal,
            action=action,
            subject_kind=subject_kind,
            subject_id=subject_id,
            after_seq=after,
            limit=limit,
        )
    if as_json:
        for entry in found:
            sys.stdout.write(json.dumps(entry.to_dict(), ensure_ascii=False) + "\n")
        return
    table = Table("seq", "at", "actor", "action", "outcome", "purpose", "subject", "reason")
    for entry in found:
        subject = f"{entry.subject_kind or ''} {entry.subject_id or ''}".strip()
        table.add_row(str(entry.seq), entry.at.isoformat(timespec="seconds"),
                      f"{entry.actor} ({entry.actor_kind})", entry.action, entry.outcome,
                      entry.purpose or "", subject, entry.reason or "")  # fmt: skip
    out.print(table)
