"""Step 9 of ``interlock demo``: share with a partner node, end to end, on loopback.

A second node, ``demo-partner``, is started with its own store and keys under
``<data folder>/demo-partner``. This node is served as well. Both run over HTTPS with their
own certificates. The step then:

1. registers each node with the other from its identity card, with an agreement;
2. publishes the demo's national list to the partner, as a synthetic liaison with a reason.
   Only what the partner lacks is sent, so a second run sends nothing;
3. pushes it and checks the partner's signed receipt;
4. has the partner witness and cosign this node's ledger checkpoint;
5. has the partner prove that the message is in this node's log;
6. shows the partner's watchlist made of the entries, and verifies both ledgers;
7. step 10 (:mod:`interlock.demo_partner_hit`): the partner sees a planted person of the day,
   and the hit notification, the case here and the source confirmation close the loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from sqlalchemy import select

from interlock.access.purpose import AccessPurpose, Purpose
from interlock.access.roles import Principal, Role
from interlock.demo_partner_hit import PartnerHitResult, partner_hit
from interlock.errors import NotFoundError
from interlock.settings import Settings
from interlock.sharing.context import SharingContext
from interlock.sharing.identity import node_identity
from interlock.sharing.loopback import LoopbackServer, free_port
from interlock.sharing.publishing import ShareOptions
from interlock.sharing.received import partner_list_name
from interlock.sharing.service import SharingService
from interlock.sharing.transport import push_once
from interlock.sharing.witnessing import check_inclusion, cosign_latest
from interlock.store import Store
from interlock.store.schema_sharing import ShareOutboxRow

PARTNER = "demo-partner"
KINDS = ["alert-notification", "source-confirmation", "watchlist-entry",
         "watchlist-revocation", "sighting", "correction"]  # fmt: skip
ACCESS = AccessPurpose(Purpose.TERRORIST_OFFENCE, "demo: sharing synthetic persons sought")
REASON = "Synthetic persons sought, shared for border screening in the demo"


@dataclass(slots=True)
class SharingResult:
    sent: int = 0
    accepted: int = 0
    cosigned_by: list[str] = field(default_factory=list)
    included: bool = False
    partner_entries: int = 0
    ledgers_ok: bool = False
    hit: PartnerHitResult | None = None


def _account(store: Store, username: str, role: Role) -> Principal:
    try:
        user = store.users.get(username)
    except NotFoundError:
        user = store.users.create(
            username, (role,), service=False, password=f"synthetic-{username}-not-for-login"
        )
    return user.principal("demo")


def _wire(ctx: SharingContext, card: dict[str, object], other: str) -> None:
    admin = _account(ctx.store, "demo-admin", Role.ADMIN)
    ctx.registry.register(admin, card)
    current = ctx.registry.get(other).agreement
    if current is None:
        ctx.registry.set_agreement(
            admin, other, kinds=KINDS, purposes=[Purpose.TERRORIST_OFFENCE],
            max_tlp="amber", valid_from=date.today(),
            valid_until=date.today() + timedelta(days=365),
            legal_basis="Demonstration agreement (synthetic)",
        )  # fmt: skip


def share_with_partner(
    out: Console, settings: Settings, list_name: str, *, hit: tuple[str, Path] | None = None
) -> SharingResult:
    """Run the step (module docstring); ``hit``: the entry id of a planted person of the day
    and the manifest of their flight, for step 10."""
    result = SharingResult()
    ports = {settings.node_name: free_port(), PARTNER: free_port()}
    here = settings.model_copy(
        update={"public_url": f"https://127.0.0.1:{ports[settings.node_name]}"}
    )
    there = Settings(
        data_dir=settings.data_dir / PARTNER,
        node_name=PARTNER,
        public_url=f"https://127.0.0.1:{ports[PARTNER]}",
        screen_workers=0,
    )
    from interlock.api.app import create_app

    apps = {
        name: create_app(s, sharing_loop=False)
        for name, s in ((settings.node_name, here), (PARTNER, there))
    }
    servers = []
    try:
        for name, app in apps.items():
            identity = node_identity(app.state.settings)
            server = LoopbackServer(
                app, port=ports[name], tls=(identity.tls_cert_path, identity.tls_key_path)
            )
            server.start()
            servers.append(server)
        mine: SharingContext = apps[settings.node_name].state.sharing
        theirs: SharingContext = apps[PARTNER].state.sharing
        _wire(mine, theirs.identity.card(there.public_url), PARTNER)
        _wire(theirs, mine.identity.card(here.public_url), settings.node_name)
        out.print(
            f"   {PARTNER} runs on https://127.0.0.1:{ports[PARTNER]} (its store and keys in "
            f"{there.data_dir}); each node registered the other from its identity card, "
            "with an agreement (kinds, purpose terrorist-offence, up to TLP:AMBER, one year)",
            highlight=False,
        )
        liaison = _account(mine.store, "demo-liaison", Role.LIAISON)
        published = SharingService(mine).publish_list(
            liaison, ACCESS, list_name, to=[PARTNER], reason=REASON,
            options=ShareOptions(retention_days=30),
        )  # fmt: skip
        sent = published["sent"][PARTNER]
        result.sent = sent["entries"] + sent["revocations"]
        pushed = push_once(mine)
        result.accepted = pushed.delivered
        message_id = sent["message"] or _last_sent(mine)
        if sent["message"]:
            out.print(
                f"   published {sent['entries']} entries of {list_name} as one signed message "
                f"(DSSE, TLP:AMBER, kept 30 days, no onward sharing); delivered "
                f"{pushed.delivered}, the receipt signed by {PARTNER} and checked",
                highlight=False,
            )
        else:
            out.print(f"   {PARTNER} already holds every entry: nothing new to send")
        outcomes = cosign_latest(mine)
        checkpoint = mine.ledger.latest_checkpoint()
        result.cosigned_by = [o.witness for o in outcomes if o.status.value == "cosigned"]
        out.print(
            f"   this node's ledger: {checkpoint.size} leaves (digests and ids only); "
            f"checkpoint cosigned by {len(checkpoint.cosignatures)} witness(es)",
            highlight=False,
        )
        if message_id is not None:
            check = check_inclusion(theirs, message_id)
            result.included = check.ok
            out.print(
                f"   {PARTNER} proves the message is in this node's log: "
                f"{'included' if check.ok else check.detail} (leaf {check.leaf_index} of "
                f"{check.checkpoint_size}, cosigned by {', '.join(check.cosigned_by) or '-'})",
                highlight=False,
            )
        held = partner_list_name(settings.node_name, list_name)
        entries = theirs.store.watchlists.active_entries(held, date.today())
        result.partner_entries = len(entries)
        result.ledgers_ok = mine.ledger.verify().ok and theirs.ledger.verify().ok
        out.print(
            f"   {PARTNER} screens with the list {held}: {len(entries)} active entries, "
            f"each matching until the originator's retention ends; both ledgers verify: "
            f"{result.ledgers_ok}",
            highlight=False,
        )
        if hit is not None:
            out.print(f"[bold]10.[/] {PARTNER} sees a person this node lists")
            result.hit = partner_hit(
                out, mine=mine, theirs=theirs, partner_app=apps[PARTNER], held_list=held,
                entry_id=hit[0], manifest=hit[1], principal=_account,
            )  # fmt: skip
    finally:
        for app in apps.values():
            app.state.sharing.close_links()
        for server in servers:
            server.stop()
        for app in apps.values():
            app.state.store.dispose()
    return result


def _last_sent(ctx: SharingContext) -> str | None:
    with ctx.store.sessions() as session:
        return session.execute(
            select(ShareOutboxRow.message_id)
            .where(ShareOutboxRow.recipient == PARTNER)
            .order_by(ShareOutboxRow.id.desc())
            .limit(1)
        ).scalar()
