"""`interlock serve` as a real server on a loopback port, fed a generated manifest over HTTP by
a gateway's service account and read back by an analyst, each with an API token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from auth_helpers import auth, make_user
from interlock.access.roles import Role
from interlock.generate.traffic import generate_traffic
from interlock.ingest.paxlst_write import write_paxlst
from interlock.settings import Settings
from interlock.store import Store


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def tokens(tmp_path: Path) -> dict[str, str]:
    """API tokens of a gateway service account and an analyst, made in the node's store."""
    store = Store.from_settings(Settings(data_dir=tmp_path / "node"))
    try:
        return {
            "gateway": make_user(store, "gateway", Role.SERVICE, service=True)[1],
            "analyst": make_user(store, "ana.lyst", Role.ANALYST)[1],
        }
    finally:
        store.dispose()


@pytest.fixture
def node(tmp_path: Path, tokens: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "INTERLOCK_DATA_DIR": str(tmp_path / "node")}
    env.pop("INTERLOCK_DATABASE_URL", None)
    exe = Path(sys.executable).with_name("interlock")
    process = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("interlock serve did not answer /health within 10 s")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_manifest_posted_to_the_running_node_is_stored(node: str, tokens: dict[str, str]) -> None:
    traffic = generate_traffic(150, seed=5)
    flight = traffic.flights[0]
    body = write_paxlst(flight.flight, flight.passengers, sender="XYAIR", recipient="NODE",
                        reference="E2E1", prepared_at=datetime(2026, 6, 1, 5, 0))  # fmt: skip
    gateway = auth(tokens["gateway"], purpose=None, reason=None)
    analyst = auth(tokens["analyst"], purpose=None, reason=None)
    first = httpx.post(f"{node}/api/v1/messages", content=body.encode(), headers=gateway,
                       timeout=30)  # fmt: skip
    again = httpx.post(f"{node}/api/v1/messages", content=body.encode(), headers=gateway,
                       timeout=30)  # fmt: skip
    assert first.status_code == 201, first.text
    assert first.json()["travellers"] == len(flight.passengers)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    key = flight.flight.key
    stored = httpx.get(f"{node}/api/v1/flights/{key}", headers=analyst, timeout=30)
    assert stored.status_code == 200, stored.text
    assert httpx.get(f"{node}/docs", timeout=30).status_code == 200
    assert "/api/v1/messages" in httpx.get(f"{node}/openapi.json", timeout=30).json()["paths"]
