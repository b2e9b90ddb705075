"""``interlock subject-requests``: data-subject requests on the command line (SG-45).

The DPO records a request (``add``), lists open and overdue ones (``list``), reads one
(``show``), finds the requester's stored records (``search``) and exports what the node holds
about them (``export``, with a stated purpose and reason, SG-01), then closes it (``answer``,
or ``refuse`` on a legal ground). ``purge`` deletes the requesters' details of requests closed
longer ago than the period (or run it as the node's job with ``--as-node``). Every command acts
as an account (see :mod:`interlock.cli_auth`) with ``subject-request.manage``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from interlock.access.roles import Action, Principal
from interlock.cli_auth import AsOption, PurposeOption, ReasonOption, cli_principal, cli_purpose
from interlock.cli_users import open_store, require
from interlock.settings import get_settings
from interlock.subjects import LegalGround, SubjectRequest, SubjectRequests
from interlock.subjects.node import node_subject_requests


@contextmanager
def _desk(as_user: str | None) -> Iterator[tuple[Principal, SubjectRequests]]:
    """The acting principal, allowed to handle data-subject requests, and the requests."""
    with open_store() as store:
        principal = cli_principal(store, as_user)
        require(store, principal, Action.SUBJECT_REQUEST)
        yield principal, node_subject_requests(store, get_settings())


app = typer.Typer(
    help="Data-subject requests: access, rectification, erasure, restriction (SG-45).",
    rich_markup_mode="markdown",
    no_args_is_help=True,
)
out = Console()
JsonOption = Annotated[bool, typer.Option("--json", help="JSON output.")]
IdArgument = Annotated[int, typer.Argument(help="The request's id (see `list`).")]
DateOption = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])]
GROUNDS = ", ".join(f"`{g.value}` ({g.text})" for g in LegalGround)


def _emit(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def _line(request: SubjectRequest) -> str:
    late = " [bold red]overdue[/]" if request.overdue else ""
    ground = f", ground {request.legal_ground.value}" if request.legal_ground else ""
    return (
        f"request {request.id} ({request.kind.value}): {request.status.value}{ground}, "
        f"due {request.due_on}{late}"
    )


@app.command()
def add(
    kind: Annotated[str, typer.Argument(help="access, rectification, erasure or restriction.")],
    surname: Annotated[str | None, typer.Option(help="Surname as given.")] = None,
    given_names: Annotated[str | None, typer.Option(help="Given names as given.")] = None,
    birth_date: DateOption = None,
    document_number: Annotated[str | None, typer.Option(help="A travel document number.")] = None,
    received_on: DateOption = None,
    due_on: DateOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record a request; due one month after receipt unless `--due-on` extends it."""
    with _desk(as_user) as (principal, requests):
        created = requests.add(
            principal,
            kind,
            surname=surname,
            given_names=given_names,
            birth_date=_day(birth_date),
            document_number=document_number,
            received_on=_day(received_on),
            due_on=_day(due_on),
        )
    if as_json:
        _emit(created.to_dict())
        return
    out.print(_line(created), highlight=False)


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="open, answered, ...")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Open and past due.")] = False,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Requests, the soonest due first (without the requesters' details)."""
    with _desk(as_user) as (principal, requests):
        found = requests.all(principal, status=status, overdue=overdue)
    if as_json:
        for request in found:
            _emit(request.to_dict(details=False))
        return
    table = Table("id", "kind", "status", "received", "due", "overdue", "ground")
    for r in found:
        table.add_row(
            str(r.id),
            r.kind.value,
            r.status.value,
            str(r.received_on),
            str(r.due_on),
            "yes" if r.overdue else "",
            r.legal_ground.value if r.legal_ground else "",
        )
    out.print(table)


@app.command()
def show(request_id: IdArgument, as_user: AsOption = None) -> None:
    """One request with the requester's details and its timeline, as JSON (audited)."""
    with _desk(as_user) as (principal, requests):
        request = requests.get(principal, request_id)
    _emit(request.to_dict())


@app.command()
def search(
    request_id: IdArgument,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """The stored travellers that are the requester: exact name and birth date, or document."""
    access = cli_purpose(purpose, reason)
    with _desk(as_user) as (principal, requests):
        result = requests.search(principal, access, request_id)
    if as_json:
        _emit(result.to_dict())
        return
    table = Table("traveller", "surname", "given names", "born", "flight", "matched by")
    for t in result.travellers:
        table.add_row(
            str(t["traveller_id"]),
            t["surname"],
            t["given_names"],
            t["birth_date"] or "",
            t["flight_key"] or "",
            ", ".join(t["matched_by"]),
        )
    out.print(f"request {request_id}: {len(result.travellers)} stored record(s)", highlight=False)
    out.print(table)


@app.command()
def export(
    request_id: IdArgument,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the JSON here (default: stdout).")
    ] = None,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
    as_user: AsOption = None,
) -> None:
    """What the node holds about the requester, as JSON, for the answer to an access request."""
    access = cli_purpose(purpose, reason)
    with _desk(as_user) as (principal, requests):
        content = requests.export(principal, access, request_id)
    text = json.dumps(content, ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    out.print(f"request {request_id}: export written to {output}", highlight=False)


@app.command()
def answer(
    request_id: IdArgument,
    note: Annotated[str, typer.Option(help="What was sent or done (no names: SG-37).")],
    touched: Annotated[
        list[int] | None, typer.Option("--touched", help="A traveller id concerned (repeat).")
    ] = None,
    partial: Annotated[
        bool, typer.Option("--partial", help="Part was withheld on a legal ground.")
    ] = False,
    ground: Annotated[str | None, typer.Option(help=f"For `--partial`: {GROUNDS}.")] = None,
    reason: Annotated[str | None, typer.Option(help="For `--partial`: why.")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close a request as answered (or partially answered, with a legal ground)."""
    with _desk(as_user) as (principal, requests):
        answered = requests.answer(
            principal,
            request_id,
            note=note,
            touched_ids=touched or [],
            partial=partial,
            ground=ground,
            reason=reason,
        )
    if as_json:
        _emit(answered.to_dict())
        return
    out.print(_line(answered) + f"; details purged after {answered.purge_after}", highlight=False)


@app.command()
def refuse(
    request_id: IdArgument,
    ground: Annotated[str | None, typer.Option(help=f"The legal ground: {GROUNDS}.")] = None,
    reason: Annotated[str | None, typer.Option(help="Why (at least 8 characters).")] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close a request as refused, on a legal ground from the closed list and a reason."""
    with _desk(as_user) as (principal, requests):
        refused = requests.refuse(principal, request_id, ground=ground, reason=reason)
    if as_json:
        _emit(refused.to_dict())
        return
    out.print(_line(refused) + f"; details purged after {refused.purge_after}", highlight=False)


@app.command()
def purge(
    as_node: Annotated[
        bool, typer.Option("--as-node", help="Run as the node's scheduled job (actor node).")
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Delete the requesters' details of requests closed longer ago than the period."""
    with open_store() as store:
        requests = node_subject_requests(store, get_settings())
        if as_node:
            purged = requests.purge_details(None)
        else:
            principal = cli_principal(store, as_user)
            require(store, principal, Action.SUBJECT_REQUEST)
            purged = requests.purge_details(principal)
    out.print(f"requester details purged from {len(purged)} request(s): {purged}", highlight=False)
