"""Rapid response to a partner's hit on one of this node's entries: the case the hit opens
notifies by the ``partner-hit`` playbook (else ``default``), through the same outbox, delivery,
retries, acknowledgement by token, escalation and listings as a confirmed alert, with a payload
that names no one. The hit arrives as a hit notification from partner ``bravo`` about entry
NS-1 of this node's (``alpha``'s) list ``sought``; the person seen is made up."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from auth_helpers import PASSWORD, make_user
from interlock.access.purpose import Purpose
from interlock.access.roles import Role
from interlock.api import response
from interlock.api.errors import install_error_handler
from interlock.cli_response import app as notify_cli
from interlock.errors import RefusedError
from interlock.response import Notifications, builtin_playbooks, deliver_due, escalate_due
from interlock.response.outbox import enqueue_for_partner_hit
from interlock.response.playbooks import Playbooks, parse_playbooks
from interlock.settings import Settings, get_settings
from interlock.sharing.addressing import own_terms
from interlock.sharing.envelope import Message
from interlock.sharing.kinds import TLP, ShareKind
from interlock.sharing.partner_hits import open_hit_case
from interlock.sharing.stix import (
    airport_location,
    bundle,
    entry_identity_id,
    node_identity_object,
    sighting,
    traveller_identity,
)
from interlock.store import Store
from interlock.store.schema_access import AuditRow
from interlock.store.schema_alerts import CaseEventRow, CaseRow
from interlock.store.schema_response import NotificationRow
from interlock.store.schema_sharing import ShareRecipientRow
from test_response_support import NOW, MailBox, WebhookServer

pytest_plugins = ["test_response_support"]  # fixtures: webhook, smtp

Smtp = tuple[tuple[str, int], MailBox]

SEEN = datetime(2026, 11, 26, 6, 40, tzinfo=UTC)
SURNAME, GIVEN = "VELLANOVA", "ORSOLYA PETRA"  # made up
BIRTH = date(1979, 3, 14)


def playbooks_yaml(base: str, partner_hit: str) -> str:
    return f"""\
recipients:
  border-post-fra:
    channel: webhook
    url: {base}/hook/fra
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
{partner_hit}  default:
    notify: [duty-desk]
"""


LIAISON = """\
  partner-hit:
    notify: [liaison-desk, "border-post-{arrival_airport}"]
    escalate_after_minutes: 20
    escalate_to: [supervisor]
"""
ONLY_AIRPORTS = """\
  partner-hit:
    notify: ["border-post-{arrival_airport}"]
"""


@pytest.fixture
def settings(tmp_path: Path, webhook: WebhookServer) -> Settings:
    """Node alpha's settings, with a playbook file whose ``partner-hit`` tells the liaison."""
    file = tmp_path / "playbooks.yaml"
    file.write_text(playbooks_yaml(webhook.url, LIAISON))
    return Settings(data_dir=tmp_path, node_name="alpha", playbooks_file=file)


@pytest.fixture
def books(settings: Settings) -> Playbooks:
    assert settings.playbooks_file is not None
    return parse_playbooks(settings.playbooks_file.read_text(), source="playbooks.yaml")


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    api = FastAPI()
    api.state.store = store
    install_error_handler(api)
    api.include_router(response.router)
    with TestClient(api) as test_client:
        yield test_client


def hit_message() -> Message:
    """bravo's hit notification: its traveller (made up), FRA, and a sighting of NS-1."""
    tlp = TLP.AMBER
    entry = entry_identity_id(node="alpha", list_name="sought", entry_id="NS-1")
    person = traveller_identity(
        node="bravo", local_id="alert-7", name=f"{GIVEN} {SURNAME}", given=GIVEN,
        family=SURNAME, birth_date=BIRTH, nationality="NLD", tlp=tlp, created=NOW,
    )  # fmt: skip
    place = airport_location(node="bravo", airport="FRA")
    seen = sighting(
        node="bravo", alert_id="alert-7", entry_ref=entry, location_ref=str(place["id"]),
        first_seen=SEEN, created=NOW, tlp=tlp, flight_number="XY123",
        traveller_ref=str(person["id"]),
    )  # fmt: skip
    terms = own_terms("bravo", purpose=Purpose.SERIOUS_CRIME, legal_basis="Test agreement 1",
                      reason="Confirmed hit at our border", tlp=tlp,
                      source_confirmation_required=True)  # fmt: skip
    return Message(
        message_id=str(uuid.uuid4()), kind=ShareKind.ALERT_NOTIFICATION, sender="bravo",
        recipients=("alpha",), to="alpha", seq=1, created=NOW, terms=terms,
        content=bundle([person, node_identity_object("bravo"), place, seen]),
    )  # fmt: skip


def partner_hit_case(store: Store, settings: Settings) -> int:
    """What the inbox does with bravo's notification: NS-1 was shared with bravo, and the
    accepted notification opens a case in the transaction that stores it; the case id."""
    with store.transaction() as session:
        session.add(ShareRecipientRow(
            object_id=entry_identity_id(node="alpha", list_name="sought", entry_id="NS-1"),
            recipient="bravo", message_id=str(uuid.uuid4()), digest="0" * 64,
            list_name="sought", entry_id="NS-1", sent_at=NOW - timedelta(days=3),
        ))  # fmt: skip
        session.flush()
        return open_hit_case(session, hit_message(), NOW, settings=settings)


def notifications(store: Store, case_id: int) -> list[NotificationRow]:
    with store.sessions() as session:
        query = select(NotificationRow).where(NotificationRow.case_id == case_id)
        return list(session.execute(query.order_by(NotificationRow.id)).scalars())


def timeline(store: Store, case_id: int) -> list[tuple[str, dict[str, Any]]]:
    with store.sessions() as session:
        query = select(CaseEventRow).where(CaseEventRow.case_id == case_id)
        events = session.execute(query.order_by(CaseEventRow.id)).scalars()
        return [(e.kind, e.detail) for e in events]


def audits(store: Store, action: str) -> list[AuditRow]:
    with store.sessions() as session:
        query = select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)
        return list(session.execute(query).scalars())


def token_of(post_body: bytes) -> str:
    return parse_qs(urlparse(json.loads(post_body)["ack_url"]).query)["token"][0]


def test_the_case_notifies_by_the_partner_hit_playbook_once(
    store: Store, settings: Settings, books: Playbooks
) -> None:
    case_id = partner_hit_case(store, settings)
    found = notifications(store, case_id)
    assert [(r.recipient, r.channel, r.status, r.playbook) for r in found] == [
        ("liaison-desk", "webhook", "pending", "partner-hit"),
    ]
    (row,) = found
    assert row.alert_id is None
    assert (row.escalate_at, row.escalate_to) == (NOW + timedelta(minutes=20), ["supervisor"])
    assert row.payload == {
        "case_id": case_id, "category": "partner-hit", "priority": 1, "partner": "bravo",
        "list": "sought", "entry_id": "NS-1", "airport": "FRA",
        "first_seen": SEEN.isoformat(), "hits": 1, "reported_at": NOW.isoformat(),
        "node": "alpha", "link": f"/api/v1/cases/{case_id}",
    }  # fmt: skip
    # the sighting was abroad: the border post of "its" airport is not looked for
    events = timeline(store, case_id)
    assert [kind for kind, _ in events] == ["partner-hit", "notified"]
    assert events[1][1] == {"playbook": "partner-hit", "notifications": [row.id],
                            "unresolved": ["border-post-{arrival_airport}"]}  # fmt: skip
    with store.transaction() as session:
        case = session.get(CaseRow, case_id)
        assert case is not None
        again = enqueue_for_partner_hit(session, case, events[0][1], playbooks=books, now=NOW,
                                        node_name="alpha")  # fmt: skip
    assert again == [row.id]
    assert len(notifications(store, case_id)) == 1 and len(timeline(store, case_id)) == 2


def test_a_playbook_that_reaches_nobody_falls_back_to_default(
    store: Store, settings: Settings, webhook: WebhookServer, smtp: Smtp
) -> None:
    assert settings.playbooks_file is not None
    settings.playbooks_file.write_text(playbooks_yaml(webhook.url, ONLY_AIRPORTS))
    server, box = smtp
    case_id = partner_hit_case(store, settings)
    assert [(r.recipient, r.playbook) for r in notifications(store, case_id)] == [
        ("duty-desk", "default")
    ]
    report = deliver_due(store, now=NOW, smtp=server, public_url="https://alpha.example.org")
    assert len(report.sent) == 1
    (recipients, mail), = box.messages  # fmt: skip
    assert recipients == ["duty-desk@example.org"]
    subject = str(mail["Subject"]).replace("\r\n", "")  # unfolded
    assert f"partner hit, case {case_id} - bravo saw sought entry NS-1 at FRA" in subject
    text = mail.get_payload(decode=True).decode()
    assert f"Case: https://alpha.example.org/api/v1/cases/{case_id}" in text
    assert "https://alpha.example.org/api/v1/notifications/ack?token=" in text


def test_a_node_without_a_playbook_file_tells_its_duty_desk(store: Store, tmp_path: Path) -> None:
    assert builtin_playbooks().for_category("partner-hit").key == "partner-hit"
    bare = Settings(data_dir=tmp_path / "bare", node_name="alpha")
    assert bare.resolved_playbooks_file is None
    case_id = partner_hit_case(store, bare)
    assert [(r.recipient, r.address, r.escalate_to) for r in notifications(store, case_id)] == [
        ("duty-desk", "interlock-duty@localhost", ["duty-supervisor"])
    ]


def test_an_unreadable_playbook_file_still_tells_the_duty_desk(
    store: Store, tmp_path: Path
) -> None:
    """The partner's message is not refused because of a local file: the built-in playbooks
    notify the hit."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("playbooks: [this is not: a mapping\n")
    case_id = partner_hit_case(store, Settings(data_dir=tmp_path, playbooks_file=broken))
    assert [r.recipient for r in notifications(store, case_id)] == ["duty-desk"]


@pytest.mark.safeguard("SG-33")
def test_delivered_with_retries_and_audited_with_no_personal_data(
    store: Store, settings: Settings, books: Playbooks, webhook: WebhookServer
) -> None:
    case_id = partner_hit_case(store, settings)
    (nid,) = [r.id for r in notifications(store, case_id)]
    webhook.fail_first = 1
    first = deliver_due(store, now=NOW, playbooks=books, public_url="https://alpha.example.org")
    assert (first.sent, first.retrying) == ([], [nid])
    assert deliver_due(store, now=NOW + timedelta(seconds=29), playbooks=books).sent == []
    second = deliver_due(store, now=NOW + timedelta(seconds=30), playbooks=books,
                         public_url="https://alpha.example.org")  # fmt: skip
    assert second.sent == [nid]
    assert [p.path for p in webhook.posts] == ["/hook/liaison", "/hook/liaison"]
    body = json.loads(webhook.posts[-1].body)
    assert (body["case_id"], body["partner"], body["entry_id"]) == (case_id, "bravo", "NS-1")
    assert body["url"] == f"https://alpha.example.org/api/v1/cases/{case_id}"
    assert "alert_id" not in body
    (row,) = notifications(store, case_id)
    assert (row.status, row.attempts, row.ack_token) == ("sent", 2, None)
    sent = audits(store, "notification.send")
    assert [(a.subject_kind, a.subject_id, a.recipient) for a in sent] == [
        ("case", str(case_id), "liaison-desk")
    ] * 2
    everything = b" ".join(p.body for p in webhook.posts) + json.dumps(row.payload).encode()
    for personal in (SURNAME, GIVEN, "ORSOLYA", BIRTH.isoformat(), "NLD", "alert-7"):
        assert personal.encode() not in everything


def test_acknowledged_by_token_stops_the_escalation(
    store: Store, settings: Settings, books: Playbooks, webhook: WebhookServer,
    client: TestClient,
) -> None:  # fmt: skip
    case_id = partner_hit_case(store, settings)
    deliver_due(store, now=NOW, playbooks=books)
    token = token_of(webhook.posts[-1].body)
    answer = client.post("/api/v1/notifications/ack", json={"token": token})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["case_id"], answer.json()["alert_id"]) == (case_id, None)
    page = client.post("/api/v1/notifications/ack", data={"token": token})
    assert f"Acknowledged: case {case_id}" in page.text
    (row,) = notifications(store, case_id)
    assert (row.status, row.acked_by, row.escalate_at) == (
        "acknowledged", "recipient:liaison-desk", None,
    )  # fmt: skip
    assert [kind for kind, _ in timeline(store, case_id)] == [
        "partner-hit", "notified", "acknowledged",
    ]  # fmt: skip
    acks = audits(store, "notification.ack")
    assert [(a.actor, a.subject_kind, a.subject_id) for a in acks] == [
        ("liaison-desk", "case", str(case_id))
    ]
    assert escalate_due(store, now=NOW + timedelta(hours=2), playbooks=books) == []


def test_unacknowledged_escalates_to_the_next_recipients(
    store: Store, settings: Settings, books: Playbooks, smtp: Smtp
) -> None:
    server, box = smtp
    case_id = partner_hit_case(store, settings)
    (first,) = notifications(store, case_id)
    deliver_due(store, now=NOW, playbooks=books)
    assert escalate_due(store, now=NOW + timedelta(minutes=19), playbooks=books) == []
    created = escalate_due(store, now=NOW + timedelta(minutes=20), playbooks=books)
    assert len(created) == 1
    assert escalate_due(store, now=NOW + timedelta(hours=1), playbooks=books) == []
    rows = {r.id: r for r in notifications(store, case_id)}
    assert rows[first.id].status == "escalated"
    escalation = rows[created[0]]
    assert (escalation.recipient, escalation.escalated_from, escalation.alert_id) == (
        "supervisor", first.id, None,
    )  # fmt: skip
    assert escalation.payload["escalation"] is True
    assert escalation.payload["case_id"] == case_id
    kinds = [kind for kind, _ in timeline(store, case_id)]
    assert kinds == ["partner-hit", "notified", "escalated"]
    report = deliver_due(store, now=NOW + timedelta(minutes=20), smtp=server, playbooks=books)
    assert report.sent == created
    (recipients, mail), = box.messages  # fmt: skip
    assert recipients == ["supervisor@example.org"]
    assert f"ESCALATION: partner hit, case {case_id}" in mail["Subject"]


def test_listed_with_case_read(store: Store, settings: Settings, client: TestClient) -> None:
    case_id = partner_hit_case(store, settings)
    (nid,) = [r.id for r in notifications(store, case_id)]
    as_reviewer, reviewer = make_user(store, "rene.reviewer", Role.REVIEWER)
    as_dpo, dpo = make_user(store, "dora.dpo", Role.DPO)  # alert.read, but not case.read
    path = f"/api/v1/cases/{case_id}/notifications"
    listed = client.get(path, headers={"Authorization": f"Bearer {reviewer}"})
    assert listed.status_code == 200, listed.text
    assert [(n["id"], n["case_id"], n["alert_id"], n["recipient"]) for n in listed.json()] == [
        (nid, case_id, None, "liaison-desk")
    ]
    assert "ack_token" not in listed.json()[0] and "payload" not in listed.json()[0]
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"Authorization": f"Bearer {dpo}"}).status_code == 403
    assert client.get("/api/v1/cases/999/notifications",
                      headers={"Authorization": f"Bearer {reviewer}"}).status_code == 404  # fmt: skip
    lists = audits(store, "notification.list")
    assert [(a.subject_kind, a.subject_id) for a in lists] == [("case", str(case_id))]
    desk = Notifications(store.sessions)
    assert [n.id for n in desk.find(as_reviewer)] == [nid]
    assert desk.find(as_dpo) == []  # no case.read: the case's notifications are not listed
    with pytest.raises(RefusedError, match="not both"):
        desk.find(as_reviewer, alert_id=1, case_id=case_id)


def test_list_and_ack_commands_for_a_case(
    store_url: str, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:  # fmt: skip
    case_id = partner_hit_case(store, settings)
    (nid,) = [r.id for r in notifications(store, case_id)]
    make_user(store, "ana.analyst", Role.ANALYST)
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTERLOCK_PASSWORD", PASSWORD)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        listed = runner.invoke(notify_cli, ["list", "--case", str(case_id), "--as",
                                            "ana.analyst", "--json"])  # fmt: skip
        assert listed.exit_code == 0, listed.output
        assert f'"id": {nid}' in listed.output and f'"case_id": {case_id}' in listed.output
        table = runner.invoke(notify_cli, ["list", "--as", "ana.analyst"])
        assert table.exit_code == 0, table.output
        assert f"case {case_id}" in table.output
        acked = runner.invoke(notify_cli, ["ack", str(nid), "--as", "ana.analyst"])
        assert acked.exit_code == 0, acked.output
        assert f"of case {case_id} acknowledged by ana.analyst" in acked.output
    finally:
        get_settings.cache_clear()


def test_a_notification_of_nothing_is_refused_by_the_database(
    store: Store, settings: Settings
) -> None:
    from sqlalchemy.exc import IntegrityError

    (row, *_) = notifications(store, partner_hit_case(store, settings))
    refused = pytest.raises(IntegrityError, match=r"ck_notifications_one_subject|CHECK constraint")
    with refused, store.transaction() as session:
        held = session.get(NotificationRow, row.id)
        assert held is not None
        held.case_id = None
