"""Retention holds (SG-28): a person keeps PNR data past the PNR period for a named case.

A hold names a booking (carrier and record locator: every push of it and its travellers) or
one stored traveller. It is set by a person, never a service, with an evidence reference
(a case or file number), a reason, and a review date in the future and no later than the end
of the maximum period of the data it holds. It is active until it is released (with a reason)
or its review date passes: a hold nobody reviewed stops protecting the data, which the next
retention run then deletes or depersonalises like any other. Setting and releasing are
written to the audit log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.purpose import stated_reason
from interlock.access.roles import Action, Principal, check
from interlock.audit.log import AuditEvent, Outcome, record
from interlock.errors import ConflictError, ForbiddenError, NotFoundError, RefusedError
from interlock.retention.policy import RetentionPolicy, add_months
from interlock.store.schema import BookingRow, TravellerRow
from interlock.store.schema_retention import RetentionHoldRow

MIN_EVIDENCE = 3
"""Shortest evidence reference accepted, in characters (e.g. a case number)."""


class HoldScope(StrEnum):
    BOOKING = "booking"
    TRAVELLER = "traveller"


@dataclass(frozen=True, slots=True)
class Hold:
    """A retention hold as stored."""

    id: int
    scope: HoldScope
    carrier: str | None
    record_locator: str | None
    traveller_id: int | None
    evidence: str
    reason: str
    review_by: date
    set_by: str
    set_at: datetime
    released_by: str | None = None
    released_at: datetime | None = None
    release_reason: str | None = None

    def active(self, today: date) -> bool:
        """Not released and not past its review date."""
        return self.released_at is None and self.review_by >= today

    @property
    def target(self) -> str:
        if self.scope is HoldScope.BOOKING:
            return f"{self.carrier}/{self.record_locator}"
        return f"traveller {self.traveller_id}"

    def to_dict(self, today: date | None = None) -> dict[str, object]:
        today = today or datetime.now(UTC).date()
        state = "released" if self.released_at else ("active" if self.active(today) else "lapsed")
        return {
            "id": self.id,
            "scope": self.scope.value,
            "carrier": self.carrier,
            "record_locator": self.record_locator,
            "traveller_id": self.traveller_id,
            "evidence": self.evidence,
            "reason": self.reason,
            "review_by": self.review_by.isoformat(),
            "set_by": self.set_by,
            "set_at": self.set_at.isoformat(),
            "released_by": self.released_by,
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "release_reason": self.release_reason,
            "state": state,
        }


def _hold(row: RetentionHoldRow) -> Hold:
    return Hold(
        row.id,
        HoldScope(row.scope),
        row.carrier,
        row.record_locator,
        row.traveller_id,
        row.evidence,
        row.reason,
        row.review_by,
        row.set_by,
        row.set_at,
        row.released_by,
        row.released_at,
        row.release_reason,
    )


@dataclass(frozen=True, slots=True)
class ActiveHolds:
    """What the active holds protect: bookings by (carrier, record locator), travellers by id."""

    bookings: frozenset[tuple[str, str]]
    travellers: frozenset[int]


def active_holds(session: Session, today: date) -> ActiveHolds:
    """The holds in force on ``today``, read in the caller's session."""
    rows = session.execute(
        select(RetentionHoldRow).where(
            RetentionHoldRow.released_at.is_(None), RetentionHoldRow.review_by >= today
        )
    ).scalars()
    bookings: set[tuple[str, str]] = set()
    travellers: set[int] = set()
    for row in rows:
        if row.scope == HoldScope.BOOKING and row.carrier and row.record_locator:
            bookings.add((row.carrier, row.record_locator))
        elif row.traveller_id is not None:
            travellers.add(row.traveller_id)
    return ActiveHolds(frozenset(bookings), frozenset(travellers))


def parse_booking(value: str) -> tuple[str, str]:
    """``CARRIER/LOCATOR`` (e.g. ``LH/ABC123``) as a pair; refused (422) otherwise."""
    carrier, sep, locator = value.strip().upper().partition("/")
    if not sep or not carrier or not locator or "/" in locator:
        raise RefusedError("name the booking as CARRIER/LOCATOR, e.g. LH/ABC123",
                           location="booking")  # fmt: skip
    return carrier, locator


class RetentionHolds:
    """Set, release and list retention holds."""

    def __init__(self, sessions: sessionmaker[Session], policy: RetentionPolicy) -> None:
        self._sessions = sessions
        self._policy = policy

    def add(
        self,
        principal: Principal,
        *,
        booking: tuple[str, str] | None = None,
        traveller_id: int | None = None,
        evidence: str | None,
        reason: str | None,
        review_by: date | None,
        today: date | None = None,
    ) -> Hold:
        """Set a hold on a booking or a traveller (see the module docstring for the checks)."""
        self._allowed(principal, "retention.hold")
        today = today or datetime.now(UTC).date()
        if (booking is None) == (traveller_id is None):
            raise RefusedError("hold either a booking or a traveller", location="target")
        evidence = (evidence or "").strip()
        if len(evidence) < MIN_EVIDENCE:
            raise RefusedError(
                "an evidence reference (case or file number) is required", location="evidence"
            )
        reason = stated_reason(reason)
        if review_by is None:
            raise RefusedError("a review date is required", location="review_by")
        if review_by <= today:
            raise RefusedError(
                f"the review date {review_by.isoformat()} is not in the future",
                location="review_by",
            )
        with self._sessions.begin() as session:
            received = _received(session, booking, traveller_id)
            last_day = add_months(received.date(), self._policy.maximum.months)
            if review_by > last_day:
                raise RefusedError(
                    f"the review date {review_by.isoformat()} is after {last_day.isoformat()}, "
                    f"when the data reaches the maximum period ({self._policy.maximum.months} "
                    "months) and is deleted whatever holds it",
                    location="review_by",
                )
            row = RetentionHoldRow(
                scope=(HoldScope.BOOKING if booking else HoldScope.TRAVELLER).value,
                carrier=booking[0] if booking else None,
                record_locator=booking[1] if booking else None,
                traveller_id=traveller_id,
                evidence=evidence,
                reason=reason,
                review_by=review_by,
                set_by=principal.username,
                set_at=datetime.now(UTC),
            )
            session.add(row)
            session.flush()
            record(session, _event(principal, "retention.hold", row, reason))
            return _hold(row)

    def release(self, principal: Principal, hold_id: int, reason: str | None) -> Hold:
        """Release an active hold, with a reason; the hold stays on record."""
        self._allowed(principal, "retention.release")
        reason = stated_reason(reason)
        with self._sessions.begin() as session:
            row = session.get(RetentionHoldRow, hold_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"no retention hold {hold_id}")
            if row.released_at is not None:
                raise ConflictError(f"retention hold {hold_id} was released already")
            row.released_by = principal.username
            row.released_at = datetime.now(UTC)
            row.release_reason = reason
            record(session, _event(principal, "retention.release", row, reason))
            return _hold(row)

    def all(self, principal: Principal, *, include_released: bool = True) -> list[Hold]:
        """The holds, newest first."""
        check(principal, Action.RETENTION_HOLD)
        query = select(RetentionHoldRow).order_by(RetentionHoldRow.id.desc())
        if not include_released:
            query = query.where(RetentionHoldRow.released_at.is_(None))
        with self._sessions() as session:
            return [_hold(row) for row in session.execute(query).scalars()]

    def _allowed(self, principal: Principal, action: str) -> None:
        """Holds are for people with the hold permission; a refusal is audited."""
        try:
            check(principal, Action.RETENTION_HOLD)
            if not principal.is_person:
                raise ForbiddenError(
                    "a retention hold is set or released by a person; a service may not"
                )
        except ForbiddenError as err:
            with self._sessions.begin() as session:
                event = AuditEvent.by(principal, action, outcome=Outcome.REFUSED,
                                      detail={"why": err.reason})  # fmt: skip
                record(session, event)
            raise


def _received(
    session: Session, booking: tuple[str, str] | None, traveller_id: int | None
) -> datetime:
    """When the held data was last received; 404 when nothing of it is stored."""
    if booking is not None:
        last = session.execute(
            select(func.max(BookingRow.received_at)).where(
                BookingRow.carrier == booking[0], BookingRow.record_locator == booking[1]
            )
        ).scalar()
        if last is None:
            raise NotFoundError(f"no stored booking {booking[0]}/{booking[1]}")
        return _utc(last)
    found = session.execute(
        select(TravellerRow.id, BookingRow.received_at)
        .outerjoin(BookingRow, BookingRow.id == TravellerRow.booking_id)
        .where(TravellerRow.id == traveller_id)
    ).first()
    if found is None:
        raise NotFoundError(f"no stored traveller {traveller_id}")
    if found.received_at is None:
        raise RefusedError(
            f"traveller {traveller_id} was not received with a PNR push: nothing to hold",
            location="traveller",
        )
    return _utc(found.received_at)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _event(principal: Principal, action: str, row: RetentionHoldRow, reason: str) -> AuditEvent:
    detail: dict[str, object] = {
        "scope": row.scope,
        "evidence": row.evidence,
        "review_by": row.review_by.isoformat(),
    }
    if row.traveller_id is not None:
        detail["traveller_id"] = row.traveller_id
    return AuditEvent.by(principal, action, reason=reason, subject_kind="retention-hold",
                         subject_id=str(row.id), detail=detail)  # fmt: skip
