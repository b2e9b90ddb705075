"""Tables of the risk rules (migration 0005): a rule and its versions (SG-13, SG-14).

A version is never edited once submitted: a change is a new version that goes through the
same workflow (draft → submitted → active, or rejected; an active version is retired when
the next one is approved or by hand). Each version keeps its YAML source verbatim, who wrote
and who approved it, its legal basis, purpose and review-by date, and its last backtest.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class RuleRow(Base):
    """A rule by name; ``active_version`` is the version that runs (None: none does)."""

    __tablename__ = "rules"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    active_version: Mapped[int | None] = mapped_column(Integer)


class RuleVersionRow(Base):
    """One version of a rule and where it stands in the workflow."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("rule_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("rules.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String)
    category: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    legal_basis: Mapped[str] = mapped_column(Text)
    review_by: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approver: Mapped[str | None] = mapped_column(String)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    backtest: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    backtest_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
