"""The stop switch over HTTP and with ``interlock control`` (SG-55): a person with
``control.stop`` suspends and lifts, the state follows, both are in the audit log; a service
cannot, whatever roles it holds (SG-40)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from auth_helpers import app_store, auth, make_user, node_app
from interlock.access.roles import Role
from interlock.cli_control import app as control_app
from interlock.errors import ForbiddenError, RefusedError
from interlock.stopswitch import Scope
from interlock.store import Store


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(node_app(store_url, tmp_path / "node")) as test_client:
        yield test_client


def audit_actions(store: Store) -> list[tuple[str, str, str, str | None]]:
    dpo, _ = make_user(store, f"dpo{len(store.users.all())}", Role.DPO)
    return [(e.action, e.actor, e.outcome, e.subject_id)
            for e in store.audit.entries(dpo) if e.action.startswith("control.")]  # fmt: skip


@pytest.mark.safeguard("SG-55")
def test_suspend_and_lift_over_http(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, dpo = make_user(store, "dana.dpo", Role.DPO)
    _, admin = make_user(store, "root", Role.ADMIN)
    everything = client.post("/api/v1/control/switches", headers=auth(dpo),
                             json={"scope": "all", "reason": "matcher misbehaving, INC-12"})  # fmt: skip
    assert everything.status_code == 201, everything.text
    listed = client.post("/api/v1/control/switches", headers=auth(dpo),
                         json={"scope": "list", "target": "sought", "reason": "stale list"})  # fmt: skip
    assert listed.status_code == 201
    again = client.post("/api/v1/control/switches", headers=auth(dpo),
                        json={"scope": "list", "target": "sought", "reason": "stale list"})  # fmt: skip
    assert again.status_code == 409
    state = client.get("/api/v1/control/switches", headers=auth(admin)).json()
    assert state["state"] == {"all": True, "lists": ["sought"], "rules": []}
    assert [s["set_by"] for s in state["active"]] == ["dana.dpo", "dana.dpo"]
    assert store.switches.state().list_suspended("anything")
    lifted = client.post(f"/api/v1/control/switches/{everything.json()['id']}/lift",
                         headers=auth(dpo), json={"reason": "fixed in release 1.2"})  # fmt: skip
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == "dana.dpo"
    state = store.switches.state()
    assert (state.all, state.lists) == (False, frozenset({"sought"}))
    assert audit_actions(store) == [
        ("control.suspend", "dana.dpo", "done", "all"),
        ("control.suspend", "dana.dpo", "done", "sought"),
        ("control.lift", "dana.dpo", "done", "all"),
    ]


@pytest.mark.safeguard("SG-55")
@pytest.mark.safeguard("SG-40")
def test_a_service_cannot_suspend_even_with_a_stopping_role(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, service = make_user(store, "gateway", Role.SERVICE, Role.SUPERVISOR, service=True)
    _, analyst = make_user(store, "ana.lyst", Role.ANALYST)
    body = {"scope": "all", "reason": "a machine wants to stop"}
    for token in (service, analyst):
        refused = client.post("/api/v1/control/switches", headers=auth(token), json=body)
        assert refused.status_code == 403, refused.text
    assert "for a person" in client.post("/api/v1/control/switches", headers=auth(service),
                                         json=body).json()["detail"]  # fmt: skip
    assert store.switches.state().all is False
    assert [(a, actor, outcome) for a, actor, outcome, _ in audit_actions(store)] == [
        ("control.stop", "gateway", "refused"),
        ("control.stop", "ana.lyst", "refused"),
        ("control.stop", "gateway", "refused"),
    ]


def test_bad_suspensions_name_the_field(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, dpo = make_user(store, "dora.dpo", Role.DPO)
    short = client.post("/api/v1/control/switches", headers=auth(dpo),
                        json={"scope": "all", "reason": "why"})  # fmt: skip
    nameless = client.post("/api/v1/control/switches", headers=auth(dpo),
                           json={"scope": "rule", "reason": "a rule misfires badly"})  # fmt: skip
    assert (short.status_code, short.json()["location"]) == (422, "reason")
    assert (nameless.status_code, nameless.json()["location"]) == (422, "target")
    missing = client.post("/api/v1/control/switches/99/lift", headers=auth(dpo),
                          json={"reason": "nothing to lift here"})  # fmt: skip
    assert missing.status_code == 404


@pytest.mark.safeguard("SG-55")
def test_cli_suspend_status_and_lift(store: Store, cli: CliRunner) -> None:
    make_user(store, "dana.dpo", Role.DPO)
    make_user(store, "sam.sup", Role.SUPERVISOR)
    rule = cli.invoke(control_app, ["suspend", "--rule", "R-7", "--reason", "false positives",
                                    "--as", "dana.dpo"])  # fmt: skip
    assert rule.exit_code == 0, rule.output
    assert store.switches.state().rules == frozenset({"R-7"})
    status = cli.invoke(control_app, ["status", "--as", "sam.sup"])
    assert status.exit_code == 0 and "R-7" in status.output
    [switch] = store.switches.active()
    assert (switch.scope, switch.set_by) == (Scope.RULE, "dana.dpo")
    lifted = cli.invoke(control_app, ["lift", str(switch.id), "--reason", "rule corrected",
                                      "--as", "dana.dpo"])  # fmt: skip
    assert lifted.exit_code == 0, lifted.output
    assert store.switches.active() == []
    assert "nothing is suspended" in cli.invoke(control_app, ["status", "--as", "sam.sup"]).output
    both = cli.invoke(control_app, ["suspend", "--all", "--list", "x", "--reason", "two scopes",
                                    "--as", "dana.dpo"])  # fmt: skip
    assert isinstance(both.exception, RefusedError)
    refused = cli.invoke(
        control_app, ["suspend", "--all", "--reason", "supervisor tries", "--as", "sam.sup"]
    )
    assert isinstance(refused.exception, ForbiddenError) and not store.switches.state().all
    assert [(a, actor, outcome) for a, actor, outcome, _ in audit_actions(store)] == [
        ("control.suspend", "dana.dpo", "done"),
        ("control.lift", "dana.dpo", "done"),
        ("control.stop", "sam.sup", "refused"),
    ]
