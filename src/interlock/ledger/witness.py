"""Witnessing partners' logs (C2SP tlog-witness, tlog-cosignature).

**As a witness** (:class:`Witness`), a node cosigns a partner's checkpoint only when

1. the origin is a partner log it knows (else 404) and the log's key signed it (else 403);
2. the request's ``old`` size is the size it last cosigned for that origin (else 409 with
   that size, ``text/x.tlog.size``), and not beyond the new size (else 400);
3. a checkpoint of the same size has the same root (else 409: a **fork**), and the
   consistency proof from the old size verifies (else 422: **inconsistent**).

A fork or an inconsistent proof on a log-signed checkpoint is evidence that the partner's log
misbehaves: it is kept as an alarm row with the request. The check and the update of the
stored checkpoint are one compare-and-set, so two racing requests can never roll it back.

The log's side, collecting partners' cosignatures on this node's checkpoints, is
:mod:`interlock.ledger.cosigning`.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from interlock.errors import ParseError
from interlock.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from interlock.ledger.note import (
    Checkpoint,
    Note,
    Signer,
    Verifier,
    parse_note,
)
from interlock.store.schema_ledger import LedgerAlarmRow, LedgerWitnessedRow
from interlock.store.writer import insert_or_ignore

log = logging.getLogger(__name__)

TEXT = "text/plain; charset=utf-8"
TLOG_SIZE = "text/x.tlog.size"
MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024
DECIMAL = re.compile(r"0|[1-9][0-9]*")


class AlarmKind(StrEnum):
    FORK = "fork"  # two different trees of the same size, both signed by the log
    INCONSISTENT = "inconsistent"  # a signed checkpoint without a valid consistency proof
    CONFLICT = "conflict"  # a witness holds a tree of our log that ours does not extend


@dataclass(frozen=True, slots=True)
class WitnessResponse:
    """The HTTP answer to an add-checkpoint request."""

    status: int
    content_type: str
    body: str


@dataclass(frozen=True, slots=True)
class AddCheckpoint:
    """An add-checkpoint request: the old size, the consistency proof, the signed note."""

    old: int
    proof: list[bytes]
    note: str

    def render(self) -> str:
        lines = "".join(base64.b64encode(h).decode() + "\n" for h in self.proof)
        return f"old {self.old}\n{lines}\n{self.note}"


@dataclass(frozen=True, slots=True)
class Alarm:
    """A partner's log caught misbehaving."""

    id: int
    origin: str
    kind: str
    detail: str
    evidence: str
    at: datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "origin": self.origin,
            "kind": self.kind,
            "detail": self.detail,
            "at": self.at.isoformat(),
        }


def parse_request(body: str) -> AddCheckpoint:
    """Read an add-checkpoint body: ``old N``, proof lines, a blank line, the note."""
    head, sep, note = body.partition("\n\n")
    if not sep:
        raise ParseError("the proof ends with a blank line before the checkpoint", location="body")
    old_line, *proof_lines = head.split("\n")
    word, _, size = old_line.partition(" ")
    if word != "old" or not DECIMAL.fullmatch(size):
        raise ParseError("the first line is 'old <size>' without leading zeros", location="line 1")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise ParseError(f"at most {MAX_PROOF_LINES} proof lines", location="body")
    proof: list[bytes] = []
    for number, line in enumerate(proof_lines, start=2):
        try:
            digest = base64.b64decode(line, validate=True)
        except binascii.Error:
            raise ParseError("a proof line is one base64 hash", location=f"line {number}") from None
        if len(digest) != HASH_SIZE:
            raise ParseError("a proof hash is 32 bytes", location=f"line {number}")
        proof.append(digest)
    return AddCheckpoint(int(size), proof, note)


def _now() -> datetime:
    return datetime.now(UTC)


def record_alarm(
    sessions: sessionmaker[Session], origin: str, kind: AlarmKind, detail: str, evidence: str = ""
) -> None:
    """Keep an alarm about ``origin``'s log (and log it for the operators)."""
    with sessions.begin() as session:
        row = LedgerAlarmRow(
            origin=origin, kind=kind.value, detail=detail, evidence=evidence, at=_now()
        )
        session.add(row)
    log.warning("ledger alarm origin=%s kind=%s detail=%r", origin, kind.value, detail)


def alarms(sessions: sessionmaker[Session], origin: str | None = None) -> list[Alarm]:
    """Every alarm, oldest first (only ``origin``'s when given)."""
    query = select(LedgerAlarmRow).order_by(LedgerAlarmRow.id)
    if origin is not None:
        query = query.where(LedgerAlarmRow.origin == origin)
    with sessions() as session:
        return [
            Alarm(row.id, row.origin, row.kind, row.detail, row.evidence, row.at)
            for row in session.scalars(query)
        ]


@dataclass(frozen=True, slots=True)
class Witnessed:
    """The latest checkpoint this witness cosigned for one origin."""

    origin: str
    size: int
    root: bytes
    note: str


class Witness:
    """This node as a witness of the partner logs ``known_logs()`` names (origin → the log's
    checkpoint key), cosigning with ``signer``."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        signer: Signer,
        known_logs: Callable[[], Mapping[str, Verifier]],
    ) -> None:
        self.sessions = sessions
        self.signer = signer
        self._known_logs = known_logs
        # One request at a time in this process; across processes the compare-and-set decides.
        self._lock = threading.Lock()

    def add_checkpoint(self, body: str) -> WitnessResponse:
        """Answer an add-checkpoint request (C2SP tlog-witness)."""
        try:
            request = parse_request(body)
            note = parse_note(request.note)
            checkpoint = Checkpoint.parse(note.text)
        except ParseError as err:  # NoteError is one
            return _text(400, str(err))
        except ValueError:  # a size in digits int() does not read, such as '²'
            return _text(400, "line 2: the size is not a decimal")
        verifier = self._known_logs().get(checkpoint.origin)
        if verifier is None:
            return _text(404, f"unknown log origin {checkpoint.origin!r}")
        if not note.verified_by(verifier):
            return _text(403, "no signature of the log's key verifies")
        if request.old > checkpoint.size:
            return _text(400, f"old size {request.old} is beyond the size {checkpoint.size}")
        with self._lock:
            return self._check(request, note, checkpoint)

    def _check(self, request: AddCheckpoint, note: Note, checkpoint: Checkpoint) -> WitnessResponse:
        origin = checkpoint.origin
        stored = self.latest(origin)
        stored_size = stored.size if stored else 0
        if request.old != stored_size:
            return _size(stored_size)
        if stored is not None and checkpoint.size == stored.size:
            if checkpoint.root != stored.root:
                detail = f"two trees of size {stored.size}"
                self._alarm(origin, AlarmKind.FORK, detail, request, earlier=stored.note)
                return _size(stored_size)
            return self._cosign(note)
        old_root = stored.root if stored else EMPTY_ROOT
        if not verify_consistency(
            request.old, checkpoint.size, request.proof, old_root, checkpoint.root
        ):
            detail = f"no valid consistency proof from size {request.old} to {checkpoint.size}"
            self._alarm(origin, AlarmKind.INCONSISTENT, detail, request)
            return _text(422, detail)
        if not self._advance(stored, checkpoint, request.note):
            now = self.latest(origin)
            return _size(now.size if now else 0)
        return self._cosign(note)

    def _advance(self, stored: Witnessed | None, checkpoint: Checkpoint, note: str) -> bool:
        """Compare-and-set the stored checkpoint: only if it is still ``stored``."""
        table = LedgerWitnessedRow
        values = {"size": checkpoint.size, "root": checkpoint.root, "note": note, "at": _now()}
        with self.sessions.begin() as session:
            if stored is None:
                statement = (
                    insert_or_ignore(session, table)
                    .values(origin=checkpoint.origin, **values)
                    .on_conflict_do_nothing()
                )
            else:
                statement = (
                    update(table)
                    .where(
                        table.origin == stored.origin,
                        table.size == stored.size,
                        table.root == stored.root,
                    )
                    .values(**values)
                )
            # RETURNING rather than rowcount, which some paths leave at -1.
            return session.execute(statement.returning(table.origin)).first() is not None

    def _cosign(self, note: Note) -> WitnessResponse:
        line = self.signer.signature_line(note.text, timestamp=int(time.time()))
        return WitnessResponse(200, TEXT, line)

    def _alarm(
        self, origin: str, kind: AlarmKind, detail: str, request: AddCheckpoint, earlier: str = ""
    ) -> None:
        """Keep the signed request as evidence (for a fork, with the note cosigned before:
        two notes of the log's key on different trees of one size)."""
        evidence = request.render() + (f"\ncosigned before:\n{earlier}" if earlier else "")
        record_alarm(self.sessions, origin, kind, detail, evidence)

    def latest(self, origin: str) -> Witnessed | None:
        """The latest checkpoint cosigned for ``origin``."""
        with self.sessions() as session:
            row = session.get(LedgerWitnessedRow, origin)
            return Witnessed(row.origin, row.size, row.root, row.note) if row else None

    def alarms(self, origin: str | None = None) -> list[Alarm]:
        return alarms(self.sessions, origin)


def _text(status: int, reason: str) -> WitnessResponse:
    return WitnessResponse(status, TEXT, reason + "\n")


def _size(size: int) -> WitnessResponse:
    return WitnessResponse(409, TLOG_SIZE, f"{size}\n")
