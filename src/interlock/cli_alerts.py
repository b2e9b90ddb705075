"""``interlock alerts …`` and ``interlock cases …``: the alert queue, reviews, decisions,
actions on persons, explanation packs and cases, from the command line.

Each command acts as an account (``--as USER`` or ``INTERLOCK_TOKEN``, see
:mod:`interlock.cli_auth`); reads of personal data need ``--purpose`` and ``--reason``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from interlock.access.roles import Principal
from interlock.alerts.desk import AlertDesk
from interlock.cli_auth import AsOption, PurposeOption, ReasonOption, cli_principal, cli_purpose
from interlock.settings import get_settings
from interlock.store import Store

app = typer.Typer(
    help="Alerts: the queue, reviews and decisions, actions, explanation packs.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
cases_app = typer.Typer(
    help="Cases: alerts and travellers worked on together.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
out = Console()
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@contextmanager
def _store() -> Iterator[Store]:
    store = Store.from_settings(get_settings())
    try:
        yield store
    finally:
        store.dispose()


@contextmanager
def _desk(as_user: str | None) -> Iterator[tuple[Principal, AlertDesk]]:
    """The acting principal and the node's alert desk."""
    from interlock.alerts.service import alert_desk
    from interlock.sharing.context import SharingContext

    settings = get_settings()
    with _store() as store:
        sharing = SharingContext.of(store, settings)
        yield cli_principal(store, as_user), alert_desk(store, settings, sharing)


def _print(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command("list")
def list_alerts(
    status: Annotated[
        str | None, typer.Option(help="new, under_review, confirmed, dismissed")
    ] = None,
    priority: Annotated[int | None, typer.Option(min=1, max=3)] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
    as_json: JsonOption = False,
) -> None:
    """The queue: open alerts first, by priority and review deadline."""
    from interlock.alerts import QueueFilter

    access = cli_purpose(purpose, reason)
    with _desk(as_user) as (principal, desk):
        rows = desk.queue(
            principal, access, QueueFilter(status=status, priority=priority, limit=limit)
        )
    if as_json:
        _print(rows)
        return
    table = Table(
        "id", "flags", "status", "prio", "severity", "band", "category", "cause", "flight", "due"
    )
    for row in rows:
        flags = ",".join(str(f.get("flag")) for f in row["humanitarian"])
        cause = (row["entry_id"] and f"{row['list']}:{row['entry_id']}") or row["rule"] or ""
        table.add_row(
            str(row["id"]),
            flags,
            row["status"],
            str(row["priority"]),
            row["severity"],
            row["band"] or "",
            row["category"],
            cause,
            row["flight_key"] or "",
            row["due_at"][:16],
        )
    out.print(table)


@app.command("show")
def show(
    alert_id: int,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
) -> None:
    """The alert with its evidence, exonerating facts, checklist, reviews and timeline (JSON)."""
    access = cli_purpose(purpose, reason)
    with _desk(as_user) as (principal, desk):
        _print(desk.view(principal, access, alert_id))


@app.command("review")
def review(
    alert_id: int,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
) -> None:
    """Start reviewing an alert: prints the evidence and the checklist to answer."""
    access = cli_purpose(purpose, reason)
    with _desk(as_user) as (principal, desk):
        _print(desk.start_review(principal, access, alert_id))


@app.command("decide")
def decide(
    alert_id: int,
    decision: Annotated[str, typer.Argument(help="confirmed or dismissed")],
    answer: Annotated[
        list[str],
        typer.Option("--answer", "-a", help="ITEM=yes|no|not-applicable, for every item."),
    ],
    why: Annotated[str, typer.Option("--why", help="The reason for the decision.")],
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
) -> None:
    """Confirm or dismiss one alert you are reviewing."""
    from interlock.errors import RefusedError

    answers: dict[str, str] = {}
    for item in answer:
        key, sep, value = item.partition("=")
        if not sep:
            raise RefusedError(f"--answer {item!r}: write ITEM=ANSWER", location="answer")
        answers[key.strip()] = value.strip()
    access = cli_purpose(purpose, reason)
    with _desk(as_user) as (principal, desk):
        done = desk.decide(principal, access, alert_id, decision, answers, why)
    out.print(f"alert {alert_id}: {done['status']}", highlight=False)


@app.command("act")
def act(
    alert_id: int,
    kind: Annotated[str, typer.Argument(help="secondary-inspection, referral, refusal …")],
    why: Annotated[str, typer.Option("--why", help="The reason for the action.")],
    humanitarian_note: Annotated[
        str | None, typer.Option(help="Required when the traveller carries humanitarian flags.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Record an action on the person of a confirmed alert."""
    with _desk(as_user) as (principal, desk):
        done = desk.act(principal, alert_id, kind, why, humanitarian_note=humanitarian_note)
    out.print(f"action {done['id']} ({done['kind']}) recorded on alert {alert_id}")


@app.command("explain")
def explain(
    alert_id: int,
    html: Annotated[Path | None, typer.Option(help="Also write the readable page here.")] = None,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
) -> None:
    """The explanation pack of an alert (JSON; with --html also the readable page)."""
    from interlock.alerts import explanation_pack, render_pack_html

    access = cli_purpose(purpose, reason)
    with _store() as store:
        principal = cli_principal(store, as_user)
        pack = explanation_pack(store.sessions, principal, access, alert_id)
    if html is not None:
        html.write_text(render_pack_html(pack), encoding="utf-8")
    _print(pack)


@cases_app.command("open")
def open_case(
    title: str,
    alert: Annotated[list[int] | None, typer.Option(help="Alert id to add.")] = None,
    traveller: Annotated[list[int] | None, typer.Option(help="Traveller id to add.")] = None,
    priority: Annotated[int, typer.Option(min=1, max=3)] = 3,
    as_user: AsOption = None,
) -> None:
    """Open a case."""
    from interlock.alerts import CaseDesk

    with _store() as store:
        principal = cli_principal(store, as_user)
        case = CaseDesk(store.sessions).open(
            principal,
            title,
            priority=priority,
            alert_ids=tuple(alert or ()),
            traveller_ids=tuple(traveller or ()),
        )
    out.print(f"case {case['id']} opened")


@cases_app.command("list")
def list_cases(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """Cases, newest first."""
    from interlock.alerts import CaseDesk

    with _store() as store:
        principal = cli_principal(store, as_user)
        rows = CaseDesk(store.sessions).list(principal)
    if as_json:
        _print(rows)
        return
    table = Table("id", "status", "prio", "title", "alerts", "assigned", "updated")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["status"],
            str(r["priority"]),
            r["title"],
            str(r["alerts"]),
            r["assigned_to"] or "",
            r["updated_at"][:16],
        )
    out.print(table)


@cases_app.command("show")
def show_case(
    case_id: int,
    as_user: AsOption = None,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
) -> None:
    """A case with its alerts, travellers and timeline (JSON)."""
    from interlock.alerts import CaseDesk

    access = cli_purpose(purpose, reason)
    with _store() as store:
        principal = cli_principal(store, as_user)
        _print(CaseDesk(store.sessions).get(principal, access, case_id))


@cases_app.command("note")
def note(case_id: int, text: str, as_user: AsOption = None) -> None:
    """Add a note to a case's timeline."""
    from interlock.alerts import CaseDesk

    with _store() as store:
        principal = cli_principal(store, as_user)
        CaseDesk(store.sessions).note(principal, case_id, text)
    out.print(f"note added to case {case_id}")


@cases_app.command("close")
def close(
    case_id: int, why: Annotated[str, typer.Option("--why")], as_user: AsOption = None
) -> None:
    """Close a case with the reason."""
    from interlock.alerts import CaseDesk

    with _store() as store:
        principal = cli_principal(store, as_user)
        CaseDesk(store.sessions).close(principal, case_id, why)
    out.print(f"case {case_id} closed")
