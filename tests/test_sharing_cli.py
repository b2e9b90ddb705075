"""``interlock partners``, ``interlock share`` and ``interlock ledger`` as an operator uses
them: two nodes, each its own data folder, cards handed over as files, a list published,
pushed to the partner (served on loopback HTTPS), verified there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from auth_helpers import PASSWORD, make_user
from interlock.access.roles import Role
from interlock.api.app import create_app
from interlock.cli import app
from interlock.settings import Settings, get_settings
from interlock.sharing.identity import node_identity
from interlock.sharing.loopback import LoopbackServer, free_port
from interlock.store import Store
from test_ingest_screening import SOUGHT, import_list, person, synthetic_entry

WANTED = person("KOVALENKO", "MARTA IRYNA", date(1984, 2, 11), "UKR", "FX7733210")
KINDS = "watchlist-entry,watchlist-revocation,correction"


class Operator:
    """Runs ``interlock`` as one node's operator (its data folder and address)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, folder: Path, name: str, port: int):
        self.monkeypatch = monkeypatch
        self.env = {
            "INTERLOCK_DATA_DIR": str(folder),
            "INTERLOCK_NODE_NAME": name,
            "INTERLOCK_PUBLIC_URL": f"https://127.0.0.1:{port}",
            "INTERLOCK_PASSWORD": PASSWORD,
        }
        self.folder, self.name, self.port = folder, name, port
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool = True) -> Any:
        for key, value in self.env.items():
            self.monkeypatch.setenv(key, value)
        self.monkeypatch.delenv("INTERLOCK_DATABASE_URL", raising=False)
        self.monkeypatch.delenv("INTERLOCK_TOKEN", raising=False)
        get_settings.cache_clear()
        try:
            result = self.runner.invoke(app, list(args))
        finally:
            get_settings.cache_clear()
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def settings(self) -> Settings:
        return Settings(
            data_dir=self.folder,
            node_name=self.name,
            public_url=f"https://127.0.0.1:{self.port}",
            screen_workers=0,
        )


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Operator, Operator]]:
    alpha = Operator(monkeypatch, tmp_path / "alpha", "alpha", free_port())
    bravo = Operator(monkeypatch, tmp_path / "bravo", "bravo", free_port())
    for op in (alpha, bravo):
        store = Store.from_settings(op.settings())
        try:
            make_user(store, "admin", Role.ADMIN)
            make_user(store, "lena", Role.LIAISON)
        finally:
            store.dispose()
    yield alpha, bravo
    get_settings.cache_clear()


def test_two_operators_register_each_other_and_share_a_list(
    two: tuple[Operator, Operator], tmp_path: Path
) -> None:
    alpha, bravo = two
    for op, other in ((alpha, bravo), (bravo, alpha)):
        card = tmp_path / f"{op.name}-card.json"
        op("partners", "identity", "--out", str(card))
        assert json.loads(card.read_text())["name"] == op.name
        added = other("partners", "add", str(card), "--as", "admin")
        assert f"partner {op.name}" in added.output
        other(
            "partners", "agreement", op.name, "--kinds", KINDS, "--purposes", "serious-crime",
            "--max-tlp", "amber", "--valid-until", "2027-12-31", "--legal-basis",
            "Bilateral agreement 2026/7", "--as", "admin",
        )  # fmt: skip
    listed = json.loads(alpha("partners", "list", "--json").output)
    assert [p["name"] for p in listed] == ["bravo"]
    assert listed[0]["agreement"]["kinds"] == sorted(KINDS.split(","))
    # a liaison shares but does not manage partners (partner.manage: admin)
    assert alpha("partners", "suspend", "bravo", "--as", "lena", ok=False).exit_code != 0
    assert "suspended" in alpha("partners", "suspend", "bravo", "--as", "admin").output
    assert json.loads(alpha("partners", "list", "--json").output)[0]["active"] is False
    assert "resumed" in alpha("partners", "resume", "bravo", "--as", "admin").output

    store = Store.from_settings(alpha.settings())
    try:
        import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    finally:
        store.dispose()
    refused = alpha(
        "share", "publish", SOUGHT.name, "--to", "bravo", "--reason",
        "persons sought, for screening", "--purpose", "terrorist-offence", "--as", "lena",
        ok=False,
    )  # fmt: skip
    assert "purpose: terrorist-offence is not covered" in str(refused.exception)
    published = alpha(
        "share", "publish", SOUGHT.name, "--to", "bravo", "--reason",
        "persons sought, for screening", "--purpose", "serious-crime", "--as", "lena",
    )  # fmt: skip
    assert "bravo: 1 entries, 0 revocations" in published.output
    queued = json.loads(alpha("share", "outbox", "--json", "--as", "lena").output)
    assert [(m["recipient"], m["status"]) for m in queued] == [("bravo", "pending")]

    bravo_app = create_app(bravo.settings(), sharing_loop=False)
    identity = node_identity(bravo.settings())
    server = LoopbackServer(
        bravo_app, port=bravo.port, tls=(identity.tls_cert_path, identity.tls_key_path)
    )
    server.start()
    try:
        pushed = alpha("share", "push")
        assert "delivered 1, rejected 0, failed 0" in pushed.output
        got = json.loads(bravo("share", "inbox", "--json", "--as", "lena").output)
        assert [(m["sender"], m["kind"], m["status"]) for m in got] == [
            ("alpha", "watchlist-entry", "accepted")
        ]
        assert _held(bravo) == ["NS-1"]
        # a revocation, then a correction of the first message, each pushed and applied
        alpha(
            "share", "revoke", SOUGHT.name, "NS-1", "--reason", "delisted on appeal",
            "--purpose", "serious-crime", "--as", "lena",
        )  # fmt: skip
        assert "delivered 1" in alpha("share", "push").output
        assert _held(bravo) == []
        first = got[0]["message_id"]
        corrected = alpha(
            "share", "correct", first, "--reason", "the entry was listed in error",
            "--purpose", "serious-crime", "--as", "lena",
        )  # fmt: skip
        assert list(json.loads(corrected.output)["sent"]) == ["bravo"]
        assert "delivered 1" in alpha("share", "push").output
    finally:
        server.stop()
    kinds = [
        m["kind"] for m in json.loads(bravo("share", "inbox", "--json", "--as", "lena").output)
    ]
    assert kinds == ["correction", "watchlist-revocation", "watchlist-entry"]  # newest first
    # alpha: registry (partner, agreement, suspended, resumed), then sent and receipt x 3;
    # bravo: registry (partner, agreement), then received and receipt-sent x 3
    for op, leaves in ((alpha, 10), (bravo, 8)):
        assert op("ledger", "verify").output.startswith(f"ledger intact: {leaves} leaves")


def _held(op: Operator) -> list[str]:
    store = Store.from_settings(op.settings())
    try:
        held = store.watchlists.active_entries("partner:alpha:National sought", date.today())
        return [e.entry_id for e in held]
    finally:
        store.dispose()
