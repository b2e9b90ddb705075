"""The node's ledger in the store (SQLite and PostgreSQL): appends, the SG-31 allowlist,
proofs, signed checkpoints and cosignatures, verification that finds tampering done in SQL,
C2SP tiles, and the ``interlock ledger`` commands."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from interlock.errors import NotFoundError, ParseError, RefusedError
from interlock.ledger import merkle
from interlock.ledger.log import Ledger, leaf_bytes
from interlock.ledger.merkle import MerkleTree, verify_consistency, verify_inclusion
from interlock.ledger.note import Checkpoint, KeyType, Signer, parse_note
from interlock.ledger.tiles import (
    HashTree,
    TileReader,
    TileRef,
    encode_index,
    entry_bundle,
    parse_tile_path,
    read_bundle,
    tile_bytes,
    tiles_for,
)
from interlock.settings import get_settings
from interlock.store import Store

ORIGIN = "node-a.interlock/ledger"
DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def share(i: int, **extra: Any) -> dict[str, Any]:
    """A share event as the sharing code writes it: ids, node names, digests, times."""
    return {
        "event": "share.sent",
        "message_id": f"msg-{i:06d}",
        "sender": "node-a",
        "recipient": "node-b",
        "seq": i,
        "kind": "alert-notification",
        "content_sha256": DIGEST,
        "at": "2026-11-26T10:00:00Z",
        **extra,
    }


@pytest.fixture
def signer() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture
def ledger(store: Store, signer: Signer) -> Ledger:
    return Ledger(store.sessions, signer)


def fill(ledger: Ledger, count: int, start: int = 0) -> list[int]:
    return ledger.write_many([share(i) for i in range(start, start + count)])


def sql(store: Store, statement: str, **params: Any) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement), params)


# -- leaves and the SG-31 allowlist -------------------------------------------------------------


def test_leaf_bytes_are_canonical_json() -> None:
    event = share(7)
    shuffled = dict(reversed(list(event.items())))
    data = leaf_bytes(shuffled)
    assert data == leaf_bytes(event)
    assert data.startswith(b'{"at":"2026-11-26T10:00:00Z","content_sha256":')
    assert b" " not in data and json.loads(data) == event


@pytest.mark.parametrize(
    ("event", "location"),
    [
        ({**share(1), "name": "Jane Example"}, "event.name"),
        ({**share(1), "passport_number": "X1234567"}, "event.passport_number"),
        ({**share(1), "message_id": "Jane Example"}, "event.message_id"),
        ({**share(1), "sender": "Node A"}, "event.sender"),
        ({**share(1), "seq": True}, "event.seq"),
        ({**share(1), "seq": -1}, "event.seq"),
        ({**share(1), "seq": 1.5}, "event.seq"),
        ({**share(1), "content_sha256": DIGEST.upper()}, "event.content_sha256"),
        ({**share(1), "at": "26/11/2026"}, "event.at"),
        ({**share(1), "at": "٢٠٢٦-11-26T10:00:00Z"}, "event.at"),
        ({**share(1), "recipients": "node-b"}, "event.recipients"),
        ({**share(1), "detail": {"note": "free text"}}, "event.detail"),
        ({k: v for k, v in share(1).items() if k != "event"}, "event"),
    ],
)
def test_anything_but_digests_and_pseudonymous_ids_is_refused(
    event: dict[str, Any], location: str
) -> None:
    with pytest.raises(RefusedError) as refused:
        leaf_bytes(event)
    assert refused.value.location == location


def test_suffix_fields_and_lists_of_nodes_are_allowed() -> None:
    event = share(1, recipients=["node-b", "node-c"], received_at="2026-11-26T10:00:01.5+00:00",
                  bundle_digest=DIGEST, object_count=3)  # fmt: skip
    assert json.loads(leaf_bytes(event))["recipients"] == ["node-b", "node-c"]


def test_a_refused_event_in_a_batch_appends_nothing(ledger: Ledger) -> None:
    with pytest.raises(RefusedError):
        ledger.write_many([share(0), {**share(1), "name": "Jane Example"}])
    assert ledger.size() == 0


# -- appending and reading ----------------------------------------------------------------------


def test_appends_get_consecutive_indexes_and_read_back(store: Store, ledger: Ledger) -> None:
    with store.transaction() as session:
        assert ledger.append(session, share(0)) == 0
        assert ledger.append_many(session, [share(1), share(2)]) == [1, 2]
    assert ledger.write(share(3)) == 3
    assert ledger.size() == 4
    assert json.loads(ledger.leaf(2)) == share(2)
    assert ledger.leaves(1, 3) == [leaf_bytes(share(1)), leaf_bytes(share(2))]
    assert ledger.root() == merkle.root_hash([leaf_bytes(share(i)) for i in range(4)])
    with pytest.raises(NotFoundError):
        ledger.leaf(4)


def test_a_rolled_back_append_leaves_no_trace(store: Store, ledger: Ledger) -> None:
    fill(ledger, 2)
    with pytest.raises(RuntimeError), store.transaction() as session:
        ledger.append(session, share(99))
        raise RuntimeError("the action failed, so its ledger entry goes too")
    assert ledger.size() == 2
    assert ledger.write(share(2)) == 2
    assert ledger.verify().ok


def test_leaf_found_by_its_hash(ledger: Ledger) -> None:
    fill(ledger, 5)
    assert ledger.index_of(merkle.leaf_hash(leaf_bytes(share(3)))) == 3
    with pytest.raises(NotFoundError):
        ledger.index_of(merkle.leaf_hash(b"not in the log"))


def test_concurrent_appenders_get_distinct_consecutive_indexes(
    store: Store, signer: Signer
) -> None:
    """Four appenders with their own connections (as four processes would have) and their own
    ledger objects: every index is handed out once and the log verifies."""
    got: list[int] = []
    errors: list[BaseException] = []

    def appender(worker: int) -> None:
        own = Ledger(store.sessions, signer)
        try:
            for i in range(15):
                got.extend(own.write_many([share(worker * 1000 + i), share(worker * 1000 + i)]))
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=appender, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(got) == list(range(120))
    report = Ledger(store.sessions, signer).verify()
    assert report.ok and report.leaves == report.head == 120


def test_a_second_ledger_object_sees_committed_appends(store: Store, signer: Signer) -> None:
    writer, reader = Ledger(store.sessions, signer), Ledger(store.sessions, signer)
    fill(writer, 3)
    assert reader.size() == 3
    fill(writer, 4, start=3)
    assert reader.size() == 7
    assert reader.root() == writer.root()


# -- proofs -------------------------------------------------------------------------------------


def test_every_inclusion_and_consistency_proof_verifies(ledger: Ledger) -> None:
    fill(ledger, 37)
    data = [leaf_bytes(share(i)) for i in range(37)]
    for size in (1, 2, 5, 16, 37):
        root = merkle.root_hash(data[:size])
        assert ledger.root(size) == root
        for index in range(size):
            proof = ledger.inclusion_proof(index, size)
            assert verify_inclusion(merkle.leaf_hash(data[index]), index, size, proof, root)
        for first in range(size + 1):
            proof = ledger.consistency_proof(first, size)
            assert verify_consistency(first, size, proof, ledger.root(first), root)
    wrong = ledger.inclusion_proof(3, 37)
    assert not verify_inclusion(merkle.leaf_hash(data[4]), 3, 37, wrong, ledger.root())


def test_proof_records_carry_hashes_from_one_state(ledger: Ledger) -> None:
    fill(ledger, 10)
    proof = ledger.prove_inclusion(4)
    assert proof.size == 10 and proof.root == ledger.root()
    assert verify_inclusion(proof.leaf_hash, 4, 10, proof.proof, proof.root)
    step = ledger.prove_consistency(3, 10)
    assert verify_consistency(3, 10, step.proof, step.first_root, step.second_root)
    assert proof.to_dict()["root"] == step.to_dict()["second_root"]


def test_proofs_beyond_the_log_are_refused(ledger: Ledger) -> None:
    fill(ledger, 3)
    with pytest.raises(RefusedError):
        ledger.inclusion_proof(3)
    with pytest.raises(RefusedError):
        ledger.consistency_proof(2, 4)


# -- checkpoints and cosignatures ---------------------------------------------------------------


def test_checkpoint_is_a_signed_note_of_the_current_tree(ledger: Ledger, signer: Signer) -> None:
    fill(ledger, 6)
    note = parse_note(ledger.checkpoint())
    assert note.verified_by(signer.verifier)
    assert not note.verified_by(Signer.generate(ORIGIN).verifier)  # same name, other key
    assert Checkpoint.parse(note.text) == Checkpoint(ORIGIN, 6, ledger.root())
    assert ledger.checkpoint() == ledger.checkpoint()  # no growth, no new checkpoint
    fill(ledger, 1, start=6)
    assert Checkpoint.parse(parse_note(ledger.checkpoint()).text).size == 7
    assert ledger.checkpoint_at(6).root == ledger.root(6)


def test_an_empty_log_has_a_checkpoint_of_size_zero(ledger: Ledger) -> None:
    signed = ledger.latest_checkpoint()
    assert (signed.size, signed.root) == (0, merkle.EMPTY_ROOT)


def test_verified_cosignatures_are_served_with_the_checkpoint(ledger: Ledger) -> None:
    fill(ledger, 4)
    signed = ledger.latest_checkpoint()
    witness = Signer.generate("node-b.interlock/witness", KeyType.COSIGNATURE)
    text_ = parse_note(signed.note).text
    ledger.add_cosignature(
        4, witness.signature_line(text_, timestamp=1_790_000_000), witness.verifier
    )
    served = parse_note(ledger.checkpoint())
    assert served.verified_by(witness.verifier) and served.verified_by(ledger.signer.verifier)
    assert ledger.cosigned_size(witness.name) == 4
    impostor = Signer.generate(witness.name, KeyType.COSIGNATURE)
    forged = impostor.signature_line(text_, timestamp=1_790_000_000)
    with pytest.raises(RefusedError):
        ledger.add_cosignature(4, forged, witness.verifier)
    with pytest.raises(NotFoundError):
        ledger.add_cosignature(5, forged, witness.verifier)
    assert ledger.verify().cosignatures == 1


# -- verification finds tampering done in SQL ---------------------------------------------------


@pytest.fixture
def checkpointed(store: Store, ledger: Ledger) -> Ledger:
    """20 leaves with checkpoints at 8 and 20."""
    fill(ledger, 8)
    ledger.checkpoint()
    fill(ledger, 12, start=8)
    ledger.checkpoint()
    assert ledger.verify().ok
    return ledger


def problems(ledger: Ledger) -> dict[str, str]:
    report = Ledger(ledger.sessions, ledger.signer).verify()  # a fresh process's view
    assert not report.ok
    return dict(report.problems)


def test_a_changed_leaf_is_found(store: Store, checkpointed: Ledger) -> None:
    changed = leaf_bytes(share(12, recipient="node-c"))
    sql(store, "UPDATE ledger_leaves SET data = :data WHERE idx = 12", data=changed)
    found = problems(checkpointed)
    assert found["leaf 12"] == "its data does not match its leaf hash"


def test_a_leaf_changed_with_its_hash_breaks_the_signed_root(
    store: Store, checkpointed: Ledger
) -> None:
    changed = leaf_bytes(share(12, recipient="node-c"))
    sql(store, "UPDATE ledger_leaves SET data = :data, hash = :hash WHERE idx = 12",
        data=changed, hash=merkle.leaf_hash(changed))  # fmt: skip
    found = problems(checkpointed)
    assert set(found) == {"checkpoint 20"}
    assert "between index 8 and 19" in found["checkpoint 20"]


def test_a_removed_leaf_is_found(store: Store, checkpointed: Ledger) -> None:
    sql(store, "DELETE FROM ledger_leaves WHERE idx = 3")
    found = problems(checkpointed)
    assert found["leaf 3"] == "leaves 3 to 3 are missing"
    assert "counts 20 leaves but 19" in found["log head"]
    assert "changed, removed or inserted" in found["checkpoint 8"]


def test_a_cut_tail_is_found(store: Store, checkpointed: Ledger) -> None:
    sql(store, "DELETE FROM ledger_leaves WHERE idx >= 18")
    sql(store, "UPDATE ledger_head SET size = 18")
    found = problems(checkpointed)
    assert found == {"checkpoint 20": "covers 20 leaves, 18 are stored: leaves removed"}


def test_an_inserted_leaf_is_found(store: Store, checkpointed: Ledger) -> None:
    """A leaf slipped in at index 5, the later ones renumbered, the head bumped: every leaf
    hash matches its data, but neither signed root can be reproduced."""
    data = checkpointed.leaves(0, 20)
    data.insert(5, leaf_bytes(share(500)))
    sql(store, "DELETE FROM ledger_leaves")
    with store.engine.begin() as connection:
        connection.execute(
            text("INSERT INTO ledger_leaves (idx, hash, data) VALUES (:idx, :hash, :data)"),
            [{"idx": i, "hash": merkle.leaf_hash(d), "data": d} for i, d in enumerate(data)],
        )
    sql(store, "UPDATE ledger_head SET size = 21")
    found = problems(checkpointed)
    assert set(found) == {"checkpoint 8", "checkpoint 20"}


def test_a_forged_checkpoint_is_found(store: Store, checkpointed: Ledger) -> None:
    forged = Signer.generate(ORIGIN)  # the origin's name, not its key
    note = parse_note(checkpointed.checkpoint_at(8).note)
    sql(store, "UPDATE ledger_checkpoints SET note = :note WHERE size = 8",
        note=note.text + "\n" + forged.signature_line(note.text))  # fmt: skip
    assert problems(checkpointed) == {"checkpoint 8": "the log's signature does not verify"}


# -- C2SP tiles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "path"),
    [(0, "000"), (5, "005"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_tile_index_encoding(index: int, path: str) -> None:
    assert encode_index(index) == path
    assert parse_tile_path(f"tile/3/{path}") == TileRef(3, index)
    assert parse_tile_path(f"tile/entries/{path}.p/17") == TileRef(None, index, 17)


@pytest.mark.parametrize(
    "path",
    ["tile/0", "tile/00/000", "tile/64/000", "tile/0/1", "tile/0/x000/001", "tile/0/001/x002",
     "tile/0/000.p/256", "tile/0/000.p/0", "tile/0/000.p/07", "tile/x/000", "tile/0/٠٠٠"],
)  # fmt: skip
def test_bad_tile_paths_are_refused(path: str) -> None:
    with pytest.raises(ParseError):
        parse_tile_path(path)


def test_tiles_of_a_70000_leaf_tree_as_the_specification_counts() -> None:
    refs = tiles_for(70_000)
    merkle_tiles = [r for r in refs if r.level is not None]
    assert sum(1 for r in merkle_tiles if r.level == 0 and r.width == 256) == 273
    assert TileRef(0, 273, 112) in refs and TileRef(1, 0) in refs
    assert TileRef(1, 1, 17) in refs and TileRef(2, 0, 1) in refs
    assert len(merkle_tiles) == 273 + 1 + 1 + 1 + 1
    assert TileRef(1, 0, 1) in tiles_for(256) and TileRef(0, 0) in tiles_for(256)


def test_entry_bundles_round_trip() -> None:
    entries = [b"", b"a", bytes(300), b"x" * 65535]
    bundle = entry_bundle(entries)
    assert bundle[:2] == b"\x00\x00" and bundle[2:4] == b"\x00\x01"
    assert read_bundle(bundle) == entries
    with pytest.raises(ParseError):
        read_bundle(bundle[:-1])


@pytest.mark.parametrize("size", [1, 255, 256, 257, 513, 70_000])
def test_roots_and_proofs_rebuilt_from_tiles(size: int) -> None:
    data = [i.to_bytes(4, "big") for i in range(size)]
    tree = HashTree()
    for d in data:
        tree.append(d)
    served = {ref.path: tile_bytes(tree, ref) for ref in tiles_for(size) if ref.level is not None}
    fetched: list[str] = []

    def fetch(path: str) -> bytes:
        fetched.append(path)
        return served[path]

    reader = TileReader(fetch, size)
    assert reader.root() == tree.root() == MerkleTree.from_leaves(data).root()
    for index in {0, size // 2, size - 1}:
        assert reader.inclusion_proof(index) == tree.inclusion_proof(index)
        assert reader.leaf_hash(index) == merkle.leaf_hash(data[index])
    for first in {1, size // 3, size - 1}:
        assert reader.consistency_proof(first) == tree.consistency_proof(first)
    assert len(fetched) == len(set(fetched))  # each tile fetched once


def test_a_tile_the_tree_does_not_determine_is_not_found() -> None:
    tree = HashTree()
    for i in range(300):
        tree.append(bytes([i % 256]))
    assert len(tile_bytes(tree, TileRef(0, 1, 44))) == 44 * 32
    with pytest.raises(NotFoundError):
        tile_bytes(tree, TileRef(0, 1, 45))
    with pytest.raises(NotFoundError):
        tile_bytes(tree, TileRef(1, 0, 2))


def test_the_ledger_serves_its_tiles_and_bundles(ledger: Ledger) -> None:
    fill(ledger, 260)
    assert read_bundle(ledger.tile(TileRef(None, 1, 4))) == ledger.leaves(256, 260)
    reader = TileReader(lambda path: ledger.tile(parse_tile_path(path)), 260)
    assert reader.root() == ledger.root()
    with pytest.raises(NotFoundError):
        ledger.tile(TileRef(None, 1, 5))


# -- the commands -------------------------------------------------------------------------------


@pytest.fixture
def node_cli(bare_cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INTERLOCK_KEYS_DIR", str(tmp_path / "keys"))
    monkeypatch.setenv("INTERLOCK_NODE_NAME", "node-a")
    get_settings.cache_clear()
    return bare_cli


@pytest.fixture
def node_ledger(node_cli: CliRunner, store: Store) -> Iterator[Ledger]:
    from interlock.sharing.identity import node_identity

    yield Ledger(store.sessions, node_identity(get_settings()).log)


def test_ledger_commands(node_cli: CliRunner, node_ledger: Ledger, store: Store) -> None:
    from interlock.cli_ledger import ledger_app

    fill(node_ledger, 9)
    verified = node_cli.invoke(ledger_app, ["verify"])
    assert verified.exit_code == 0 and "9 leaves" in verified.output
    shown = node_cli.invoke(ledger_app, ["checkpoint"])
    note = parse_note(shown.output)
    assert note.verified_by(node_ledger.signer.verifier)
    assert Checkpoint.parse(note.text).size == 9
    proved = json.loads(node_cli.invoke(ledger_app, ["proof", "inclusion", "--index", "4"]).output)
    assert proved["size"] == 9 and proved["root"] == note.text.split("\n")[2]
    step = node_cli.invoke(ledger_app, ["proof", "consistency", "--first", "3", "--second", "9"])
    assert json.loads(step.output)["first"] == 3
    beyond = node_cli.invoke(ledger_app, ["proof", "inclusion", "--index", "9"])
    assert beyond.exit_code == 1 and "outside a tree of 9 leaves" in beyond.output
    assert "no alarms" in node_cli.invoke(ledger_app, ["alarms"]).output
    sql(store, "UPDATE ledger_leaves SET data = :data WHERE idx = 2", data=b"{}")
    broken = node_cli.invoke(ledger_app, ["verify"])
    assert broken.exit_code == 1 and "leaf 2" in broken.output


def test_appending_keeps_pace(ledger: Ledger) -> None:
    """A smoke check of the fast path (the benchmark measures it properly)."""
    events = [share(i) for i in range(5000)]
    started = time.perf_counter()
    ledger.write_many(events)
    assert ledger.size() == 5000
    assert time.perf_counter() - started < 5


def test_the_ledger_benchmark_runs(tmp_path: Path) -> None:
    """The benchmark in a tiny configuration (the figures come from full runs)."""
    from bench.sharing.ledger_bench import run, write_results

    result = run(leaves=600, samples=20)
    assert result["ledger_verified"] and result["appends"]["leaves_per_s"] > 0
    assert result["proofs"]["inclusion_hashes"] == 10  # ceil(log2(600))
    write_results(result, tmp_path)
    assert "| inclusion proof build, 600 leaves, p99 |" in (tmp_path / "ledger.md").read_text()


def test_a_leaf_is_found_by_its_hash_only_on_a_hash_boundary() -> None:
    tree = HashTree()
    for i in range(3):
        tree.append(bytes([i]))
    first, second = tree.leaf_hash(0), tree.leaf_hash(1)
    assert tree.find(second) == 1
    assert tree.find(first[16:] + second[:16]) is None  # the bytes occur, straddling two hashes
    assert tree.find(second[:31]) is None
