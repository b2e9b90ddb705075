"""Delivery of notifications of confirmed alerts: playbook choice, webhook with HMAC, e-mail
with the acknowledgement link, retries with back-off, failure, audit of each sending,
minimal payload, overlapping runs, and a restart."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from interlock.errors import ConflictError
from interlock.response import deliver_due
from interlock.response.playbooks import Playbooks
from interlock.store import Store
from interlock.store.schema_access import AuditRow
from interlock.store.schema_alerts import AlertEventRow
from interlock.store.schema_response import NotificationRow
from test_response_support import (
    BIRTH,
    DOCUMENT,
    GIVEN,
    NOW,
    SECRET,
    SURNAME,
    MailBox,
    WebhookServer,
    confirmed_alert,
    enqueue,
)

pytest_plugins = ["test_response_support"]  # fixtures: webhook, smtp, books

Smtp = tuple[tuple[str, int], MailBox]


def rows(store: Store, alert_id: int) -> list[NotificationRow]:
    with store.sessions() as session:
        query = select(NotificationRow).where(NotificationRow.alert_id == alert_id)
        return list(session.execute(query.order_by(NotificationRow.id)).scalars())


def test_enqueue_follows_the_category_playbook_and_the_arrival_airport(
    store: Store, books: Playbooks
) -> None:
    alert_id = confirmed_alert(store, category="watchlist:sought")
    ids = enqueue(store, alert_id, books)
    found = rows(store, alert_id)
    assert [r.id for r in found] == ids
    assert [(r.recipient, r.channel, r.status) for r in found] == [
        ("border-post-jfk", "webhook", "pending"),
        ("duty-desk", "email", "pending"),
    ]
    assert found[0].payload["arrival_airport"] == "JFK"
    assert found[0].payload["departure_airport"] == "FRA"
    assert found[0].escalate_at == NOW + timedelta(minutes=10)
    assert found[0].escalate_to == ["supervisor"]
    assert enqueue(store, alert_id, books) == ids  # a second call writes nothing more
    with store.sessions() as session:
        kinds = session.execute(
            select(AlertEventRow.kind).where(AlertEventRow.alert_id == alert_id)
        ).scalars().all()  # fmt: skip
    assert list(kinds) == ["notified"]


@pytest.mark.parametrize(
    ("category", "recipients"),
    [
        ("rule:smuggling", ["duty-desk"]),
        ("rule:fraud", ["liaison-desk"]),
        ("watchlist:documents", ["duty-desk"]),
    ],
)
def test_enqueue_falls_back_by_category(
    store: Store, books: Playbooks, category: str, recipients: list[str]
) -> None:
    alert_id = confirmed_alert(store, category=category)
    enqueue(store, alert_id, books)
    assert [r.recipient for r in rows(store, alert_id)] == recipients


@pytest.mark.safeguard("SG-20")
def test_only_a_confirmed_alert_notifies(store: Store, books: Playbooks) -> None:
    alert_id = confirmed_alert(store, status="under-review")
    with pytest.raises(ConflictError, match="only a confirmed one"):
        enqueue(store, alert_id, books)
    assert rows(store, alert_id) == []


@pytest.mark.safeguard("SG-33")
def test_webhook_and_email_are_delivered_signed_and_audited(
    store: Store, books: Playbooks, webhook: WebhookServer, smtp: Smtp
) -> None:
    server, box = smtp
    alert_id = confirmed_alert(store)
    ids = enqueue(store, alert_id, books)
    report = deliver_due(store, now=NOW, smtp=server, playbooks=books,
                         public_url="https://node.example.org")  # fmt: skip
    assert sorted(report.sent) == sorted(ids) and not report.retrying
    (post,) = webhook.posts
    assert post.path == "/hook/jfk"
    expected = "sha256=" + hmac.new(SECRET.encode(), post.body, hashlib.sha256).hexdigest()
    assert post.headers["X-Interlock-Signature"] == expected
    body = json.loads(post.body)
    assert (body["alert_id"], body["category"], body["arrival_airport"]) == (
        alert_id, "watchlist:sought", "JFK",
    )  # fmt: skip
    assert body["url"] == f"https://node.example.org/api/v1/alerts/{alert_id}"
    assert body["ack_url"].startswith("https://node.example.org/api/v1/notifications/ack?token=")
    (recipients, mail), = box.messages  # fmt: skip
    assert recipients == ["duty-desk@example.org"]
    text = mail.get_payload(decode=True).decode()
    assert "https://node.example.org/api/v1/notifications/ack?token=" in text
    assert f"confirmed alert {alert_id}" in mail["Subject"]
    assert all(r.status == "sent" and r.ack_token is None for r in rows(store, alert_id))
    with store.sessions() as session:
        audit = session.execute(
            select(AuditRow).where(AuditRow.action == "notification.send").order_by(AuditRow.seq)
        ).scalars().all()  # fmt: skip
    assert sorted(a.recipient or "" for a in audit) == ["border-post-jfk", "duty-desk"]
    assert {(a.actor, a.subject_kind, a.subject_id) for a in audit} == {
        ("node", "alert", str(alert_id))
    }
    assert store.audit.verify().ok


@pytest.mark.safeguard("SG-37")
def test_payload_carries_no_personal_data(
    store: Store, books: Playbooks, webhook: WebhookServer, smtp: Smtp
) -> None:
    server, box = smtp
    alert_id = confirmed_alert(store)
    enqueue(store, alert_id, books)
    deliver_due(store, now=NOW, smtp=server, playbooks=books)
    sent = [post.body.decode() for post in webhook.posts]
    sent += [str(mail) for _, mail in box.messages]
    sent += [json.dumps(r.payload) for r in rows(store, alert_id)]
    assert len(sent) == 4
    for text in sent:
        for personal in (SURNAME, *GIVEN.split(), DOCUMENT, BIRTH, "800229"):
            assert personal not in text


def test_failures_retry_with_back_off_then_succeed(
    store: Store, books: Playbooks, webhook: WebhookServer, smtp: Smtp
) -> None:
    webhook.fail_first = 2
    alert_id = confirmed_alert(store, category="rule:fraud")  # one webhook recipient
    (nid,) = enqueue(store, alert_id, books)
    first = deliver_due(store, now=NOW, playbooks=books)
    assert first.retrying == [nid]
    (row,) = rows(store, alert_id)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "HTTP 500")
    assert row.next_attempt_at == NOW + timedelta(seconds=30)
    assert deliver_due(store, now=NOW + timedelta(seconds=20), playbooks=books).to_dict() == {
        "sent": [], "retrying": [], "failed": [],
    }  # fmt: skip
    second = deliver_due(store, now=NOW + timedelta(seconds=30), playbooks=books)
    assert second.retrying == [nid]
    (row,) = rows(store, alert_id)
    assert row.next_attempt_at == NOW + timedelta(seconds=90)  # then a minute
    third = deliver_due(store, now=NOW + timedelta(seconds=90), playbooks=books)
    assert third.sent == [nid]
    (row,) = rows(store, alert_id)
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(webhook.posts) == 3


def test_failed_after_max_attempts(store: Store, books: Playbooks, webhook: WebhookServer) -> None:
    webhook.fail_first = 100
    alert_id = confirmed_alert(store, category="rule:fraud")
    (nid,) = enqueue(store, alert_id, books)
    at = NOW
    for _ in range(2):
        assert deliver_due(store, now=at, playbooks=books, max_attempts=3).retrying == [nid]
        at += timedelta(hours=1)
    assert deliver_due(store, now=at, playbooks=books, max_attempts=3).failed == [nid]
    (row,) = rows(store, alert_id)
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert deliver_due(store, now=at + timedelta(days=1), playbooks=books).failed == []
    assert len(webhook.posts) == 3


def test_overlapping_runs_send_once(store: Store, books: Playbooks, webhook: WebhookServer) -> None:
    webhook.delay = 0.3
    alert_ids = [confirmed_alert(store, category="rule:fraud") for _ in range(3)]
    for alert_id in alert_ids:
        enqueue(store, alert_id, books)
    reports = []

    def run() -> None:
        reports.append(deliver_due(store, now=NOW, playbooks=books))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(webhook.posts) == 3
    assert sorted(n for r in reports for n in r.sent) == sorted(
        r.id for a in alert_ids for r in rows(store, a)
    )


def test_notifications_survive_a_restart(
    store_url: str, books: Playbooks, webhook: WebhookServer
) -> None:
    first = Store.open(store_url, migrate=False)
    alert_id = confirmed_alert(first, category="rule:fraud")
    (nid,) = enqueue(first, alert_id, books)
    first.dispose()
    second = Store.open(store_url, migrate=False)
    try:
        assert deliver_due(second, now=NOW, playbooks=books).sent == [nid]
    finally:
        second.dispose()
    assert len(webhook.posts) == 1
