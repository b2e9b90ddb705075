"""Three nodes on loopback ports, over HTTPS with pinned certificates: sharing end to end.

alpha, bravo and charlie each run the real app (``create_app(serving=True)``: the sharing
loop pushes, pulls and collects cosignatures) with their own SQLite store, keys and TLS
certificate; each registers the other two from their identity cards with an agreement.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from auth_helpers import make_user
from conftest import ENGINES, POSTGRES_SERVER, _admin
from interlock.access.purpose import AccessPurpose, Purpose
from interlock.access.roles import Principal, Role
from interlock.alerts.desk import AlertDesk
from interlock.alerts.policy import CHECKLISTS, CauseKind
from interlock.api.app import create_app
from interlock.errors import ConflictError, ForbiddenError, NotFoundError, RefusedError
from interlock.ledger.note import Checkpoint, sign_note
from interlock.settings import Settings
from interlock.sharing.context import SharingContext
from interlock.sharing.envelope import SHARE, Envelope, Message, Onward, sign_envelope
from interlock.sharing.identity import node_identity
from interlock.sharing.kinds import TLP
from interlock.sharing.publishing import ShareOptions
from interlock.sharing.received import partner_list_name
from interlock.sharing.service import SharingService
from interlock.sharing.witnessing import check_inclusion, cosign_latest
from interlock.store import Store
from interlock.store.schema_access import AuditRow
from interlock.store.schema_alerts import AlertRow, CaseEventRow, CaseRow
from interlock.store.schema_sharing import (
    PartnerListRow,
    ShareInboxRow,
    ShareOutboxRow,
    SourceConfirmationRow,
)
from node_servers import LoopbackServer, free_port
from test_ingest_screening import (
    SOUGHT,
    flight_traffic,
    import_list,
    ingest,
    manifest,
    person,
    synthetic_entry,
)

NAMES = ("alpha", "bravo", "charlie")
ACCESS = AccessPurpose(Purpose.TERRORIST_OFFENCE, "case 2026/0077: sharing tests")
WANTED = person("KOVALENKO", "MARTA IRYNA", date(1984, 2, 11), "UKR", "FX7733210")
OTHER = person("DUBOIS", "AMELIE", date(1990, 7, 3), "FRA", "15AB99881")
REASON = "Name, birth date and passport agree with the entry; no exonerating fact found."
KINDS = [
    "alert-notification",
    "source-confirmation",
    "watchlist-entry",
    "watchlist-revocation",
    "sighting",
    "correction",
]


@dataclass
class Node:
    name: str
    settings: Settings
    app: Any
    server: LoopbackServer
    admin: Principal
    liaison: Principal
    reviewer: Principal

    @property
    def ctx(self) -> SharingContext:
        ctx: SharingContext = self.app.state.sharing
        return ctx

    @property
    def store(self) -> Store:
        store: Store = self.app.state.store
        return store

    @property
    def desk(self) -> AlertDesk:
        desk: AlertDesk = self.app.state.alerts
        return desk

    @property
    def service(self) -> SharingService:
        return SharingService(self.ctx)

    def inbox(self) -> list[ShareInboxRow]:
        with self.store.sessions() as session:
            return list(session.execute(select(ShareInboxRow).order_by(ShareInboxRow.id)).scalars())

    def outbox(self) -> list[ShareOutboxRow]:
        with self.store.sessions() as session:
            return list(
                session.execute(select(ShareOutboxRow).order_by(ShareOutboxRow.id)).scalars()
            )


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _settings(tmp: Path, name: str, port: int, url: str | None = None) -> Settings:
    return Settings(
        data_dir=tmp / name,
        database_url=url,
        node_name=name,
        screen_workers=0,
        public_url=f"https://127.0.0.1:{port}",
        share_push_interval_seconds=0.1,
        share_pull_interval_seconds=3600,
        notify_interval_seconds=3600,
    )


@contextmanager
def _three_nodes(tmp_path: Path, urls: dict[str, str | None]) -> Iterator[dict[str, Node]]:
    ports = {name: free_port() for name in NAMES}
    cards = {}
    for name in NAMES:
        settings = _settings(tmp_path, name, ports[name], urls[name])
        settings.data_dir.mkdir(parents=True)
        cards[name] = node_identity(settings).card(settings.public_url)
    made: dict[str, Node] = {}
    try:
        for name in NAMES:
            settings = _settings(tmp_path, name, ports[name], urls[name])
            identity = node_identity(settings)
            app = create_app(settings, serving=True)
            store: Store = app.state.store
            admin, _ = make_user(store, f"{name}-admin", Role.ADMIN)
            liaison, _ = make_user(store, f"{name}-liaison", Role.LIAISON)
            reviewer, _ = make_user(store, f"{name}-reviewer", Role.REVIEWER)
            registry = app.state.sharing.registry
            for other in NAMES:
                if other == name:
                    continue
                registry.register(admin, cards[other])
                registry.set_agreement(
                    admin, other, kinds=KINDS, purposes=["terrorist-offence"],
                    max_tlp="amber+strict", valid_from=date(2026, 1, 1),
                    valid_until=date(2027, 12, 31), legal_basis="Bilateral agreement 2026/7",
                    third_country=(other == "charlie"),
                )  # fmt: skip
            server = LoopbackServer(
                app, port=ports[name], tls=(identity.tls_cert_path, identity.tls_key_path)
            )
            server.start()
            made[name] = Node(name, settings, app, server, admin, liaison, reviewer)
        yield made
    finally:
        for node in made.values():
            node.ctx.close_links()  # idle keep-alive links would hold the servers' shutdown
        for node in made.values():
            node.server.stop()


@pytest.fixture
def nodes(tmp_path: Path) -> Iterator[dict[str, Node]]:
    """Three nodes on SQLite."""
    with _three_nodes(tmp_path, dict.fromkeys(NAMES)) as made:
        yield made


@pytest.fixture(params=ENGINES)
def any_nodes(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Node]]:
    """Three nodes on SQLite, or each on a throwaway PostgreSQL database of its own."""
    if request.param == "sqlite":
        with _three_nodes(tmp_path, dict.fromkeys(NAMES)) as made:
            yield made
        return
    request.getfixturevalue("postgres_url")  # skips (or fails in CI) without a server
    names = {n: f"interlock_test_{n}_{secrets.token_hex(4)}" for n in NAMES}
    for database in names.values():
        _admin(f'CREATE DATABASE "{database}"')
    try:
        urls: dict[str, str | None] = {n: f"{POSTGRES_SERVER}/{d}" for n, d in names.items()}
        with _three_nodes(tmp_path, urls) as made:
            yield made
    finally:
        for database in names.values():
            _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _publish(node: Node, to: list[str], **options: Any) -> dict[str, Any]:
    return node.service.publish_list(
        node.liaison, ACCESS, SOUGHT.name, to=to,
        reason="Persons sought for terrorist offences, for border screening",
        options=ShareOptions(**options),
    )  # fmt: skip


def _alpha_lists(alpha: Node) -> None:
    import_list(
        alpha.store,
        SOUGHT,
        [synthetic_entry(SOUGHT, "NS-1", WANTED), synthetic_entry(SOUGHT, "NS-2", OTHER)],
    )


def _entries(node: Node, list_name: str) -> set[str]:
    held = node.store.watchlists.get(list_name)
    if held is None:
        return set()
    return {e.entry_id for e in node.store.watchlists.active_entries(list_name, date.today())}


def _delivered(node: Node) -> bool:
    return all(row.status == "delivered" for row in node.outbox())


def _confirm(node: Node, alert_id: int) -> None:
    node.desk.start_review(node.reviewer, ACCESS, alert_id)
    node.desk.decide(
        node.reviewer, ACCESS, alert_id, "confirmed",
        dict.fromkeys(CHECKLISTS[CauseKind.WATCHLIST], "yes"), REASON,
    )  # fmt: skip


def _alerts(node: Node) -> list[AlertRow]:
    with node.store.sessions() as session:
        return list(session.execute(select(AlertRow).order_by(AlertRow.id)).scalars())


# -- the tests ------------------------------------------------------------------------------------


@pytest.mark.safeguard("SG-19")
def test_entries_shared_a_hit_confirmed_notified_back_and_source_confirmed(
    any_nodes: dict[str, Node],
) -> None:
    alpha, bravo, charlie = any_nodes["alpha"], any_nodes["bravo"], any_nodes["charlie"]
    _alpha_lists(alpha)
    sent = _publish(alpha, ["bravo", "charlie"])
    assert {s["entries"] for s in sent["sent"].values()} == {2}
    wait_for(lambda: _delivered(alpha), what="alpha's entries delivered")
    held = partner_list_name("alpha", SOUGHT.name)
    assert _entries(bravo, held) == {"NS-1", "NS-2"} == _entries(charlie, held)
    # each delivery carries the partner's signed receipt
    assert all(row.receipt and row.receipt["status"] == "accepted" for row in alpha.outbox())

    outcome = ingest(bravo.store, manifest(flight_traffic(seed=3), [WANTED]))
    assert outcome.alerts == 1
    alert = _alerts(bravo)[-1]
    assert alert.list_name == held
    # nothing goes to alpha before a person confirms (SG-20)
    assert not [r for r in bravo.outbox() if r.kind == "alert-notification"]
    _confirm(bravo, alert.id)
    notice = [r for r in bravo.outbox() if r.kind == "alert-notification"]
    assert len(notice) == 1 and notice[0].recipient == "alpha"
    wait_for(lambda: any(r.kind == "alert-notification" for r in alpha.inbox()), what="notice")
    received = next(r for r in alpha.inbox() if r.kind == "alert-notification")
    assert received.status == "accepted"
    types = {o["type"] for o in received.content["objects"]}
    assert {"identity", "sighting", "location"} <= types
    sighting = next(o for o in received.content["objects"] if o["type"] == "sighting")
    from interlock.sharing.stix import entry_identity_id

    assert sighting["sighting_of_ref"] == entry_identity_id(
        node="alpha", list_name=SOUGHT.name, entry_id="NS-1"
    )
    assert received.terms["source_confirmation_required"] is True
    # at alpha the notification opened a case for its liaison, naming the entry, not the person
    case = _case_of(alpha, received.message_id)
    assert case["priority"] == 1 and case["status"] == "open"
    assert case["title"].startswith(f"Hit reported by bravo: {SOUGHT.name} entry NS-1 at ")
    event, notified = case["events"]
    assert event["kind"] == "partner-hit" and event["actor"] == "partner:bravo"
    assert notified["kind"] == "notified" and notified["detail"]["notifications"]
    assert event["detail"]["hits"][0]["entry"] == "NS-1"
    assert WANTED.surname not in json.dumps(case)

    # bravo may not pass the hit on before alpha confirms it (SG-19)
    with pytest.raises(ForbiddenError, match="SG-19"):
        bravo.service.send_sighting(
            bravo.liaison, ACCESS, alert.id, to=["charlie"], reason="seen at our border today"
        )
    alpha.service.confirm_source(
        alpha.liaison, ACCESS, received.message_id, confirmed=True,
        reason="Same person as our entry NS-1: fingerprints on file agree",
    )  # fmt: skip
    answer = _case_of(alpha, received.message_id)["events"][-1]
    assert answer["kind"] == "source-confirmation" and answer["detail"]["confirmed"] is True
    assert answer["actor"] == alpha.liaison.username
    with pytest.raises(ConflictError, match="answered already"):
        alpha.service.confirm_source(
            alpha.liaison, ACCESS, received.message_id, confirmed=False,
            reason="Changed our mind about this person",
        )  # fmt: skip

    def confirmed() -> bool:
        with bravo.store.sessions() as session:
            row = session.execute(select(SourceConfirmationRow)).scalar_one()
            return row.status == "confirmed"

    wait_for(confirmed, what="source confirmation at bravo")
    ids = bravo.service.send_sighting(
        bravo.liaison, ACCESS, alert.id, to=["charlie"], reason="seen at our border today"
    )
    wait_for(lambda: any(r.message_id == ids[0] for r in charlie.inbox()), what="sighting")


def _case_of(node: Node, message_id: str) -> dict[str, Any]:
    with node.store.sessions() as session:
        inbox = session.execute(
            select(ShareInboxRow).where(ShareInboxRow.message_id == message_id)
        ).scalar_one()
        assert inbox.case_id is not None
        case = session.get(CaseRow, inbox.case_id)
        assert case is not None
        events = session.execute(
            select(CaseEventRow).where(CaseEventRow.case_id == case.id).order_by(CaseEventRow.id)
        ).scalars()
        return {
            "title": case.title, "priority": case.priority, "status": case.status,
            "events": [
                {"kind": e.kind, "actor": e.actor, "text": e.text, "detail": e.detail}
                for e in events
            ],
        }  # fmt: skip


def test_a_hit_notification_on_an_entry_never_shared_with_the_sender_is_refused(
    nodes: dict[str, Node],
) -> None:
    """bravo never received alpha's entries, so it cannot report hits on them (nor open cases
    at alpha): charlie's genuine notification, sent again as bravo's, is refused."""
    from dataclasses import replace

    alpha, bravo, charlie = nodes["alpha"], nodes["bravo"], nodes["charlie"]
    _alpha_lists(alpha)
    _publish(alpha, ["charlie"])
    wait_for(lambda: _delivered(alpha), what="alpha's entries at charlie")
    ingest(charlie.store, manifest(flight_traffic(seed=3), [WANTED]))
    _confirm(charlie, _alerts(charlie)[-1].id)
    wait_for(lambda: any(r.kind == "alert-notification" for r in alpha.inbox()), what="notice")
    genuine = next(r for r in alpha.inbox() if r.kind == "alert-notification")
    assert genuine.status == "accepted" and genuine.case_id is not None

    original = Message.decode(Envelope.from_json(genuine.envelope).payload)
    posing = replace(
        original,
        message_id="00000000-0000-4000-8000-00000000b0b0",
        sender="bravo",
        seq=1,
        terms=replace(original.terms, originator="bravo", path=("bravo",)),
    )
    signed = sign_envelope(
        SHARE, posing.encode(), bravo.ctx.identity.envelope, bravo.ctx.identity.envelope_key_id
    )
    verify = bravo.ctx.registry.get("alpha").ssl_verify()
    answer = httpx.post(
        alpha.server.url + "/api/v1/sharing/inbox", content=signed.to_json(), verify=verify
    )
    assert _receipt(answer)["status"] == "rejected"
    assert "no entry this node shared with bravo" in _receipt(answer)["reason"]
    refused = next(r for r in alpha.inbox() if r.sender == "bravo")
    assert refused.case_id is None
    with alpha.store.sessions() as session:
        assert session.execute(select(func.count()).select_from(CaseRow)).scalar() == 1


def test_a_hit_on_a_passed_on_entry_opens_a_case_at_the_node_that_passed_it_on(
    nodes: dict[str, Node],
) -> None:
    """charlie holds alpha's entries through bravo: its notification goes to bravo, naming the
    entry by the id its originator gave it, which bravo sent and so recognises."""
    alpha, bravo, charlie = nodes["alpha"], nodes["bravo"], nodes["charlie"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"], onward=Onward.ALLOWED, max_hops=2)
    wait_for(lambda: _delivered(alpha), what="delivery to bravo")
    held = partner_list_name("alpha", SOUGHT.name)
    bravo.service.publish_list(
        bravo.liaison, ACCESS, held, to=["charlie"], reason="Passing on alpha's sought persons"
    )
    wait_for(lambda: _delivered(bravo), what="onward delivery")
    ingest(charlie.store, manifest(flight_traffic(seed=3), [WANTED]))
    _confirm(charlie, _alerts(charlie)[-1].id)
    wait_for(lambda: any(r.kind == "alert-notification" for r in bravo.inbox()), what="notice")
    notice = next(r for r in bravo.inbox() if r.kind == "alert-notification")
    assert notice.status == "accepted", notice.reason
    case = _case_of(bravo, notice.message_id)
    assert case["events"][0]["detail"]["hits"][0]["list"] == held


def test_inclusion_in_the_senders_log_is_proved_against_a_cosigned_checkpoint(
    nodes: dict[str, Node],
) -> None:
    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"])
    wait_for(lambda: _delivered(alpha), what="delivery")
    # the sharing loop asks bravo and charlie to cosign alpha's newest checkpoint
    size = alpha.ctx.ledger.size()
    wait_for(
        lambda: (
            len(alpha.ctx.ledger.latest_checkpoint().cosignatures) >= 2
            and alpha.ctx.ledger.latest_checkpoint().size == size
        ),
        what="cosignatures",
    )
    message_id = bravo.inbox()[0].message_id
    result = check_inclusion(bravo.ctx, message_id)
    assert result.ok, result
    assert "bravo.interlock/witness" in result.cosigned_by
    assert result.consistent_with_witnessed is True
    # a message alpha never logged is not found
    with bravo.store.sessions.begin() as session:
        row = session.execute(select(ShareInboxRow)).scalars().first()
        assert row is not None
        row.envelope_sha256 = "0" * 64
    assert not check_inclusion(bravo.ctx, message_id).ok


def test_forged_unknown_and_replayed_envelopes_are_refused(any_nodes: dict[str, Node]) -> None:
    alpha, bravo = any_nodes["alpha"], any_nodes["bravo"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"])
    wait_for(lambda: _delivered(alpha), what="delivery")
    original = alpha.outbox()[0].envelope
    url = bravo.server.url + "/api/v1/sharing/inbox"
    verify = alpha.ctx.registry.get("bravo").ssl_verify()
    with httpx.Client(verify=verify) as http:
        # replayed as is: a duplicate, applied once
        again = http.post(url, content=original)
        assert again.status_code == 200
        assert _receipt(again)["status"] == "duplicate"
        assert len(bravo.inbox()) == 1
        # payload changed after signing: the signature fails
        envelope = json.loads(original)
        message = json.loads(base64.b64decode(envelope["payload"]))
        message["content"]["objects"] = []
        envelope["payload"] = base64.b64encode(json.dumps(message).encode()).decode()
        forged = http.post(url, content=json.dumps(envelope).encode())
        assert forged.status_code == 403
        # signed by a key nobody registered
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        stranger = sign_envelope(
            SHARE, base64.b64decode(json.loads(original)["payload"]),
            Ed25519PrivateKey.generate(), "0123456789abcdef",
        )  # fmt: skip
        unknown = http.post(url, content=stranger.to_json())
        assert unknown.status_code == 403
        assert "unknown sender" in unknown.text
        # a new message id under a sequence number already used: a replay
        old = Message.decode(Envelope.from_json(original).payload)
        from dataclasses import replace

        reused = replace(old, message_id="00000000-0000-4000-8000-000000000001")
        resigned = sign_envelope(
            SHARE, reused.encode(), alpha.ctx.identity.envelope, alpha.ctx.identity.envelope_key_id
        )
        replay = http.post(url, content=resigned.to_json())
        assert replay.status_code == 200
        assert _receipt(replay)["status"] == "rejected"
        assert "replay" in _receipt(replay)["reason"]
    assert [r.status for r in bravo.inbox()].count("accepted") == 1


def _receipt(response: httpx.Response) -> dict[str, Any]:
    envelope = Envelope.from_json(response.content)
    data: dict[str, Any] = json.loads(envelope.payload)
    return data


def test_a_partner_down_and_back_receives_everything_once(any_nodes: dict[str, Node]) -> None:
    alpha, charlie = any_nodes["alpha"], any_nodes["charlie"]
    _alpha_lists(alpha)
    charlie.server.stop()
    sent = []
    for n in range(5):
        import_list(
            alpha.store, SOUGHT,
            [synthetic_entry(SOUGHT, f"NS-{i}", WANTED) for i in range(1, n + 3)], tag=f"v{n + 2}",
        )  # fmt: skip
        sent.append(_publish(alpha, ["charlie"])["sent"]["charlie"]["message"])
    # pushes to charlie fail; later messages wait behind the first, in order
    wait_for(lambda: alpha.outbox()[0].attempts >= 2, what="failed pushes to a down node")
    assert all(r.status == "pending" for r in alpha.outbox())
    charlie.server.start()
    wait_for(lambda: _delivered(alpha), timeout=40, what="catch-up after the partner is back")
    got = [r.message_id for r in charlie.inbox()]
    assert sorted(got) == sorted(sent)  # everything, once
    assert [r.seq for r in charlie.inbox()] == [1, 2, 3, 4, 5]
    assert charlie.ctx.registry.get("alpha").in_seq == 5
    assert _entries(charlie, partner_list_name("alpha", SOUGHT.name)) == {
        f"NS-{i}" for i in range(1, 7)
    }


def test_a_partner_that_pulls_restarts_the_back_off(nodes: dict[str, Node]) -> None:
    """Failed pushes earn a growing wait; a pull from the partner shows it is up, so its
    messages are due at once and a push that still fails waits the first step again."""
    from interlock.sharing.transport import BACKOFF_FIRST, push_once

    alpha, charlie = nodes["alpha"], nodes["charlie"]
    _alpha_lists(alpha)
    alpha.app.state.sharing_worker.stop()  # this test drives alpha's pushes itself
    charlie.server.stop()
    sent = _publish(alpha, ["charlie"])["sent"]["charlie"]["message"]
    clock, waits = datetime.now(UTC), []
    for _ in range(5):
        assert push_once(alpha.ctx, now=clock).failed == 1
        row = alpha.outbox()[0]
        waits.append((row.next_attempt_at - clock).total_seconds())
        clock = row.next_attempt_at
    assert waits == [0.5, 1, 2, 4, 8]
    assert (row.attempts, row.failures) == (5, 5)
    charlie.server.start()  # charlie pulls from every partner when it starts
    wait_for(lambda: any(r.message_id == sent for r in charlie.inbox()), what="charlie's pull")
    row = alpha.outbox()[0]
    assert (row.status, row.attempts, row.failures) == ("pending", 5, 0)
    assert row.next_attempt_at <= datetime.now(UTC)
    # a push that fails now (say the partner pulled before it listened) waits the first step
    charlie.server.stop()
    now = datetime.now(UTC)
    assert push_once(alpha.ctx, now=now).failed == 1
    row = alpha.outbox()[0]
    assert row.next_attempt_at == now + timedelta(seconds=BACKOFF_FIRST)
    charlie.server.start()  # its start-up pull may make the message due again, at any moment

    def pushed() -> bool:
        later = max(alpha.outbox()[0].next_attempt_at, datetime.now(UTC)) + timedelta(seconds=1)
        return push_once(alpha.ctx, now=later).delivered == 1

    wait_for(pushed, what="the push once charlie is back")
    assert alpha.outbox()[0].receipt["status"] == "duplicate"  # it had it already, by pull
    assert [r.message_id for r in charlie.inbox()] == [sent]


def test_pull_catch_up_fills_a_gap(nodes: dict[str, Node]) -> None:
    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    alpha.app.state.sharing_worker.stop()  # alpha queues but does not push
    first = _publish(alpha, ["bravo"])["sent"]["bravo"]["message"]
    import_list(alpha.store, SOUGHT, [synthetic_entry(SOUGHT, "NS-9", OTHER)], tag="v9")
    _publish(alpha, ["bravo"])
    # deliver only the second one: bravo sees seq 2 without 1, and pulls
    second = alpha.outbox()[1].envelope
    verify = alpha.ctx.registry.get("bravo").ssl_verify()
    answer = httpx.post(bravo.server.url + "/api/v1/sharing/inbox", content=second, verify=verify)
    assert _receipt(answer)["status"] == "accepted"
    wait_for(lambda: any(r.message_id == first for r in bravo.inbox()), what="pulled")
    pulled = next(r for r in bravo.inbox() if r.message_id == first)
    assert pulled.via == "pull"
    assert bravo.ctx.registry.get("alpha").in_seq == 2


@pytest.mark.safeguard("SG-43")
def test_a_revocation_and_a_correction_reach_every_recipient_and_onward(
    nodes: dict[str, Node],
) -> None:
    alpha, bravo, charlie = nodes["alpha"], nodes["bravo"], nodes["charlie"]
    _alpha_lists(alpha)
    first = _publish(alpha, ["bravo"], onward=Onward.ALLOWED, max_hops=2)
    wait_for(lambda: _delivered(alpha), what="delivery to bravo")
    held = partner_list_name("alpha", SOUGHT.name)
    # bravo passes alpha's entries on to charlie under alpha's terms, one hop further
    bravo.service.publish_list(
        bravo.liaison, ACCESS, held, to=["charlie"], reason="Passing on alpha's sought persons"
    )
    wait_for(lambda: _delivered(bravo), what="onward delivery")
    onward_list = partner_list_name("bravo", SOUGHT.name)
    assert _entries(charlie, onward_list) == {"NS-1", "NS-2"}
    terms = charlie.inbox()[0].terms
    assert terms["originator"] == "alpha" and terms["path"] == ["alpha", "bravo"]
    assert terms["hops_left"] == 1

    # alpha finds its message wrong: the correction reaches bravo, and through bravo charlie
    alpha.service.correct(
        alpha.liaison, ACCESS, first["sent"]["bravo"]["message"],
        reason="Both entries were listed in error",
    )  # fmt: skip
    wait_for(lambda: _entries(bravo, held) == set(), what="correction at bravo")
    wait_for(lambda: _entries(charlie, onward_list) == set(), what="correction at charlie")
    assert any(r.kind == "correction" for r in charlie.inbox())


@pytest.mark.safeguard("SG-44")
def test_the_originators_conditions_bind_the_receiver(nodes: dict[str, Node]) -> None:
    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"], onward=Onward.NEVER, retention_days=30)
    wait_for(lambda: _delivered(alpha), what="delivery")
    held = partner_list_name("alpha", SOUGHT.name)
    with pytest.raises(ForbiddenError, match="onward"):
        bravo.service.publish_list(
            bravo.liaison, ACCESS, held, to=["charlie"], reason="Passing on alpha's entries"
        )
    until = (datetime.now(UTC) + timedelta(days=30)).date()
    entries = bravo.store.watchlists.active_entries(held, date.today())
    assert entries and all(e.review_by is not None and e.review_by <= until for e in entries)
    # read for another purpose than the originator's: refused
    message_id = bravo.inbox()[0].message_id
    admin_token = bravo.store.users.issue_token("bravo-liaison", label="t")[0]
    headers = {
        "Authorization": f"Bearer {admin_token}",
        "X-Interlock-Purpose": "serious-crime",
        "X-Interlock-Reason": "case 2026/0077: checking the entries",
    }
    verify = alpha.ctx.registry.get("bravo").ssl_verify()
    url = f"{bravo.server.url}/api/v1/sharing/inbox/{message_id}"
    assert httpx.get(url, headers=headers, verify=verify).status_code == 403
    headers["X-Interlock-Purpose"] = "terrorist-offence"
    assert httpx.get(url, headers=headers, verify=verify).status_code == 200


def test_a_revoked_entry_stops_matching_at_once(nodes: dict[str, Node]) -> None:
    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"])
    wait_for(lambda: _delivered(alpha), what="delivery")
    alpha.service.revoke_entry(
        alpha.liaison, ACCESS, SOUGHT.name, "NS-1", reason="Delisted by the court on appeal"
    )
    held = partner_list_name("alpha", SOUGHT.name)
    wait_for(lambda: _entries(bravo, held) == {"NS-2"}, what="revocation")
    assert ingest(bravo.store, manifest(flight_traffic(seed=5), [WANTED])).alerts == 0


@pytest.mark.safeguard("SG-42")
def test_a_share_outside_the_agreement_is_blocked_and_a_third_country_tells_the_dpo(
    nodes: dict[str, Node],
) -> None:
    alpha = nodes["alpha"]
    _alpha_lists(alpha)
    with pytest.raises(ForbiddenError, match="tlp-red"):
        _publish(alpha, ["bravo"], tlp=TLP.RED)
    assert not alpha.outbox()
    _publish(alpha, ["charlie"])
    with alpha.store.sessions() as session:
        told = session.execute(select(AuditRow).where(AuditRow.action == "dpo.notify")).scalars()
        assert [t.detail["transfer_to_third_country"] for t in told] == ["charlie"]


def test_a_forked_log_is_refused_by_the_witness_and_raises_an_alarm(
    nodes: dict[str, Node],
) -> None:
    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"])
    wait_for(lambda: _delivered(alpha), what="delivery")
    alpha.app.state.sharing_worker.stop()  # alpha's log stays as it is from here
    cosign_latest(alpha.ctx)
    seen = bravo.app.state.witness.latest(alpha.ctx.identity.origin)
    # alpha (or whoever holds its key) signs another tree of the same size
    fork = Checkpoint(alpha.ctx.identity.origin, seen.size, hashlib.sha256(b"fork").digest())
    note = sign_note(fork.text(), [alpha.ctx.identity.log])
    body = f"old {seen.size}\n\n{note}"
    verify = alpha.ctx.registry.get("bravo").ssl_verify()
    answer = httpx.post(
        bravo.server.url + "/ledger/add-checkpoint", content=body.encode(), verify=verify
    )
    assert answer.status_code == 409
    alarms = bravo.app.state.witness.alarms(alpha.ctx.identity.origin)
    assert [a.kind for a in alarms] == ["fork"]


@pytest.mark.safeguard("SG-31")
def test_registry_changes_are_in_the_ledger_without_personal_data(
    nodes: dict[str, Node],
) -> None:
    alpha = nodes["alpha"]
    ledger = alpha.ctx.ledger
    events = [json.loads(ledger.leaf(i)) for i in range(ledger.size())]
    registry = [e for e in events if e["event"] == "registry"]
    assert {(e["change"], e["partner"]) for e in registry} >= {
        ("partner-added", "bravo"), ("agreement", "bravo"),
        ("partner-added", "charlie"), ("agreement", "charlie"),
    }  # fmt: skip
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"])
    text = b"".join(ledger.leaf(i) for i in range(ledger.size()))
    assert b"KOVALENKO" not in text and b"FX7733210" not in text
    assert alpha.ctx.ledger.verify().ok
    count = ledger.size()
    with alpha.store.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ShareOutboxRow)) == 1
    assert count > len(registry)


@pytest.mark.safeguard("SG-41")
def test_a_share_without_a_reason_is_refused(nodes: dict[str, Node]) -> None:
    alpha = nodes["alpha"]
    _alpha_lists(alpha)
    with pytest.raises(RefusedError):
        alpha.service.publish_list(alpha.liaison, ACCESS, SOUGHT.name, to=["bravo"], reason=" ")
    assert not alpha.outbox()


@pytest.mark.safeguard("SG-44")
@pytest.mark.safeguard("SG-31")
def test_past_the_originators_retention_the_data_goes_and_the_ledger_still_verifies(
    nodes: dict[str, Node],
) -> None:
    from interlock.sharing.expiry import expire_partner_data

    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"], retention_days=1)
    wait_for(lambda: _delivered(alpha), what="delivery")
    held = partner_list_name("alpha", SOUGHT.name)
    assert _entries(bravo, held) == {"NS-1", "NS-2"}
    with bravo.store.sessions.begin() as session:
        assert expire_partner_data(session, date.today()) == {
            "partner-list": 0, "partner-message": 0,
        }  # fmt: skip
        later = date.today() + timedelta(days=3)
        assert expire_partner_data(session, later) == {"partner-list": 1, "partner-message": 1}
    assert bravo.store.watchlists.get(held) is None
    row = bravo.inbox()[0]
    assert b"KOVALENKO" not in row.envelope and "KOVALENKO" not in json.dumps(row.content)
    assert bravo.ctx.ledger.verify().ok
    # the sender's log still proves the message was sent, from the leaf hash kept at receipt
    assert check_inclusion(bravo.ctx, row.message_id).ok


@pytest.mark.safeguard("SG-41")
def test_a_sighting_to_a_signed_group_reaches_its_members_only(nodes: dict[str, Node]) -> None:
    alpha, bravo, charlie = nodes["alpha"], nodes["bravo"], nodes["charlie"]
    _alpha_lists(alpha)
    group = alpha.ctx.registry.define_group(alpha.admin, "neighbours", ["bravo"])
    assert group.key == "neighbours@1"
    assert ingest(alpha.store, manifest(flight_traffic(seed=7), [WANTED])).alerts == 1
    alert = _alerts(alpha)[-1]
    with pytest.raises(ConflictError):  # not before a person confirms (SG-20)
        alpha.service.send_sighting(
            alpha.liaison, ACCESS, alert.id, group="neighbours@1", reason="seen at our border"
        )
    _confirm(alpha, alert.id)
    ids = alpha.service.send_sighting(
        alpha.liaison, ACCESS, alert.id, group="neighbours@1", reason="seen at our border"
    )
    assert len(ids) == 1
    wait_for(lambda: _delivered(alpha), what="delivery to the group")
    got = bravo.inbox()
    assert [r.kind for r in got] == ["sighting"] and got[0].terms["group"] == "neighbours@1"
    assert charlie.inbox() == []
    with pytest.raises(NotFoundError):
        alpha.service.send_sighting(
            alpha.liaison, ACCESS, alert.id, group="neighbours@2", reason="seen at our border"
        )


def test_every_bundle_the_nodes_exchanged_is_valid_stix(nodes: dict[str, Node]) -> None:
    """Entries, a hit notification, a source confirmation, a sighting and a correction, as
    they arrived, each through stix2-validator."""
    from test_sharing_stix import check_valid

    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"])
    wait_for(lambda: _delivered(alpha), what="entries")
    assert ingest(bravo.store, manifest(flight_traffic(seed=9), [WANTED])).alerts == 1
    alert = _alerts(bravo)[-1]
    _confirm(bravo, alert.id)
    wait_for(lambda: len(alpha.inbox()) == 1, what="notification")
    alpha.service.confirm_source(
        alpha.liaison, ACCESS, alpha.inbox()[0].message_id, confirmed=True,
        reason="Same person as our entry NS-1",
    )  # fmt: skip
    wait_for(lambda: _delivered(alpha) and len(bravo.inbox()) == 2, what="confirmation")
    bravo.service.send_sighting(bravo.liaison, ACCESS, alert.id, to=["alpha"],
                                reason="seen at our border today")  # fmt: skip
    wait_for(lambda: _delivered(bravo) and len(alpha.inbox()) == 2, what="sighting")
    alpha.service.correct(
        alpha.liaison, ACCESS, alpha.outbox()[0].message_id, reason="NS-2 was listed in error"
    )
    wait_for(lambda: len(bravo.inbox()) == 3, what="correction")
    kinds = set()
    for row in [*alpha.inbox(), *bravo.inbox()]:
        assert row.status == "accepted", (row.kind, row.reason)
        check_valid(row.content)
        kinds.add(row.kind)
    assert kinds == {
        "watchlist-entry", "alert-notification", "source-confirmation", "sighting", "correction",
    }  # fmt: skip


def test_a_partner_that_pulls_is_known_to_be_back(nodes: dict[str, Node]) -> None:
    """Its pending messages are due at once, not at the end of their back-off."""
    from interlock.sharing.pull import pull_from

    alpha, bravo = nodes["alpha"], nodes["bravo"]
    _alpha_lists(alpha)
    alpha.app.state.sharing_worker.stop()
    _publish(alpha, ["bravo"])
    later = datetime.now(UTC) + timedelta(hours=1)
    with alpha.store.sessions.begin() as session:
        for row in session.execute(select(ShareOutboxRow)).scalars():
            row.next_attempt_at = later
    assert pull_from(bravo.ctx, "alpha").received == 1
    pending = alpha.outbox()
    assert pending[0].status == "pending"
    assert pending[0].next_attempt_at is not None
    assert pending[0].next_attempt_at <= datetime.now(UTC)


@pytest.mark.safeguard("SG-48")
def test_the_transparency_page_names_the_partners_and_their_agreements(
    nodes: dict[str, Node],
) -> None:
    alpha, bravo = nodes["alpha"], nodes["bravo"]
    verify = bravo.ctx.registry.get("alpha").ssl_verify()  # alpha's pinned certificate
    document = httpx.get(alpha.server.url + "/transparency.json", verify=verify).json()
    agreements = {a["partner"]: a for a in document["partners"]["agreements"]}
    assert sorted(agreements) == ["bravo", "charlie"]
    assert agreements["charlie"]["third_country"] and not agreements["bravo"]["third_country"]
    assert agreements["bravo"]["purposes"] == ["terrorist-offence"]
    assert agreements["bravo"]["max_tlp"] == "amber+strict"
    html = httpx.get(alpha.server.url + "/transparency", verify=verify).text
    assert "TLP:AMBER+STRICT" in html and "Bilateral agreement 2026/7" in html
    assert alpha.ctx.identity.card("x")["envelope_key"] not in html  # no keys


def _forward_to_charlie(alpha: Node, bravo: Node) -> str:
    """alpha shares its list with bravo (onward allowed, two hops), and bravo passes it on
    to charlie; the name of the list at charlie."""
    _alpha_lists(alpha)
    _publish(alpha, ["bravo"], onward=Onward.ALLOWED, max_hops=2)
    wait_for(lambda: _delivered(alpha), what="delivery to bravo")
    bravo.service.publish_list(
        bravo.liaison, ACCESS, partner_list_name("alpha", SOUGHT.name), to=["charlie"],
        reason="Passing on alpha's sought persons",
    )  # fmt: skip
    wait_for(lambda: _delivered(bravo), what="onward delivery")
    return partner_list_name("bravo", SOUGHT.name)


def _held_seal(node: Node, list_name: str) -> bytes | None:
    with node.store.sessions() as session:
        row = session.execute(
            select(PartnerListRow).where(PartnerListRow.list_name == list_name)
        ).scalar_one()
        return row.origin_seal


@pytest.mark.safeguard("SG-44")
def test_a_forwarded_list_carries_the_originators_seal(nodes: dict[str, Node]) -> None:
    from interlock.sharing.seal import SealedTerms

    alpha, bravo, charlie = nodes["alpha"], nodes["bravo"], nodes["charlie"]
    onward_list = _forward_to_charlie(alpha, bravo)
    assert [r.status for r in charlie.inbox()] == ["accepted"]
    assert _entries(charlie, onward_list) == {"NS-1", "NS-2"}
    at_bravo = _held_seal(bravo, partner_list_name("alpha", SOUGHT.name))
    assert at_bravo is not None and _held_seal(charlie, onward_list) == at_bravo
    sealed = SealedTerms.decode(Envelope.from_json(at_bravo).payload)
    assert (sealed.originator, sealed.scope, sealed.max_hops) == ("alpha", "list:" + SOUGHT.name, 2)
    # a revocation bravo passes on carries the same seal, and charlie applies it
    bravo.service.revoke_entry(
        bravo.liaison, ACCESS, partner_list_name("alpha", SOUGHT.name), "NS-1",
        reason="Delisted by alpha's court on appeal",
    )  # fmt: skip
    wait_for(lambda: _entries(charlie, onward_list) == {"NS-2"}, what="onward revocation")
    assert [r.status for r in charlie.inbox()] == ["accepted", "accepted"]
    # a list held without its seal (received before seals existed) is not passed on at all
    held = partner_list_name("alpha", SOUGHT.name)
    with bravo.store.sessions.begin() as session:
        session.execute(
            select(PartnerListRow).where(PartnerListRow.list_name == held)
        ).scalar_one().origin_seal = None
    with pytest.raises(RefusedError, match="without its originator's seal"):
        bravo.service.publish_list(
            bravo.liaison, ACCESS, held, to=["charlie"], reason="Passing on alpha's sought persons"
        )


@pytest.mark.safeguard("SG-44")
def test_terms_a_forwarder_loosened_are_refused_naming_the_field(nodes: dict[str, Node]) -> None:
    from dataclasses import replace

    alpha, bravo, charlie = nodes["alpha"], nodes["bravo"], nodes["charlie"]
    onward_list = _forward_to_charlie(alpha, bravo)
    honest = Message.decode(Envelope.from_json(bravo.outbox()[-1].envelope).payload)
    assert honest.origin_seal is not None
    url = charlie.server.url + "/api/v1/sharing/inbox"
    verify = bravo.ctx.registry.get("charlie").ssl_verify()
    later = date.today() + timedelta(days=3650)

    def post(message: Message) -> dict[str, Any]:
        signed = sign_envelope(
            SHARE, message.encode(), bravo.ctx.identity.envelope, bravo.ctx.identity.envelope_key_id
        )
        answer = httpx.post(url, content=signed.to_json(), verify=verify)
        assert answer.status_code == 200
        return _receipt(answer)

    # bravo, dishonest, keeps alpha's entries ten years and gives them two more hops
    loosened = replace(
        honest,
        message_id="00000000-0000-4000-8000-000000000002",
        seq=honest.seq + 1,
        terms=replace(honest.terms, retention_until=later, max_hops=4, hops_left=3),
    )
    receipt = post(loosened)
    assert receipt["status"] == "rejected"
    assert "seal.retention_until" in receipt["reason"] and "seal.max_hops" in receipt["reason"]
    # or drops the seal: a record passed on needs its originator's
    unsealed = replace(
        honest, message_id="00000000-0000-4000-8000-000000000003", seq=honest.seq + 2,
        origin_seal=None,
    )  # fmt: skip
    receipt = post(unsealed)
    assert receipt["status"] == "rejected" and "seal.missing" in receipt["reason"]
    # nothing of either was applied, and the refusals are audited
    assert [r.status for r in charlie.inbox()] == ["accepted", "rejected", "rejected"]
    with charlie.store.sessions() as session:
        held = session.execute(
            select(PartnerListRow).where(PartnerListRow.list_name == onward_list)
        ).scalar_one()
        assert held.retention_until == honest.terms.retention_until
        audited = session.execute(
            select(AuditRow).where(AuditRow.action == "share.receive")
        ).scalars()
        assert [a.detail["status"] for a in audited] == ["accepted", "rejected", "rejected"]
