"""``/api/v1/retention`` and ``interlock retention`` against a real SQLite store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from auth_helpers import auth, make_user
from interlock.access.roles import Role
from interlock.api import retention
from interlock.api.errors import install_error_handler
from interlock.cli_retention import app as retention_cli
from interlock.settings import Settings, get_settings
from interlock.store import Store
from test_retention_run import OLD, RECENT, carrier_of, ingest, pnr_push


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "node")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """The retention router alone on an app over a real store, as api.app mounts it."""
    app = FastAPI()
    app.state.settings = settings
    app.state.store = Store.from_settings(settings)
    install_error_handler(app)
    app.include_router(retention.router)
    with TestClient(app) as test_client:
        yield test_client
    app.state.store.dispose()


def _store(client: TestClient) -> Store:
    store = client.app.state.store  # type: ignore[attr-defined]
    assert isinstance(store, Store)
    return store


@pytest.mark.safeguard("SG-28")
@pytest.mark.safeguard("SG-26")
def test_holds_and_runs_over_http(client: TestClient, settings: Settings) -> None:
    store = _store(client)
    data, (locator,) = pnr_push(31)
    ingest(store, data, OLD)
    ingest(store, pnr_push(32)[0], OLD)
    ingest(store, pnr_push(33)[0], RECENT)
    carrier, _ = carrier_of(store, locator)
    _, dpo_token = make_user(store, "dpo.one", Role.DPO)
    _, analyst_token = make_user(store, "ana.lyst", Role.ANALYST)
    _, service_token = make_user(store, "gateway", Role.SERVICE, service=True)
    review = (date.today() + timedelta(days=30)).isoformat()
    body = {"booking": f"{carrier}/{locator}", "evidence": "CASE-2026-040",
            "reason": "linked to an open investigation", "review_by": review}  # fmt: skip

    assert client.post("/api/v1/retention/holds", json=body,
                       headers=auth(service_token)).status_code == 403  # fmt: skip
    assert client.post("/api/v1/retention/holds", json=body,
                       headers=auth(analyst_token)).status_code == 403  # fmt: skip
    missing = client.post("/api/v1/retention/holds", json={**body, "evidence": None},
                          headers=auth(dpo_token))  # fmt: skip
    assert (missing.status_code, missing.json()["location"]) == (422, "evidence")
    created = client.post("/api/v1/retention/holds", json=body, headers=auth(dpo_token))
    assert created.status_code == 201, created.text
    hold = created.json()
    assert (hold["state"], hold["record_locator"], hold["set_by"]) == ("active", locator, "dpo.one")
    listed = client.get("/api/v1/retention/holds", headers=auth(dpo_token)).json()
    assert [h["id"] for h in listed] == [hold["id"]]

    assert client.post("/api/v1/retention/run", json={"dry_run": True},
                       headers=auth(analyst_token)).status_code == 403  # fmt: skip
    dry = client.post("/api/v1/retention/run", json={"dry_run": True}, headers=auth(dpo_token))
    assert dry.status_code == 200 and dry.json()["dry_run"] is True
    real = client.post("/api/v1/retention/run", json={}, headers=auth(dpo_token)).json()
    assert real["deleted"] == dry.json()["deleted"]
    assert real["depersonalised"]["booking"] == 1 and real["deleted"]["booking"] >= 1
    assert (settings.data_dir / "keys" / "depersonalisation.key").is_file()

    release = client.post(f"/api/v1/retention/holds/{hold['id']}/release",
                          json={"reason": "case closed"}, headers=auth(dpo_token))  # fmt: skip
    assert release.status_code == 200 and release.json()["state"] == "released"
    again = client.post(f"/api/v1/retention/holds/{hold['id']}/release",
                        json={"reason": "case closed"}, headers=auth(dpo_token))  # fmt: skip
    assert again.status_code == 409


@pytest.mark.safeguard("SG-28")
def test_the_command_line_holds_runs_and_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "node"
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(data_dir))
    monkeypatch.delenv("INTERLOCK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        store = Store.from_settings(get_settings())
        data, (locator,) = pnr_push(34)
        ingest(store, data, OLD)
        carrier, _ = carrier_of(store, locator)
        _, token = make_user(store, "dpo.one", Role.DPO)
        store.dispose()
        monkeypatch.setenv("INTERLOCK_TOKEN", token)
        get_settings.cache_clear()
        runner = CliRunner()
        review = (date.today() + timedelta(days=20)).isoformat()
        added = runner.invoke(retention_cli, ["hold", "add", "--booking", f"{carrier}/{locator}",
                                              "--evidence", "CASE-2026-041", "--reason",
                                              "linked to an open investigation", "--review-by",
                                              review, "--json"])  # fmt: skip
        assert added.exit_code == 0, added.output
        hold_id = json.loads(added.stdout)["id"]
        listed = runner.invoke(retention_cli, ["hold", "list"])
        assert listed.exit_code == 0 and "CASE-2026-041" in listed.stdout
        dry = runner.invoke(retention_cli, ["run", "--dry-run", "--json"])
        assert dry.exit_code == 0, dry.output
        assert json.loads(dry.stdout)["depersonalised"]["booking"] == 1
        released = runner.invoke(retention_cli, ["hold", "release", str(hold_id), "--reason",
                                                 "case closed without charges"])  # fmt: skip
        assert released.exit_code == 0, released.output
        run = runner.invoke(retention_cli, ["run", "--as-node", "--json"])
        assert run.exit_code == 0, run.output
        assert json.loads(run.stdout)["deleted"]["booking"] == 1
    finally:
        get_settings.cache_clear()
