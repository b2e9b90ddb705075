"""The ledger between real nodes on loopback: checkpoints, tiles and proofs read over HTTP, and
cosignatures collected from partner witnesses (C2SP tlog-witness), including a witness that
is down and back, a lost witness state recovered through 409, and a forked log caught."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from interlock.api.errors import install_error_handler
from interlock.api.ledger import ledger_router
from interlock.ledger import merkle
from interlock.ledger.cosigning import CosignStatus, WitnessEndpoint, collect_cosignatures
from interlock.ledger.log import Ledger, leaf_bytes
from interlock.ledger.note import Checkpoint, KeyType, Signer, Verifier, parse_note
from interlock.ledger.tiles import TileReader, read_bundle
from interlock.ledger.witness import (
    TLOG_SIZE,
    AddCheckpoint,
    AlarmKind,
    Witness,
    alarms,
)
from interlock.store import Store, migrate
from node_servers import LoopbackServer, free_port

DIGEST = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"


def share(i: int, recipient: str = "node-b") -> dict[str, Any]:
    return {"event": "share.sent", "message_id": f"msg-{i:06d}", "sender": "node-a",
            "recipient": recipient, "seq": i, "content_sha256": DIGEST,
            "at": "2026-11-26T10:00:00Z"}  # fmt: skip


@dataclass
class Node:
    """A node's ledger and witness, served by its own app on a loopback port."""

    store: Store
    ledger: Ledger
    witness: Witness
    server: LoopbackServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def endpoint(self) -> WitnessEndpoint:
        """How partners reach this node as a witness."""
        key = self.witness.signer
        return WitnessEndpoint(key.name, f"{self.url}/ledger", key.verifier)


def node_app(ledger: Ledger, witness: Witness) -> FastAPI:
    app = FastAPI()
    app.state.ledger = ledger
    app.state.witness = witness
    install_error_handler(app)
    app.include_router(ledger_router())
    return app


def sqlite_store(path: Path) -> Store:
    url = f"sqlite:///{path}"
    migrate(url)
    return Store.open(url, migrate=False)


@pytest.fixture
def nodes(store: Store, tmp_path: Path) -> Iterator[tuple[Node, Node, Node]]:
    """Nodes a (on each engine), b and c; every witness knows every node's log key."""
    known: dict[str, Verifier] = {}
    with ExitStack() as stack:
        started: list[Node] = []
        for name, own in (("node-a", store), ("node-b", None), ("node-c", None)):
            if own is None:
                own = sqlite_store(tmp_path / f"{name}.db")
                stack.callback(own.dispose)
            log_key = Signer.generate(f"{name}.interlock/ledger")
            known[log_key.name] = log_key.verifier
            ledger = Ledger(own.sessions, log_key)
            witness_key = Signer.generate(f"{name}.interlock/witness", KeyType.COSIGNATURE)
            witness = Witness(own.sessions, witness_key, lambda: known)
            server = LoopbackServer(node_app(ledger, witness))
            server.start()
            stack.callback(server.stop)
            started.append(Node(own, ledger, witness, server))
        a, b, c = started
        yield a, b, c


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def served_checkpoint(http: httpx.Client, node: Node) -> tuple[Any, Checkpoint]:
    response = http.get(f"{node.url}/ledger/checkpoint")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    note = parse_note(response.text)
    assert note.verified_by(node.ledger.signer.verifier)
    return note, Checkpoint.parse(note.text)


def unb64(value: str) -> bytes:
    return base64.b64decode(value)


# -- reading the log over HTTP ------------------------------------------------------------------


def test_tiles_rebuild_the_signed_root_and_proofs(
    nodes: tuple[Node, ...], http: httpx.Client
) -> None:
    a = nodes[0]
    a.ledger.write_many([share(i) for i in range(600)])
    _, checkpoint = served_checkpoint(http, a)

    def fetch(path: str) -> bytes:
        response = http.get(f"{a.url}/ledger/{path}")
        assert response.status_code == 200, path
        assert response.headers["content-type"] == "application/octet-stream"
        assert "immutable" in response.headers["cache-control"]
        return response.content

    reader = TileReader(fetch, checkpoint.size)
    assert reader.root() == checkpoint.root
    leaves = read_bundle(fetch("tile/entries/001"))
    assert leaves == [leaf_bytes(share(i)) for i in range(256, 512)]
    proof = reader.inclusion_proof(300)
    assert merkle.verify_inclusion(merkle.leaf_hash(leaves[300 - 256]), 300, 600, proof,
                                   checkpoint.root)  # fmt: skip
    assert len(read_bundle(fetch("tile/entries/002.p/88"))) == 88
    for missing in ("tile/0/003", "tile/0/002.p/89", "tile/entries/002", "tile/0/x000/002"):
        assert http.get(f"{a.url}/ledger/{missing}").status_code == 404


def test_proofs_as_json_verify_against_signed_checkpoints(
    nodes: tuple[Node, ...], http: httpx.Client
) -> None:
    a = nodes[0]
    a.ledger.write_many([share(i) for i in range(5)])
    _, older = served_checkpoint(http, a)
    a.ledger.write_many([share(i) for i in range(5, 12)])
    _, newer = served_checkpoint(http, a)
    step = http.get(f"{a.url}/ledger/proof/consistency",
                    params={"first": 5, "second": 12}).json()  # fmt: skip
    proof = [unb64(h) for h in step["proof"]]
    assert merkle.verify_consistency(5, 12, proof, older.root, newer.root)
    by_index = http.get(f"{a.url}/ledger/proof/inclusion", params={"index": 7}).json()
    path = [unb64(h) for h in by_index["proof"]]
    digest = merkle.leaf_hash(leaf_bytes(share(7)))
    assert unb64(by_index["leaf_hash"]) == digest
    assert merkle.verify_inclusion(digest, 7, 12, path, newer.root)
    for bad in ({}, {"index": 1, "leaf_hash": digest.hex()}, {"leaf_hash": "zz"}, {"index": 12}):
        assert http.get(f"{a.url}/ledger/proof/inclusion", params=bad).status_code == 422
    unknown = {"leaf_hash": merkle.leaf_hash(b"never logged").hex()}
    assert http.get(f"{a.url}/ledger/proof/inclusion", params=unknown).status_code == 404


# -- cosigning between nodes --------------------------------------------------------------------


def test_partners_cosign_the_growing_log(
    nodes: tuple[Node, Node, Node], http: httpx.Client
) -> None:
    a, b, c = nodes
    a.ledger.write_many([share(i) for i in range(5)])
    outcomes = collect_cosignatures(a.ledger, [b.endpoint, c.endpoint], http)
    assert [o.status for o in outcomes] == [CosignStatus.COSIGNED] * 2
    note, checkpoint = served_checkpoint(http, a)
    assert checkpoint.size == 5
    assert note.verified_by(b.witness.signer.verifier) and note.verified_by(
        c.witness.signer.verifier
    )
    a.ledger.write_many([share(i) for i in range(5, 12)])
    grown = collect_cosignatures(a.ledger, [b.endpoint, c.endpoint], http)
    assert [(o.status, o.size) for o in grown] == [(CosignStatus.COSIGNED, 12)] * 2
    latest = b.witness.latest(a.ledger.origin)
    assert latest is not None and (latest.size, latest.root) == (12, a.ledger.root())
    again = collect_cosignatures(a.ledger, [b.endpoint], http)
    assert again[0].status == CosignStatus.ALREADY
    assert a.ledger.verify().ok and a.ledger.verify().cosignatures == 4


def test_the_receiver_checks_inclusion_against_a_cosigned_checkpoint(
    nodes: tuple[Node, Node, Node], http: httpx.Client
) -> None:
    """Node b received message 3 from a: it rebuilds a's leaf for it, and checks it is in a's
    log under a checkpoint that b itself cosigned."""
    a, b, _ = nodes
    a.ledger.write_many([share(i) for i in range(9)])
    collect_cosignatures(a.ledger, [b.endpoint], http)
    note, checkpoint = served_checkpoint(http, a)
    assert note.verified_by(b.witness.signer.verifier)
    digest = merkle.leaf_hash(leaf_bytes(share(3)))
    found = http.get(f"{a.url}/ledger/proof/inclusion",
                     params={"leaf_hash": digest.hex(), "size": checkpoint.size}).json()  # fmt: skip
    path = [unb64(h) for h in found["proof"]]
    assert merkle.verify_inclusion(digest, found["index"], checkpoint.size, path, checkpoint.root)
    forged = merkle.leaf_hash(leaf_bytes(share(3, recipient="node-c")))
    assert not merkle.verify_inclusion(forged, found["index"], checkpoint.size, path,
                                       checkpoint.root)  # fmt: skip


def test_a_witness_down_is_reported_and_cosigns_when_back(
    nodes: tuple[Node, Node, Node], http: httpx.Client
) -> None:
    a, b, c = nodes
    a.ledger.write_many([share(i) for i in range(4)])
    c.server.stop()
    nowhere = WitnessEndpoint("node-z.interlock/witness", f"http://127.0.0.1:{free_port()}/ledger",
                              c.witness.signer.verifier)  # fmt: skip
    outcomes = collect_cosignatures(a.ledger, [c.endpoint, nowhere, b.endpoint], http)
    assert [o.status for o in outcomes] == [CosignStatus.DOWN, CosignStatus.DOWN,
                                            CosignStatus.COSIGNED]  # fmt: skip
    c.server.start()
    a.ledger.write_many([share(i) for i in range(4, 7)])
    back = collect_cosignatures(a.ledger, [c.endpoint, b.endpoint], http)
    assert [(o.status, o.size) for o in back] == [(CosignStatus.COSIGNED, 7)] * 2


def test_a_lost_witness_state_is_recovered_through_409(
    nodes: tuple[Node, Node, Node], http: httpx.Client
) -> None:
    a, b, _ = nodes
    a.ledger.write_many([share(i) for i in range(5)])
    collect_cosignatures(a.ledger, [b.endpoint], http)
    with a.store.engine.begin() as connection:
        connection.execute(text("DELETE FROM ledger_witness_state"))
    a.ledger.write_many([share(i) for i in range(5, 9)])
    stale = AddCheckpoint(0, [], a.ledger.latest_checkpoint().note).render()
    answer = http.post(f"{b.url}/ledger/add-checkpoint", content=stale)
    assert (answer.status_code, answer.headers["content-type"], answer.text) == (409, TLOG_SIZE,
                                                                                 "5\n")  # fmt: skip
    [outcome] = collect_cosignatures(a.ledger, [b.endpoint], http)
    assert (outcome.status, outcome.size) == (CosignStatus.COSIGNED, 9)
    assert a.ledger.cosigned_size(b.witness.signer.name) == 9


def test_a_forked_log_is_caught_and_alarmed(
    nodes: tuple[Node, Node, Node], http: httpx.Client, tmp_path: Path
) -> None:
    """Node a shows b one tree, then (same key, another store) a different tree of the same
    size, then an extension of the fork: b refuses both and keeps alarms."""
    a, b, _ = nodes
    a.ledger.write_many([share(i) for i in range(6)])
    collect_cosignatures(a.ledger, [b.endpoint], http)
    fork_store = sqlite_store(tmp_path / "fork.db")
    try:
        forked = Ledger(fork_store.sessions, a.ledger.signer)
        forked.write_many([share(i, recipient="node-c") for i in range(6)])
        [same_size] = collect_cosignatures(forked, [b.endpoint], http)
        assert same_size.status == CosignStatus.CONFLICT
        forked.write_many([share(i, recipient="node-c") for i in range(6, 10)])
        [grown] = collect_cosignatures(forked, [b.endpoint], http)
        assert grown.status == CosignStatus.REFUSED and grown.detail.startswith("HTTP 422")
        assert [x.kind for x in alarms(fork_store.sessions)] == [AlarmKind.CONFLICT]
    finally:
        fork_store.dispose()
    kinds = [alarm.kind for alarm in b.witness.alarms(a.ledger.origin)]
    assert kinds == [AlarmKind.FORK, AlarmKind.INCONSISTENT]
    latest = b.witness.latest(a.ledger.origin)
    assert latest is not None and latest.root == a.ledger.root(6)


def test_the_witness_endpoint_refuses_strangers(
    nodes: tuple[Node, ...], http: httpx.Client
) -> None:
    b = nodes[1]
    stranger = Signer.generate("node-x.interlock/ledger")
    note = stranger.signature_line(Checkpoint(stranger.name, 0, merkle.EMPTY_ROOT).text())
    body = f"old 0\n\n{Checkpoint(stranger.name, 0, merkle.EMPTY_ROOT).text()}\n{note}"
    assert http.post(f"{b.url}/ledger/add-checkpoint", content=body).status_code == 404
    assert http.post(f"{b.url}/ledger/add-checkpoint", content=b"\xff\xfe").status_code == 400
    huge = "old 0\n" + "A" * 70_000
    assert http.post(f"{b.url}/ledger/add-checkpoint", content=huge).status_code == 413
