"""Tables of the tamper-evident ledger and of the node's witness (migration 0012).

The ledger's leaves hold canonical JSON of share events with digests and pseudonymous ids
only (SG-31), so nothing here points at a table of personal data: no foreign keys out.

- ``ledger_leaves``: one row per leaf, ``idx`` from 0 without gaps, the raw leaf data and
  its RFC 9162 leaf hash. The hash is not indexed: at a million leaves an index of random
  32-byte keys costs more than the rest of an append, and finding a leaf by hash scans the
  leaf hashes the ledger holds in memory instead (milliseconds);
- ``ledger_head``: one row (``id`` 1) counting the leaves; appends update it first, which
  serialises them on both engines;
- ``ledger_checkpoints`` and ``ledger_cosignatures``: the signed checkpoints of the log and
  the witnesses' cosignature lines on them;
- ``ledger_witness_state``: per witness, the size of our log it last cosigned;
- ``ledger_witnessed``: as a witness, the latest checkpoint cosigned per partner log origin;
- ``ledger_alarms``: a partner's log seen inconsistent (a fork, a bad consistency proof).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime

# A rowid alias on SQLite (the fastest key there), 64 bits on PostgreSQL.
LEAF_INDEX = BigInteger().with_variant(Integer(), "sqlite")


class LedgerLeafRow(Base):
    """One leaf of the node's Merkle log."""

    __tablename__ = "ledger_leaves"

    idx: Mapped[int] = mapped_column(LEAF_INDEX, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class LedgerHeadRow(Base):
    """The number of leaves in the log (a single row, ``id`` 1)."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)


class LedgerCheckpointRow(Base):
    """A checkpoint of the log as signed by the node (C2SP signed note, log signature only)."""

    __tablename__ = "ledger_checkpoints"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerCosignatureRow(Base):
    """A witness's verified cosignature line on the checkpoint of ``size`` leaves."""

    __tablename__ = "ledger_cosignatures"
    __table_args__ = (UniqueConstraint("size", "witness"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    witness: Mapped[str] = mapped_column(String)
    vkey: Mapped[str] = mapped_column(String)
    line: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerWitnessStateRow(Base):
    """The size of this node's log that the witness named ``witness`` last cosigned."""

    __tablename__ = "ledger_witness_state"

    witness: Mapped[str] = mapped_column(String, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerWitnessedRow(Base):
    """As a witness: the latest checkpoint this node cosigned for a partner's log."""

    __tablename__ = "ledger_witnessed"

    origin: Mapped[str] = mapped_column(String, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerAlarmRow(Base):
    """A partner's log caught misbehaving; ``evidence`` is the signed request that showed it."""

    __tablename__ = "ledger_alarms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    origin: Mapped[str] = mapped_column(String, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UtcDateTime)
