"""``interlock unmask``: read depersonalised PNR data again, for a case (SG-29).

`request` asks (purpose, reason, evidence reference), `approve` / `refuse` decide (a person
of an authority outside the requesting unit), `show` prints the plaintext to the requester
while the approval is valid, `list` shows the requests. Every step is audited and notified
to the DPO by :mod:`interlock.retention.unmask`; the commands act as the signed-in account.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from interlock.cli_auth import AsOption, PurposeOption, ReasonOption, cli_principal, cli_purpose
from interlock.settings import get_settings

if TYPE_CHECKING:
    from interlock.retention.unmask import UnmaskedData, Unmasking
    from interlock.store import Store

app = typer.Typer(
    help="Unmask depersonalised PNR data for a case: request, outside approval, audited reads.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)

out = Console()
JsonOption = Annotated[bool, typer.Option("--json", help="JSON output.")]
RequestId = Annotated[int, typer.Argument(help="The unmask request's id.")]


def _open() -> tuple[Store, Unmasking]:
    from interlock.retention.node import node_unmasking
    from interlock.store import Store

    settings = get_settings()
    store = Store.from_settings(settings)
    return store, node_unmasking(store, settings)


def _emit(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")


@app.command("request")
def request(
    evidence: Annotated[str, typer.Option(help="Evidence reference: case or file number.")],
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
    booking: Annotated[
        str | None, typer.Option(help="The depersonalised booking: CARRIER/LOCATOR.")
    ] = None,
    traveller: Annotated[
        int | None, typer.Option(help="The depersonalised traveller's id.")
    ] = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Ask to unmask a depersonalised booking or traveller; an outside authority decides."""
    from interlock.retention.holds import parse_booking

    store, unmasking = _open()
    try:
        made = unmasking.request(
            cli_principal(store, as_user),
            booking=parse_booking(booking) if booking else None,
            traveller_id=traveller,
            purpose=purpose,
            reason=reason,
            evidence=evidence,
        )
    finally:
        store.dispose()
    if as_json:
        _emit(made.to_dict())
        return
    out.print(f"unmask request {made.id} on {made.target}: {made.status.value}", highlight=False)


@app.command("list")
def list_requests(as_user: AsOption = None, as_json: JsonOption = False) -> None:
    """The requests, newest first: your own, or all for the authority and the DPO."""
    store, unmasking = _open()
    try:
        found = unmasking.all(cli_principal(store, as_user))
    finally:
        store.dispose()
    if as_json:
        for made in found:
            _emit(made.to_dict())
        return
    table = Table("id", "target", "status", "purpose", "evidence", "requested by", "decided by",
                  "expires", "reads")  # fmt: skip
    for made in found:
        expires = f"{made.expires_at:%Y-%m-%d %H:%M}" if made.expires_at else ""
        table.add_row(str(made.id), made.target, made.status.value, made.purpose, made.evidence,
                      f"{made.requested_by} ({made.requester_unit})",
                      f"{made.decided_by} ({made.decider_unit})" if made.decided_by else "",
                      expires, str(made.reads))  # fmt: skip
    out.print(table)


@app.command("approve")
def approve(
    request_id: RequestId,
    reason: Annotated[str, typer.Option(help="Why the unmasking is approved.")],
    as_user: AsOption = None,
) -> None:
    """Approve a pending request (a person of an authority outside the requesting unit)."""
    store, unmasking = _open()
    try:
        made = unmasking.approve(cli_principal(store, as_user), request_id, reason)
    finally:
        store.dispose()
    until = f"{made.expires_at:%Y-%m-%d %H:%M} UTC" if made.expires_at else "?"
    out.print(f"unmask request {made.id} approved until {until}", highlight=False)


@app.command("refuse")
def refuse(
    request_id: RequestId,
    reason: Annotated[str, typer.Option(help="Why the unmasking is refused.")],
    as_user: AsOption = None,
) -> None:
    """Refuse a pending request; it can then never be read."""
    store, unmasking = _open()
    try:
        made = unmasking.refuse(cli_principal(store, as_user), request_id, reason)
    finally:
        store.dispose()
    out.print(f"unmask request {made.id} refused", highlight=False)


@app.command("show")
def show(
    request_id: RequestId,
    purpose: PurposeOption = None,
    reason: ReasonOption = None,
    as_user: AsOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the unmasked plaintext of your approved request (each read is audited)."""
    access = cli_purpose(purpose, reason)
    store, unmasking = _open()
    try:
        data = unmasking.read(cli_principal(store, as_user), request_id, access)
    finally:
        store.dispose()
    if as_json:
        _emit(data.to_dict())
        return
    _print_data(data)


def _print_data(data: UnmaskedData) -> None:
    plain = data.to_dict()
    for kind in ("bookings", "travellers", "travel_documents"):
        rows: list[dict[str, Any]] = plain[kind]
        if not rows:
            continue
        table = Table(title=kind.replace("_", " "), show_header=True)
        table.add_column("field")
        for row in rows:
            table.add_column(f"id {row['id']}")
        for name in rows[0]:
            if name == "id":
                continue
            table.add_row(name, *(_cell(row.get(name)) for row in rows))
        out.print(table)
    out.print(f"read at {data.read_at:%Y-%m-%d %H:%M:%S} UTC (audited; the DPO is notified)",
              highlight=False)  # fmt: skip


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
