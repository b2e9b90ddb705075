"""Credentials, roles and the stated purpose on the existing endpoints (SG-01, SG-33, SG-38,
SG-40): no credentials 401, wrong role 403 (audited), a search without purpose or reason 422
(audited), an unknown purpose 422; each search is audited with its purpose, reason and result
count, never the names searched for. ``/health`` stays open."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from auth_helpers import REASON, app_store, auth, make_user, node_app
from interlock.access.roles import Role
from interlock.audit.log import AuditRecord
from interlock.store import Store
from interlock.watchlists.model import EntryKind, EntryName, ListInfo, ListType, WatchlistEntry
from test_ingest import paxlst, paxlst_body

SEARCHED = "Wilhelmina Quarrington"


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(node_app(store_url, tmp_path / "node")) as test_client:
        store = app_store(test_client.app)  # type: ignore[arg-type]
        entry = WatchlistEntry("W-1", "sought", EntryKind.PERSON,
                               names=[EntryName(SEARCHED, given="Wilhelmina",
                                                family="Quarrington")])  # fmt: skip
        info = ListInfo("sought", "Test authority", "synthetic", ListType.SOUGHT, date(2026, 1, 1))
        store.watchlists.import_version(info, [entry], source_name="sought.csv",
                                        sha256=hashlib.sha256(b"sought").hexdigest())  # fmt: skip
        yield test_client


def entries(store: Store, **filters: Any) -> list[AuditRecord]:
    dpo, _ = make_user(store, f"dpo{len(store.users.all())}", Role.DPO)
    return store.audit.entries(dpo, limit=10_000, **filters)


MATCH = {"queries": [{"id": "q1", "name": SEARCHED}, {"id": "q2", "name": "Odalys Venturini"}]}
YENTE = {"queries": {"a": {"schema": "Person", "properties": {"name": [SEARCHED]}}}}


@pytest.mark.safeguard("SG-01")
@pytest.mark.safeguard("SG-33")
def test_searches_are_audited_with_purpose_reason_and_count(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, token = make_user(store, "ana.lyst", Role.ANALYST)
    found = client.post("/api/v1/match", json=MATCH, headers=auth(token))
    assert found.status_code == 200, found.text
    assert found.json()["results"][0]["matches"][0]["entry_id"] == "W-1"
    by_query = client.post(
        "/match/default", json=YENTE,
        params={"purpose": "terrorist-offence", "reason": "yente client, case 17"},
        headers=auth(token, purpose=None, reason=None),
    )  # fmt: skip
    assert by_query.status_code == 200, by_query.text
    api, yente = entries(store, action="traveller.search")
    assert (api.actor, api.outcome, api.purpose, api.reason) == (
        "ana.lyst", "done", "serious-crime", REASON)  # fmt: skip
    assert api.detail == {"via": "api", "queries": 2, "results": 1}
    assert (yente.purpose, yente.reason, yente.detail["results"]) == (
        "terrorist-offence", "yente client, case 17", 1)  # fmt: skip
    everything = str([e.to_dict() for e in entries(store)])
    assert "Wilhelmina" not in everything and "Quarrington" not in everything
    assert "Venturini" not in everything


@pytest.mark.safeguard("SG-01")
@pytest.mark.parametrize(
    ("purpose", "reason", "location"),
    [(None, REASON, "purpose"), ("curiosity", REASON, "purpose"),
     ("serious-crime", None, "reason"), ("serious-crime", "short", "reason")],
)  # fmt: skip
def test_a_search_without_a_valid_purpose_is_422_and_audited(
    client: TestClient, purpose: str | None, reason: str | None, location: str
) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, token = make_user(store, "ana.lyst", Role.ANALYST)
    headers = auth(token, purpose=purpose, reason=reason)
    for response in (
        client.post("/api/v1/match", json=MATCH, headers=headers),
        client.post("/match/default", json=YENTE, headers=headers),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["location"] == location
    refused = [e for e in entries(store) if e.outcome == "refused"]
    assert [e.action for e in refused] == ["POST /api/v1/match", "POST /match/default"]
    assert all(e.actor == "ana.lyst" for e in refused)
    assert entries(store, action="traveller.search") == []


@pytest.mark.safeguard("SG-38")
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/v1/messages"), ("GET", "/api/v1/messages/1"), ("GET", "/api/v1/flights"),
     ("GET", "/api/v1/flights/XY1/2024-01-01"), ("POST", "/api/v1/match"),
     ("POST", "/match/default"), ("GET", "/api/v1/me")],
)  # fmt: skip
def test_no_credentials_is_401(client: TestClient, method: str, path: str) -> None:
    plain = client.request(method, path, json=MATCH)
    forged = client.request(method, path, json=MATCH, headers=auth("ilk_not-a-token"))
    assert (plain.status_code, forged.status_code) == (401, 401)
    assert client.get("/health").json()["status"] == "ok"


@pytest.mark.safeguard("SG-38")
@pytest.mark.parametrize(
    ("role", "method", "path", "action"),
    [(Role.ANALYST, "POST", "/api/v1/messages", "message.ingest"),
     (Role.ADMIN, "GET", "/api/v1/flights", "message.read"),
     (Role.AUDITOR, "GET", "/api/v1/messages/1", "message.read"),
     (Role.SERVICE, "POST", "/api/v1/match", "traveller.search"),
     (Role.RULE_AUTHOR, "POST", "/match/default", "traveller.search"),
     (Role.LIAISON, "POST", "/api/v1/match", "traveller.search"),
     (Role.AUTHORITY, "POST", "/api/v1/match", "traveller.search")],
)  # fmt: skip
def test_a_role_without_the_action_is_403_and_audited(
    client: TestClient, role: Role, method: str, path: str, action: str
) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, token = make_user(store, "someone", role, service=role is Role.SERVICE)
    body = YENTE if path.startswith("/match") else MATCH
    response = client.request(method, path, json=body, headers=auth(token))
    assert response.status_code == 403, response.text
    assert action in response.json()["detail"]
    [refused] = entries(store, action=action)
    assert (refused.actor, refused.outcome, refused.detail["path"]) == ("someone", "refused", path)


@pytest.mark.safeguard("SG-40")
def test_the_gateway_sends_in_and_the_analyst_reads(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, gateway = make_user(store, "gateway", Role.SERVICE, service=True)
    _, analyst = make_user(store, "ana.lyst", Role.ANALYST)
    body = paxlst(paxlst_body(["DOE JANE"]))
    sent = client.post("/api/v1/messages", content=body, headers=auth(gateway))
    assert sent.status_code == 201, sent.text
    message = f"/api/v1/messages/{sent.json()['message_id']}"
    assert client.get(message, headers=auth(gateway)).status_code == 403
    assert client.get(message, headers=auth(analyst)).json()["status"] == "stored"
    assert client.get("/api/v1/flights", headers=auth(analyst)).status_code == 200
