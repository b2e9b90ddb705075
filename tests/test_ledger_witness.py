"""The node as a C2SP tlog-witness of partners' logs (SQLite and PostgreSQL): it cosigns a
consistent growth, and refuses forks, bad proofs, unknown logs and bad signatures, keeping
an alarm when a partner's log is shown inconsistent."""

from __future__ import annotations

import base64

import pytest

from interlock.ledger.merkle import MerkleTree
from interlock.ledger.note import Checkpoint, KeyType, Signer, parse_note, sign_note
from interlock.ledger.witness import (
    TLOG_SIZE,
    AddCheckpoint,
    AlarmKind,
    Witness,
    WitnessResponse,
    parse_request,
)
from interlock.store import Store

ORIGIN = "node-b.interlock/ledger"


@pytest.fixture
def log_key() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture
def witness_key() -> Signer:
    return Signer.generate("node-a.interlock/witness", KeyType.COSIGNATURE)


@pytest.fixture
def witness(store: Store, log_key: Signer, witness_key: Signer) -> Witness:
    return Witness(store.sessions, witness_key, lambda: {ORIGIN: log_key.verifier})


def tree(count: int, tag: bytes = b"share") -> MerkleTree:
    return MerkleTree.from_leaves(tag + i.to_bytes(4, "big") for i in range(count))


def signed(log: MerkleTree, size: int, key: Signer, origin: str = ORIGIN) -> str:
    return sign_note(Checkpoint(origin, size, log.root(size)).text(), [key])


def request(log: MerkleTree, old: int, size: int, key: Signer) -> str:
    proof = log.consistency_proof(old, size) if old else []
    return AddCheckpoint(old, proof, signed(log, size, key)).render()


def cosigned(answer: WitnessResponse, note: str, witness_key: Signer) -> bool:
    """Whether the answer is a cosignature line of the witness on the note's checkpoint."""
    return answer.status == 200 and parse_note(note + answer.body).verified_by(witness_key.verifier)


def test_the_request_format_round_trips(log_key: Signer) -> None:
    log = tree(20)
    body = request(log, 7, 20, log_key)
    assert body.startswith("old 7\n") and "\n\nnode-b.interlock/ledger\n20\n" in body
    parsed = parse_request(body)
    assert parsed.old == 7 and parsed.proof == log.consistency_proof(7, 20)
    assert parsed.render() == body


def test_first_sight_then_consistent_growth_is_cosigned(
    witness: Witness, log_key: Signer, witness_key: Signer
) -> None:
    log = tree(25)
    first = request(log, 0, 10, log_key)
    assert cosigned(witness.add_checkpoint(first), signed(log, 10, log_key), witness_key)
    grown = request(log, 10, 25, log_key)
    assert cosigned(witness.add_checkpoint(grown), signed(log, 25, log_key), witness_key)
    latest = witness.latest(ORIGIN)
    assert latest is not None and (latest.size, latest.root) == (25, log.root())
    again = witness.add_checkpoint(request(log, 25, 25, log_key))
    assert again.status == 200  # the same checkpoint again is cosigned again
    assert witness.alarms() == []


def test_the_cosignature_is_a_timestamped_cosignature_v1(
    witness: Witness, log_key: Signer, witness_key: Signer
) -> None:
    log = tree(3)
    answer = witness.add_checkpoint(request(log, 0, 3, log_key))
    assert answer.body.startswith(f"— {witness_key.name} ") and answer.body.endswith("\n")
    raw = base64.b64decode(answer.body.split(" ")[2])
    assert raw[:4] == witness_key.verifier.key_id and len(raw) == 4 + 8 + 64


def test_a_stale_old_size_gets_409_with_the_size_cosigned(
    witness: Witness, log_key: Signer
) -> None:
    log = tree(30)
    witness.add_checkpoint(request(log, 0, 12, log_key))
    answer = witness.add_checkpoint(request(log, 5, 30, log_key))
    assert (answer.status, answer.content_type, answer.body) == (409, TLOG_SIZE, "12\n")
    assert witness.add_checkpoint(request(log, 0, 30, log_key)).body == "12\n"
    assert witness.alarms() == []


def test_a_fork_is_refused_and_alarmed(witness: Witness, log_key: Signer) -> None:
    """The partner signs two different trees of the same size with its one key."""
    honest, forked = tree(16), tree(16, tag=b"other")
    assert witness.add_checkpoint(request(honest, 0, 16, log_key)).status == 200
    answer = witness.add_checkpoint(request(forked, 16, 16, log_key))
    assert (answer.status, answer.body) == (409, "16\n")
    [alarm] = witness.alarms(ORIGIN)
    assert alarm.kind == AlarmKind.FORK and "16" in alarm.detail
    # The evidence: two notes signed by the log's key on different trees of one size.
    assert signed(forked, 16, log_key) in alarm.evidence
    assert signed(honest, 16, log_key) in alarm.evidence
    latest = witness.latest(ORIGIN)
    assert latest is not None and latest.root == honest.root()


def test_a_fork_that_grows_is_caught_by_its_proof(witness: Witness, log_key: Signer) -> None:
    honest = tree(10)
    forked = MerkleTree.from_leaves([b"rewritten", *(b"x%d" % i for i in range(20))])
    witness.add_checkpoint(request(honest, 0, 10, log_key))
    answer = witness.add_checkpoint(request(forked, 10, 21, log_key))
    assert answer.status == 422
    assert [a.kind for a in witness.alarms()] == [AlarmKind.INCONSISTENT]
    latest = witness.latest(ORIGIN)
    assert latest is not None and latest.size == 10


def test_a_tampered_proof_is_refused(witness: Witness, log_key: Signer) -> None:
    log = tree(40)
    witness.add_checkpoint(request(log, 0, 13, log_key))
    proof = log.consistency_proof(13, 40)
    proof[1] = bytes(32)
    body = AddCheckpoint(13, proof, signed(log, 40, log_key)).render()
    assert witness.add_checkpoint(body).status == 422
    empty = AddCheckpoint(13, [], signed(log, 40, log_key)).render()
    assert witness.add_checkpoint(empty).status == 422
    assert len(witness.alarms()) == 2


def test_unknown_logs_and_bad_signatures_are_refused_without_alarm(
    witness: Witness, log_key: Signer
) -> None:
    log = tree(5)
    stranger = Signer.generate("node-x.interlock/ledger")
    unknown = AddCheckpoint(0, [], signed(log, 5, stranger, origin=stranger.name)).render()
    assert witness.add_checkpoint(unknown).status == 404
    impostor = Signer.generate(ORIGIN)  # the partner's name, another key
    assert witness.add_checkpoint(request(log, 0, 5, impostor)).status == 403
    assert witness.alarms() == [] and witness.latest(ORIGIN) is None


@pytest.mark.parametrize(
    "body",
    [
        "",
        "old 0\nnode-b.interlock/ledger\n",
        "old 01\n\n",
        "old -1\n\n",
        "new 0\n\n",
        "old ²\n\n",
        "old 0\nnot base64!\n\n",
        "old 0\n" + base64.b64encode(bytes(31)).decode() + "\n\n",
        "old 0\n" + (base64.b64encode(bytes(32)).decode() + "\n") * 64 + "\n",
        "old 0\n\nnode-b.interlock/ledger\n5\n",
        "old 0\n\nnode-b.interlock/ledger\n²\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n— x AAAAAQ==\n",
    ],
)
def test_malformed_requests_get_400(witness: Witness, body: str) -> None:
    answer = witness.add_checkpoint(body)
    assert answer.status == 400 and answer.body.endswith("\n")


def test_an_old_size_beyond_the_checkpoint_gets_400(witness: Witness, log_key: Signer) -> None:
    log = tree(9)
    witness.add_checkpoint(request(log, 0, 9, log_key))
    body = AddCheckpoint(9, [], signed(log, 4, log_key)).render()
    assert witness.add_checkpoint(body).status == 400


def test_an_empty_log_is_witnessed(witness: Witness, log_key: Signer, witness_key: Signer) -> None:
    empty = MerkleTree()
    assert cosigned(
        witness.add_checkpoint(request(empty, 0, 0, log_key)),
        signed(empty, 0, log_key),
        witness_key,
    )


def test_the_stored_checkpoint_moves_by_compare_and_set(
    store: Store, log_key: Signer, witness_key: Signer
) -> None:
    """Two witness processes on one store: the slower one's view is stale, so its update is
    refused and it answers 409 with the size the other stored, never rolling it back."""
    known = {ORIGIN: log_key.verifier}
    fast, slow = (Witness(store.sessions, witness_key, lambda: known) for _ in range(2))
    log = tree(50)
    fast.add_checkpoint(request(log, 0, 10, log_key))
    seen_by_slow = slow.latest(ORIGIN)
    assert fast.add_checkpoint(request(log, 10, 50, log_key)).status == 200
    assert seen_by_slow is not None
    checkpoint = Checkpoint(ORIGIN, 20, log.root(20))
    assert not slow._advance(seen_by_slow, checkpoint, signed(log, 20, log_key))
    latest = slow.latest(ORIGIN)
    assert latest is not None and latest.size == 50
