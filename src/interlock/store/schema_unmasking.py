"""Tables of the unmasking part (migration 0009): requests to read depersonalised data (SG-29).

A request names what it asks to unmask as a retention hold does: a booking by carrier and
record locator (every depersonalised push of it and its travellers) or one traveller by id.
It is not a foreign key: the request, its decision and its reads stay on record after the
data is deleted at the maximum period. It holds no plaintext; what it unlocks is read from
the sealed records (:mod:`interlock.retention.seal`) at the moment of each read.

The requester's and the decider's units are copied onto the request when they act, so the
record shows that the approval came from outside the requesting unit even if an account is
moved to another unit later.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class UnmaskRequestRow(Base):
    """A request to unmask sealed data, its decision by an outside authority, and its reads."""

    __tablename__ = "unmask_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    carrier: Mapped[str | None] = mapped_column(String)
    record_locator: Mapped[str | None] = mapped_column(String)
    traveller_id: Mapped[int | None] = mapped_column(Integer, index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str] = mapped_column(String)
    requester_id: Mapped[int] = mapped_column(Integer, index=True)
    requester_unit: Mapped[str] = mapped_column(String)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String)
    decider_unit: Mapped[str | None] = mapped_column(String)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reads: Mapped[int] = mapped_column(Integer, default=0)
    last_read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


Index("ix_unmask_requests_locator", UnmaskRequestRow.carrier, UnmaskRequestRow.record_locator)
