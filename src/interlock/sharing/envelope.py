"""The messages and receipts that travel between nodes in DSSE envelopes
(:mod:`interlock.sharing.dsse`, re-exported here).

The payload of a share is a :class:`Message`, and the receiver answers with a signed
:class:`Receipt`. Both are canonical JSON (sorted keys, no spaces, UTF-8) and are decoded
strictly: a duplicate key is refused because two parsers could read different values, and an
unknown field is refused because a condition of the originator that this node cannot read must
not be dropped silently (SG-44). Every refusal is a :class:`ParseError` naming the field.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from interlock.access.purpose import Purpose
from interlock.errors import ParseError
from interlock.sharing.dsse import (
    PAYLOAD_TYPES,
    RECEIPT,
    SHARE,
    Envelope,
    EnvelopeSignature,
    envelope_sha256,
    pae,
    sign_envelope,
    verify_envelope,
)
from interlock.sharing.jsonfields import (
    _SHA256_HEX,
    _day_text,
    _load_json,
    _moment_text,
    _Reader,
    canonical_json,
)
from interlock.sharing.kinds import TLP, ShareKind

__all__ = [
    "PAYLOAD_TYPES", "RECEIPT", "SHARE", "Envelope", "EnvelopeSignature", "Message", "Onward",
    "Receipt", "ReceiptStatus", "Terms", "canonical_json", "envelope_sha256",
    "new_message_id", "pae", "sign_envelope", "verify_envelope",
]  # fmt: skip


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
    origin_seal: str | None = None  # base64 of the originator's seal of the terms (seal.py)

    def encode(self) -> bytes:
        """The payload; ``origin_seal`` only when there is one, so that an unsealed message
        reads as it did before seals existed."""
        sealed = {} if self.origin_seal is None else {"origin_seal": self.origin_seal}
        return canonical_json(
            {
                **sealed,
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
            origin_seal=_seal_text(r) if "origin_seal" in r.data else None,
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


def _seal_text(r: _Reader) -> str:
    """The seal as canonical base64 (absent when there is none: null is not read)."""
    text = r.text("origin_seal")
    try:
        canonical = base64.b64encode(base64.b64decode(text, validate=True)).decode("ascii")
    except binascii.Error:
        canonical = None
    if not text or canonical != text:
        raise ParseError("expected a seal in padded standard base64", location="origin_seal")
    return text


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
