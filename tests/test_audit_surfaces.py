"""Reading the audit log over HTTP and with ``interlock audit show``: the DPO and auditors
only (SG-34), every other role 403 (and that refusal logged); verify and head (SG-33)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from auth_helpers import app_store, auth, make_user, node_app
from interlock.access.roles import Role
from interlock.audit.log import AuditEvent
from interlock.cli_audit import app as audit_app
from interlock.errors import ForbiddenError
from interlock.store import Store


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(node_app(store_url, tmp_path / "node")) as test_client:
        store = app_store(test_client.app)  # type: ignore[arg-type]
        for number in range(3):
            store.audit.write(AuditEvent(actor="ana.lyst", action="traveller.read",
                                         subject_kind="traveller", subject_id=str(number)))  # fmt: skip
        store.audit.write(AuditEvent(actor="ana.lyst", action="alert.read",
                                     subject_kind="alert", subject_id="7"))  # fmt: skip
        yield test_client


@pytest.mark.safeguard("SG-34")
@pytest.mark.parametrize("role", [Role.DPO, Role.AUDITOR])
def test_dpo_and_auditor_read_and_verify(client: TestClient, role: Role) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, token = make_user(store, "overseer", role)
    everything = client.get("/api/v1/audit", headers=auth(token))
    assert everything.status_code == 200, everything.text
    assert [e["seq"] for e in everything.json()] == [1, 2, 3, 4]
    alert = client.get("/api/v1/audit", params={"subject_kind": "alert"}, headers=auth(token))
    assert [(e["action"], e["subject_id"]) for e in alert.json()] == [("alert.read", "7")]
    later = client.get("/api/v1/audit", params={"after_seq": 3, "action": "traveller.read"},
                       headers=auth(token)).json()  # fmt: skip
    assert later == []  # entry 4 is alert.read, 5 and 6 are the readings just made
    readings = client.get("/api/v1/audit", params={"action": "audit.read"}, headers=auth(token))
    assert [e["actor"] for e in readings.json()] == ["overseer"] * 3
    verified = client.get("/api/v1/audit/verify", headers=auth(token)).json()
    assert verified["ok"] and verified["problems"] == [] and verified["entries"] >= 7
    head = client.get("/api/v1/audit/head", headers=auth(token)).json()
    assert head["head"] == f"{head['seq']}:{head['hash']}" and head["seq"] >= 7
    checked = client.get("/api/v1/audit/verify", params={"head": head["head"]},
                         headers=auth(token))  # fmt: skip
    assert checked.json()["ok"]
    bad = client.get("/api/v1/audit/verify", params={"head": "1:zz"}, headers=auth(token))
    assert (bad.status_code, bad.json()["location"]) == (422, "head")


@pytest.mark.safeguard("SG-34")
@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.DPO, Role.AUDITOR)])
def test_every_other_role_is_refused_and_the_refusal_logged(client: TestClient, role: Role) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, token = make_user(store, "curious", role, service=role is Role.SERVICE)
    assert client.get("/api/v1/audit", headers=auth(token)).status_code == 403
    assert client.get("/api/v1/audit/verify", headers=auth(token)).status_code == 403
    assert client.get("/api/v1/audit/head", headers=auth(token)).status_code == 200
    assert client.get("/api/v1/audit").status_code == 401
    dpo, _ = make_user(store, "dpo", Role.DPO)
    refused = store.audit.entries(dpo, action="audit.read")[:2]
    assert [(e.actor, e.outcome) for e in refused] == [("curious", "refused")] * 2


@pytest.mark.safeguard("SG-34")
def test_cli_show_is_for_the_dpo_and_auditors(store: Store, cli: CliRunner) -> None:
    make_user(store, "dora.dpo", Role.DPO)
    make_user(store, "sam.sup", Role.SUPERVISOR)
    store.audit.write(AuditEvent(actor="ana.lyst", action="traveller.search",
                                 purpose="serious-crime", reason="case 2026/7 check"))  # fmt: skip
    shown = cli.invoke(audit_app, ["show", "--as", "dora.dpo", "--action", "traveller.search"])
    assert shown.exit_code == 0, shown.output
    assert "seq" in shown.output and "actor" in shown.output
    as_json = cli.invoke(audit_app, ["show", "--as", "dora.dpo", "--json", "--action",
                                     "traveller.search"])  # fmt: skip
    [entry] = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert (entry["actor"], entry["reason"]) == ("ana.lyst", "case 2026/7 check")
    refused = cli.invoke(audit_app, ["show", "--as", "sam.sup"])
    assert isinstance(refused.exception, ForbiddenError)
    dpo, _ = make_user(store, "dpo2", Role.DPO)
    [refusal] = [e for e in store.audit.entries(dpo, action="audit.read") if e.actor == "sam.sup"]
    assert refusal.outcome == "refused"
    assert cli.invoke(audit_app, ["verify"]).exit_code == 0  # no sign-in needed
