"""Sealing the plaintext that depersonalisation removes (SG-27).

The masked columns of a row are written as JSON and encrypted with AES-256-GCM under the
depersonalisation key: one random 96-bit nonce per record, and associated data naming the
table and row, so a sealed record copied onto another row does not open. The key lives in a
file outside the database (default ``<data_dir>/keys/depersonalisation.key``, created with
mode 0600 on first use): a copy of the database alone reveals nothing. The database keeps only
the key's id (a digest prefix), so a record sealed under another key is recognised as such.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.errors import ConfigurationError, ConflictError, NotFoundError
from interlock.store.schema_retention import SealedRecordRow

KEY_FILE = Path("keys") / "depersonalisation.key"
"""Default key file, relative to the node's data folder."""

_KEY_BYTES = 32
_NONCE_BYTES = 12
_AAD_PREFIX = "interlock-sealed-record:v1"


def default_key_path(data_dir: Path) -> Path:
    """Where the depersonalisation key is kept unless configured otherwise."""
    return data_dir / KEY_FILE


@dataclass(frozen=True, slots=True)
class SealKey:
    """The depersonalisation key. ``id`` names it in the store without revealing it."""

    secret: bytes
    id: str

    @classmethod
    def of(cls, secret: bytes) -> SealKey:
        if len(secret) != _KEY_BYTES:
            raise ConfigurationError(f"a depersonalisation key is {_KEY_BYTES} bytes")
        return cls(secret, hashlib.sha256(b"interlock-key-id\n" + secret).hexdigest()[:16])

    @classmethod
    def load(cls, path: Path, *, create: bool = False) -> SealKey:
        """The key in ``path`` (base64 text); with ``create``, a new random key is written
        there first when the file does not exist (mode 0600, folder 0700)."""
        if create and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: read theirs
            else:
                with os.fdopen(fd, "w") as handle:
                    handle.write(base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode() + "\n")
        try:
            text = path.read_text().strip()
        except FileNotFoundError:
            raise ConfigurationError(f"{path}: no depersonalisation key") from None
        try:
            return cls.of(base64.b64decode(text, validate=True))
        except ValueError:
            raise ConfigurationError(f"{path}: not a base64 depersonalisation key") from None


def _aad(table: str, row_id: int) -> bytes:
    return f"{_AAD_PREFIX}:{table}:{row_id}".encode()


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, datetime | date):
        return {"$date": value.isoformat()}
    return value


def _restored(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        if "$bytes" in value:
            return base64.b64decode(value["$bytes"])
        if "$date" in value:
            text = str(value["$date"])
            return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    return value


def seal(
    session: Session, key: SealKey, table: str, row_id: int, plaintext: dict[str, Any]
) -> None:
    """Store the sealed ``plaintext`` (column → value) of one row, in the caller's session."""
    data = json.dumps({k: _jsonable(v) for k, v in plaintext.items()}, ensure_ascii=False)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    ciphertext = AESGCM(key.secret).encrypt(nonce, data.encode(), _aad(table, row_id))
    session.add(
        SealedRecordRow(
            table_name=table,
            row_id=row_id,
            columns=sorted(plaintext),
            key_id=key.id,
            nonce=nonce,
            ciphertext=ciphertext,
            sealed_at=datetime.now(UTC),
        )
    )


def open_sealed(session: Session, key: SealKey, table: str, row_id: int) -> dict[str, Any]:
    """The plaintext sealed for one row. Refused (409) when the key is not the one it was
    sealed under or the record was altered or moved; 404 when there is none."""
    row = session.execute(
        select(SealedRecordRow).where(
            SealedRecordRow.table_name == table, SealedRecordRow.row_id == row_id
        )
    ).scalar()
    if row is None:
        raise NotFoundError(f"no sealed record for {table} {row_id}")
    try:
        data = AESGCM(key.secret).decrypt(row.nonce, row.ciphertext, _aad(table, row_id))
    except InvalidTag:
        raise ConflictError(
            f"the sealed record of {table} {row_id} does not open with this key "
            f"(sealed under key {row.key_id}, given {key.id})"
        ) from None
    return {k: _restored(v) for k, v in json.loads(data).items()}
