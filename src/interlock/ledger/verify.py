"""Checking a stored ledger end to end (``interlock ledger verify``): every leaf hash is
recomputed from the stored data, the root of every stored checkpoint from the leaves, and every
signature is checked (the log's on each checkpoint, each witness's cosignature). A changed,
removed or inserted leaf shows, with the range it lies in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.ledger.merkle import EMPTY_ROOT, leaf_hash
from interlock.ledger.note import Checkpoint, NoteError, Verifier, line_verifies, parse_note
from interlock.ledger.tiles import HashTree
from interlock.store.schema_ledger import (
    LedgerCheckpointRow,
    LedgerCosignatureRow,
    LedgerHeadRow,
    LedgerLeafRow,
)

if TYPE_CHECKING:
    from interlock.ledger.log import Ledger


@dataclass(slots=True)
class LedgerReport:
    """What :func:`verify_ledger` found; ``problems`` are ``(where, what)``."""

    leaves: int = 0
    head: int = 0
    checkpoints: int = 0
    cosignatures: int = 0
    root: bytes = EMPTY_ROOT
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_ledger(ledger: Ledger) -> LedgerReport:
    """Recompute every leaf hash, every checkpoint root, and check every signature."""
    report = LedgerReport()
    tree = HashTree()
    with ledger.sessions() as session:
        _verify_leaves(session, tree, report)
        head = session.scalar(select(LedgerHeadRow.size).where(LedgerHeadRow.id == 1))
        report.head = head or 0
        if report.head != report.leaves:
            report.problems.append(
                ("log head", f"counts {report.head} leaves but {report.leaves} are stored")
            )
        report.root = tree.root()
        notes = {
            row.size: row.note
            for row in session.scalars(
                select(LedgerCheckpointRow).order_by(LedgerCheckpointRow.size)
            )
        }
        _verify_checkpoints(ledger, notes, tree, report)
        for row in session.scalars(select(LedgerCosignatureRow)):
            report.cosignatures += 1
            _verify_cosignature(row, notes, report)
    return report


def _verify_leaves(session: Session, tree: HashTree, report: LedgerReport) -> None:
    query = (
        select(LedgerLeafRow.idx, LedgerLeafRow.hash, LedgerLeafRow.data)
        .order_by(LedgerLeafRow.idx)
        .execution_options(yield_per=20_000)
    )
    for idx, stored, data in session.execute(query):
        report.leaves += 1
        expected = len(tree)
        if idx > expected:
            report.problems.append(
                (f"leaf {expected}", f"leaves {expected} to {idx - 1} are missing")
            )
        elif idx < expected:
            report.problems.append((f"leaf {idx}", "an index out of place"))
        digest = leaf_hash(data)
        if digest != stored:
            report.problems.append((f"leaf {idx}", "its data does not match its leaf hash"))
        tree.append_hash(digest)


def _verify_checkpoints(
    ledger: Ledger, notes: Mapping[int, str], tree: HashTree, report: LedgerReport
) -> None:
    intact = 0  # the largest checkpoint size the stored leaves still reproduce
    for size, text in notes.items():
        report.checkpoints += 1
        where = f"checkpoint {size}"
        try:
            note = parse_note(text)
            signed = Checkpoint.parse(note.text)
        except (NoteError, ValueError) as err:  # ValueError: a size int() cannot read
            report.problems.append((where, f"unreadable: {err}"))
            continue
        if not note.verified_by(ledger.signer.verifier):
            report.problems.append((where, "the log's signature does not verify"))
        if signed.origin != ledger.origin or signed.size != size:
            report.problems.append((where, "its note names another origin or size"))
        if signed.size > len(tree):
            report.problems.append(
                (where, f"covers {signed.size} leaves, {len(tree)} are stored: leaves removed")
            )
        elif tree.root(signed.size) != signed.root:
            report.problems.append(
                (
                    where,
                    "the stored leaves give another root: a leaf between index "
                    f"{intact} and {signed.size - 1} was changed, removed or inserted",
                )
            )
        else:
            intact = signed.size


def _verify_cosignature(
    row: LedgerCosignatureRow, notes: Mapping[int, str], report: LedgerReport
) -> None:
    where = f"cosignature of {row.witness} on checkpoint {row.size}"
    try:
        verifier = Verifier.parse(row.vkey)
    except NoteError:
        report.problems.append((where, "its witness key is unreadable"))
        return
    note = notes.get(row.size)
    if note is None:
        report.problems.append((where, "its checkpoint is gone"))
    elif verifier.name != row.witness or not line_verifies(note, row.line, verifier):
        report.problems.append((where, "does not verify"))
