"""The HTTP API against a real store: SQLite for every test, PostgreSQL for one.

Messages come in as a carrier gateway's service account (``message.ingest``) and are read
back as an analyst (``message.read``), each with an API token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from auth_helpers import auth, make_user
from interlock.access.roles import Role
from interlock.api import create_app
from interlock.settings import Settings
from interlock.store import Store
from test_ingest import KEY, paxlst, paxlst_body


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "node", max_message_bytes=4096)


def signed_in(app: FastAPI) -> TestClient:
    """A client of ``app`` acting as an analyst; the node also has a ``gateway`` service."""
    store = cast(Store, app.state.store)
    _, analyst = make_user(store, "ana.lyst", Role.ANALYST)
    make_user(store, "gateway", Role.SERVICE, service=True)
    return TestClient(app, headers=auth(analyst, purpose=None, reason=None))


def gateway(client: TestClient) -> dict[str, str]:
    """Credentials of the node's ``gateway`` service account (a fresh token)."""
    store = cast(Store, cast(FastAPI, client.app).state.store)
    return auth(store.users.issue_token("gateway")[0], purpose=None, reason=None)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with signed_in(create_app(settings)) as test_client:
        yield test_client


def post(client: TestClient, body: bytes, **headers: str) -> dict[str, object]:
    response = client.post("/api/v1/messages", content=body, headers=gateway(client) | headers)
    return {"code": response.status_code, **response.json()}


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": "ok"}
    schema = client.get("/openapi.json").json()
    assert "/api/v1/messages" in schema["paths"]
    assert client.get("/docs").status_code == 200


def test_the_store_is_created_in_the_data_folder(settings: Settings, client: TestClient) -> None:
    assert (settings.data_dir / "interlock.db").is_file()


def test_post_stores_then_reports_duplicate(client: TestClient) -> None:
    body = paxlst(paxlst_body(["DOE JANE", "ROE RICHARD"]))
    first = post(client, body, **{"X-Interlock-Sender": "XYAIR", "Content-Type": "text/plain"})
    assert (first["code"], first["status"], first["travellers"]) == (201, "stored", 2)
    assert first["flights"] == [KEY]
    again = post(client, body)
    assert (again["code"], again["status"], again["message_id"]) == (
        200,
        "duplicate",
        first["message_id"],
    )
    info = client.get(f"/api/v1/messages/{first['message_id']}").json()
    assert (info["status"], info["sender"], info["format"]) == ("stored", "XYAIR", "paxlst")
    assert [h["status"] for h in info["history"]] == ["received", "parsed", "stored"]
    assert "raw" not in info


def test_source_and_sender_from_query(client: TestClient) -> None:
    body = b"surname,given_names\nDOE,JANE\n"
    outcome = client.post(
        "/api/v1/messages",
        params={"source": "upload.csv", "sender": "POST-7"},
        content=body,
        headers=gateway(client),
    ).json()
    info = client.get(f"/api/v1/messages/{outcome['message_id']}").json()
    assert (info["source"], info["sender"]) == ("upload.csv", "POST-7")


def test_unreadable_body_is_422_and_recorded(client: TestClient) -> None:
    outcome = post(client, b"\x00\x01 no message", **{"X-Interlock-Source": "junk.bin"})
    assert (outcome["code"], outcome["status"]) == (422, "failed")
    assert "junk.bin" in str(outcome["reason"])
    info = client.get(f"/api/v1/messages/{outcome['message_id']}").json()
    assert (info["status"], info["reason"]) == ("failed", outcome["reason"])


def test_too_large_body_is_413_and_not_recorded(client: TestClient) -> None:
    response = client.post("/api/v1/messages", content=b"x" * 5000, headers=gateway(client))
    assert response.status_code == 413
    assert "4096" in response.json()["detail"]
    assert client.get("/api/v1/messages/1").status_code == 404


def test_flights_list_and_history(client: TestClient) -> None:
    post(client, paxlst(paxlst_body(["DOE JANE"])))
    post(client, paxlst(paxlst_body(["DOE JANE", "ROE RICHARD"], ref="M2")))
    flights = client.get("/api/v1/flights").json()
    assert [(f["key"], f["current_version"], f["traveller_count"]) for f in flights] == [
        (KEY, 2, 2)
    ]
    one = client.get(f"/api/v1/flights/{KEY}").json()
    assert [(v["version"], v["traveller_count"], v["is_current"]) for v in one["versions"]] == [
        (1, 1, False),
        (2, 2, True),
    ]
    assert one["versions"][1]["legs"][0]["departure_airport"] == "FRA"


@pytest.mark.parametrize(
    ("path", "detail"),
    [("/api/v1/messages/999", "no message 999"), ("/api/v1/flights/XY1/2024-01-01", "no flight")],
)
def test_unknown_things_are_404(client: TestClient, path: str, detail: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert detail in response.json()["detail"]


@pytest.mark.postgres
def test_api_on_postgresql(empty_postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "node", database_url=empty_postgres_url)
    with signed_in(create_app(settings)) as client:
        body = paxlst(paxlst_body(["POSTGRES PAT"], flight="XY555"))
        outcome = post(client, body)
        assert (outcome["code"], outcome["status"]) == (201, "stored")
        flight = client.get("/api/v1/flights/XY555/2024-05-01").json()
        assert flight["traveller_count"] == 1
        assert client.get("/health").json()["database"] == "ok"
