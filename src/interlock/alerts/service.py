"""The node's alert desk, wired to its rapid-response playbooks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from interlock.alerts.desk import AlertDesk
from interlock.settings import Settings
from interlock.store import Store
from interlock.store.schema_alerts import AlertRow

if TYPE_CHECKING:
    from interlock.sharing.context import SharingContext


def alert_desk(
    store: Store, settings: Settings, sharing: SharingContext | None = None
) -> AlertDesk:
    """An alert desk whose confirmations enqueue the notifications of the playbook of the
    alert's category (``settings.resolved_playbooks_file``, else the built-in playbooks) and,
    for a hit on a partner's entry, the hit notification to that partner (with ``sharing``;
    :meth:`interlock.sharing.service.SharingService.notify_hit`)."""
    from interlock.response import enqueue_for_confirmed, load_playbooks

    playbooks = load_playbooks(settings.resolved_playbooks_file)

    def on_confirmed(session: Session, row: AlertRow, now: datetime) -> list[int]:
        if sharing is not None:
            from interlock.sharing.service import SharingService

            SharingService(sharing).notify_hit(session, row, now)
        return enqueue_for_confirmed(
            session, row, playbooks=playbooks, now=now, node_name=settings.node_name
        )

    return AlertDesk(store.sessions, on_confirmed=on_confirmed)
