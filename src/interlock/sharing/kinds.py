"""What a node shares, and the TLP 2.0 levels that mark it."""

from __future__ import annotations

from enum import StrEnum


class ShareKind(StrEnum):
    """The kinds of record an agreement can cover."""

    ALERT_NOTIFICATION = "alert-notification"  # a confirmed hit on the recipient's entry
    SOURCE_CONFIRMATION = "source-confirmation"  # the listing partner's answer to one (SG-19)
    WATCHLIST_ENTRY = "watchlist-entry"
    WATCHLIST_REVOCATION = "watchlist-revocation"
    SIGHTING = "sighting"
    CORRECTION = "correction"


class TLP(StrEnum):
    """Traffic Light Protocol 2.0 levels, least to most restricted (FIRST TLP 2.0)."""

    CLEAR = "clear"
    GREEN = "green"
    AMBER = "amber"
    AMBER_STRICT = "amber+strict"
    RED = "red"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def within(self, ceiling: TLP) -> bool:
        """Whether a record marked ``self`` may go where ``ceiling`` is the highest allowed."""
        return self.rank <= ceiling.rank


_RANK = {level: rank for rank, level in enumerate(TLP)}
