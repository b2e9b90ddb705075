"""``interlock notify``: deliver and escalate notifications of confirmed alerts (and of the cases
partners' hits open), list them, acknowledge one, check a playbook file."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from interlock.cli_auth import AsOption, cli_principal
from interlock.response.delivery import (
    deliver_due,
)
from interlock.response.escalation import escalate_due
from interlock.response.notifications import Notifications
from interlock.response.playbooks import Playbooks, load_playbooks
from interlock.settings import get_settings
from interlock.store import Store

app = typer.Typer(
    help="Rapid response: notifications of confirmed alerts and of partners' hits.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
out = Console()

PlaybooksOption = Annotated[
    Path | None,
    typer.Option("--playbooks", help="Playbook file (YAML); default: the built-in set."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON output, one object a line.")]


def _store() -> Store:
    return Store.from_settings(get_settings())


@app.command()
def run(
    playbooks: PlaybooksOption = None,
    smtp_host: Annotated[
        str | None, typer.Option(help="SMTP server for e-mail (default: settings).")
    ] = None,
    smtp_port: Annotated[int | None, typer.Option(help="Its port (default: settings).")] = None,
    public_url: Annotated[
        str | None, typer.Option(help="Base of links in messages (default: settings).")
    ] = None,
    mail_from: Annotated[
        str | None, typer.Option(help="Sender address of e-mail (default: settings).")
    ] = None,
    loop: Annotated[
        float | None, typer.Option("--loop", help="Repeat every SECONDS until stopped.", min=1)
    ] = None,
) -> None:
    """Send due notifications and escalate unacknowledged ones (once, or every `--loop` s)."""
    settings = get_settings()
    books = load_playbooks(playbooks or settings.resolved_playbooks_file)
    smtp = (smtp_host or settings.smtp_host, smtp_port or settings.smtp_port)
    url, sender = public_url or settings.public_url, mail_from or settings.mail_from
    store = _store()
    try:
        while True:
            _run_once(store, books, smtp, url, sender)
            if loop is None:
                return
            time.sleep(loop)
    finally:
        store.dispose()


def _run_once(
    store: Store, books: Playbooks, smtp: tuple[str, int], public_url: str, mail_from: str
) -> None:
    now = datetime.now(UTC)
    escalated = escalate_due(store, now=now, playbooks=books)
    report = deliver_due(store, now=now, smtp=smtp, playbooks=books, public_url=public_url,
                         mail_from=mail_from)  # fmt: skip
    out.print(f"{now:%H:%M:%S} sent {len(report.sent)}, retrying {len(report.retrying)}, "
              f"failed {len(report.failed)}, escalations {len(escalated)}")  # fmt: skip


@app.command("list")
def list_notifications(
    alert: Annotated[int | None, typer.Option(help="Only this alert's notifications.")] = None,
    case: Annotated[int | None, typer.Option(help="Only this case's notifications.")] = None,
    status: Annotated[str | None, typer.Option(help="pending, sent, acknowledged, …")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.", min=1)] = 200,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Notifications, newest first."""
    store = _store()
    try:
        principal = cli_principal(store, as_user)
        found = Notifications(store.sessions).find(principal, alert_id=alert, case_id=case,
                                                   status=status, limit=limit)  # fmt: skip
    finally:
        store.dispose()
    if as_json:
        for item in found:
            out.print_json(json.dumps(item.to_dict()))
        return
    table = Table("id", "of", "recipient", "channel", "status", "attempts", "acked by")
    for item in found:
        of = f"alert {item.alert_id}" if item.alert_id is not None else f"case {item.case_id}"
        table.add_row(str(item.id), of, item.recipient, item.channel, item.status,
                      str(item.attempts), item.acked_by or "")  # fmt: skip
    out.print(table)


@app.command()
def ack(
    notification_id: Annotated[int, typer.Argument(help="The notification's id.")],
    as_user: AsOption = None,
) -> None:
    """Acknowledge a notification as yourself."""
    store = _store()
    try:
        principal = cli_principal(store, as_user)
        result = Notifications(store.sessions).ack_by_principal(
            principal, notification_id, now=datetime.now(UTC)
        )
    finally:
        store.dispose()
    note = " (already acknowledged)" if result.already else ""
    out.print(f"notification {result.notification_id} of {result.subject} acknowledged "
              f"by {result.acked_by}{note}")  # fmt: skip


@app.command("check-playbooks")
def check_playbooks(path: Annotated[Path, typer.Argument(help="Playbook file (YAML).")]) -> None:
    """Validate a playbook file; problems name the line and key."""
    books = load_playbooks(path)
    out.print(f"{path}: {len(books.recipients)} recipients, {len(books.playbooks)} playbooks")
    for key, book in books.playbooks.items():
        steps = "; ".join(
            ", ".join(step.notify)
            + (f" → after {step.escalate_after_minutes} min: {', '.join(step.escalate_to)}"
               if step.escalate_to else "")
            for step in book.steps
        )  # fmt: skip
        out.print(f"  {key}: {steps}", highlight=False)
