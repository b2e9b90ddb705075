"""Signed notes, checkpoints and cosignatures against the C2SP examples (groundwork for the
ledger of issue 5)."""

from __future__ import annotations

import base64
import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlock.errors import ParseError
from interlock.ledger.note import (
    Checkpoint,
    KeyType,
    NoteError,
    Signer,
    Verifier,
    cosigned_message,
    parse_note,
    sign_note,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "ledger" / "c2sp"
EXAMPLE_FILE = EXAMPLES / "note_checkpoint_examples.json"


@pytest.fixture(scope="module")
def c2sp() -> dict[str, Any]:
    if not EXAMPLE_FILE.exists():
        pytest.skip(f"C2SP examples absent: {EXAMPLE_FILE}")
    data: dict[str, Any] = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    return data


def test_the_c2sp_signed_note_example_verifies(c2sp: dict[str, Any]) -> None:
    example = c2sp["signed_note_ed25519_example"]
    verifier = Verifier.parse(example["vkey"])
    assert (verifier.name, verifier.key_id.hex()) == ("example.com/foo", "530d903a")
    note = parse_note(example["note"])
    assert note.text == "This is an example message.\n"
    assert note.verified_by(verifier)
    assert note.render() == example["note"]
    tampered = parse_note(example["note"].replace("example message", "exemplary message"))
    assert not tampered.verified_by(verifier)


def test_the_c2sp_checkpoint_example_parses(c2sp: dict[str, Any]) -> None:
    note = parse_note(c2sp["checkpoint_example_format_only"]["note"])
    checkpoint = Checkpoint.parse(note.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert base64.b64encode(checkpoint.root).decode() == (
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    )
    assert checkpoint.text() == note.text


def test_the_cosigned_message_is_the_c2sp_example(c2sp: dict[str, Any]) -> None:
    checkpoint = Checkpoint.parse(parse_note(c2sp["checkpoint_example_format_only"]["note"]).text)
    message = cosigned_message(checkpoint.text(), 1679315147)
    assert message.decode() == c2sp["cosignature_v1_signed_message_example"]


def test_a_log_signs_a_checkpoint_and_a_witness_cosigns_it() -> None:
    log = Signer.generate("node.example/log")
    witness = Signer.generate("partner.example/witness", KeyType.COSIGNATURE)
    checkpoint = Checkpoint("node.example/log", 3, bytes(range(32)))
    signed = sign_note(checkpoint.text(), [log])
    cosigned = signed + witness.signature_line(checkpoint.text(), timestamp=1_700_000_000)
    note = parse_note(cosigned)
    assert note.verified_by(log.verifier) and note.verified_by(witness.verifier)
    assert Verifier.parse(witness.verifier.vkey) == witness.verifier
    # Another key under the same name, or another checkpoint, does not verify.
    impostor = Signer.generate("partner.example/witness", KeyType.COSIGNATURE)
    assert not note.verified_by(impostor.verifier)
    forked = Checkpoint("node.example/log", 3, bytes(32))
    refit = parse_note(forked.text() + "\n" + cosigned.split("\n\n", 1)[1])
    assert not refit.verified_by(witness.verifier) and not refit.verified_by(log.verifier)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("origin\n20\n", None),
        ("origin\n020\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2"),
        ("origin\n20\nnot base64!\n", "line 3"),
        ("origin\n20\nAAAA\n", "line 3"),
        ("\n20\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 1"),
    ],
)
def test_a_bad_checkpoint_names_its_line(text: str, where: str | None) -> None:
    with pytest.raises(NoteError) as caught:
        Checkpoint.parse(text)
    if where is not None:
        assert caught.value.location == where


def test_a_vkey_whose_id_does_not_match_is_refused() -> None:
    good = Signer.generate("node.example/log").verifier.vkey
    name, _key_id, material = good.split("+", 2)
    with pytest.raises(NoteError, match="does not match"):
        Verifier.parse(f"{name}+00000000+{material}")


@given(st.text(max_size=300))
def test_reading_any_text_raises_only_typed_errors(text: str) -> None:
    for read in (parse_note, Checkpoint.parse, Verifier.parse):
        with contextlib.suppress(ParseError):
            read(text)
