"""The node's retention, as configured: one place that turns settings into a
:class:`~interlock.retention.Retention`, shared by the API and the command line."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from interlock.retention import Retention
from interlock.retention.policy import RetentionPolicy
from interlock.retention.seal import default_key_path
from interlock.settings import Settings
from interlock.store import Store

if TYPE_CHECKING:
    from interlock.retention.unmask import Unmasking


def node_retention(store: Store, settings: Settings) -> Retention:
    """Retention over ``store`` with the node's periods and key file (defaults: six months,
    five years, ``<data_dir>/keys/depersonalisation.key``)."""
    policy = RetentionPolicy.of(settings.retention_pnr_months, settings.retention_max_months)
    key = settings.depersonalisation_key_file or default_key_path(settings.data_dir)
    return Retention(store, key_path=key, policy=policy)


def node_unmasking(store: Store, settings: Settings) -> Unmasking:
    """Unmasking (SG-29) over ``store`` with the node's key file and approval lifetime."""
    from interlock.retention.unmask import Unmasking

    key = node_retention(store, settings).key_path
    valid = timedelta(days=settings.unmask_approval_days)
    return Unmasking(store.sessions, key_path=key, approval_valid=valid)
