"""Rule quality from the alerts rules raised (SG-15).

Per rule version: hits (alerts with cause ``rule``), confirmed, dismissed and still open, the
same by nationality group (:mod:`interlock.rules.regions`); a version whose dismissed share of
decided alerts reaches :data:`DISMISSED_SHARE` (with at least :data:`MIN_DECIDED` decided) is
flagged for review. Aggregates only: no traveller id leaves this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from interlock.access.roles import Action, Principal, check
from interlock.rules.regions import region
from interlock.store.schema import TravellerRow
from interlock.store.schema_alerts import AlertRow

DISMISSED_SHARE = 0.9
"""Dismissed share of decided alerts from which a rule version is flagged for review."""
MIN_DECIDED = 20
"""Decided alerts needed before the share is judged."""


@dataclass(slots=True)
class Counts:
    hits: int = 0
    confirmed: int = 0
    dismissed: int = 0
    open: int = 0

    def add(self, status: str, n: int) -> None:
        self.hits += n
        if status == "confirmed":
            self.confirmed += n
        elif status == "dismissed":
            self.dismissed += n
        else:
            self.open += n

    def to_dict(self) -> dict[str, int]:
        return {
            "hits": self.hits,
            "confirmed": self.confirmed,
            "dismissed": self.dismissed,
            "open": self.open,
        }


@dataclass(slots=True)
class RuleQuality:
    """The figures of one rule version, and whether it is flagged for review."""

    rule_name: str
    rule_version: int
    total: Counts = field(default_factory=Counts)
    by_group: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    dismissed_share: float | None = None
    flagged: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_name,
            "version": self.rule_version,
            **self.total.to_dict(),
            "dismissed_share": self.dismissed_share,
            "flagged_for_review": self.flagged,
            "by_group": {g: c.to_dict() for g, c in sorted(self.by_group.items())},
        }


def rule_quality(
    sessions: sessionmaker[Session],
    principal: Principal,
    *,
    threshold: float = DISMISSED_SHARE,
    min_decided: int = MIN_DECIDED,
) -> list[RuleQuality]:
    """Quality figures of every rule version that raised alerts, by rule and version."""
    check(principal, Action.RULE_READ)
    query = (
        select(
            AlertRow.rule_name,
            AlertRow.rule_version,
            AlertRow.status,
            TravellerRow.nationality,
            func.count(),
        )
        .join(TravellerRow, TravellerRow.id == AlertRow.traveller_id)
        .where(AlertRow.cause_kind == "rule", AlertRow.rule_name.is_not(None))
        .group_by(
            AlertRow.rule_name, AlertRow.rule_version, AlertRow.status, TravellerRow.nationality
        )
    )
    found: dict[tuple[str, int], RuleQuality] = {}
    with sessions() as session:
        for name, version, status, nationality, n in session.execute(query).tuples():
            key = (name or "", version or 0)
            quality = found.setdefault(key, RuleQuality(*key))
            quality.total.add(status, n)
            quality.by_group[region(nationality)].add(status, n)
    for quality in found.values():
        decided = quality.total.confirmed + quality.total.dismissed
        if decided:
            quality.dismissed_share = round(quality.total.dismissed / decided, 6)
        quality.flagged = decided >= min_decided and (quality.dismissed_share or 0) >= threshold
    return [found[key] for key in sorted(found)]
