"""DSSE v1 envelopes, and the messages and receipts they carry between nodes.

DSSE (secure-systems-lab/dsse, protocol v1): a signature is over the pre-authentication
encoding ``PAE = "DSSEv1" SP len(type) SP type SP len(body) SP body`` (lengths are byte counts
in ASCII decimal), so the payload type is signed with the payload and one cannot pass for
another. The JSON envelope is ``{"payload": base64, "payloadType": ..., "signatures":
[{"keyid": ..., "sig": base64}]}``; standard and URL-safe base64 are both read, as the
specification requires. Signatures are Ed25519.

The payload of a share is a :class:`Message`, and the receiver answers with a signed
:class:`Receipt`. Both are canonical JSON (sorted keys, no spaces, UTF-8) and are decoded
strictly: a duplicate key is refused because two parsers could read different values, and an
unknown field is refused because a condition of the originator that this node cannot read must
not be dropped silently (SG-44). Every refusal is a :class:`ParseError` naming the field.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from interlock.access.purpose import Purpose
from interlock.errors import ParseError
from interlock.sharing.identity import NODE_NAME
from interlock.sharing.kinds import TLP, ShareKind

SHARE = "application/vnd.interlock.share+json"
RECEIPT = "application/vnd.interlock.receipt+json"
PAYLOAD_TYPES = frozenset({SHARE, RECEIPT})

E = TypeVar("E", bound=StrEnum)

GROUP_REF = re.compile(r"[^@\s]{1,64}@[1-9][0-9]{0,8}")
"""A sharing group as terms name it: ``name@version``."""

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_B64_STANDARD = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_B64_URLSAFE = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE v1 pre-authentication encoding: what is signed."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


# --- canonical JSON -------------------------------------------------------------------------


def canonical_json(value: object) -> bytes:
    """Sorted keys, no spaces, UTF-8; NaN and infinities refused (ValueError)."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number out of range: {text}")
    return number


def _no_constant(text: str) -> object:
    raise ValueError(f"{text} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        keys = [key for key, _ in pairs]
        raise ValueError(f"duplicate key {next(k for k in keys if keys.count(k) > 1)!r}")
    return result


def _load_json(data: bytes, what: str) -> object:
    """Strict JSON: UTF-8, unique keys, finite numbers, strings that are valid Unicode."""
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_keys,
            parse_float=_finite,
            parse_constant=_no_constant,
        )
        canonical_json(value)  # a lone surrogate ("\ud800") cannot be written back
    except (ValueError, RecursionError) as exc:  # UnicodeError and JSONDecodeError included
        raise ParseError(f"not a JSON {what}: {exc}", location=what) from None
    return value


# --- envelopes ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EnvelopeSignature:
    keyid: str
    sig: bytes


@dataclass(frozen=True, slots=True)
class Envelope:
    """A DSSE envelope: the payload, its type and the signatures over their PAE."""

    payload_type: str
    payload: bytes
    signatures: tuple[EnvelopeSignature, ...]

    def to_json(self) -> bytes:
        return canonical_json(
            {
                "payload": base64.b64encode(self.payload).decode("ascii"),
                "payloadType": self.payload_type,
                "signatures": [
                    {"keyid": s.keyid, "sig": base64.b64encode(s.sig).decode("ascii")}
                    for s in self.signatures
                ],
            }
        )

    @classmethod
    def from_json(cls, data: bytes) -> Envelope:
        """Read an envelope; unknown fields are ignored, as the DSSE envelope spec asks."""
        top = _Reader(_load_json(data, "envelope"), "")
        payload = _b64decode(top.text("payload"), "payload")
        payload_type = top.text("payloadType")
        listed = top.get("signatures")
        if not isinstance(listed, list):
            raise ParseError("expected a list", location="signatures")
        signatures = tuple(_signature(item, f"signatures[{i}]") for i, item in enumerate(listed))
        return cls(payload_type, payload, signatures)


def _signature(value: object, where: str) -> EnvelopeSignature:
    reader = _Reader(value, where)
    keyid = reader.text("keyid") if "keyid" in reader.data else ""  # unset = set-but-empty
    return EnvelopeSignature(keyid, _b64decode(reader.text("sig"), f"{where}.sig"))


def _b64decode(text: str, where: str) -> bytes:
    """Standard or URL-safe base64, padded or not."""
    if _B64_STANDARD.fullmatch(text):
        standard = text
    elif _B64_URLSAFE.fullmatch(text):
        standard = text.translate(str.maketrans("-_", "+/"))
    else:
        raise ParseError("not base64", location=where)
    bare = standard.rstrip("=")
    try:
        return base64.b64decode(bare + "=" * (-len(bare) % 4), validate=True)
    except binascii.Error as exc:
        raise ParseError(f"not base64: {exc}", location=where) from None


def sign_envelope(
    payload_type: str, payload: bytes, key: Ed25519PrivateKey, keyid: str
) -> Envelope:
    """An envelope with one Ed25519 signature over the PAE of ``payload_type`` and ``payload``."""
    signature = EnvelopeSignature(keyid, key.sign(pae(payload_type, payload)))
    return Envelope(payload_type, payload, (signature,))


def verify_envelope(
    envelope: Envelope,
    keys: Mapping[str, bytes],
    *,
    payload_types: Collection[str] = PAYLOAD_TYPES,
) -> str | None:
    """The keyid of the first signature that verifies with the raw Ed25519 public key
    registered under it in ``keys``; None when none does or the payload type is not one of
    ``payload_types``. Never raises."""
    if envelope.payload_type not in payload_types:
        return None
    try:
        message = pae(envelope.payload_type, envelope.payload)
    except UnicodeEncodeError:
        return None
    for signature in envelope.signatures:
        public = keys.get(signature.keyid)
        if public is None:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature.sig, message)
        except (InvalidSignature, ValueError, TypeError):
            continue
        return signature.keyid
    return None


def envelope_sha256(data: bytes) -> str:
    """Hex SHA-256 of envelope bytes as received, which a receipt quotes."""
    return hashlib.sha256(data).hexdigest()


# --- terms, messages, receipts --------------------------------------------------------------


class Onward(StrEnum):
    """Whether the originator lets a recipient pass the record on (SG-42, SG-44)."""

    NEVER = "never"
    WITH_CONSENT = "with-consent"  # only to the nodes in ``Terms.consent``
    ALLOWED = "allowed"


class ReceiptStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # the message id was received before; nothing was done again
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Terms:
    """The originator's conditions, which travel with the data (SG-41, SG-42, SG-44)."""

    purpose: Purpose
    legal_basis: str
    reason: str
    tlp: TLP
    originator: str
    onward: Onward
    consent: tuple[str, ...]
    max_hops: int
    hops_left: int
    path: tuple[str, ...]  # nodes the record went through, the originator first
    retention_until: date | None
    source_confirmation_required: bool
    group: str | None  # "name@version" of a sharing group, or None

    def to_dict(self) -> dict[str, Any]:
        return {
            "purpose": str(self.purpose),
            "legal_basis": self.legal_basis,
            "reason": self.reason,
            "tlp": str(self.tlp),
            "originator": self.originator,
            "onward": str(self.onward),
            "consent": list(self.consent),
            "max_hops": self.max_hops,
            "hops_left": self.hops_left,
            "path": list(self.path),
            "retention_until": _day_text(self.retention_until),
            "source_confirmation_required": self.source_confirmation_required,
            "group": self.group,
        }

    @classmethod
    def from_dict(cls, value: object, where: str = "terms") -> Terms:
        """Terms from their JSON form; ParseError naming ``where.field``."""
        r = _Reader(value, where)
        terms = cls(
            purpose=r.enum("purpose", Purpose),
            legal_basis=r.text("legal_basis"),
            reason=r.text("reason"),
            tlp=r.enum("tlp", TLP),
            originator=r.node("originator"),
            onward=r.enum("onward", Onward),
            consent=r.nodes("consent"),
            max_hops=r.integer("max_hops", 0),
            hops_left=r.integer("hops_left", 0),
            path=r.nodes("path"),
            retention_until=r.day("retention_until"),
            source_confirmation_required=r.flag("source_confirmation_required"),
            group=r.group("group"),
        )
        r.close(_TERMS_FIELDS)
        if not terms.path:
            raise ParseError("at least the originator", location=r.loc("path"))
        return terms


_TERMS_FIELDS = frozenset(f.name for f in fields(Terms))


def new_message_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class Message:
    """One share to one recipient (``to``), as signed into a DSSE envelope of type SHARE."""

    message_id: str
    kind: ShareKind
    sender: str
    recipients: tuple[str, ...]  # everyone this share goes to
    to: str  # this copy's recipient
    seq: int  # per sender -> to, from 1
    created: datetime
    terms: Terms
    content: dict[str, Any] = field(hash=False)  # a STIX 2.1 bundle
    refers_to: str | None = None  # the message this one corrects or answers

    def encode(self) -> bytes:
        return canonical_json(
            {
                "message_id": self.message_id,
                "kind": str(self.kind),
                "sender": self.sender,
                "recipients": list(self.recipients),
                "to": self.to,
                "seq": self.seq,
                "created": _moment_text(self.created),
                "terms": self.terms.to_dict(),
                "content": self.content,
                "refers_to": self.refers_to,
            }
        )

    @classmethod
    def decode(cls, data: bytes) -> Message:
        """A message from its payload bytes, every field checked."""
        r = _Reader(_load_json(data, "message"), "")
        message = cls(
            message_id=r.uuid("message_id"),
            kind=r.enum("kind", ShareKind),
            sender=r.node("sender"),
            recipients=r.nodes("recipients"),
            to=r.node("to"),
            seq=r.integer("seq", 1),
            created=r.moment("created"),
            terms=Terms.from_dict(r.get("terms")),
            content=_bundle(r.get("content")),
            refers_to=r.optional_uuid("refers_to"),
        )
        r.close(_MESSAGE_FIELDS)
        _check_addressing(message)
        return message


_MESSAGE_FIELDS = frozenset(f.name for f in fields(Message))
_ANSWERS = frozenset({ShareKind.CORRECTION, ShareKind.SOURCE_CONFIRMATION})


def _check_addressing(message: Message) -> None:
    if not message.recipients:
        raise ParseError("at least one recipient", location="recipients")
    if message.to not in message.recipients:
        raise ParseError("the recipient of this copy is not among the recipients", location="to")
    if message.sender in message.recipients:
        raise ParseError("a node does not share with itself", location="recipients")
    if message.kind in _ANSWERS and message.refers_to is None:
        raise ParseError(f"a {message.kind} names the message it answers", location="refers_to")


def _bundle(value: object) -> dict[str, Any]:
    r = _Reader(value, "content")
    if r.text("type") != "bundle":
        raise ParseError("a STIX bundle has type 'bundle'", location="content.type")
    if not r.text("id").startswith("bundle--"):
        raise ParseError("a STIX bundle id starts with 'bundle--'", location="content.id")
    if "objects" in r.data and not isinstance(r.data["objects"], list):
        raise ParseError("expected a list", location="content.objects")
    return r.data


@dataclass(frozen=True, slots=True)
class Receipt:
    """The receiver's signed answer to a message (payload type RECEIPT)."""

    message_id: str
    from_node: str  # the receiver
    to_node: str  # the original sender
    seq: int
    status: ReceiptStatus
    reason: str
    received_at: datetime
    envelope_sha256: str  # hex SHA-256 of the envelope bytes received

    def encode(self) -> bytes:
        return canonical_json(
            {
                "message_id": self.message_id,
                "from_node": self.from_node,
                "to_node": self.to_node,
                "seq": self.seq,
                "status": str(self.status),
                "reason": self.reason,
                "received_at": _moment_text(self.received_at),
                "envelope_sha256": self.envelope_sha256,
            }
        )

    @classmethod
    def decode(cls, data: bytes) -> Receipt:
        r = _Reader(_load_json(data, "receipt"), "")
        receipt = cls(
            message_id=r.uuid("message_id"),
            from_node=r.node("from_node"),
            to_node=r.node("to_node"),
            seq=r.integer("seq", 1),
            status=r.enum("status", ReceiptStatus),
            reason=r.text("reason"),
            received_at=r.moment("received_at"),
            envelope_sha256=r.text("envelope_sha256"),
        )
        r.close(_RECEIPT_FIELDS)
        if not _SHA256_HEX.fullmatch(receipt.envelope_sha256):
            raise ParseError("64 lower-case hex digits", location="envelope_sha256")
        if receipt.status is ReceiptStatus.REJECTED and not receipt.reason.strip():
            raise ParseError("a rejection gives its reason", location="reason")
        return receipt


_RECEIPT_FIELDS = frozenset(f.name for f in fields(Receipt))


# --- reading fields -------------------------------------------------------------------------


def _day_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment_text(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("a naive datetime has no place in a message: give it UTC")
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class _Reader:
    """Typed access to one JSON object; every ParseError names ``where.key``."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise ParseError("expected an object", location=where or "(top)")
        self.data: dict[str, Any] = value
        self.where = where

    def loc(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str) -> object:
        if key not in self.data:
            raise ParseError("missing", location=self.loc(key))
        return self.data[key]

    def close(self, known: frozenset[str]) -> None:
        unknown = sorted(set(self.data) - known)
        if unknown:
            raise ParseError("unknown field", location=self.loc(unknown[0]))

    def text(self, key: str) -> str:
        value = self.get(key)
        if not isinstance(value, str):
            raise ParseError("expected a string", location=self.loc(key))
        return value

    def integer(self, key: str, minimum: int) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ParseError(f"expected an integer of at least {minimum}", location=self.loc(key))
        return value

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise ParseError("expected true or false", location=self.loc(key))
        return value

    def enum(self, key: str, kind: type[E]) -> E:
        value = self.text(key)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(member) for member in kind)
            raise ParseError(f"{value!r} is not one of {allowed}", location=self.loc(key)) from None

    def node(self, key: str) -> str:
        return _node_name(self.text(key), self.loc(key))

    def nodes(self, key: str) -> tuple[str, ...]:
        value = self.get(key)
        if not isinstance(value, list):
            raise ParseError("expected a list of node names", location=self.loc(key))
        names = tuple(_node_name(v, f"{self.loc(key)}[{i}]") for i, v in enumerate(value))
        if len(set(names)) != len(names):
            raise ParseError("a node is listed twice", location=self.loc(key))
        return names

    def optional_uuid(self, key: str) -> str | None:
        return None if self.get(key) is None else self.uuid(key)

    def uuid(self, key: str) -> str:
        value = self.get(key)
        if isinstance(value, str):
            try:
                if str(uuid.UUID(value)) == value:
                    return value
            except ValueError:
                pass
        raise ParseError("expected a UUID in lower-case canonical form", location=self.loc(key))

    def day(self, key: str) -> date | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, str) and _DAY.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ParseError("expected a date YYYY-MM-DD or null", location=self.loc(key))

    def moment(self, key: str) -> datetime:
        value = self.text(key)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
        if moment is None or moment.utcoffset() != timedelta(0):
            raise ParseError("expected an RFC 3339 time in UTC", location=self.loc(key))
        return moment.astimezone(UTC)

    def group(self, key: str) -> str | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, str) and GROUP_REF.fullmatch(value):
            return value
        raise ParseError("expected name@version or null", location=self.loc(key))


def _node_name(value: object, where: str) -> str:
    if isinstance(value, str) and NODE_NAME.fullmatch(value):
        return value
    raise ParseError("not a node name", location=where)
