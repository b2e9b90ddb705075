"""Unmasking depersonalised PNR data (SG-29): a request, an outside approval, audited reads.

Depersonalised data (SG-27) can be read again only for a case, and only when someone outside
the requesting unit agrees. The workflow, all of it person-only:

1. **Request.** A person with ``unmask.request`` (analyst, reviewer) names a depersonalised
   booking (``CARRIER/LOCATOR``: every sealed push of it and its travellers) or one traveller,
   with a purpose from the closed list of SG-01 (within the PNR regime), a reason and an
   evidence reference (a case or file number). The request is *pending*. A requester whose
   account names no unit is refused: "outside the unit" must be decidable.
2. **Decision.** A person with ``unmask.approve`` (the authority role: a court, a prosecutor's
   office) approves or refuses it with a reason. The decider's account must name a unit, and
   it must differ from the requester's (as recorded on the request and as it is now); the
   requester never decides their own request. An approval is valid for a set time (default
   :data:`APPROVAL_VALID`, seven days), after which the request reads *expired*.
3. **Reads.** Only the requester, only while the approval is valid, only for the purpose
   that was approved, reads the plaintext, opened from the sealed records with the key file
   (:func:`interlock.retention.seal.open_sealed`). Each read is audited and counted.

Every step is written to the audit log in the step's own transaction, and every refused
attempt in a transaction of its own. Each step, and each forbidden attempt on a request (an
approval from inside the unit, a read before approval), also writes a ``dpo.notify`` entry
(subject the request id, recipient ``dpo``), so the data protection officer sees them with
``GET /api/v1/audit?action=dpo.notify``. Audit entries carry request, booking and traveller
ids, counts, the purpose, reasons and the evidence reference: never a name, a document number
or a record locator (SG-37).

What a read returns is the least that answers the request: the sealed columns of the booking
pushes, the travellers and their travel documents. Raw messages (which may hold other
bookings) and derived data (matches, alerts) are not unmasked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import AccessPurpose, DataRegime, stated_reason
from interlock.access.roles import Action, Principal, allowed, check
from interlock.audit.log import AuditEvent, Outcome, record
from interlock.errors import ForbiddenError, InterlockError, NotFoundError, RefusedError
from interlock.retention.holds import MIN_EVIDENCE, HoldScope
from interlock.retention.run import id_ranges
from interlock.retention.seal import SealKey, open_sealed
from interlock.store.schema import BookingRow, TravelDocumentRow, TravellerRow
from interlock.store.schema_access import UserRow
from interlock.store.schema_retention import SealedRecordRow
from interlock.store.schema_unmasking import UnmaskRequestRow

APPROVAL_VALID = timedelta(days=7)
"""How long an approval lets the requester read, unless configured otherwise."""

DPO_NOTIFY = "dpo.notify"
"""Audit action of the notifications the data protection officer reads (SG-29)."""

SUBJECT = "unmask-request"
"""Audit subject kind of a request."""

T = TypeVar("T")


class UnmaskStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    EXPIRED = "expired"  # approved, but past its validity: never stored, only shown


@dataclass(frozen=True, slots=True)
class UnmaskRequest:
    """An unmasking request as stored, with its state at the time it was read."""

    id: int
    scope: HoldScope
    carrier: str | None
    record_locator: str | None
    traveller_id: int | None
    purpose: str
    reason: str
    evidence: str
    status: UnmaskStatus
    requested_by: str
    requester_unit: str
    requested_at: datetime
    decided_by: str | None
    decider_unit: str | None
    decided_at: datetime | None
    decision_reason: str | None
    expires_at: datetime | None
    reads: int
    last_read_at: datetime | None

    @property
    def target(self) -> str:
        if self.scope is HoldScope.BOOKING:
            return f"{self.carrier}/{self.record_locator}"
        return f"traveller {self.traveller_id}"

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "scope": self.scope.value,
            "carrier": self.carrier,
            "record_locator": self.record_locator,
            "traveller_id": self.traveller_id,
            "purpose": self.purpose,
            "reason": self.reason,
            "evidence": self.evidence,
            "status": self.status.value,
            "requested_by": self.requested_by,
            "requester_unit": self.requester_unit,
            "requested_at": self.requested_at.isoformat(),
            "decided_by": self.decided_by,
            "decider_unit": self.decider_unit,
            "decided_at": _iso(self.decided_at),
            "decision_reason": self.decision_reason,
            "expires_at": _iso(self.expires_at),
            "reads": self.reads,
            "last_read_at": _iso(self.last_read_at),
        }


@dataclass(slots=True)
class UnmaskedData:
    """The plaintext one read returned: per row, its id, its links and its sealed columns."""

    request_id: int
    read_at: datetime
    bookings: list[dict[str, Any]] = field(default_factory=list)
    travellers: list[dict[str, Any]] = field(default_factory=list)
    travel_documents: list[dict[str, Any]] = field(default_factory=list)

    def rows(self) -> dict[str, list[int]]:
        return {
            "booking": [row["id"] for row in self.bookings],
            "traveller": [row["id"] for row in self.travellers],
            "travel_document": [row["id"] for row in self.travel_documents],
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO text."""
        return {
            "request_id": self.request_id,
            "read_at": self.read_at.isoformat(),
            "bookings": [_jsonable(row) for row in self.bookings],
            "travellers": [_jsonable(row) for row in self.travellers],
            "travel_documents": [_jsonable(row) for row in self.travel_documents],
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _state(row: UnmaskRequestRow, now: datetime) -> UnmaskStatus:
    status = UnmaskStatus(row.status)
    if status is UnmaskStatus.APPROVED and row.expires_at is not None and row.expires_at <= now:
        return UnmaskStatus.EXPIRED
    return status


def _request(row: UnmaskRequestRow, now: datetime) -> UnmaskRequest:
    return UnmaskRequest(
        row.id,
        HoldScope(row.scope),
        row.carrier,
        row.record_locator,
        row.traveller_id,
        row.purpose,
        row.reason,
        row.evidence,
        _state(row, now),
        row.requested_by,
        row.requester_unit,
        row.requested_at,
        row.decided_by,
        row.decider_unit,
        row.decided_at,
        row.decision_reason,
        row.expires_at,
        row.reads,
        row.last_read_at,
    )


def _same_unit(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


class Unmasking:
    """Request, decide, list and read unmaskings over a store's sealed records."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        key_path: Path,
        approval_valid: timedelta = APPROVAL_VALID,
    ) -> None:
        if approval_valid <= timedelta(0):
            raise ValueError("an approval must be valid for some time")
        self._sessions = sessions
        self._key_path = key_path
        self._valid = approval_valid

    def request(
        self,
        principal: Principal,
        *,
        booking: tuple[str, str] | None = None,
        traveller_id: int | None = None,
        purpose: str | None,
        reason: str | None,
        evidence: str | None,
        now: datetime | None = None,
    ) -> UnmaskRequest:
        """Ask to unmask a depersonalised booking or traveller; the request is pending."""
        when = _now(now)

        def work(session: Session) -> UnmaskRequest:
            _person(principal, Action.UNMASK_REQUEST)
            access = AccessPurpose.parse(purpose, reason)
            access.check_regime(DataRegime.PNR)
            if (booking is None) == (traveller_id is None):
                raise RefusedError("unmask either a booking or a traveller", location="target")
            reference = (evidence or "").strip()
            if len(reference) < MIN_EVIDENCE:
                raise RefusedError(
                    "an evidence reference (case or file number) is required",
                    location="evidence",
                )
            unit = _unit(session, principal.user_id)
            if not unit:
                raise ForbiddenError(
                    "your account names no unit, so no approval from outside it can be "
                    "established: ask an administrator to set your unit"
                )
            rows = _sealed_rows(session, booking, traveller_id)
            row = UnmaskRequestRow(
                scope=(HoldScope.BOOKING if booking else HoldScope.TRAVELLER).value,
                carrier=booking[0] if booking else None,
                record_locator=booking[1] if booking else None,
                traveller_id=traveller_id,
                purpose=access.purpose.value,
                reason=access.reason,
                evidence=reference,
                status=UnmaskStatus.PENDING.value,
                requested_by=principal.username,
                requester_id=principal.user_id,
                requester_unit=unit,
                requested_at=when,
                reads=0,
            )
            session.add(row)
            session.flush()
            detail: dict[str, object] = {
                "scope": row.scope,
                "evidence": reference,
                "unit": unit,
                "rows": {k: id_ranges(v) for k, v in rows.items()},
            }
            if traveller_id is not None:
                detail["traveller_id"] = traveller_id
            _audit(session, principal, "unmask.request", row, detail, access=access)
            return _request(row, when)

        return self._guarded(principal, "unmask.request", None, work)

    def approve(
        self, principal: Principal, request_id: int, reason: str | None, *,
        now: datetime | None = None,
    ) -> UnmaskRequest:  # fmt: skip
        """Approve a pending request: by a person of another unit, for :data:`APPROVAL_VALID`."""
        return self._decide(principal, request_id, reason, approve=True, now=_now(now))

    def refuse(
        self, principal: Principal, request_id: int, reason: str | None, *,
        now: datetime | None = None,
    ) -> UnmaskRequest:  # fmt: skip
        """Refuse a pending request, with a reason: it can then never be read."""
        return self._decide(principal, request_id, reason, approve=False, now=_now(now))

    def _decide(
        self,
        principal: Principal,
        request_id: int,
        reason: str | None,
        *,
        approve: bool,
        now: datetime,
    ) -> UnmaskRequest:
        action = "unmask.approve" if approve else "unmask.refuse"

        def work(session: Session) -> UnmaskRequest:
            _person(principal, Action.UNMASK_APPROVE)
            text = stated_reason(reason)
            row = _row(session, request_id)
            if (state := _state(row, now)) is not UnmaskStatus.PENDING:
                raise ForbiddenError(f"unmask request {request_id} is {state.value}, not pending")
            if principal.user_id == row.requester_id or principal.username == row.requested_by:
                raise ForbiddenError("a requester may not decide their own unmask request")
            unit = _unit(session, principal.user_id)
            if not unit:
                raise ForbiddenError(
                    "your account names no unit (authority): an unmasking is decided by a "
                    "person of an authority outside the requesting unit"
                )
            if _same_unit(unit, row.requester_unit) or _same_unit(
                unit, _unit(session, row.requester_id)
            ):
                raise ForbiddenError(
                    f"unit {unit!r} is the requesting unit: an unmasking is decided by an "
                    "authority outside it"
                )
            row.status = (UnmaskStatus.APPROVED if approve else UnmaskStatus.REFUSED).value
            row.decided_by = principal.username
            row.decider_unit = unit
            row.decided_at = now
            row.decision_reason = text
            row.expires_at = now + self._valid if approve else None
            detail: dict[str, object] = {"unit": unit, "requester_unit": row.requester_unit}
            if row.expires_at is not None:
                detail["expires_at"] = row.expires_at.isoformat()
            _audit(session, principal, action, row, detail, reason=text)
            return _request(row, now)

        return self._guarded(principal, action, request_id, work)

    def all(self, principal: Principal, *, now: datetime | None = None) -> list[UnmaskRequest]:
        """Requests, newest first: every one for the authority and for those who read the
        audit log (the DPO, auditors); otherwise the requester's own."""
        when = _now(now)

        def work(session: Session) -> list[UnmaskRequest]:
            if not principal.is_person:
                raise ForbiddenError("unmasking is for people; a service account may not")
            query = select(UnmaskRequestRow).order_by(UnmaskRequestRow.id.desc())
            every = allowed(principal, Action.UNMASK_APPROVE) or allowed(
                principal, Action.AUDIT_READ
            )
            if not every:
                check(principal, Action.UNMASK_REQUEST)
                query = query.where(UnmaskRequestRow.requester_id == principal.user_id)
            found = [_request(row, when) for row in session.execute(query).scalars()]
            detail = {"scope": "all" if every else "own", "returned": len(found)}
            record(session, AuditEvent.by(principal, "unmask.list", subject_kind=SUBJECT,
                                          detail=detail))  # fmt: skip
            return found

        return self._guarded(principal, "unmask.list", None, work)

    def read(
        self,
        principal: Principal,
        request_id: int,
        access: AccessPurpose,
        *,
        now: datetime | None = None,
    ) -> UnmaskedData:
        """The plaintext of an approved request, for its requester while the approval is
        valid and for the purpose approved; each read is audited and the DPO notified."""
        when = _now(now)

        def work(session: Session) -> UnmaskedData:
            _person(principal, Action.UNMASK_REQUEST)
            row = _row(session, request_id)
            if row.requester_id != principal.user_id:
                raise ForbiddenError(
                    f"unmask request {request_id} was made by another person: only the "
                    "requester reads what it unmasks"
                )
            state = _state(row, when)
            if state is UnmaskStatus.PENDING:
                raise ForbiddenError(f"unmask request {request_id} is not approved yet")
            if state is UnmaskStatus.REFUSED:
                raise ForbiddenError(f"unmask request {request_id} was refused")
            if state is UnmaskStatus.EXPIRED:
                expired = row.expires_at.isoformat() if row.expires_at else "?"
                raise ForbiddenError(
                    f"the approval of unmask request {request_id} expired at {expired}: "
                    "make a new request"
                )
            access.check_regime(DataRegime.PNR)
            if access.purpose.value != row.purpose:
                raise ForbiddenError(
                    f"unmask request {request_id} was approved for {row.purpose}, "
                    f"not {access.purpose.value}"
                )
            booking = (row.carrier or "", row.record_locator or "")
            rows = _sealed_rows(
                session, booking if row.scope == HoldScope.BOOKING else None, row.traveller_id
            )
            key = SealKey.load(self._key_path)
            data = _open(session, key, row.id, rows, when)
            row.reads += 1
            row.last_read_at = when
            detail = {
                "rows": {k: id_ranges(v) for k, v in data.rows().items()},
                "key_id": key.id,
                "read": row.reads,
            }
            _audit(session, principal, "unmask.read", row, detail, access=access)
            return data

        return self._guarded(principal, "unmask.read", request_id, work)

    def _guarded(
        self,
        principal: Principal,
        action: str,
        request_id: int | None,
        work: Callable[[Session], T],
    ) -> T:
        """Run ``work`` in one transaction; a refusal is audited in a transaction of its own
        (and the DPO notified of a forbidden attempt on a request)."""
        try:
            with self._sessions.begin() as session:
                return work(session)
        except InterlockError as err:
            with self._sessions.begin() as session:
                subject = str(request_id) if request_id is not None else None
                detail = {"why": err.reason, "status": err.status_code}
                record(session, AuditEvent.by(principal, action, outcome=Outcome.REFUSED,
                                              subject_kind=SUBJECT, subject_id=subject,
                                              detail=detail))  # fmt: skip
                if subject is not None and isinstance(err, ForbiddenError):
                    notice = {"event": action, **detail}
                    record(session, AuditEvent.by(principal, DPO_NOTIFY,
                                                  outcome=Outcome.REFUSED, subject_kind=SUBJECT,
                                                  subject_id=subject, recipient="dpo",
                                                  detail=notice))  # fmt: skip
            raise


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _person(principal: Principal, action: Action) -> None:
    """The permission check; a service is refused whatever roles it holds (SG-40)."""
    check(principal, action)
    if not principal.is_person:  # the roles table makes unmasking person-only already
        raise ForbiddenError("unmasking is for people; a service account may not")


def _unit(session: Session, user_id: int) -> str:
    unit = session.execute(select(UserRow.unit).where(UserRow.id == user_id)).scalar()
    return (unit or "").strip()


def _row(session: Session, request_id: int) -> UnmaskRequestRow:
    row = session.get(UnmaskRequestRow, request_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no unmask request {request_id}")
    return row


def _sealed(session: Session, table: str, ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    found = session.execute(
        select(SealedRecordRow.row_id).where(
            SealedRecordRow.table_name == table, SealedRecordRow.row_id.in_(wanted)
        )
    ).scalars()
    return sorted(found)


def _sealed_rows(
    session: Session, booking: tuple[str, str] | None, traveller_id: int | None
) -> dict[str, list[int]]:
    """The depersonalised rows a request covers, by table. Refused (404) when there are
    none: data never depersonalised is read through the ordinary, audited traveller reads,
    and data past the maximum period is gone. The messages never name the locator (SG-37)."""
    if booking is not None:
        pushes = session.execute(
            select(BookingRow.id).where(
                BookingRow.carrier == booking[0], BookingRow.record_locator == booking[1]
            )
        ).scalars()
        bookings = _sealed(session, "booking", pushes)
        if not bookings:
            raise NotFoundError(
                "no depersonalised booking with that carrier and record locator",
            )
        members = session.execute(
            select(TravellerRow.id).where(TravellerRow.booking_id.in_(bookings))
        ).scalars()
        travellers = _sealed(session, "traveller", members)
    else:
        bookings = []
        travellers = _sealed(session, "traveller", [traveller_id] if traveller_id else [])
        if not travellers:
            raise NotFoundError(f"no depersonalised traveller {traveller_id}")
    documents: list[int] = []
    if travellers:
        documents = _sealed(session, "travel_document", session.execute(
            select(TravelDocumentRow.id).where(TravelDocumentRow.traveller_id.in_(travellers))
        ).scalars())  # fmt: skip
    return {"booking": bookings, "traveller": travellers, "travel_document": documents}


def _open(
    session: Session, key: SealKey, request_id: int, rows: dict[str, list[int]], when: datetime
) -> UnmaskedData:
    """Open the sealed records of ``rows``, each with the ids that link it."""
    data = UnmaskedData(request_id, when)
    links: dict[int, dict[str, Any]] = {}
    for booking_id, carrier, locator in session.execute(
        select(BookingRow.id, BookingRow.carrier, BookingRow.record_locator).where(
            BookingRow.id.in_(rows["booking"] or [-1])
        )
    ):
        links[booking_id] = {"carrier": carrier, "record_locator": locator}
    for booking_id in rows["booking"]:
        opened = open_sealed(session, key, "booking", booking_id)
        data.bookings.append({"id": booking_id, **links.get(booking_id, {}), **opened})
    owner = dict(session.execute(
        select(TravellerRow.id, TravellerRow.booking_id).where(
            TravellerRow.id.in_(rows["traveller"] or [-1]))
    ).tuples().all())  # fmt: skip
    for traveller_id in rows["traveller"]:
        opened = open_sealed(session, key, "traveller", traveller_id)
        data.travellers.append({"id": traveller_id, "booking_id": owner.get(traveller_id),
                                **opened})  # fmt: skip
    holder = dict(session.execute(
        select(TravelDocumentRow.id, TravelDocumentRow.traveller_id).where(
            TravelDocumentRow.id.in_(rows["travel_document"] or [-1]))
    ).tuples().all())  # fmt: skip
    for document_id in rows["travel_document"]:
        opened = open_sealed(session, key, "travel_document", document_id)
        data.travel_documents.append({"id": document_id, "traveller_id": holder.get(document_id),
                                      **opened})  # fmt: skip
    return data


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    row: UnmaskRequestRow,
    detail: dict[str, Any],
    *,
    access: AccessPurpose | None = None,
    reason: str | None = None,
) -> None:
    """The step's entry and the DPO's notification, in the step's transaction."""
    fields: dict[str, Any] = {"subject_kind": SUBJECT, "subject_id": str(row.id)}
    if reason is not None:
        fields["reason"] = reason
    record(session, AuditEvent.by(principal, action, access=access, detail=detail, **fields))
    notice = {"event": action, "status": row.status, "scope": row.scope,
              "requested_by": row.requested_by, "purpose": row.purpose, **detail}  # fmt: skip
    record(session, AuditEvent.by(principal, DPO_NOTIFY, access=access, recipient="dpo",
                                  detail=notice, **fields))  # fmt: skip
