"""Tables of data-subject requests (SG-45, migration 0010).

A request keeps the requester's identifying details only as long as they are needed to answer
it: the columns ``surname``, ``given_names``, ``birth_date`` and ``document_number`` are set to
NULL once the request has been closed for the retention period (``purge_after``), while the
request itself (kind, dates, outcome, legal ground, pseudonymous ids touched) stays as the
record of how the right was honoured. Nothing here points at a traveller by foreign key: the
traveller ids found or touched are kept as plain numbers, so retention can delete travellers
without touching the record of the request.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class SubjectRequestRow(Base):
    """A request from a person to exercise a right (access, rectification, erasure,
    restriction), its due date and what became of it."""

    __tablename__ = "subject_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    created_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The requester's details as given: personal data, purged after closing + retention.
    surname: Mapped[str | None] = mapped_column(String)
    given_names: Mapped[str | None] = mapped_column(String)
    birth_date: Mapped[date | None] = mapped_column(Date)
    document_number: Mapped[str | None] = mapped_column(String)
    found_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    closed_by: Mapped[str | None] = mapped_column(String)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    touched_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    legal_ground: Mapped[str | None] = mapped_column(String(32))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    purge_after: Mapped[date | None] = mapped_column(Date, index=True)
    details_purged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SubjectRequestEventRow(Base):
    """A request's timeline: recorded, searched, exported, answered, refused, details purged.
    ``detail`` holds counts and pseudonymous ids only."""

    __tablename__ = "subject_request_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("subject_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
