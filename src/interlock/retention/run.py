"""The retention run (SG-26, SG-27, SG-30): PNR data past its period is deleted, or, where a
person holds it, depersonalised.

PNR data is the bookings (every push), the travellers stored from PNR pushes, their travel
documents, and the PNRGOV messages they came from (raw bytes included). For data received
before the start of the PNR period:

- not held: deleted. The travellers' documents, screening matches, alerts (with their
  reviews, events and actions) and remembered dismissals (SG-25) go with them through the
  foreign keys' ``ON DELETE CASCADE``; the message row, its status history and raw bytes go
  once nothing stored refers to it any more.
- held (:mod:`interlock.retention.holds`): depersonalised. The identifying columns are sealed
  (:mod:`interlock.retention.seal`) and replaced by :data:`MASK`; the explanations of the
  travellers' matches and alerts are masked likewise. A message whose bookings are all held
  has its raw bytes sealed; a message that also carried unheld bookings has its raw bytes
  erased, since they hold the deleted travellers too. Rows depersonalised before are skipped.

Data received before the start of the maximum period is deleted whatever holds it has, with
its sealed records (SG-30). The plan is computed first, so ``dry_run`` reports exactly what a
real run at the same moment does, and a real run carries it out in one transaction with its
audit entries (counts and pseudonymous row ids, never values).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, record
from interlock.model import Format
from interlock.retention.holds import ActiveHolds, active_holds
from interlock.retention.policy import RetentionPolicy
from interlock.retention.seal import SealKey, seal
from interlock.store.schema import (
    BookingRow,
    FlightVersionRow,
    MatchRow,
    MessageRow,
    TravelDocumentRow,
    TravellerRow,
)
from interlock.store.schema_alerts import AlertRow, DismissedMatchRow, PersonActionRow
from interlock.store.schema_retention import SealedRecordRow

MASK = "[depersonalised]"
"""What a masked text value reads after depersonalisation."""

_CHUNK = 500
_KEEP_KEYS = frozenset({"feature", "weight", "band", "score", "list", "list_name", "list_version",
                        "entry_id", "rule", "rule_name", "rule_version", "cause_kind"})  # fmt: skip
"""Keys of explanation JSON whose values describe the cause, not the traveller: kept."""

T = TypeVar("T")


def id_ranges(ids: Iterable[int]) -> str:
    """Row ids as compact ranges, e.g. ``1-3,7,9-10`` (for reports and audit entries)."""
    ordered = sorted(set(ids))
    parts: list[str] = []
    start = prev = None
    for value in ordered:
        if prev is not None and value == prev + 1:
            prev = value
            continue
        if start is not None:
            parts.append(f"{start}-{prev}" if start != prev else str(start))
        start = prev = value
    if start is not None:
        parts.append(f"{start}-{prev}" if start != prev else str(start))
    return ",".join(parts)


def mask_json(value: Any) -> Any:
    """``value`` with every text replaced by :data:`MASK`, except under the keys that name the
    cause (feature, band, list, entry, rule); numbers, booleans and nulls stay."""
    if isinstance(value, dict):
        return {k: v if k in _KEEP_KEYS else mask_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_json(item) for item in value]
    if isinstance(value, str):
        return MASK if value else value
    return value


def _masked(value: Any) -> Any:
    """A column's masked placeholder: text → MASK, a non-empty list → [MASK], else None."""
    if isinstance(value, str):
        return MASK
    if isinstance(value, list):
        return [MASK] if value else []
    return None


@dataclass(slots=True)
class Plan:
    """What a run does, by table: row ids to delete and to depersonalise."""

    cutoff: datetime
    hard_cutoff: datetime
    delete: dict[str, set[int]] = field(default_factory=dict)
    mask: dict[str, set[int]] = field(default_factory=dict)
    skipped: dict[str, set[int]] = field(default_factory=dict)
    held: int = 0
    erase_raw: set[int] = field(default_factory=set)

    def add(self, kind: str, target: dict[str, set[int]], ids: Iterable[int]) -> None:
        target.setdefault(kind, set()).update(ids)


@dataclass(slots=True)
class RetentionReport:
    """What a run did (or, dry, would do): counts and row ids by kind, and the time taken."""

    dry_run: bool
    started_at: datetime
    cutoff: datetime
    hard_cutoff: datetime
    deleted: dict[str, int]
    depersonalised: dict[str, int]
    held: int
    skipped: int
    deleted_ids: dict[str, str]
    depersonalised_ids: dict[str, str]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "started_at": self.started_at.isoformat(),
            "cutoff": self.cutoff.isoformat(),
            "hard_cutoff": self.hard_cutoff.isoformat(),
            "deleted": self.deleted,
            "depersonalised": self.depersonalised,
            "held": self.held,
            "skipped": self.skipped,
            "deleted_ids": self.deleted_ids,
            "depersonalised_ids": self.depersonalised_ids,
            "seconds": round(self.seconds, 3),
        }


def _chunks(ids: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ids_where(
    session: Session, column: InstrumentedAttribute[int], key: Any, values: Iterable[int]
) -> set[int]:
    """Ids (``column``) of the rows whose ``key`` is among ``values``, in chunks."""
    found: set[int] = set()
    for part in _chunks(sorted(set(values))):
        found.update(session.execute(select(column).where(key.in_(part))).scalars())
    return found


class RetentionRun:
    """Plans and carries out retention runs over the store's PNR data."""

    def __init__(
        self, sessions: sessionmaker[Session], policy: RetentionPolicy, key_path: Path
    ) -> None:
        self._sessions = sessions
        self._policy = policy
        self._key_path = key_path

    def run(
        self,
        principal: Principal | None,
        *,
        dry_run: bool = False,
        now: datetime | None = None,
    ) -> RetentionReport:
        """Run retention as ``principal`` (``None``: the node's scheduled job)."""
        if principal is not None:
            check(principal, Action.RETENTION_RUN)
        started = time.perf_counter()
        now = (now or datetime.now(UTC)).astimezone(UTC)
        if dry_run:
            with self._sessions() as session:
                plan = self._plan(session, now)
            return self._report(plan, now, started, dry_run=True)
        with self._sessions.begin() as session:
            plan = self._plan(session, now)
            key = SealKey.load(self._key_path, create=True) if any(plan.mask.values()) else None
            if key is not None:
                _depersonalise(session, plan, key)
            _delete(session, plan)
            report = self._report(plan, now, started, dry_run=False)
            from interlock.sharing.expiry import expire_partner_data

            for kind, count in expire_partner_data(session, now.date()).items():
                if count:
                    report.deleted[kind] = count
            _audit(session, principal, report, key)
        report.seconds = time.perf_counter() - started
        return report

    def _report(
        self, plan: Plan, now: datetime, started: float, *, dry_run: bool
    ) -> RetentionReport:
        return RetentionReport(
            dry_run=dry_run,
            started_at=now,
            cutoff=plan.cutoff,
            hard_cutoff=plan.hard_cutoff,
            deleted={kind: len(ids) for kind, ids in sorted(plan.delete.items())},
            depersonalised={kind: len(ids) for kind, ids in sorted(plan.mask.items())},
            held=plan.held,
            skipped=sum(len(ids) for ids in plan.skipped.values()),
            deleted_ids={k: id_ranges(v) for k, v in sorted(plan.delete.items()) if k in _SHOWN},
            depersonalised_ids={
                k: id_ranges(v) for k, v in sorted(plan.mask.items()) if k in _SHOWN
            },
            seconds=time.perf_counter() - started,
        )

    def _plan(self, session: Session, now: datetime) -> Plan:
        cutoff = self._policy.pnr.start(now)
        hard = self._policy.maximum.start(now)
        plan = Plan(cutoff, hard)
        for kind in _KINDS:
            plan.delete[kind] = set()
            plan.mask[kind] = set()
        holds = active_holds(session, now.date())
        bookings = session.execute(
            select(BookingRow.id, BookingRow.carrier, BookingRow.record_locator,
                   BookingRow.message_id, BookingRow.received_at)
            .where(BookingRow.received_at < cutoff)
        ).all()  # fmt: skip
        messages = dict(
            session.execute(
                select(MessageRow.id, MessageRow.received_at).where(
                    MessageRow.format == Format.PNRGOV.value, MessageRow.received_at < cutoff
                )
            )
            .tuples()
            .all()
        )
        for booking in bookings:
            messages.setdefault(booking.message_id, booking.received_at)
        travellers_of: dict[int, list[int]] = {}
        for part in _chunks([b.id for b in bookings]):
            query = select(TravellerRow.booking_id, TravellerRow.id).where(
                TravellerRow.booking_id.in_(part)
            )
            for booking_id, traveller_id in session.execute(query):
                travellers_of.setdefault(booking_id, []).append(traveller_id)
        kept_messages: set[int] = set()
        touched_messages: set[int] = set()  # messages some of whose data is deleted
        for booking in bookings:
            members = travellers_of.get(booking.id, [])
            held_members = [t for t in members if t in holds.travellers]
            if booking.received_at < hard or not (
                (booking.carrier, booking.record_locator) in holds.bookings or held_members
            ):
                plan.delete["booking"].add(booking.id)
                plan.delete["traveller"].update(members)
                touched_messages.add(booking.message_id)
                continue
            kept_messages.add(booking.message_id)
            plan.mask["booking"].add(booking.id)
            if (booking.carrier, booking.record_locator) in holds.bookings:
                plan.mask["traveller"].update(members)
            else:
                plan.mask["traveller"].update(held_members)
                plan.delete["traveller"].update(t for t in members if t not in held_members)
                touched_messages.add(booking.message_id)
        self._orphans(session, plan, messages, holds, kept_messages, touched_messages)
        for message_id in messages:
            if message_id in kept_messages:
                plan.mask["message"].add(message_id)
                if message_id in touched_messages:
                    plan.erase_raw.add(message_id)
            else:
                plan.delete["message"].add(message_id)
        self._dependants(session, plan)
        plan.held = len(plan.mask["booking"]) + len(plan.mask["traveller"])
        self._skip_sealed(session, plan)
        return plan

    def _orphans(
        self,
        session: Session,
        plan: Plan,
        messages: dict[int, datetime],
        holds: ActiveHolds,
        kept: set[int],
        touched: set[int],
    ) -> None:
        """Travellers of old PNR messages that no booking claimed: held or deleted alone."""
        for part in _chunks(sorted(messages)):
            rows = session.execute(
                select(TravellerRow.id, TravellerRow.message_id).where(
                    TravellerRow.message_id.in_(part),
                    TravellerRow.booking_id.is_(None),
                    TravellerRow.flight_version_id.is_(None),
                )
            )
            for traveller_id, message_id in rows:
                if traveller_id in holds.travellers and messages[message_id] >= plan.hard_cutoff:
                    plan.mask["traveller"].add(traveller_id)
                    kept.add(message_id)
                else:
                    plan.delete["traveller"].add(traveller_id)
                    touched.add(message_id)
        # a message something else still refers to (a manifest version) is never deleted
        for part in _chunks(sorted(messages)):
            query = select(FlightVersionRow.message_id).where(FlightVersionRow.message_id.in_(part))
            for message_id in session.execute(query).scalars():
                kept.add(message_id)
                touched.add(message_id)

    def _dependants(self, session: Session, plan: Plan) -> None:
        """Rows that go, or are masked, with the travellers: documents, matches, alerts,
        remembered dismissals and actions (these go by cascade; counted here)."""
        gone, masked = plan.delete["traveller"], plan.mask["traveller"]
        for kind, (column, key) in _DEPENDANTS.items():
            plan.delete[kind] = _ids_where(session, column, key, gone)
            if kind in _MASKED_DEPENDANTS:
                plan.mask[kind] = _ids_where(session, column, key, masked)
        sealed_gone: set[int] = set()
        for table, ids in plan.delete.items():
            if table in _SEALED_TABLES:
                for part in _chunks(sorted(ids)):
                    sealed_gone.update(session.execute(
                        select(SealedRecordRow.id).where(SealedRecordRow.table_name == table,
                                                         SealedRecordRow.row_id.in_(part))
                    ).scalars())  # fmt: skip
        plan.delete["sealed_record"] = sealed_gone

    def _skip_sealed(self, session: Session, plan: Plan) -> None:
        """Rows depersonalised by an earlier run are left as they are."""
        for table, ids in plan.mask.items():
            done: set[int] = set()
            for part in _chunks(sorted(ids)):
                done.update(session.execute(
                    select(SealedRecordRow.row_id).where(SealedRecordRow.table_name == table,
                                                         SealedRecordRow.row_id.in_(part))
                ).scalars())  # fmt: skip
            if done:
                plan.skipped[table] = done
                ids -= done


_KINDS = ("booking", "traveller", "message")
_SHOWN = frozenset({"booking", "traveller", "message", "matches", "alerts"})
_DEPENDANTS: dict[str, tuple[InstrumentedAttribute[int], InstrumentedAttribute[int]]] = {
    "travel_document": (TravelDocumentRow.id, TravelDocumentRow.traveller_id),
    "matches": (MatchRow.id, MatchRow.traveller_id),
    "alerts": (AlertRow.id, AlertRow.traveller_id),
    "dismissed_matches": (DismissedMatchRow.id, DismissedMatchRow.traveller_id),
    "person_actions": (PersonActionRow.id, PersonActionRow.traveller_id),
}
_MASKED_DEPENDANTS = frozenset({"travel_document", "matches", "alerts"})
_SEALED_TABLES = frozenset({"booking", "traveller", "message", "travel_document", "matches",
                            "alerts"})  # fmt: skip

# Columns sealed and masked per table (SG-27; PNR Directive Art. 12(2)(a)-(f)).
_TRAVELLER_COLUMNS = ("surname", "given_names", "birth_date", "sex", "nationality", "seat",
                      "residence_country", "birth_place", "address", "contacts",
                      "frequent_flyer")  # fmt: skip
_BOOKING_COLUMNS = ("contacts", "payments", "ticket_numbers", "history", "traveller_count")
_DOCUMENT_COLUMNS = ("number", "issuing_country", "expiry", "issue_date")
_MATCH_COLUMNS = ("matched_name", "explanations")
_ALERT_COLUMNS = ("explanation",)
_MESSAGE_COLUMNS = ("warnings", "errors", "reason")


def _seal_rows(
    session: Session,
    key: SealKey,
    row_class: type[Any],
    table: str,
    ids: set[int],
    columns: Sequence[str],
    mask: Callable[[str, Any], Any],
) -> None:
    for part in _chunks(sorted(ids)):
        for row in session.execute(select(row_class).where(row_class.id.in_(part))).scalars():
            plaintext = {name: getattr(row, name) for name in columns}
            seal(session, key, table, row.id, plaintext)
            for name, value in plaintext.items():
                setattr(row, name, mask(name, value))


def _depersonalise(session: Session, plan: Plan, key: SealKey) -> None:
    def plain(_name: str, value: Any) -> Any:
        return _masked(value)

    def document(name: str, _value: Any) -> Any:
        return MASK if name == "number" else None

    def booking(name: str, value: Any) -> Any:
        return 0 if name == "traveller_count" else _masked(value)

    def derived(_name: str, value: Any) -> Any:
        return mask_json(value)

    _seal_rows(session, key, TravellerRow, "traveller", plan.mask["traveller"],
               _TRAVELLER_COLUMNS, plain)  # fmt: skip
    _seal_rows(session, key, BookingRow, "booking", plan.mask["booking"],
               _BOOKING_COLUMNS, booking)  # fmt: skip
    _seal_rows(session, key, TravelDocumentRow, "travel_document",
               plan.mask["travel_document"], _DOCUMENT_COLUMNS, document)  # fmt: skip
    _seal_rows(session, key, MatchRow, "matches", plan.mask["matches"], _MATCH_COLUMNS, derived)
    _seal_rows(session, key, AlertRow, "alerts", plan.mask["alerts"], _ALERT_COLUMNS, derived)
    for part in _chunks(sorted(plan.mask["message"])):
        for row in session.execute(select(MessageRow).where(MessageRow.id.in_(part))).scalars():
            plaintext: dict[str, Any] = {name: getattr(row, name) for name in _MESSAGE_COLUMNS}
            if row.id not in plan.erase_raw:
                plaintext["raw"] = row.raw
            seal(session, key, "message", row.id, plaintext)
            row.raw = b""
            row.warnings = [MASK] if row.warnings else []
            row.errors = [MASK] if row.errors else []
            row.reason = MASK if row.reason else None
    session.flush()


def _delete(session: Session, plan: Plan) -> None:
    """Delete in foreign-key order; the databases cascade the rest (documents, matches,
    alerts and their reviews, events and actions, remembered dismissals)."""
    steps: list[tuple[type[Any], InstrumentedAttribute[int], set[int]]] = [
        (SealedRecordRow, SealedRecordRow.id, plan.delete["sealed_record"]),
        (TravellerRow, TravellerRow.id, plan.delete["traveller"]),
        (BookingRow, BookingRow.id, plan.delete["booking"]),
        (MessageRow, MessageRow.id, plan.delete["message"]),
    ]
    for row_class, column, ids in steps:
        for part in _chunks(sorted(ids)):
            condition: ColumnElement[bool] = column.in_(part)
            session.execute(delete(row_class).where(condition))
    session.flush()


def _audit(
    session: Session, principal: Principal | None, report: RetentionReport, key: SealKey | None
) -> None:
    """The run's erasure and depersonalisation entries: counts and row ids, never values."""
    periods = {"cutoff": report.cutoff.isoformat(), "hard_cutoff": report.hard_cutoff.isoformat()}
    erased = {**periods, "counts": report.deleted, "ids": report.deleted_ids}
    masked = {
        **periods,
        "counts": report.depersonalised,
        "ids": report.depersonalised_ids,
        "held": report.held,
        "skipped": report.skipped,
        "key_id": key.id if key else None,
    }
    for action, detail in (("retention.erase", erased), ("retention.depersonalise", masked)):
        event = AuditEvent.by(principal, action, subject_kind="retention-run", detail=detail)
        record(session, event)


def pnr_received_counts(session: Session, before: datetime) -> dict[str, int]:
    """How many bookings and PNR messages were received before ``before`` (for status)."""
    bookings = session.execute(
        select(func.count(BookingRow.id)).where(BookingRow.received_at < before)
    ).scalar_one()
    messages = session.execute(
        select(func.count(MessageRow.id)).where(
            MessageRow.format == Format.PNRGOV.value, MessageRow.received_at < before
        )
    ).scalar_one()
    return {"bookings": int(bookings), "messages": int(messages)}
