"""Tables of the retention part (migration 0008): retention holds and sealed records.

A hold (SG-28) names the data it keeps past the PNR period: a booking by carrier and record
locator (every push of it and its travellers) or one traveller by id. It is not a foreign key:
the hold and its release stay on record after the data is gone.

A sealed record (SG-27) is the plaintext a depersonalisation removed from one row, encrypted
with AES-256-GCM under a key kept outside the database (``key_id`` names the key by digest,
never the key). Its existence marks the row as depersonalised. It is deleted with the row at
the maximum period (SG-30).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class RetentionHoldRow(Base):
    """A retention hold set by a person with evidence, a reason and a review date (SG-28)."""

    __tablename__ = "retention_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    carrier: Mapped[str | None] = mapped_column(String)
    record_locator: Mapped[str | None] = mapped_column(String)
    traveller_id: Mapped[int | None] = mapped_column(Integer, index=True)
    evidence: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    review_by: Mapped[date] = mapped_column(Date)
    set_by: Mapped[str] = mapped_column(String)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
    released_by: Mapped[str | None] = mapped_column(String)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    release_reason: Mapped[str | None] = mapped_column(Text)


class SealedRecordRow(Base):
    """The plaintext of the masked columns of one row, sealed (SG-27)."""

    __tablename__ = "sealed_records"
    __table_args__ = (UniqueConstraint("table_name", "row_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int] = mapped_column(Integer)
    columns: Mapped[list[Any]] = mapped_column(JSON, default=list)
    key_id: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_at: Mapped[datetime] = mapped_column(UtcDateTime)


Index("ix_retention_holds_locator", RetentionHoldRow.carrier, RetentionHoldRow.record_locator)
