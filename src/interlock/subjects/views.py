"""How a data-subject request reads back: the stored request, the search result, and the
small readers the repository shares (SG-45)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.errors import NotFoundError
from interlock.store.schema import FlightRow, FlightVersionRow, TravellerRow
from interlock.store.schema_subject_requests import SubjectRequestRow
from interlock.subjects.policy import LegalGround, RequestKind, RequestStatus
from interlock.subjects.search import Identity


@dataclass(frozen=True, slots=True)
class SubjectRequest:
    """A request as stored. ``identity`` is ``None`` once the details have been purged."""

    id: int
    kind: RequestKind
    status: RequestStatus
    received_on: date
    due_on: date
    created_by: str
    created_at: datetime
    identity: Identity | None
    found_ids: list[int]
    closed_by: str | None
    closed_at: datetime | None
    answer: str | None
    touched_ids: list[int]
    legal_ground: LegalGround | None
    refusal_reason: str | None
    purge_after: date | None
    details_purged_at: datetime | None
    overdue: bool
    timeline: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, *, details: bool = True) -> dict[str, Any]:
        """JSON-ready; with ``details`` False, without the requester's details (for lists)."""
        data: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind.value,
            "status": self.status.value,
            "received_on": self.received_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "overdue": self.overdue,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "closed_by": self.closed_by,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "legal_ground": self.legal_ground.value if self.legal_ground else None,
            "legal_ground_text": self.legal_ground.text if self.legal_ground else None,
            "purge_after": self.purge_after.isoformat() if self.purge_after else None,
            "details_purged": self.details_purged_at is not None,
        }
        if details:
            identity = self.identity
            data["requester"] = (
                {
                    "surname": identity.surname,
                    "given_names": identity.given_names,
                    "birth_date": identity.birth_date.isoformat() if identity.birth_date else None,
                    "document_number": identity.document_number,
                }
                if identity is not None
                else None
            )
            data.update(
                found_ids=self.found_ids,
                answer=self.answer,
                touched_ids=self.touched_ids,
                refusal_reason=self.refusal_reason,
                details_purged_at=self.details_purged_at.isoformat()
                if self.details_purged_at
                else None,
                timeline=self.timeline,
            )
        return data


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The travellers a search found for a request: enough for the DPO to check each one is
    the requester before exporting."""

    request_id: int
    travellers: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "found": len(self.travellers),
            "travellers": self.travellers,
        }


def request_row(session: Session, request_id: int, *, lock: bool = False) -> SubjectRequestRow:
    query = select(SubjectRequestRow).where(SubjectRequestRow.id == request_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.execute(query).scalar()
    if row is None:
        raise NotFoundError(f"no subject request {request_id}")
    return row


def stored_identity(row: SubjectRequestRow) -> Identity | None:
    if row.details_purged_at is not None:
        return None
    return Identity(row.surname, row.given_names, row.birth_date, row.document_number)


def request_view(
    row: SubjectRequestRow, today: date, timeline: list[dict[str, Any]] | None = None
) -> SubjectRequest:
    status = RequestStatus(row.status)
    return SubjectRequest(
        id=row.id,
        kind=RequestKind(row.kind),
        status=status,
        received_on=row.received_on,
        due_on=row.due_on,
        created_by=row.created_by,
        created_at=row.created_at,
        identity=stored_identity(row),
        found_ids=list(row.found_ids),
        closed_by=row.closed_by,
        closed_at=row.closed_at,
        answer=row.answer,
        touched_ids=list(row.touched_ids),
        legal_ground=LegalGround(row.legal_ground) if row.legal_ground else None,
        refusal_reason=row.refusal_reason,
        purge_after=row.purge_after,
        details_purged_at=row.details_purged_at,
        overdue=status is RequestStatus.OPEN and row.due_on < today,
        timeline=timeline or [],
    )


def listing(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """A line per traveller found: who, on which flight, from which message."""
    if not ids:
        return []
    rows = session.execute(
        select(TravellerRow, FlightRow.key)
        .outerjoin(FlightVersionRow, FlightVersionRow.id == TravellerRow.flight_version_id)
        .outerjoin(FlightRow, FlightRow.id == FlightVersionRow.flight_id)
        .where(TravellerRow.id.in_(list(ids)))
        .order_by(TravellerRow.id)
    ).all()
    return [
        {
            "traveller_id": t.id,
            "surname": t.surname,
            "given_names": t.given_names,
            "birth_date": t.birth_date.isoformat() if t.birth_date else None,
            "role": t.role,
            "message_id": t.message_id,
            "flight_key": key,
            "record_locator": t.record_locator,
        }
        for t, key in rows
    ]
