"""Tables of alerts, their reviews and timeline, remembered dismissals, actions on persons and
cases (migration 0006).

Everything here points at a stored traveller with ``ON DELETE CASCADE``: when retention
deletes a traveller, the alerts, reviews, remembered dismissals (SG-25) and actions about that
person go with it. Case rows outlive them; their links go.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class AlertRow(Base):
    """One alert per person on a flight (``person_key``) and cause (``cause_key``: a list
    entry or a rule). A re-sent manifest updates it (``traveller_id`` moves to the newest
    record, ``resent`` counts) instead of raising another."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("person_key", "cause_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    traveller_id: Mapped[int] = mapped_column(
        ForeignKey("traveller.id", ondelete="CASCADE"), index=True
    )
    person_key: Mapped[str] = mapped_column(String(64))
    identity_key: Mapped[str] = mapped_column(String(64), index=True)
    cause_kind: Mapped[str] = mapped_column(String(16))
    cause_key: Mapped[str] = mapped_column(String)
    list_name: Mapped[str | None] = mapped_column(String)
    list_version: Mapped[int | None] = mapped_column(Integer)
    entry_id: Mapped[str | None] = mapped_column(String)
    rule_name: Mapped[str | None] = mapped_column(String, index=True)
    rule_version: Mapped[int | None] = mapped_column(Integer)
    flight_key: Mapped[str | None] = mapped_column(String, index=True)
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String)
    severity: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resent: Mapped[int] = mapped_column(Integer, default=0)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    humanitarian: Mapped[list[Any]] = mapped_column(JSON, default=list)
    assigned_to: Mapped[str | None] = mapped_column(String)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True
    )


class AlertEventRow(Base):
    """The alert's timeline: raised, updated by a re-sent manifest, review started, decided,
    notified, actions taken."""

    __tablename__ = "alert_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AlertReviewRow(Base):
    """A person's review of an alert (SG-21): the band shown, the checklist answers, the
    decision and the reason. Started when the reviewer opens it; decided once."""

    __tablename__ = "alert_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    reviewer: Mapped[str] = mapped_column(String)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    checklist: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    band_shown: Mapped[str | None] = mapped_column(String(16))


class DismissedMatchRow(Base):
    """A dismissed cause remembered for a person (SG-25): keyed by hashes of the traveller's
    identity and of the cause, so the same person is not alerted again for the same entry or
    rule. Deleted with the traveller it was learnt from."""

    __tablename__ = "dismissed_matches"
    __table_args__ = (UniqueConstraint("identity_key", "cause_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_key: Mapped[str] = mapped_column(String(64))
    cause_hash: Mapped[str] = mapped_column(String(64))
    traveller_id: Mapped[int] = mapped_column(
        ForeignKey("traveller.id", ondelete="CASCADE"), index=True
    )
    dismissed_by: Mapped[str] = mapped_column(String)
    dismissed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PersonActionRow(Base):
    """An action on a person (secondary inspection, referral, refusal …), taken on a confirmed
    alert by a named person with a reason (SG-24); on a traveller with humanitarian flags,
    with a humanitarian-considerations note."""

    __tablename__ = "person_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    traveller_id: Mapped[int] = mapped_column(
        ForeignKey("traveller.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    decided_by: Mapped[str] = mapped_column(String)
    basis: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    humanitarian_note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseRow(Base):
    """A case: alerts and travellers worked on together, with notes, an assignee and a
    timeline."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String)
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer)
    assigned_to: Mapped[str | None] = mapped_column(String)
    created_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseTravellerRow(Base):
    """A traveller linked to a case."""

    __tablename__ = "case_travellers"
    __table_args__ = (UniqueConstraint("case_id", "traveller_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    traveller_id: Mapped[int] = mapped_column(
        ForeignKey("traveller.id", ondelete="CASCADE"), index=True
    )
    added_by: Mapped[str] = mapped_column(String)
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)


class CaseEventRow(Base):
    """A case's timeline: opened, alert or traveller added, note, assigned, closed."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


Index("ix_alerts_status_priority", AlertRow.status, AlertRow.priority, AlertRow.due_at)
