"""DSSE envelopes, messages and receipts (issue 5, transport): the PAE, signing and
verification, strict decoding that names the field, and fuzzing that finds nothing but
ParseError."""

from __future__ import annotations

import base64
import contextlib
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from interlock.access.purpose import Purpose
from interlock.errors import ParseError
from interlock.sharing.envelope import (
    RECEIPT,
    SHARE,
    Envelope,
    EnvelopeSignature,
    Message,
    Onward,
    Receipt,
    ReceiptStatus,
    Terms,
    canonical_json,
    envelope_sha256,
    pae,
    sign_envelope,
    verify_envelope,
)
from interlock.sharing.kinds import TLP, ShareKind

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def raw(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


KEYS = {"node-a": raw(KEY)}

TERMS = Terms(
    purpose=Purpose.TERRORIST_OFFENCE,
    legal_basis="Council Decision 2008/615/JHA art. 16",
    reason="case 2025/0417: confirmed hit at the border",
    tlp=TLP.AMBER,
    originator="node-a",
    onward=Onward.WITH_CONSENT,
    consent=("node-c",),
    max_hops=2,
    hops_left=2,
    path=("node-a",),
    retention_until=date(2026, 1, 31),
    source_confirmation_required=True,
    group="benelux@3",
)
BUNDLE = {
    "type": "bundle",
    "id": "bundle--6b0e4b1c-3f5e-4c1f-9d0a-2a3d5e6f7a8b",
    "objects": [{"type": "sighting", "count": 1, "confidence": 0.75}],
}
MESSAGE = Message(
    message_id="0f6d2d9e-8a55-4bb1-a3a4-7d3c2b1a0e9f",
    kind=ShareKind.ALERT_NOTIFICATION,
    sender="node-a",
    recipients=("node-b", "node-c"),
    to="node-b",
    seq=7,
    created=datetime(2025, 6, 1, 9, 30, 15, 123456, tzinfo=UTC),
    terms=TERMS,
    content=BUNDLE,
)
RECEIPT_OK = Receipt(
    message_id=MESSAGE.message_id,
    from_node="node-b",
    to_node="node-a",
    seq=7,
    status=ReceiptStatus.ACCEPTED,
    reason="",
    received_at=datetime(2025, 6, 1, 9, 30, 16, tzinfo=UTC),
    envelope_sha256=envelope_sha256(b"the envelope as received"),
)


# --- PAE and signatures -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload_type", "payload", "expected"),
    [
        # Built by hand from the protocol text: the type is 36 bytes, the body 7.
        (SHARE, b'{"a":1}', b'DSSEv1 36 application/vnd.interlock.share+json 7 {"a":1}'),
        # Lengths count bytes, not characters: "t/é" is 4 bytes in UTF-8, "ü" is 2.
        ("t/é", "ü".encode(), b"DSSEv1 4 t/\xc3\xa9 2 \xc3\xbc"),
        ("x", b"", b"DSSEv1 1 x 0 "),
        # The worked example of the DSSE protocol document.
        (
            "http://example.com/HelloWorld",
            b"hello world",
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world",
        ),
    ],
)
def test_pae_is_built_as_the_protocol_describes(
    payload_type: str, payload: bytes, expected: bytes
) -> None:
    assert pae(payload_type, payload) == expected


def test_the_signature_is_over_the_pae_not_the_raw_payload() -> None:
    envelope = sign_envelope(SHARE, b'{"a":1}', KEY, "node-a")
    (signature,) = envelope.signatures
    KEY.public_key().verify(
        signature.sig, b'DSSEv1 36 application/vnd.interlock.share+json 7 {"a":1}'
    )
    with pytest.raises(InvalidSignature):
        KEY.public_key().verify(signature.sig, b'{"a":1}')


@given(payload=st.binary(max_size=300), payload_type=st.sampled_from([SHARE, RECEIPT]))
def test_sign_then_verify_round_trips_through_json(payload: bytes, payload_type: str) -> None:
    envelope = sign_envelope(payload_type, payload, KEY, "node-a")
    read = Envelope.from_json(envelope.to_json())
    assert read == envelope
    assert verify_envelope(read, KEYS) == "node-a"


@given(payload=st.binary(min_size=1, max_size=200), data=st.data())
def test_a_flipped_bit_in_the_payload_fails(payload: bytes, data: st.DataObject) -> None:
    envelope = sign_envelope(SHARE, payload, KEY, "node-a")
    bit = data.draw(st.integers(0, len(payload) * 8 - 1))
    flipped = bytearray(payload)
    flipped[bit // 8] ^= 1 << (bit % 8)
    assert verify_envelope(replace(envelope, payload=bytes(flipped)), KEYS) is None


@given(position=st.integers(0, len(SHARE) - 1), bit=st.integers(0, 6))
def test_a_flipped_bit_in_the_payload_type_fails(position: int, bit: int) -> None:
    envelope = sign_envelope(SHARE, b"{}", KEY, "node-a")
    chars = list(SHARE)
    chars[position] = chr(ord(chars[position]) ^ (1 << bit))
    changed = "".join(chars)
    tampered = replace(envelope, payload_type=changed)
    # Even when the changed type is one the verifier accepts, the signature does not cover it.
    assert verify_envelope(tampered, KEYS, payload_types={SHARE, changed}) is None
    assert verify_envelope(tampered, KEYS) is None


@given(bit=st.integers(0, 64 * 8 - 1))
def test_a_flipped_bit_in_the_signature_fails(bit: int) -> None:
    envelope = sign_envelope(SHARE, b"{}", KEY, "node-a")
    sig = bytearray(envelope.signatures[0].sig)
    sig[bit // 8] ^= 1 << (bit % 8)
    tampered = replace(envelope, signatures=(EnvelopeSignature("node-a", bytes(sig)),))
    assert verify_envelope(tampered, KEYS) is None


def test_verification_refuses_without_raising() -> None:
    signed = sign_envelope(SHARE, b"{}", KEY, "node-a")
    assert verify_envelope(replace(signed, signatures=()), KEYS) is None  # no signature
    assert verify_envelope(signed, {"node-b": raw(KEY)}) is None  # unknown keyid
    assert verify_envelope(signed, {"node-a": raw(OTHER)}) is None  # another key, same id
    assert verify_envelope(signed, {"node-a": b"short"}) is None  # not a key at all
    other_type = sign_envelope("application/json", b"{}", KEY, "node-a")
    assert verify_envelope(other_type, KEYS) is None  # a type this node does not read
    assert verify_envelope(other_type, KEYS, payload_types={"application/json"}) == "node-a"


def test_the_first_signature_that_verifies_names_the_key() -> None:
    signed = sign_envelope(SHARE, b"{}", KEY, "node-a")
    forged = EnvelopeSignature("node-x", OTHER.sign(b"{}"))
    envelope = replace(signed, signatures=(forged, *signed.signatures))
    assert verify_envelope(envelope, {**KEYS, "node-x": raw(OTHER)}) == "node-a"


def test_url_safe_unpadded_base64_and_unknown_fields_are_read() -> None:
    sig = KEY.sign(pae(SHARE, b"\xfb\xff"))
    document = {
        "payload": base64.urlsafe_b64encode(b"\xfb\xff").decode().rstrip("="),
        "payloadType": SHARE,
        "signatures": [{"sig": base64.urlsafe_b64encode(sig).decode(), "extra": 1}],
        "comment": "ignored",
    }
    envelope = Envelope.from_json(json.dumps(document).encode())
    assert envelope.payload == b"\xfb\xff"
    assert envelope.signatures[0].keyid == ""  # unset keyid reads as empty
    assert verify_envelope(envelope, {"": raw(KEY)}) == ""


@pytest.mark.parametrize(
    ("document", "location"),
    [
        (b"[]", "(top)"),
        (b'{"payloadType": "x", "signatures": []}', "payload"),
        (b'{"payload": "", "signatures": []}', "payloadType"),
        (b'{"payload": "", "payloadType": "x"}', "signatures"),
        (b'{"payload": "!!", "payloadType": "x", "signatures": []}', "payload"),
        (b'{"payload": "A", "payloadType": "x", "signatures": []}', "payload"),
        (b'{"payload": "a+b_", "payloadType": "x", "signatures": []}', "payload"),
        (b'{"payload": "", "payloadType": 3, "signatures": []}', "payloadType"),
        (b'{"payload": "", "payloadType": "x", "signatures": {}}', "signatures"),
        (b'{"payload": "", "payloadType": "x", "signatures": [{}]}', "signatures[0].sig"),
        (
            b'{"payload": "", "payloadType": "x", "signatures": [{"sig": "", "keyid": 1}]}',
            "signatures[0].keyid",
        ),
        (b'{"payload": "", "payload": "", "payloadType": "x", "signatures": []}', "envelope"),
        (b'{"payload": "", "payloadType": "\\ud800", "signatures": []}', "envelope"),
        (b"\xff", "envelope"),
    ],
)
def test_bad_envelopes_name_the_field(document: bytes, location: str) -> None:
    with pytest.raises(ParseError) as caught:
        Envelope.from_json(document)
    assert caught.value.location == location


# --- messages and receipts ---------------------------------------------------------------------

node = st.from_regex(r"[a-z0-9][a-z0-9.-]{0,12}", fullmatch=True)
moment = st.datetimes(timezones=st.just(UTC))
json_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    sender = draw(node)
    recipients = draw(
        st.lists(node.filter(lambda n: n != sender), min_size=1, max_size=4, unique=True)
    )
    path = draw(st.lists(node, min_size=1, max_size=4, unique=True))
    kind = draw(st.sampled_from(ShareKind))
    terms = Terms(
        purpose=draw(st.sampled_from(Purpose)),
        legal_basis=draw(st.text(max_size=40)),
        reason=draw(st.text(max_size=60)),
        tlp=draw(st.sampled_from(TLP)),
        originator=path[0],
        onward=draw(st.sampled_from(Onward)),
        consent=tuple(draw(st.lists(node, max_size=3, unique=True))),
        max_hops=draw(st.integers(0, 9)),
        hops_left=draw(st.integers(0, 9)),
        path=tuple(path),
        retention_until=draw(st.none() | st.dates()),
        source_confirmation_required=draw(st.booleans()),
        group=draw(st.none() | st.from_regex(r"[a-z]{1,8}@[1-9][0-9]{0,3}", fullmatch=True)),
    )
    content = {
        "type": "bundle",
        "id": f"bundle--{draw(st.uuids())}",
        "objects": draw(
            st.lists(st.dictionaries(st.text(max_size=8), json_value, max_size=4), max_size=3)
        ),
    }
    answers = kind in {ShareKind.CORRECTION, ShareKind.SOURCE_CONFIRMATION}
    refers_to = str(draw(st.uuids())) if answers else draw(st.none() | st.uuids().map(str))
    return Message(
        message_id=str(draw(st.uuids())),
        kind=kind,
        sender=sender,
        recipients=tuple(recipients),
        to=draw(st.sampled_from(recipients)),
        seq=draw(st.integers(1, 2**40)),
        created=draw(moment),
        terms=terms,
        content=content,
        refers_to=refers_to,
    )


receipts = st.builds(
    Receipt,
    message_id=st.uuids().map(str),
    from_node=node,
    to_node=node,
    seq=st.integers(1, 2**40),
    status=st.sampled_from([ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE]),
    reason=st.text(max_size=40),
    received_at=moment,
    envelope_sha256=st.binary().map(envelope_sha256),
)


@given(messages())
def test_messages_round_trip(message: Message) -> None:
    encoded = message.encode()
    assert Message.decode(encoded) == message
    assert Message.decode(encoded).encode() == encoded  # canonical: one encoding per message


@given(receipts)
def test_receipts_round_trip(receipt: Receipt) -> None:
    assert Receipt.decode(receipt.encode()) == receipt


def test_a_signed_message_travels_whole() -> None:
    envelope = sign_envelope(SHARE, MESSAGE.encode(), KEY, "node-a")
    received = Envelope.from_json(envelope.to_json())
    assert verify_envelope(received, KEYS) == "node-a"
    assert Message.decode(received.payload) == MESSAGE


def test_times_are_written_in_utc_whatever_zone_they_were_made_in() -> None:
    created = datetime(2025, 6, 1, 13, 30, tzinfo=timezone(timedelta(hours=2)))
    encoded = replace(MESSAGE, created=created).encode()
    assert b'"created":"2025-06-01T11:30:00Z"' in encoded
    with pytest.raises(ValueError):
        replace(MESSAGE, created=datetime(2025, 6, 1)).encode()  # naive: a programming error


def _document(value: Message | Receipt = MESSAGE) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(value.encode())
    return document


def _set(document: dict[str, Any], path: str | tuple[str, ...], value: object) -> dict[str, Any]:
    """``document`` with the field at ``path`` (dotted, or a tuple of keys) set or deleted."""
    *parents, last = path.split(".") if isinstance(path, str) else path
    target = document
    for part in parents:
        target = target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return document


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "location"),
    [
        ("message_id", "0F6D2D9E-8A55-4BB1-A3A4-7D3C2B1A0E9F", "message_id"),
        ("message_id", "urn:uuid:0f6d2d9e-8a55-4bb1-a3a4-7d3c2b1a0e9f", "message_id"),
        ("kind", "gossip", "kind"),
        ("sender", "Node A", "sender"),
        ("sender", "node-a\n", "sender"),
        ("recipients", [], "recipients"),
        ("recipients", ["node-b", "node-b"], "recipients"),
        ("recipients", ["node-b", 5], "recipients[1]"),
        ("recipients", ["node-a", "node-b"], "recipients"),
        ("to", "node-d", "to"),
        ("seq", 0, "seq"),
        ("seq", True, "seq"),
        ("seq", 1.0, "seq"),
        ("created", "2025-06-01T09:30:15", "created"),
        ("created", "2025-06-01T09:30:15+02:00", "created"),
        ("created", "yesterday", "created"),
        ("terms", DELETE, "terms"),
        ("terms.tlp", "white", "terms.tlp"),
        ("terms.purpose", "marketing", "terms.purpose"),
        ("terms.legal_basis", None, "terms.legal_basis"),
        ("terms.reason", DELETE, "terms.reason"),
        ("terms.onward", "sometimes", "terms.onward"),
        ("terms.consent", "node-c", "terms.consent"),
        ("terms.max_hops", -1, "terms.max_hops"),
        ("terms.hops_left", "2", "terms.hops_left"),
        ("terms.path", [], "terms.path"),
        ("terms.retention_until", "20260131", "terms.retention_until"),
        ("terms.retention_until", "2026-02-30", "terms.retention_until"),
        ("terms.source_confirmation_required", 1, "terms.source_confirmation_required"),
        ("terms.group", "benelux", "terms.group"),
        ("terms.forward_to_press", True, "terms.forward_to_press"),
        ("content", [], "content"),
        ("content.type", "identity", "content.type"),
        ("content.id", "report--1", "content.id"),
        ("content.objects", {}, "content.objects"),
        ("refers_to", "none", "refers_to"),
        ("priority", "high", "priority"),
    ],
)
def test_bad_messages_name_the_field(path: str, value: object, location: str) -> None:
    document = _set(_document(), path, value)
    with pytest.raises(ParseError) as caught:
        Message.decode(json.dumps(document).encode())
    assert caught.value.location == location


@pytest.mark.safeguard("SG-43")
def test_a_correction_names_the_message_it_corrects() -> None:
    correction = replace(MESSAGE, kind=ShareKind.CORRECTION, refers_to=None)
    with pytest.raises(ParseError) as caught:
        Message.decode(correction.encode())
    assert caught.value.location == "refers_to"
    fixed = replace(correction, refers_to=MESSAGE.message_id)
    assert Message.decode(fixed.encode()).refers_to == MESSAGE.message_id


@pytest.mark.parametrize(
    ("path", "value", "location"),
    [
        ("status", "lost", "status"),
        ("envelope_sha256", "ABC", "envelope_sha256"),
        ("envelope_sha256", "0" * 63, "envelope_sha256"),
        ("from_node", "", "from_node"),
        ("received_at", 1717232000, "received_at"),
        ("seq", -3, "seq"),
        ("message_id", DELETE, "message_id"),
    ],
)
def test_bad_receipts_name_the_field(path: str, value: object, location: str) -> None:
    document = _set(_document(RECEIPT_OK), path, value)
    with pytest.raises(ParseError) as caught:
        Receipt.decode(json.dumps(document).encode())
    assert caught.value.location == location


def test_a_rejection_gives_its_reason() -> None:
    rejected = replace(RECEIPT_OK, status=ReceiptStatus.REJECTED, reason="  ")
    with pytest.raises(ParseError) as caught:
        Receipt.decode(rejected.encode())
    assert caught.value.location == "reason"
    because = replace(rejected, reason="policy: tlp-ceiling")
    assert Receipt.decode(because.encode()) == because


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than the parser's recursion limit
        b'{"seq": NaN}',
        b'{"seq": 1e999}',
        b'{"seq": ' + b"9" * 5000 + b"}",  # more digits than Python converts
        b'{"message_id": "a", "message_id": "b"}',
        "\ufeff{}".encode(),
        b"",
    ],
)
def test_hostile_json_is_a_parse_error(data: bytes) -> None:
    for decode in (Envelope.from_json, Message.decode, Receipt.decode):
        with pytest.raises(ParseError):
            decode(data)


# --- fuzzing ------------------------------------------------------------------------------------

DECODERS = [Envelope.from_json, Message.decode, Receipt.decode]


def _only_parse_errors(data: bytes) -> None:
    for decode in DECODERS:
        with contextlib.suppress(ParseError):
            decode(data)


@given(st.binary(max_size=400))
def test_fuzz_bytes_give_only_parse_errors(data: bytes) -> None:
    _only_parse_errors(data)


@given(json_value)
def test_fuzz_json_gives_only_parse_errors(value: object) -> None:
    _only_parse_errors(canonical_json(value))


def _paths(value: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    return found


@given(st.one_of(messages(), receipts), st.data())
def test_fuzz_one_field_changed_gives_a_value_or_a_parse_error(
    valid: Message | Receipt, data: st.DataObject
) -> None:
    document = _document(valid)
    path = data.draw(st.sampled_from(_paths(document)))
    replacement = data.draw(st.just(DELETE) | json_value)
    _set(document, path, replacement)
    decode = Message.decode if isinstance(valid, Message) else Receipt.decode
    try:
        decoded = decode(canonical_json(document))
    except ParseError as error:
        assert error.location
        return
    assert decode(decoded.encode()) == decoded  # whatever is accepted writes back the same


@given(messages(), st.data())
def test_fuzz_envelope_fields_give_only_parse_errors(message: Message, data: st.DataObject) -> None:
    document = json.loads(sign_envelope(SHARE, message.encode(), KEY, "node-a").to_json())
    path = data.draw(st.sampled_from(["payload", "payloadType", "signatures"]))
    document[path] = data.draw(json_value)
    try:
        envelope = Envelope.from_json(canonical_json(document))
    except ParseError:
        return
    if verify_envelope(envelope, KEYS) is not None:  # only if the change changed nothing signed
        assert (envelope.payload, envelope.payload_type) == (message.encode(), SHARE)
