"""The node's ledger: an append-only RFC 9162 Merkle log of share events, kept in the store,
with signed C2SP checkpoints and the cosignatures of partner witnesses.

- **Leaves** are the canonical JSON of an event (sorted keys, compact, UTF-8) holding digests
  and pseudonymous ids only (SG-31, :mod:`interlock.ledger.leaves`), so no name, document
  number or free text can be written and erasing personal data elsewhere never breaks
  verification.
- **Appends** run in the caller's transaction. They first bump the single ``ledger_head``
  row (an upsert returning the new size): the row lock on PostgreSQL and the write lock on
  SQLite make concurrent appenders, in any process, wait their turn, so a leaf's index is
  the size before it without gaps.
- **Reads** (roots, proofs, tiles) come from an in-process :class:`~interlock.ledger.tiles.
  HashTree` that is topped up from the committed leaves on every read.
- **Checkpoints** are signed by the node's log key when the log has grown since the last
  one; verified witness cosignatures are kept beside them and served with them.
- :meth:`Ledger.verify` recomputes every leaf hash from the stored data and the root of every
  stored checkpoint, and checks every signature: a changed, removed or inserted leaf shows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import case, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.errors import NotFoundError, RefusedError
from interlock.ledger.leaves import leaf_bytes
from interlock.ledger.merkle import leaf_hash
from interlock.ledger.note import (
    Checkpoint,
    Signer,
    Verifier,
    line_verifies,
    sign_note,
)
from interlock.ledger.proofs import ConsistencyProof, InclusionProof, SignedCheckpoint
from interlock.ledger.tiles import HashTree, TileRef, entry_bundle, tile_bytes
from interlock.ledger.verify import LedgerReport, verify_ledger
from interlock.store.schema_ledger import (
    LedgerCheckpointRow,
    LedgerCosignatureRow,
    LedgerHeadRow,
    LedgerLeafRow,
    LedgerWitnessStateRow,
)
from interlock.store.writer import insert_or_ignore as dialect_insert

T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(UTC)


class Ledger:
    """The node's Merkle log in the store, signed with ``signer`` (its name is the origin)."""

    def __init__(self, sessions: sessionmaker[Session], signer: Signer) -> None:
        self.sessions = sessions
        self.signer = signer
        self._tree = HashTree()
        self._lock = threading.Lock()

    @property
    def origin(self) -> str:
        return self.signer.name

    # -- appending ------------------------------------------------------------------------------

    def append(self, session: Session, event: Mapping[str, Any]) -> int:
        """Append one event in the caller's transaction; returns its index."""
        return self.append_many(session, [event])[0]

    def append_many(self, session: Session, events: Sequence[Mapping[str, Any]]) -> list[int]:
        """Append events in the caller's transaction, in order; returns their indexes."""
        leaves = [leaf_bytes(event) for event in events]
        if not leaves:
            return []
        first = self._reserve(session, len(leaves))
        rows = [(first + i, leaf_hash(data), data) for i, data in enumerate(leaves)]
        # Straight to the driver's executemany: the ORM's per-row work would halve the rate.
        connection = session.connection()
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        connection.exec_driver_sql(
            f"INSERT INTO ledger_leaves (idx, hash, data) VALUES ({mark}, {mark}, {mark})", rows
        )
        return list(range(first, first + len(leaves)))

    def write(self, event: Mapping[str, Any]) -> int:
        """Append one event in its own transaction."""
        with self.sessions.begin() as session:
            return self.append(session, event)

    def write_many(self, events: Sequence[Mapping[str, Any]]) -> list[int]:
        """Append events in one transaction of their own."""
        with self.sessions.begin() as session:
            return self.append_many(session, events)

    @staticmethod
    def _reserve(session: Session, count: int) -> int:
        """Take ``count`` indexes: the head row is bumped first, so appenders queue on it."""
        head = LedgerHeadRow.__table__.c
        statement = (
            dialect_insert(session, LedgerHeadRow)
            .values(id=1, size=count)
            .on_conflict_do_update(index_elements=[head.id], set_={"size": head.size + count})
            .returning(head.size)
        )
        size: int = session.execute(statement).scalar_one()
        return size - count

    # -- reading --------------------------------------------------------------------------------

    def _read(self, use: Callable[[HashTree], T]) -> T:
        """``use(tree)`` on the tree topped up with the leaves committed since the last read."""
        with self._lock:
            tree = self._tree
            query = (
                select(LedgerLeafRow.idx, LedgerLeafRow.hash)
                .where(LedgerLeafRow.idx >= len(tree))
                .order_by(LedgerLeafRow.idx)
                .execution_options(yield_per=20_000)
            )
            with self.sessions() as session:
                for idx, digest in session.execute(query):
                    if idx != len(tree):
                        break  # a gap left by tampering: verify() reports it
                    tree.append_hash(digest)
            try:
                return use(tree)
            except ValueError as err:
                raise RefusedError(str(err), location="ledger") from None

    def size(self) -> int:
        """The number of committed leaves."""
        return self._read(len)

    def root(self, size: int | None = None) -> bytes:
        """The root of the tree of the first ``size`` leaves (default: all)."""
        return self._read(lambda tree: tree.root(size))

    def leaf_hash(self, index: int) -> bytes:
        return self._read(lambda tree: tree.leaf_hash(index))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of ``size`` leaves (default: all)."""
        return self._read(lambda tree: tree.inclusion_proof(index, size))

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """The proof that the tree of ``size2`` leaves (default: all) extends that of ``size1``."""
        return self._read(lambda tree: tree.consistency_proof(size1, size2))

    def prove_inclusion(self, index: int, size: int | None = None) -> InclusionProof:
        """An inclusion proof with its leaf hash and root, read from one state of the tree."""

        def prove(tree: HashTree) -> InclusionProof:
            n = len(tree) if size is None else size
            path = tree.inclusion_proof(index, n)
            return InclusionProof(index, n, tree.leaf_hash(index), path, tree.root(n))

        return self._read(prove)

    def prove_consistency(self, first: int, second: int | None = None) -> ConsistencyProof:
        """A consistency proof with both roots, read from one state of the tree."""

        def prove(tree: HashTree) -> ConsistencyProof:
            n = len(tree) if second is None else second
            path = tree.consistency_proof(first, n)
            return ConsistencyProof(first, n, path, tree.root(first), tree.root(n))

        return self._read(prove)

    def leaf(self, index: int) -> bytes:
        """The data of leaf ``index``."""
        with self.sessions() as session:
            data = session.scalar(select(LedgerLeafRow.data).where(LedgerLeafRow.idx == index))
        if data is None:
            raise NotFoundError(f"the ledger has no leaf {index}")
        return data

    def leaves(self, start: int, end: int) -> list[bytes]:
        """The data of leaves ``start`` to ``end - 1``, in order."""
        query = (
            select(LedgerLeafRow.data)
            .where(LedgerLeafRow.idx >= start, LedgerLeafRow.idx < end)
            .order_by(LedgerLeafRow.idx)
        )
        with self.sessions() as session:
            return list(session.scalars(query))

    def index_of(self, hashed_leaf: bytes) -> int:
        """The first index whose leaf hash is ``hashed_leaf``."""
        index = self._read(lambda tree: tree.find(hashed_leaf))
        if index is None:
            raise NotFoundError("no leaf of the ledger has this hash")
        return index

    def tile(self, ref: TileRef) -> bytes:
        """A Merkle tile or an entry bundle (C2SP tlog-tiles); NotFoundError when the log is
        not yet large enough to determine it."""
        if ref.level is not None:
            return self._read(lambda tree: tile_bytes(tree, ref))
        size = self.size()
        if ref.end > size:
            raise NotFoundError(f"{ref.path}: needs {ref.end} leaves, the log has {size}")
        return entry_bundle(self.leaves(ref.end - ref.width, ref.end))

    # -- checkpoints ----------------------------------------------------------------------------

    def latest_checkpoint(self) -> SignedCheckpoint:
        """The newest checkpoint, signing and storing a new one first when the log grew."""
        size, root = self._read(lambda tree: (len(tree), tree.root()))
        with self.sessions.begin() as session:
            row = session.scalar(
                select(LedgerCheckpointRow).order_by(LedgerCheckpointRow.size.desc()).limit(1)
            )
            if row is None or row.size < size:
                note = sign_note(Checkpoint(self.origin, size, root).text(), [self.signer])
                session.execute(
                    dialect_insert(session, LedgerCheckpointRow)
                    .values(size=size, root=root, note=note, at=_now())
                    .on_conflict_do_nothing()
                )
                row = session.get_one(LedgerCheckpointRow, size)
            return self._signed(session, row)

    def checkpoint(self) -> str:
        """The newest signed checkpoint note with its cosignatures."""
        return self.latest_checkpoint().render()

    def checkpoint_at(self, size: int) -> SignedCheckpoint:
        """The stored checkpoint of ``size`` leaves."""
        with self.sessions() as session:
            row = session.get(LedgerCheckpointRow, size)
            if row is None:
                raise NotFoundError(f"no checkpoint of {size} leaves was signed")
            return self._signed(session, row)

    @staticmethod
    def _signed(session: Session, row: LedgerCheckpointRow) -> SignedCheckpoint:
        lines = session.scalars(
            select(LedgerCosignatureRow.line)
            .where(LedgerCosignatureRow.size == row.size)
            .order_by(LedgerCosignatureRow.id)
        )
        return SignedCheckpoint(row.size, row.root, row.note, row.at, tuple(lines))

    def add_cosignature(self, size: int, signature_line: str, verifier: Verifier) -> None:
        """Keep a witness's cosignature line on the checkpoint of ``size`` leaves, once it
        verifies with ``verifier``; RefusedError when it does not."""
        line = signature_line if signature_line.endswith("\n") else signature_line + "\n"
        if "\n" in line[:-1]:
            raise RefusedError("one signature line at a time", location="cosignature")
        with self.sessions.begin() as session:
            row = session.get(LedgerCheckpointRow, size)
            if row is None:
                raise NotFoundError(f"no checkpoint of {size} leaves was signed")
            if not line_verifies(row.note, line, verifier):
                raise RefusedError(
                    f"not a valid signature of {verifier.name} on checkpoint {size}",
                    location="cosignature",
                )
            session.execute(
                dialect_insert(session, LedgerCosignatureRow)
                .values(size=size, witness=verifier.name, vkey=verifier.vkey, line=line, at=_now())
                .on_conflict_do_nothing()
            )
            self._witnessed(session, verifier.name, size)

    @staticmethod
    def _witnessed(session: Session, witness: str, size: int) -> None:
        state = LedgerWitnessStateRow.__table__.c
        insert = dialect_insert(session, LedgerWitnessStateRow).values(
            witness=witness, size=size, at=_now()
        )
        newer = insert.excluded.size > state.size
        session.execute(
            insert.on_conflict_do_update(
                index_elements=[state.witness],
                set_={
                    "size": case((newer, insert.excluded.size), else_=state.size),
                    "at": case((newer, insert.excluded.at), else_=state.at),
                },
            )
        )

    def cosigned_size(self, witness: str) -> int:
        """The size of this log the witness named ``witness`` last cosigned (0: never)."""
        with self.sessions() as session:
            size = session.scalar(
                select(LedgerWitnessStateRow.size).where(LedgerWitnessStateRow.witness == witness)
            )
        return size or 0

    # -- verification ---------------------------------------------------------------------------

    def verify(self) -> LedgerReport:
        """Recompute every leaf hash, every checkpoint root, and check every signature
        (:func:`interlock.ledger.verify.verify_ledger`)."""
        return verify_ledger(self)
