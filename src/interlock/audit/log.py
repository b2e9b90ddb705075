"""The append-only, hash-chained audit log (SG-33, SG-34).

Every read, search, change, disclosure and erasure of personal data, and every refusal, is an
entry: when, who (and whether a person or a service), what, the outcome, the purpose and the
reason, the subject as a pseudonymous id (``traveller`` 123, ``alert`` 45), the recipient of a
disclosure, and details that carry no names or document numbers.

Entries are numbered ``seq`` 1, 2, 3 … without gaps, and each one's ``hash`` is SHA-256 over the
previous entry's hash and its own canonical JSON. :meth:`AuditLog.verify` recomputes the chain:
a changed entry breaks its hash, a removed one leaves a gap in ``seq`` or a broken link, a
forged tail breaks at its first entry. Removing the newest entries leaves a shorter valid
chain; a head recorded earlier (``interlock audit head``, kept elsewhere, later anchored in the
ledger) catches that: ``verify(expected_head=…)``.

Entries are written in the caller's transaction (:func:`record`), so an action and its audit
entry commit together or not at all. Appends are serialised: on PostgreSQL by a transaction
advisory lock, on SQLite by the database's single write lock, taken before the chain's last
entry is read.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import AccessPurpose
from interlock.access.roles import Action, Principal, check
from interlock.errors import RefusedError
from interlock.store.schema_access import AuditRow

GENESIS = "0" * 64
_ADVISORY_KEY = 0x494C4B41  # "ILKA": the audit log's PostgreSQL advisory lock


class Outcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What to record. ``subject_id`` and ``detail`` must be pseudonymous (SG-37)."""

    actor: str
    action: str
    actor_kind: str = "person"
    outcome: Outcome = Outcome.DONE
    purpose: str | None = None
    reason: str | None = None
    subject_kind: str | None = None
    subject_id: str | None = None
    recipient: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def by(
        cls,
        principal: Principal | None,
        action: Action | str,
        *,
        access: AccessPurpose | None = None,
        **fields: Any,
    ) -> AuditEvent:
        """An event by ``principal`` (``None``: the node itself, e.g. ingest or retention)."""
        actor = principal.username if principal else "node"
        kind = principal.kind.value if principal else "system"
        if access is not None:
            fields.setdefault("purpose", access.purpose.value)
            fields.setdefault("reason", access.reason)
        return cls(actor=actor, action=str(action), actor_kind=kind, **fields)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """A stored entry, as read back."""

    seq: int
    at: datetime
    actor: str
    actor_kind: str
    action: str
    outcome: str
    purpose: str | None
    reason: str | None
    subject_kind: str | None
    subject_id: str | None
    recipient: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__slots__}
        data["at"] = self.at.isoformat()
        return data


def _content(row: AuditRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": row.actor,
        "actor_kind": row.actor_kind,
        "action": row.action,
        "outcome": row.outcome,
        "purpose": row.purpose,
        "reason": row.reason,
        "subject_kind": row.subject_kind,
        "subject_id": row.subject_id,
        "recipient": row.recipient,
        "detail": row.detail,
    }


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 (hex) over the previous hash and the canonical JSON of an entry."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def record(session: Session, event: AuditEvent, *, at: datetime | None = None) -> AuditRecord:
    """Append ``event`` to the chain in the caller's transaction."""
    when = (at or datetime.now(UTC)).astimezone(UTC)
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_KEY})
    row = AuditRow(
        seq=-1 - secrets.randbits(62),  # a placeholder until the chain's end is known
        at=when,
        actor=event.actor,
        actor_kind=event.actor_kind,
        action=event.action,
        outcome=event.outcome.value,
        purpose=event.purpose,
        reason=event.reason,
        subject_kind=event.subject_kind,
        subject_id=event.subject_id,
        recipient=event.recipient,
        detail=dict(event.detail),
        prev_hash="",
        hash="",
    )
    session.add(row)
    session.flush()  # on SQLite this takes the write lock: nobody appends until we commit
    last = session.execute(
        select(AuditRow.seq, AuditRow.hash)
        .where(AuditRow.seq > 0)
        .order_by(AuditRow.seq.desc())
        .limit(1)
    ).first()
    row.seq = (last.seq + 1) if last else 1
    row.prev_hash = last.hash if last else GENESIS
    row.hash = entry_hash(row.prev_hash, _content(row))
    session.flush()
    return _record(row)


def _record(row: AuditRow) -> AuditRecord:
    return AuditRecord(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        actor_kind=row.actor_kind,
        action=row.action,
        outcome=row.outcome,
        purpose=row.purpose,
        reason=row.reason,
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        recipient=row.recipient,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


@dataclass(slots=True)
class VerifyReport:
    """What :meth:`AuditLog.verify` found: entries checked, the head, and every problem as
    ``(seq, reason)``."""

    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class AuditLog:
    """Write, read (DPO and auditors only, SG-34) and verify the audit log."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def write(self, event: AuditEvent) -> AuditRecord:
        """Append one event in its own transaction."""
        with self._sessions.begin() as session:
            return record(session, event)

    def entries(
        self,
        principal: Principal,
        *,
        access: AccessPurpose | None = None,
        action: str | None = None,
        subject_kind: str | None = None,
        subject_id: str | None = None,
        after_seq: int = 0,
        limit: int = 200,
    ) -> list[AuditRecord]:
        """Entries in order, for a principal allowed to read the log; the reading is itself
        recorded."""
        check(principal, Action.AUDIT_READ)
        query = select(AuditRow).where(AuditRow.seq > after_seq)
        if action:
            query = query.where(AuditRow.action == action)
        if subject_kind:
            query = query.where(AuditRow.subject_kind == subject_kind)
        if subject_id:
            query = query.where(AuditRow.subject_id == subject_id)
        with self._sessions.begin() as session:
            rows = session.execute(query.order_by(AuditRow.seq).limit(limit)).scalars()
            found = [_record(row) for row in rows]
            detail = {"action": action, "subject_kind": subject_kind, "returned": len(found)}
            record(session, AuditEvent.by(principal, Action.AUDIT_READ, access=access,
                                          detail=detail))  # fmt: skip
        return found

    def head(self) -> tuple[int, str]:
        """The newest entry's ``(seq, hash)``; ``(0, GENESIS)`` for an empty log."""
        with self._sessions() as session:
            last = session.execute(
                select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)
            ).first()
        return (last.seq, last.hash) if last else (0, GENESIS)

    def verify(self, *, expected_head: tuple[int, str] | None = None) -> VerifyReport:
        """Recompute the whole chain. With ``expected_head`` (a head read earlier), also
        check that that entry is still there unchanged, so a cut tail is found."""
        report = VerifyReport()
        prev_hash = GENESIS
        expected_seq = 1
        hashes: dict[int, str] = {}
        for row in self._rows():
            report.entries += 1
            if row.seq != expected_seq:
                report.problems.append(
                    (row.seq, f"entries {expected_seq}..{row.seq - 1} are missing")
                    if row.seq > expected_seq
                    else (row.seq, "sequence number out of order")
                )
            if row.prev_hash != prev_hash:
                report.problems.append((row.seq, "does not link to the entry before it"))
            if entry_hash(row.prev_hash, _content(row)) != row.hash:
                report.problems.append((row.seq, "content does not match its hash"))
            prev_hash = row.hash
            expected_seq = row.seq + 1
            hashes[row.seq] = row.hash
            report.head_seq, report.head_hash = row.seq, row.hash
        if expected_head is not None:
            seq, digest = expected_head
            if seq not in hashes:
                report.problems.append((seq, "the recorded head is no longer in the log"))
            elif hashes[seq] != digest:
                report.problems.append((seq, "the recorded head's hash differs"))
        return report

    def _rows(self) -> Iterator[AuditRow]:
        with self._sessions() as session:
            query = select(AuditRow).order_by(AuditRow.seq).execution_options(yield_per=1000)
            yield from session.execute(query).scalars()


def parse_head(text: str, *, location: str = "head") -> tuple[int, str]:
    """``SEQ:HASH`` as printed by ``interlock audit head``."""
    seq, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if (
        not seq.strip().isdigit()
        or len(digest) != 64
        or not all(c in "0123456789abcdef" for c in digest)
    ):
        raise RefusedError("a head is SEQ:HASH (a number and 64 hex digits)", location=location)
    return int(seq), digest
