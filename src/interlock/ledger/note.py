"""Signed notes, checkpoints and cosignatures (C2SP signed-note, tlog-checkpoint,
tlog-cosignature), with Ed25519 from ``cryptography``.

- A **signed note** is text ending in a newline, a blank line, then one signature line per
  signer: ``— <key name> base64(key ID || signature)``. The key ID is the first four bytes of
  SHA-256(name || ``\\n`` || type || public key); type 0x01 is an Ed25519 note signature over
  the text.
- A **checkpoint** is a note whose text is the log's origin, its size, the base64 root hash,
  and optional extension lines.
- A **cosignature** (type 0x04) is a witness's note signature over ``cosignature/v1``, a
  ``time <seconds>`` line and the checkpoint text; its signature is the 8-byte big-endian
  timestamp followed by the Ed25519 signature.

Verifier keys are written as *vkeys*: ``<name>+<key ID in hex>+base64(type || public key)``.
Malformed notes raise :class:`NoteError`; a signature that does not verify is reported, not
raised.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass
from enum import IntEnum

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from interlock.errors import ParseError

DASH = "\u2014"  # the em dash that starts a signature line
COSIGNATURE_HEADER = "cosignature/v1"


class NoteError(ParseError):
    """A note, checkpoint or vkey that cannot be read; ``location`` names the line."""


class KeyType(IntEnum):
    ED25519 = 0x01  # a note signature
    COSIGNATURE = 0x04  # a timestamped cosignature/v1 over a checkpoint


def key_id(name: str, key_type: KeyType, public: bytes) -> bytes:
    """The 4-byte key ID of a signer."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public).digest()[:4]


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _check_name(name: str) -> None:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise NoteError(f"a key name is non-empty, without spaces or '+': {name!r}")


@dataclass(frozen=True, slots=True)
class Verifier:
    """A public key with its name and type, as a vkey names it."""

    name: str
    key_type: KeyType
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.key_type, self.public)

    @property
    def vkey(self) -> str:
        material = base64.b64encode(bytes([self.key_type]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{material}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Read a vkey; its key ID must match its name and key."""
        name, sep1, rest = vkey.strip().partition("+")
        hex_id, sep2, material = rest.partition("+")
        if not (sep1 and sep2):
            raise NoteError("a vkey is NAME+KEYID+KEY", location="vkey")
        _check_name(name)
        try:
            raw = base64.b64decode(material, validate=True)
            wanted = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError):
            raise NoteError(
                "the vkey's key ID or key is not valid hex/base64", location="vkey"
            ) from None
        if len(raw) != 33 or raw[0] not in (KeyType.ED25519, KeyType.COSIGNATURE):
            raise NoteError("only Ed25519 note and cosignature keys are supported", location="vkey")
        verifier = cls(name, KeyType(raw[0]), raw[1:])
        if verifier.key_id != wanted:
            raise NoteError("the vkey's key ID does not match its name and key", location="vkey")
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` (without key ID) is this key's over ``message``; for a
        cosignature key the message is the checkpoint text and the signature starts with the
        timestamp."""
        try:
            public = Ed25519PublicKey.from_public_bytes(self.public)
        except ValueError:
            return False
        if self.key_type is KeyType.COSIGNATURE:
            if len(signature) != 8 + 64:
                return False
            (timestamp,) = struct.unpack(">Q", signature[:8])
            message = cosigned_message(message.decode(), timestamp)
            signature = signature[8:]
        try:
            public.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Signer:
    """A private key with its name and type."""

    name: str
    key_type: KeyType
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str, key_type: KeyType = KeyType.ED25519) -> Signer:
        _check_name(name)
        return cls(name, key_type, Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key_type, _raw(self.private.public_key()))

    def signature_line(self, text: str, *, timestamp: int | None = None) -> str:
        """The signature line of this key over a note's ``text``."""
        if self.key_type is KeyType.COSIGNATURE:
            if timestamp is None or not 0 <= timestamp < 2**63:
                raise ValueError("a cosignature needs a timestamp in seconds since the epoch")
            signed = cosigned_message(text, timestamp)
            value = struct.pack(">Q", timestamp) + self.private.sign(signed)
        else:
            value = self.private.sign(text.encode())
        encoded = base64.b64encode(self.verifier.key_id + value).decode()
        return f"{DASH} {self.name} {encoded}\n"


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: the header, the time line and the checkpoint text."""
    return f"{COSIGNATURE_HEADER}\ntime {timestamp}\n{text}".encode()


@dataclass(frozen=True, slots=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes  # without the key ID


@dataclass(frozen=True, slots=True)
class Note:
    """A signed note as read: its text and its signature lines."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def verified_by(self, verifier: Verifier) -> bool:
        """Whether a signature line of this note is ``verifier``'s and verifies."""
        message = self.text.encode()
        return any(
            s.name == verifier.name
            and s.key_id == verifier.key_id
            and verifier.verify(message, s.signature)
            for s in self.signatures
        )

    def render(self) -> str:
        lines = "".join(
            f"{DASH} {s.name} {base64.b64encode(s.key_id + s.signature).decode()}\n"
            for s in self.signatures
        )
        return f"{self.text}\n{lines}"


def sign_note(text: str, signers: list[Signer], *, timestamp: int | None = None) -> str:
    """The note ``text`` signed by every signer (cosigners need ``timestamp``)."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends with a newline and holds no blank line")
    return text + "\n" + "".join(s.signature_line(text, timestamp=timestamp) for s in signers)


def parse_note(note: str) -> Note:
    """Read a signed note (signatures are read, not verified)."""
    text, sep, block = note.rpartition("\n\n")
    if not sep or not block.endswith("\n"):
        raise NoteError("a signed note is text, a blank line and signature lines")
    text += "\n"
    signatures: list[NoteSignature] = []
    for number, line in enumerate(block[:-1].split("\n"), start=text.count("\n") + 2):
        dash, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        if dash != DASH or not name or not encoded or " " in encoded:
            raise NoteError("a signature line is '— NAME SIGNATURE'", location=f"line {number}")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise NoteError("the signature is not base64", location=f"line {number}") from None
        if len(raw) < 5:
            raise NoteError("the signature is too short", location=f"line {number}")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    if not signatures:
        raise NoteError("a signed note has at least one signature")
    return Note(text, tuple(signatures))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's checkpoint: origin, size, root hash, extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        body = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*body, *self.extensions]) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint's text (a note's text, without the signatures)."""
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint is origin, size and root hash, each on a line")
        origin, size, root, *extensions = lines[:-1]
        if not origin:
            raise NoteError("the origin is empty", location="line 1")
        if not (size.isascii() and size.isdigit()) or (len(size) > 1 and size.startswith("0")):
            raise NoteError("the size is a decimal without leading zeros", location="line 2")
        try:
            digest = base64.b64decode(root, validate=True)
        except binascii.Error:
            raise NoteError("the root hash is not base64", location="line 3") from None
        if len(digest) != 32:
            raise NoteError("the root hash is not 32 bytes", location="line 3")
        if any(not line for line in extensions):
            raise NoteError("a checkpoint holds no blank line")
        return cls(origin, int(size), digest, tuple(extensions))


def line_verifies(note: str, line: str, verifier: Verifier) -> bool:
    """Whether the signature ``line`` is ``verifier``'s over the text of ``note``."""
    try:
        parsed = parse_note(note + line)
    except NoteError:
        return False
    return Note(parsed.text, parsed.signatures[-1:]).verified_by(verifier)
