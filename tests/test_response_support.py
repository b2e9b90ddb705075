"""Shared pieces of the rapid response tests: a webhook receiver on a loopback port, an SMTP
server (aiosmtpd), a playbook file pointing at them, and confirmed alerts on a stored
synthetic manifest (flight XY123 FRA → JFK, made-up people)."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from interlock.ingest.service import Ingestor
from interlock.response import enqueue_for_confirmed, parse_playbooks
from interlock.response.playbooks import Playbooks
from interlock.store import Store
from interlock.store.schema_alerts import AlertRow
from test_ingest import paxlst, paxlst_body

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
SECRET = "test-shared-secret-0123456789"
SURNAME, GIVEN = "QUIRINOVA", "ZELDA MARIT"  # a made-up person
DOCUMENT, BIRTH = "X00000000", "1980-02-29"  # as paxlst_body writes them


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookServer:
    """Records every POST; answers 500 to the first ``fail_first`` ones; waits ``delay`` s."""

    url: str = ""
    posts: list[Post] = field(default_factory=list)
    fail_first: int = 0
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> int:
        time.sleep(self.delay)
        with self.lock:
            self.posts.append(Post(path, headers, body))
            failing = len(self.posts) <= self.fail_first
        return 500 if failing else 204


@pytest.fixture
def webhook() -> Iterator[WebhookServer]:
    receiver = WebhookServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.handle(self.path, dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


class MailBox:
    """An aiosmtpd handler keeping every received message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[tuple[str, int], MailBox]]:
    box = MailBox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield (controller.hostname, controller.port), box
    controller.stop()


def playbook_text(base: str) -> str:
    return f"""\
recipients:
  border-post-jfk:
    channel: webhook
    url: {base}/hook/jfk
    secret: {SECRET}
  border-post-lhr:
    channel: webhook
    url: {base}/hook/lhr
  liaison-desk:
    channel: webhook
    url: {base}/hook/liaison
  duty-desk:
    channel: email
    address: duty-desk@example.org
  supervisor:
    channel: email
    address: supervisor@example.org
playbooks:
  watchlist:sought:
    notify: ["border-post-{{arrival_airport}}", duty-desk]
    escalate_after_minutes: 10
    escalate_to: [supervisor]
  rule:smuggling:
    notify: [duty-desk]
  rule:*:
    notify: [liaison-desk]
  default:
    notify: [duty-desk]
"""


@pytest.fixture
def books(webhook: WebhookServer) -> Playbooks:
    return parse_playbooks(playbook_text(webhook.url), source="test.yaml")


def stored_traveller(store: Store) -> int:
    """A stored traveller (on flight XY123 FRA → JFK) and its id."""
    body = paxlst_body([f"{SURNAME} {GIVEN}"], ref=secrets.token_hex(4))
    outcome = Ingestor(store, screening=False).ingest_bytes(
        paxlst(body), source="m.edi", received_at=NOW - timedelta(hours=1)
    )
    assert outcome.message_id is not None
    return store.traveller_ids(outcome.message_id)[0]


def confirmed_alert(
    store: Store, *, category: str = "watchlist:sought", status: str = "confirmed"
) -> int:
    """An alert about a stored traveller in ``status``; its id."""
    traveller_id = stored_traveller(store)
    with store.transaction() as session:
        alert = AlertRow(
            traveller_id=traveller_id, person_key="p" * 64, identity_key="i" * 64,
            cause_kind="entry", cause_key=secrets.token_hex(8), list_name="test-list",
            list_version=1, entry_id="E1", flight_key="XY123/2024-05-01", score=0.97,
            band="high", category=category, severity="high", priority=1, status=status,
            due_at=NOW + timedelta(hours=2), created_at=NOW, updated_at=NOW, resent=0,
            explanation={}, humanitarian=[],
        )  # fmt: skip
        session.add(alert)
        session.flush()
        return alert.id


def enqueue(store: Store, alert_id: int, books: Playbooks, *, now: datetime = NOW) -> list[int]:
    """What the lead's confirmation does: enqueue in the confirming transaction."""
    with store.transaction() as session:
        alert = session.get(AlertRow, alert_id)
        assert alert is not None
        return enqueue_for_confirmed(session, alert, playbooks=books, now=now)
