"""``interlock partners`` and ``interlock share``: the partner registry and sharing.

``partners identity`` prints this node's identity card (public keys, address, TLS
certificate) to hand to a partner; ``partners add CARD.json`` registers a partner from its
card; ``partners agreement`` records the agreement in force. ``share publish`` sends list
entries (and revocations of delisted ones), ``share revoke``, ``share sighting``,
``share correct`` and ``share confirm-source`` send the rest; ``share inbox`` / ``outbox``
show what came and went; ``share push`` / ``pull`` move messages now (``interlock serve``
does both in the background). Commands act as the signed-in account.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from interlock.cli_auth import AsOption, PurposeOption, ReasonOption, cli_principal, cli_purpose
from interlock.errors import ParseError
from interlock.settings import get_settings
from interlock.sharing.envelope import Onward
from interlock.sharing.kinds import TLP

if TYPE_CHECKING:
    from interlock.access.purpose import AccessPurpose
    from interlock.access.roles import Principal
    from interlock.sharing.context import SharingContext
    from interlock.sharing.service import SharingService

partners_app = typer.Typer(
    help="The partner registry: identity cards, agreements, sharing groups.",
    no_args_is_help=True,
)
share_app = typer.Typer(
    help="Share with partner nodes: publish and revoke entries, sightings, corrections, "
    "source confirmations; the inbox and outbox.",
    no_args_is_help=True,
)
out = Console()
JsonOption = Annotated[bool, typer.Option("--json", help="JSON output.")]
ToOption = Annotated[
    list[str] | None, typer.Option("--to", help="A recipient partner (repeat for several).")
]
GroupOption = Annotated[
    str | None, typer.Option(help="A sharing group, name@version, instead of --to.")
]
ShareReason = Annotated[str, typer.Option(help="Why this is shared (SG-41).")]


def _context() -> SharingContext:
    from interlock.sharing.context import SharingContext
    from interlock.store import Store

    settings = get_settings()
    return SharingContext.of(Store.from_settings(settings), settings)


@contextmanager
def _acting(
    as_user: str | None, purpose: str | None, reason: str | None
) -> Iterator[tuple[SharingService, Principal, AccessPurpose]]:
    """The node's sharing service, the signed-in principal and the stated purpose; the store
    is closed afterwards."""
    from interlock.sharing.service import SharingService

    ctx = _context()
    try:
        yield SharingService(ctx), cli_principal(ctx.store, as_user), cli_purpose(purpose, reason)
    finally:
        ctx.close_links()
        ctx.store.dispose()


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


# -- partners --------------------------------------------------------------------------------


@partners_app.command("identity")
def identity(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the card to this file.")
    ] = None,
) -> None:
    """This node's identity card (name, address, public keys, TLS certificate)."""
    from interlock.sharing.identity import node_identity

    settings = get_settings()
    card = node_identity(settings).card(settings.public_url)
    text = json.dumps(card, indent=2) + "\n"
    if out_file is not None:
        out_file.write_text(text)
        out.print(f"wrote {out_file}")
    else:
        sys.stdout.write(text)


@partners_app.command("add")
def add(
    card_file: Annotated[Path, typer.Argument(help="The partner's identity card (JSON).")],
    taxii_account: Annotated[
        str | None, typer.Option(help="Account the partner's TAXII client signs in with.")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Register a partner from its identity card (or update its address and keys)."""
    try:
        card = json.loads(card_file.read_text())
    except (OSError, ValueError) as err:
        raise ParseError(f"{card_file}: not a JSON identity card ({err})") from None
    ctx = _context()
    try:
        made = ctx.registry.register(
            cli_principal(ctx.store, as_user), card, taxii_account=taxii_account
        )
    finally:
        ctx.store.dispose()
    out.print(f"partner {made.name} at {made.base_url} (envelope key {made.envelope_key_id})")


@partners_app.command("agreement")
def agreement(
    partner: Annotated[str, typer.Argument(help="The partner.")],
    kinds: Annotated[
        str,
        typer.Option(
            help="Comma-separated: alert-notification, source-confirmation, watchlist-entry, "
            "watchlist-revocation, sighting, correction."
        ),
    ],
    purposes: Annotated[str, typer.Option(help="Comma-separated purposes.")],
    max_tlp: Annotated[str, typer.Option(help="clear, green, amber, amber+strict.")],
    valid_until: Annotated[str, typer.Option(help="Last day in force, YYYY-MM-DD.")],
    legal_basis: Annotated[str, typer.Option(help="The agreement's legal basis.")],
    valid_from: Annotated[
        str | None, typer.Option(help="First day in force (default: today).")
    ] = None,
    third_country: Annotated[
        bool, typer.Option(help="The partner is a third country: the DPO is told (SG-42).")
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Record a new version of the sharing agreement with a partner."""
    from interlock.sharing.partner_views import agreement_dict

    try:
        start = date.fromisoformat(valid_from) if valid_from else date.today()
        end = date.fromisoformat(valid_until)
    except ValueError as err:
        raise ParseError(f"dates are YYYY-MM-DD ({err})") from None
    ctx = _context()
    try:
        made = ctx.registry.set_agreement(
            cli_principal(ctx.store, as_user),
            partner,
            kinds=[k.strip() for k in kinds.split(",") if k.strip()],
            purposes=[p.strip() for p in purposes.split(",") if p.strip()],
            max_tlp=max_tlp,
            valid_from=start,
            valid_until=end,
            legal_basis=legal_basis,
            third_country=third_country,
        )
    finally:
        ctx.store.dispose()
    _emit(agreement_dict(made))


@partners_app.command("group")
def group(
    name: Annotated[str, typer.Argument(help="The group's name.")],
    members: Annotated[list[str], typer.Argument(help="Its member partners.")],
    as_user: AsOption = None,
) -> None:
    """Define the next version of a sharing group, signed by this node."""
    ctx = _context()
    try:
        made = ctx.registry.define_group(cli_principal(ctx.store, as_user), name, members)
    finally:
        ctx.store.dispose()
    out.print(f"group {made.key}: {', '.join(sorted(made.members))}")


@partners_app.command("list")
def list_partners(as_json: JsonOption = False) -> None:
    """The registered partners and their agreements (public information)."""
    ctx = _context()
    try:
        partners = [p.to_dict() for p in ctx.registry.all()]
    finally:
        ctx.store.dispose()
    if as_json:
        _emit(partners)
        return
    table = Table("partner", "address", "agreement", "kinds", "max TLP", "until", "sent", "recv")
    for p in partners:
        a = p["agreement"] or {}
        table.add_row(
            p["name"], p["base_url"], str(a.get("version", "-")), ", ".join(a.get("kinds", [])),
            a.get("max_tlp", "-"), a.get("valid_until", "-"), str(p["sent"]),
            str(p["received_in_order"]),
        )  # fmt: skip
    out.print(table)


@partners_app.command("suspend")
def suspend(partner: str, as_user: AsOption = None) -> None:
    """Stop every share with a partner (both ways) until resumed."""
    _set_active(partner, False, as_user)


@partners_app.command("resume")
def resume(partner: str, as_user: AsOption = None) -> None:
    """Resume sharing with a partner."""
    _set_active(partner, True, as_user)


def _set_active(partner: str, active: bool, as_user: str | None) -> None:
    ctx = _context()
    try:
        ctx.registry.set_active(cli_principal(ctx.store, as_user), partner, active)
    finally:
        ctx.store.dispose()
    out.print(f"sharing with {partner} {'resumed' if active else 'suspended'}")


# -- share -----------------------------------------------------------------------------------


@share_app.command("publish")
def publish(
    list_name: Annotated[str, typer.Argument(help="The list whose entries are published.")],
    reason: ShareReason,
    to: ToOption = None,
    group_name: GroupOption = None,
    tlp: Annotated[str, typer.Option(help="clear, green, amber or amber+strict.")] = "amber",
    onward: Annotated[str, typer.Option(help="never, with-consent or allowed.")] = "never",
    consent: Annotated[
        list[str] | None, typer.Option(help="A node the recipient may pass it on to.")
    ] = None,
    max_hops: Annotated[int, typer.Option(min=1, help="Transfers allowed in all.")] = 1,
    retention_days: Annotated[int, typer.Option(min=1, help="Days recipients keep it.")] = 180,
    purpose: PurposeOption = None,
    access_reason: ReasonOption = None,
    as_user: AsOption = None,
) -> None:
    """Send partners the list's entries they lack, and revocations of delisted ones."""
    from interlock.sharing.publishing import ShareOptions

    options = ShareOptions(
        tlp=TLP(tlp), onward=Onward(onward), consent=tuple(consent or ()), max_hops=max_hops,
        retention_days=retention_days, group=group_name,
    )  # fmt: skip
    with _acting(as_user, purpose, access_reason or reason) as (service, principal, access):
        result = service.publish_list(
            principal, access, list_name, to=to or [], reason=reason, options=options
        )
    for name, sent in result["sent"].items():
        out.print(
            f"{name}: {sent['entries']} entries, {sent['revocations']} revocations"
            + (f" (message {sent['message']})" if sent["message"] else " (nothing new)")
        )


@share_app.command("revoke")
def revoke(
    list_name: Annotated[str, typer.Argument(help="The list.")],
    entry_id: Annotated[str, typer.Argument(help="The entry's id.")],
    reason: ShareReason,
    purpose: PurposeOption = None,
    as_user: AsOption = None,
) -> None:
    """Revoke one entry at every partner that holds it."""
    with _acting(as_user, purpose, reason) as (service, principal, access):
        _emit(service.revoke_entry(principal, access, list_name, entry_id, reason=reason))


@share_app.command("sighting")
def sighting(
    alert_id: Annotated[int, typer.Argument(help="A confirmed alert.")],
    reason: ShareReason,
    to: ToOption = None,
    group_name: GroupOption = None,
    tlp: Annotated[str, typer.Option(help="clear, green, amber or amber+strict.")] = "amber",
    purpose: PurposeOption = None,
    as_user: AsOption = None,
) -> None:
    """Tell partners a confirmed alert's person was seen (after source confirmation)."""
    with _acting(as_user, purpose, reason) as (service, principal, access):
        ids = service.send_sighting(
            principal, access, alert_id, to=to or [], group=group_name, reason=reason,
            tlp=TLP(tlp),
        )  # fmt: skip
    _emit({"messages": ids})


@share_app.command("correct")
def correct(
    message_id: Annotated[str, typer.Argument(help="A message this node sent.")],
    reason: ShareReason,
    purpose: PurposeOption = None,
    as_user: AsOption = None,
) -> None:
    """What a message shared proved wrong: revoke it at every recipient (SG-43)."""
    with _acting(as_user, purpose, reason) as (service, principal, access):
        _emit({"sent": service.correct(principal, access, message_id, reason=reason)})


@share_app.command("confirm-source")
def confirm_source(
    message_id: Annotated[str, typer.Argument(help="A hit notification received.")],
    reason: ShareReason,
    not_confirmed: Annotated[
        bool, typer.Option("--not-confirmed", help="The person seen is not the one listed.")
    ] = False,
    purpose: PurposeOption = None,
    as_user: AsOption = None,
) -> None:
    """Answer a partner's hit notification on one of this node's entries (SG-19)."""
    with _acting(as_user, purpose, reason) as (service, principal, access):
        sent = service.confirm_source(
            principal, access, message_id, confirmed=not not_confirmed, reason=reason
        )
    out.print(f"answer queued as message {sent}")


@share_app.command("inbox")
def inbox(as_json: JsonOption = False, limit: int = 50, as_user: AsOption = None) -> None:
    """Messages received, newest first."""
    columns = {"received_at": "received", "sender": "from", "seq": "seq", "kind": "kind",
               "status": "status", "case_id": "case", "message_id": "message"}  # fmt: skip
    _listing("inbox", columns, as_json, limit, as_user)


@share_app.command("outbox")
def outbox(as_json: JsonOption = False, limit: int = 50, as_user: AsOption = None) -> None:
    """Messages sent and queued, newest first."""
    columns = {"created_at": "created", "recipient": "to", "seq": "seq", "kind": "kind",
               "status": "status", "attempts": "tries", "message_id": "message"}  # fmt: skip
    _listing("outbox", columns, as_json, limit, as_user)


def _listing(
    which: str, columns: dict[str, str], as_json: bool, limit: int, as_user: str | None
) -> None:
    from interlock.access.roles import Action, check
    from interlock.sharing.views import recent_inbox, recent_outbox

    ctx = _context()
    try:
        check(cli_principal(ctx.store, as_user), Action.SHARE_READ)
        rows = (recent_inbox if which == "inbox" else recent_outbox)(ctx, limit)
    finally:
        ctx.store.dispose()
    if as_json:
        _emit(rows)
        return
    table = Table(*columns.values())
    for r in rows:
        table.add_row(*("" if r[key] is None else str(r[key])[:19] if key.endswith("_at")
                        else str(r[key]) for key in columns))  # fmt: skip
    out.print(table)


@share_app.command("push")
def push() -> None:
    """Push the queued messages now (``interlock serve`` does it continuously)."""
    from interlock.sharing.transport import push_once

    ctx = _context()
    try:
        result = push_once(ctx)
    finally:
        ctx.close_links()
        ctx.store.dispose()
    out.print(f"delivered {result.delivered}, rejected {result.rejected}, failed {result.failed}")
    for error in result.errors:
        out.print(f"  {error}")


@share_app.command("pull")
def pull() -> None:
    """Fetch from every partner what it holds for this node and this node lacks."""
    from interlock.sharing.pull import pull_all

    ctx = _context()
    try:
        result = pull_all(ctx)
    finally:
        ctx.close_links()
        ctx.store.dispose()
    out.print(
        f"received {result.received}, duplicates {result.duplicates}, rejected {result.rejected}"
    )
    for error in result.errors:
        out.print(f"  {error}")


@share_app.command("verify")
def verify(
    message_id: Annotated[str, typer.Argument(help="A message received.")],
) -> None:
    """Check that a received message is in its sender's log, against the sender's checkpoint."""
    from interlock.sharing.witnessing import check_inclusion

    ctx = _context()
    try:
        result = check_inclusion(ctx, message_id)
    finally:
        ctx.close_links()
        ctx.store.dispose()
    _emit(result.to_dict())
    if not result.ok:
        raise typer.Exit(1)
