"""Acknowledgement (by token, by a signed-in principal), listing, and escalation of
notifications nobody acknowledged in time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from auth_helpers import make_user
from interlock.access.roles import Role
from interlock.api import response
from interlock.api.errors import install_error_handler
from interlock.response import Notifications, deliver_due, escalate_due
from interlock.response.outbox import token_hash
from interlock.response.playbooks import Playbooks
from interlock.store import Store
from interlock.store.schema_access import AuditRow
from interlock.store.schema_response import NotificationRow
from test_response_support import (
    NOW,
    MailBox,
    WebhookServer,
    confirmed_alert,
    enqueue,
)

pytest_plugins = ["test_response_support"]  # fixtures: webhook, smtp, books

Smtp = tuple[tuple[str, int], MailBox]


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.store = store
    install_error_handler(app)
    app.include_router(response.router)
    with TestClient(app) as test_client:
        yield test_client


def by_id(store: Store, nid: int) -> NotificationRow:
    with store.sessions() as session:
        row = session.get(NotificationRow, nid)
        assert row is not None
        return row


def delivered_token(store: Store, books: Playbooks, webhook: WebhookServer) -> tuple[int, int, str]:
    """A confirmed rule alert notified to one webhook: (alert id, notification id, token)."""
    alert_id = confirmed_alert(store, category="rule:fraud")
    (nid,) = enqueue(store, alert_id, books)
    deliver_due(store, now=NOW, playbooks=books)
    body = webhook.posts[-1].body.decode()
    token = parse_qs(urlparse(json.loads(body)["ack_url"]).query)["token"][0]
    return alert_id, nid, token


def test_ack_by_token_needs_no_sign_in_and_answers_the_alert(
    store: Store, books: Playbooks, webhook: WebhookServer, client: TestClient
) -> None:
    alert_id, nid, token = delivered_token(store, books, webhook)
    row = by_id(store, nid)
    assert row.ack_token is None and row.ack_token_hash == token_hash(token)
    answer = client.post("/api/v1/notifications/ack", json={"token": token})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["alert_id"], answer.json()["notification_id"]) == (alert_id, nid)
    assert answer.json()["already"] is False
    row = by_id(store, nid)
    assert (row.status, row.acked_by) == ("acknowledged", "recipient:liaison-desk")
    again = client.post("/api/v1/notifications/ack", json={"token": token})
    assert again.json()["already"] is True
    assert client.post("/api/v1/notifications/ack", json={"token": "nope"}).status_code == 404
    assert client.post("/api/v1/notifications/ack", json={}).status_code == 422
    with store.sessions() as session:
        acks = session.execute(
            select(AuditRow).where(AuditRow.action == "notification.ack")
        ).scalars().all()  # fmt: skip
    assert [(a.actor, a.subject_id) for a in acks] == [("liaison-desk", str(alert_id))]


def test_the_ack_link_page_changes_nothing_until_posted(
    store: Store, books: Playbooks, webhook: WebhookServer, client: TestClient
) -> None:
    _, nid, token = delivered_token(store, books, webhook)
    page = client.get("/api/v1/notifications/ack", params={"token": token})
    assert page.status_code == 200 and 'method="post"' in page.text and token in page.text
    assert by_id(store, nid).status == "sent"
    posted = client.post("/api/v1/notifications/ack", data={"token": token})
    assert posted.status_code == 200 and "Acknowledged" in posted.text
    assert by_id(store, nid).status == "acknowledged"


def test_ack_by_principal_and_listing(
    store: Store, books: Playbooks, webhook: WebhookServer, client: TestClient
) -> None:
    alert_id, nid, _ = delivered_token(store, books, webhook)
    _, author = make_user(store, "rita.author", Role.RULE_AUTHOR)
    _, reviewer = make_user(store, "rene.reviewer", Role.REVIEWER)
    refused = client.post(f"/api/v1/notifications/{nid}/ack",
                          headers={"Authorization": f"Bearer {author}"})  # fmt: skip
    assert refused.status_code == 403
    assert by_id(store, nid).status == "sent"
    done = client.post(f"/api/v1/notifications/{nid}/ack",
                       headers={"Authorization": f"Bearer {reviewer}"})  # fmt: skip
    assert done.status_code == 200 and done.json()["acked_by"] == "rene.reviewer"
    assert client.post("/api/v1/notifications/999/ack",
                       headers={"Authorization": f"Bearer {reviewer}"}).status_code == 404  # fmt: skip
    listed = client.get(f"/api/v1/alerts/{alert_id}/notifications",
                        headers={"Authorization": f"Bearer {reviewer}"})  # fmt: skip
    assert listed.status_code == 200
    assert [(n["id"], n["status"], n["acked_by"]) for n in listed.json()] == [
        (nid, "acknowledged", "rene.reviewer")
    ]
    assert "ack_token" not in listed.json()[0]
    assert client.get(f"/api/v1/alerts/{alert_id}/notifications").status_code == 401
    assert client.get(f"/api/v1/alerts/{alert_id}/notifications",
                      headers={"Authorization": f"Bearer {author}"}).status_code == 403  # fmt: skip
    assert client.get("/api/v1/alerts/999/notifications",
                      headers={"Authorization": f"Bearer {reviewer}"}).status_code == 404  # fmt: skip


def test_unacknowledged_notifications_escalate_after_the_configured_time(
    store: Store, books: Playbooks, webhook: WebhookServer, smtp: Smtp
) -> None:
    server, box = smtp
    alert_id = confirmed_alert(store)  # watchlist:sought: escalate after 10 min to supervisor
    first = enqueue(store, alert_id, books)
    deliver_due(store, now=NOW, smtp=server, playbooks=books)
    assert escalate_due(store, now=NOW + timedelta(minutes=9), playbooks=books) == []
    created = escalate_due(store, now=NOW + timedelta(minutes=10), playbooks=books)
    assert len(created) == 1  # one supervisor message for the two notifications
    assert {by_id(store, n).status for n in first} == {"escalated"}
    escalation = by_id(store, created[0])
    assert (escalation.recipient, escalation.escalated_from) == ("supervisor", first[0])
    assert escalate_due(store, now=NOW + timedelta(hours=1), playbooks=books) == []
    report = deliver_due(store, now=NOW + timedelta(minutes=10), smtp=server, playbooks=books)
    assert report.sent == created
    recipients, mail = box.messages[-1]
    assert recipients == ["supervisor@example.org"]
    assert "ESCALATION" in mail["Subject"]


def test_no_escalation_once_acknowledged(
    store: Store, books: Playbooks, webhook: WebhookServer, smtp: Smtp
) -> None:
    server, _ = smtp
    alert_id = confirmed_alert(store)
    jfk, desk = enqueue(store, alert_id, books)
    deliver_due(store, now=NOW, smtp=server, playbooks=books)
    principal, _ = make_user(store, "ana.analyst", Role.ANALYST)
    Notifications(store.sessions).ack_by_principal(principal, jfk, now=NOW + timedelta(minutes=3))
    assert escalate_due(store, now=NOW + timedelta(minutes=30), playbooks=books) == []
    assert (by_id(store, jfk).status, by_id(store, desk).status) == ("acknowledged", "sent")
