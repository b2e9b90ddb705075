"""The node's delivery loop: while ``interlock serve`` runs, a background thread escalates and
sends due notifications every ``settings.notify_interval_seconds``.

The loop only carries out what a person's confirmation put in the outbox; it holds no
permission to confirm, share or act (SG-20).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from interlock.response.delivery import deliver_due
from interlock.response.escalation import escalate_due
from interlock.response.playbooks import load_playbooks
from interlock.settings import Settings
from interlock.store import Store

log = logging.getLogger(__name__)


class DeliveryWorker:
    """Escalate and deliver every ``interval`` seconds until :meth:`stop`."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._settings = settings
        self._playbooks = load_playbooks(settings.resolved_playbooks_file)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="interlock-delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def run_once(self) -> None:
        now = datetime.now(UTC)
        settings = self._settings
        escalate_due(self._store, now=now, playbooks=self._playbooks)
        report = deliver_due(
            self._store,
            now=now,
            smtp=(settings.smtp_host, settings.smtp_port),
            playbooks=self._playbooks,
            public_url=settings.public_url,
            mail_from=settings.mail_from,
        )
        if report.sent or report.failed:
            log.info(
                "notifications sent=%d failed=%d retrying=%d",
                len(report.sent),
                len(report.failed),
                len(report.retrying),
            )

    def _loop(self) -> None:
        while not self._stop.wait(self._settings.notify_interval_seconds):
            try:
                self.run_once()
            except Exception:  # keep the loop alive; the outbox keeps what was not sent
                log.exception("notification delivery failed")
