"""Risk rules over HTTP and on the command line: a draft → submit → backtest → approve round
trip by two people, refusals with their place, quality figures (SG-10..SG-15)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.auth_helpers import app_store, auth, make_user, node_app
from tests.test_rules_workflow import ingest, pnr_message, rule_source
from typer.testing import CliRunner

from interlock.access.roles import Role
from interlock.api import rules
from interlock.cli_rules import app as rules_cli
from interlock.settings import get_settings


def with_rules(app: FastAPI) -> FastAPI:
    mounted = {getattr(route, "path", "") for route in app.routes}
    if "/api/v1/rules" not in mounted:
        app.include_router(rules.router)
    return app


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(with_rules(node_app(store_url, tmp_path))) as test_client:
        yield test_client


@pytest.mark.safeguard("SG-13")
@pytest.mark.safeguard("SG-11")
def test_rule_round_trip_over_http(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, alice = make_user(store, "alice", Role.RULE_AUTHOR)
    _, bob = make_user(store, "bob", Role.RULE_APPROVER)
    ingest(store, pnr_message({"DEU": (4, 2)}))

    created = client.post(
        "/api/v1/rules",
        content=rule_source(),
        headers={**auth(alice), "Content-Type": "application/yaml"},
    )
    assert created.status_code == 201, created.text
    assert (created.json()["status"], created.json()["version"]) == ("draft", 1)
    assert client.post("/api/v1/rules/cash-late/submit", headers=auth(alice)).status_code == 200

    early = client.post("/api/v1/rules/cash-late/approve", headers=auth(bob))
    assert early.status_code == 422 and early.json()["location"] == "backtest"

    no_purpose = client.post("/api/v1/rules/cash-late/backtest", headers=auth(alice, purpose=None))
    assert no_purpose.status_code == 422
    tested = client.post("/api/v1/rules/cash-late/backtest", headers=auth(alice))
    assert tested.status_code == 200, tested.text
    assert (tested.json()["evaluated"], tested.json()["flagged"]) == (4, 2)

    assert client.post("/api/v1/rules/cash-late/approve", headers=auth(alice)).status_code == 403
    approved = client.post("/api/v1/rules/cash-late/approve", headers=auth(bob))
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["approver"]) == ("active", "bob")

    listed = client.get("/api/v1/rules", headers=auth(bob)).json()
    assert [(r["name"], r["status"]) for r in listed] == [("cash-late", "active")]
    shown = client.get("/api/v1/rules/cash-late", headers=auth(bob)).json()
    assert shown["versions"][0]["backtest"]["flagged"] == 2
    retired = client.post(
        "/api/v1/rules/cash-late/retire",
        headers=auth(bob),
        json={"reason": "withdrawn by the board"},
    )
    assert retired.json()["status"] == "retired"
    assert client.get("/api/v1/rules/quality", headers=auth(bob)).json() == []


@pytest.mark.safeguard("SG-10")
def test_a_refused_draft_names_the_place_over_http(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, alice = make_user(store, "alice", Role.RULE_AUTHOR)
    source = rule_source().replace("booking.payment_types", "traveller.religion")
    refused = client.post("/api/v1/rules", json={"source": source}, headers=auth(alice))
    assert refused.status_code == 422
    assert refused.json()["location"] == "when.all[0].field"
    assert "SG-10" in refused.json()["detail"]
    assert (
        client.post("/api/v1/rules", json={"yaml": source}, headers=auth(alice)).status_code == 422
    )
    assert client.get("/api/v1/rules", headers=auth(alice)).json() == []


def test_rules_need_credentials_and_roles(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, analyst = make_user(store, "ann", Role.ANALYST)
    assert client.get("/api/v1/rules").status_code == 401
    denied = client.post("/api/v1/rules", content=rule_source(), headers=auth(analyst))
    assert denied.status_code == 403


def test_cli_validate_draft_and_list(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("INTERLOCK_PASSWORD", "correct horse battery")
    get_settings.cache_clear()
    try:
        app = with_rules(node_app(store_url, tmp_path))
        make_user(app_store(app), "alice", Role.RULE_AUTHOR)
        good = tmp_path / "rule.yaml"
        good.write_text(rule_source())
        bad = tmp_path / "bad.yaml"
        bad.write_text(rule_source().replace("unless:", "ignored:"))
        runner = CliRunner()
        ok = runner.invoke(rules_cli, ["validate", str(good)])
        assert ok.exit_code == 0 and "cash-late is valid" in ok.output
        refused = runner.invoke(rules_cli, ["validate", str(bad)])
        assert refused.exit_code == 1 and "SG-12" in refused.output
        drafted = runner.invoke(rules_cli, ["draft", str(good), "--as", "alice"])
        assert drafted.exit_code == 0, drafted.output
        listed = runner.invoke(rules_cli, ["list", "--as", "alice", "--json"])
        assert '"status": "draft"' in listed.output
    finally:
        get_settings.cache_clear()
