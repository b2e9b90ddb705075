"""Signing in and out, accounts, roles and tokens: over HTTP and with ``interlock users``, on
SQLite and PostgreSQL. Every account change is audited, with no password or token in it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from auth_helpers import PASSWORD, app_store, auth, make_user, node_app
from interlock.access.roles import Role
from interlock.api.auth import SESSION_COOKIE
from interlock.cli_users import app as users_app
from interlock.errors import ConflictError, ForbiddenError, RefusedError, UnauthorizedError
from interlock.settings import get_settings
from interlock.store import Store

NEW_PASSWORD = "another long passphrase"


def audit_text(store: Store) -> str:
    """Every stored audit entry as JSON text (read as the DPO would, through the log)."""
    dpo, _ = make_user(store, f"dpo{len(store.users.all())}", Role.DPO)
    return json.dumps([e.to_dict() for e in store.audit.entries(dpo, limit=10_000)])


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(node_app(store_url, tmp_path / "node")) as test_client:
        yield test_client


# --- sessions ---------------------------------------------------------------------------------


@pytest.mark.safeguard("SG-38")
def test_sign_in_cookie_me_and_sign_out(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    make_user(store, "ana.lyst", Role.ANALYST, Role.REVIEWER)
    response = client.post("/api/v1/session", json={"username": "ana.lyst", "password": PASSWORD})
    assert response.status_code == 200, response.text
    secret = response.json()["session"]
    assert secret.startswith("ils_")
    cookie = response.headers["set-cookie"]
    assert f"{SESSION_COOKIE}={secret}" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    me = client.get("/api/v1/me")  # the cookie alone
    assert me.status_code == 200
    assert (me.json()["username"], me.json()["roles"]) == ("ana.lyst", ["analyst", "reviewer"])
    assert "alert.decide" in me.json()["actions"] and "audit.read" not in me.json()["actions"]
    assert client.delete("/api/v1/session").status_code == 204
    client.cookies.clear()
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    assert client.get("/api/v1/me").status_code == 401
    text = audit_text(store)
    assert '"session.open"' in text and '"session.close"' in text
    assert secret not in text and PASSWORD not in text


@pytest.mark.safeguard("SG-33")
def test_wrong_password_is_401_and_audited_without_the_password(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    make_user(store, "ana.lyst", Role.ANALYST)
    wrong = client.post("/api/v1/session", json={"username": "ana.lyst", "password": "nope-x"})
    unknown = client.post("/api/v1/session", json={"username": "nobody", "password": "nope-x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]  # no telling which was wrong
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
    refused = [e for e in store.audit.entries(make_user(store, "dpo", Role.DPO)[0])
               if e.action == "session.open"]  # fmt: skip
    assert [e.outcome for e in refused] == ["refused", "refused"]
    assert "nope-x" not in audit_text(store)


@pytest.mark.safeguard("SG-40")
def test_a_service_cannot_sign_in_with_a_password(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, token = make_user(store, "gateway", Role.SERVICE, service=True)
    response = client.post("/api/v1/session", json={"username": "gateway", "password": "x" * 12})
    assert response.status_code == 401
    me = client.get("/api/v1/me", headers=auth(token)).json()
    assert (me["kind"], me["credential"], me["actions"]) == ("service", "token", ["message.ingest"])


# --- accounts over HTTP -----------------------------------------------------------------------


@pytest.mark.safeguard("SG-38")
def test_admin_manages_accounts_and_every_change_is_audited(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, admin = make_user(store, "root", Role.ADMIN)
    headers = auth(admin)
    person = {"username": "rita.view", "roles": ["analyst"], "password": NEW_PASSWORD,
              "unit": "PIU-1"}  # fmt: skip
    created = client.post("/api/v1/users", json=person, headers=headers)
    assert created.status_code == 201, created.text
    assert (created.json()["roles"], created.json()["is_service"]) == (["analyst"], False)
    service = {"username": "xyair-gw", "roles": ["service"], "service": True}
    assert client.post("/api/v1/users", json=service, headers=headers).status_code == 201
    again = client.post("/api/v1/users", json=person, headers=headers)
    assert again.status_code == 409
    changed = client.put("/api/v1/users/rita.view/roles", json={"roles": ["reviewer"]},
                         headers=headers)  # fmt: skip
    assert changed.json()["roles"] == ["reviewer"]
    issued = client.post("/api/v1/users/xyair-gw/tokens", json={"label": "gateway", "days": 30},
                         headers=headers)  # fmt: skip
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert client.get("/api/v1/me", headers=auth(token)).json()["username"] == "xyair-gw"
    listed = client.get("/api/v1/users", headers=headers).json()
    assert [u["username"] for u in listed] == ["root", "rita.view", "xyair-gw"] or sorted(
        u["username"] for u in listed
    ) == ["rita.view", "root", "xyair-gw"]
    assert client.post("/api/v1/users/xyair-gw/disable", headers=headers).json()["disabled"]
    assert client.get("/api/v1/me", headers=auth(token)).status_code == 401
    text = audit_text(store)
    for action in ("user.create", "user.roles", "user.token", "user.disable"):
        assert f'"{action}"' in text, action
    assert NEW_PASSWORD not in text and token not in text and token[:10] not in text


@pytest.mark.safeguard("SG-38")
@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admin_manages_accounts(store: Store, store_url: str, tmp_path: Path,
                                     role: Role) -> None:  # fmt: skip
    _, token = make_user(store, "someone", role, service=role is Role.SERVICE)
    with TestClient(node_app(store_url, tmp_path / "node")) as client:
        listing = client.get("/api/v1/users", headers=auth(token))
        creating = client.post("/api/v1/users", headers=auth(token),
                               json={"username": "eve", "roles": ["admin"], "password": "x" * 12})  # fmt: skip
    assert (listing.status_code, creating.status_code) == (403, 403)
    assert [u.username for u in store.users.all()] == ["someone"]
    refused = store.audit.entries(make_user(store, "dpo", Role.DPO)[0], action="user.manage")
    assert [e.outcome for e in refused] == ["refused", "refused"]


def test_bad_account_requests_name_the_field(client: TestClient) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, admin = make_user(store, "root", Role.ADMIN)
    cases = [
        ({"username": "a b", "roles": ["analyst"], "password": NEW_PASSWORD}, "username"),
        ({"username": "ok.name", "roles": ["wizard"], "password": NEW_PASSWORD}, "roles"),
        ({"username": "ok.name", "roles": ["analyst"], "password": "short"}, "password"),
        ({"username": "gw", "roles": ["service"], "service": True, "password": "x" * 12},
         "password"),
        ({"username": "ok.name", "roles": ["service"], "password": NEW_PASSWORD}, "roles"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post("/api/v1/users", json=body, headers=auth(admin))
        assert response.status_code == 422, body
        assert response.json()["location"] == field, body


def test_the_last_admin_cannot_be_disabled_or_demoted(store: Store) -> None:
    from interlock.access.accounts import change_roles, disable_account

    root, _ = make_user(store, "root", Role.ADMIN)
    with pytest.raises(ConflictError, match="last enabled admin"):
        disable_account(store, root, "root")
    with pytest.raises(ConflictError, match="last enabled admin"):
        change_roles(store, root, "root", (Role.SUPERVISOR,))
    make_user(store, "root2", Role.ADMIN)
    assert disable_account(store, root, "root").disabled


# --- interlock users --------------------------------------------------------------------------


def act_as(monkeypatch: pytest.MonkeyPatch, username: str, password: str = PASSWORD) -> None:
    monkeypatch.setenv("INTERLOCK_USER", username)
    monkeypatch.setenv("INTERLOCK_PASSWORD", password)
    get_settings.cache_clear()


@pytest.mark.safeguard("SG-38")
def test_cli_bootstrap_makes_only_the_first_admin(bare_cli: CliRunner, store: Store) -> None:
    refused = bare_cli.invoke(users_app, ["add", "ana", "--role", "analyst", "--password-stdin"],
                         input=NEW_PASSWORD + "\n")  # fmt: skip
    assert isinstance(refused.exception, RefusedError) and store.users.all() == []
    first = bare_cli.invoke(users_app, ["add", "root", "--role", "admin", "--password-stdin"],
                       input=NEW_PASSWORD + "\n")  # fmt: skip
    assert first.exit_code == 0, first.output
    assert store.users.get("root").roles == (Role.ADMIN,)
    second = bare_cli.invoke(users_app, ["add", "eve", "--role", "admin", "--password-stdin"],
                        input=NEW_PASSWORD + "\n")  # fmt: skip
    assert isinstance(second.exception, UnauthorizedError)
    assert [u.username for u in store.users.all()] == ["root"]
    [entry] = store.audit.entries(make_user(store, "dpo", Role.DPO)[0], action="user.create")
    assert (entry.actor, entry.actor_kind, entry.detail["bootstrap"]) == ("node", "system", True)


@pytest.mark.safeguard("SG-38")
def test_cli_admin_adds_lists_changes_tokens_and_disables(
    bare_cli: CliRunner, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(store, "root", Role.ADMIN)
    act_as(monkeypatch, "root")
    prompted = bare_cli.invoke(users_app, ["add", "rita", "--role", "analyst", "--unit", "PIU-1",
                                      "--display-name", "Rita V."],
                          input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    assert store.users.authenticate("rita", NEW_PASSWORD).unit == "PIU-1"
    gateway = bare_cli.invoke(users_app, ["add", "xyair-gw", "--role", "service", "--service"])
    assert gateway.exit_code == 0, gateway.output
    listing = bare_cli.invoke(users_app, ["list"])
    assert "rita" in listing.output and "xyair-gw" in listing.output and "service" in listing.output
    roles = bare_cli.invoke(users_app, ["roles", "rita", "--role", "reviewer", "--role", "analyst"])
    assert roles.exit_code == 0 and store.users.get("rita").roles == (Role.REVIEWER, Role.ANALYST)
    issued = bare_cli.invoke(users_app, ["token", "xyair-gw", "--label", "gw", "--days", "7"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[-1]
    assert store.users.resolve(token).username == "xyair-gw"
    assert bare_cli.invoke(users_app, ["disable", "xyair-gw"]).exit_code == 0
    with pytest.raises(UnauthorizedError):
        store.users.resolve(token)
    text = audit_text(store)
    assert text.count('"user.create"') == 2 and '"user.token"' in text
    assert NEW_PASSWORD not in text and token not in text


@pytest.mark.safeguard("SG-38")
def test_cli_refuses_a_non_admin_and_a_wrong_password(
    bare_cli: CliRunner, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(store, "root", Role.ADMIN)
    make_user(store, "sup", Role.SUPERVISOR)
    act_as(monkeypatch, "sup")
    result = bare_cli.invoke(users_app, ["roles", "sup", "--role", "admin"])
    assert isinstance(result.exception, ForbiddenError)
    assert store.users.get("sup").roles == (Role.SUPERVISOR,)
    act_as(monkeypatch, "root", "not the password")
    assert isinstance(bare_cli.invoke(users_app, ["list"]).exception, UnauthorizedError)
    refused = store.audit.entries(make_user(store, "dpo", Role.DPO)[0], action="user.manage")
    assert [(e.actor, e.outcome) for e in refused] == [("sup", "refused")]


@pytest.mark.safeguard("SG-33")
def test_an_account_change_and_its_audit_entry_commit_together(store: Store) -> None:
    from interlock.access.accounts import add_account
    from interlock.access.users import UserInfo
    from interlock.audit.log import AuditEvent

    admin, _ = make_user(store, "root", Role.ADMIN)
    dpo, _ = make_user(store, "dora", Role.DPO)
    add_account(store, admin, "ana.lyst", (Role.ANALYST,), password=PASSWORD)
    [created] = store.audit.entries(dpo, action="user.create")
    assert (created.actor, created.subject_kind, created.detail["username"]) == (
        "root",
        "user",
        "ana.lyst",
    )

    def failing(_user: UserInfo) -> AuditEvent:
        raise RuntimeError("the audit entry could not be made")

    # When the entry cannot be written, the change is not made either.
    with pytest.raises(RuntimeError):
        store.users.create("eve", (Role.ANALYST,), password=PASSWORD, audit=failing)
    assert "eve" not in [u.username for u in store.users.all()]
    with pytest.raises(RuntimeError):
        store.users.disable("ana.lyst", audit=failing)
    assert not store.users.get("ana.lyst").disabled
