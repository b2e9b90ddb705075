"""Retention of PNR data (SG-26 to SG-30): periods with their legal sources, holds set by
people, the run that deletes or depersonalises what is past its period, and sealed records.

:class:`Retention` gathers them over a store: ``retention.holds`` and ``retention.run(...)``.
"""

from __future__ import annotations

from pathlib import Path

from interlock.access.roles import Principal
from interlock.retention.holds import Hold, HoldScope, RetentionHolds, parse_booking
from interlock.retention.policy import Period, RetentionPolicy
from interlock.retention.run import MASK, RetentionReport, RetentionRun
from interlock.retention.seal import SealKey, default_key_path, open_sealed
from interlock.store import Store


class Retention:
    """Retention over one store, with the node's policy and depersonalisation key file."""

    def __init__(self, store: Store, *, key_path: Path, policy: RetentionPolicy | None = None):
        self.policy = policy or RetentionPolicy()
        self.key_path = key_path
        self.holds = RetentionHolds(store.sessions, self.policy)
        self._runs = RetentionRun(store.sessions, self.policy, key_path)

    def run(self, principal: Principal | None, *, dry_run: bool = False) -> RetentionReport:
        """One retention run as ``principal`` (``None``: the node's scheduled job)."""
        return self._runs.run(principal, dry_run=dry_run)


__all__ = [
    "MASK",
    "Hold",
    "HoldScope",
    "Period",
    "Retention",
    "RetentionHolds",
    "RetentionPolicy",
    "RetentionReport",
    "RetentionRun",
    "SealKey",
    "default_key_path",
    "open_sealed",
    "parse_booking",
]
