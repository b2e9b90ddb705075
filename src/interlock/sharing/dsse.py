"""DSSE v1 envelopes (secure-systems-lab/dsse, protocol v1) with Ed25519 signatures, and the
strict canonical JSON the node's messages are written in.

A signature is over the pre-authentication encoding ``PAE = "DSSEv1" SP len(type) SP type SP
len(body) SP body`` (lengths are byte counts in ASCII decimal), so the payload type is signed
with the payload and one cannot pass for another. The JSON envelope is ``{"payload": base64,
"payloadType": ..., "signatures": [{"keyid": ..., "sig": base64}]}``; standard and URL-safe
base64 are both read, as the specification requires. Reading JSON refuses duplicate keys,
NaN and infinities (two parsers could read different values).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from interlock.errors import ParseError
from interlock.sharing.jsonfields import _load_json, _Reader, canonical_json

SHARE = "application/vnd.interlock.share+json"
RECEIPT = "application/vnd.interlock.receipt+json"
PAYLOAD_TYPES = frozenset({SHARE, RECEIPT})


_B64_STANDARD = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_B64_URLSAFE = re.compile(r"[A-Za-z0-9_-]*={0,2}")


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSE v1 pre-authentication encoding: what is signed."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


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
