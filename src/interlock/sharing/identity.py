"""The node's identity: its name and Ed25519 keys, made on first start and kept in the data
folder.

Three keys, one per use, so that a witness key can be rotated without touching the log:

- ``envelope``: signs the DSSE envelopes and receipts the node sends to partners;
- ``log``: signs the checkpoints of the node's ledger (C2SP signed note, key name = the log's
  origin);
- ``witness``: cosigns partners' checkpoints (C2SP tlog-cosignature/v1).

Private keys are PKCS#8 PEM files, mode 0600, under ``keys/`` in the data folder. A node also
gets a self-signed TLS certificate for its partner links (``tls.crt``/``tls.key``); partners
pin it. :meth:`NodeIdentity.card` is what a node hands to a partner out of band to be
registered (public keys only).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.x509.oid import NameOID

from interlock.errors import ConfigurationError
from interlock.ledger.note import KeyType, Signer, Verifier
from interlock.settings import Settings

NODE_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{0,62}$")
"""Node names: lower-case letters, digits, dots and hyphens (they become key and origin
names, which allow no spaces or '+')."""


def check_node_name(name: str) -> str:
    """``name`` if it can name a node, else a ConfigurationError saying why."""
    if not NODE_NAME.fullmatch(name):
        raise ConfigurationError(
            f"node name {name!r}: use 1-63 lower-case letters, digits, dots and hyphens, "
            "starting with a letter or digit"
        )
    return name


def log_origin(node_name: str) -> str:
    """The origin line of a node's ledger checkpoints."""
    return f"{node_name}.interlock/ledger"


def witness_name(node_name: str) -> str:
    """The key name a node cosigns with as a witness."""
    return f"{node_name}.interlock/witness"


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def envelope_key_id(public: bytes) -> str:
    """The DSSE ``keyid`` of an envelope key: hex SHA-256 of the raw public key, 16 digits."""
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class NodeIdentity:
    """A node's name and private keys."""

    name: str
    envelope: Ed25519PrivateKey
    log: Signer
    witness: Signer
    tls_cert_pem: str
    tls_cert_path: Path
    tls_key_path: Path

    @property
    def envelope_public(self) -> bytes:
        return public_raw(self.envelope.public_key())

    @property
    def envelope_key_id(self) -> str:
        return envelope_key_id(self.envelope_public)

    @property
    def origin(self) -> str:
        return self.log.name

    def card(self, base_url: str) -> dict[str, Any]:
        """The public identity a partner registers (no secrets)."""
        return {
            "name": self.name,
            "base_url": base_url,
            "envelope_key": base64.b64encode(self.envelope_public).decode(),
            "log_origin": self.origin,
            "log_key": self.log.verifier.vkey,
            "witness_key": self.witness.verifier.vkey,
            "tls_cert": self.tls_cert_pem,
        }

    @classmethod
    def load_or_create(
        cls, name: str, keys_dir: Path, *, tls_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    ) -> NodeIdentity:
        """The node's keys from ``keys_dir``, each made there first if missing."""
        check_node_name(name)
        keys_dir.mkdir(parents=True, exist_ok=True)
        envelope = _private_key(keys_dir / "node-envelope.pem")
        log_key = _private_key(keys_dir / "node-log.pem")
        witness_key = _private_key(keys_dir / "node-witness.pem")
        tls_key_path, tls_cert_path = keys_dir / "tls.key", keys_dir / "tls.crt"
        if not (tls_key_path.exists() and tls_cert_path.exists()):
            _write_tls(name, tls_key_path, tls_cert_path, tls_hosts)
        return cls(
            name=name,
            envelope=envelope,
            log=Signer(log_origin(name), KeyType.ED25519, log_key),
            witness=Signer(witness_name(name), KeyType.COSIGNATURE, witness_key),
            tls_cert_pem=tls_cert_path.read_text(),
            tls_cert_path=tls_cert_path,
            tls_key_path=tls_key_path,
        )


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _private_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ConfigurationError(f"{path}: not an Ed25519 private key")
        return loaded
    key = Ed25519PrivateKey.generate()
    _write_private(
        path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    return key


def _write_tls(name: str, key_path: Path, cert_path: Path, hosts: tuple[str, ...]) -> None:
    """A self-signed Ed25519 certificate for the node's partner links, valid ten years."""
    key = Ed25519PrivateKey.generate()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name}.interlock")])
    alt: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt.append(x509.DNSName(host))
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, None)
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def verifier_from_card(card: dict[str, Any], field: str) -> Verifier:
    """The note verifier in a partner card's ``log_key`` or ``witness_key``."""
    return Verifier.parse(str(card[field]))


def fingerprint(pem: str) -> str:
    """SHA-256 fingerprint (hex) of a PEM certificate, for display."""
    cert = x509.load_pem_x509_certificate(pem.encode())
    return cert.fingerprint(hashes.SHA256()).hex()


def node_identity(settings: Settings) -> NodeIdentity:
    """The node's identity per its settings (keys made on first use)."""
    return NodeIdentity.load_or_create(
        settings.node_name, settings.resolved_keys_dir, tls_hosts=tuple(settings.tls_hosts)
    )
