"""The loops under ``interlock serve``: sharing (push and pull) and witnessing."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from interlock.sharing.context import SharingContext
from interlock.sharing.pull import pull_all, pull_from
from interlock.sharing.transport import push_once

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class SharingWorker:
    """The loops under ``interlock serve``. The sharing loop pushes due messages every
    ``push_interval`` seconds (at once when woken) and pulls from every partner every
    ``pull_interval`` seconds and on start. The witness loop, in a thread of its own, collects
    the partners' cosignatures of this node's newest checkpoint whenever the log grew: a
    witness that is slow or hangs delays no message."""

    def __init__(
        self,
        ctx: SharingContext,
        *,
        push_interval: float = 0.5,
        pull_interval: float = 30.0,
        cosign: bool = True,
    ) -> None:
        self.ctx = ctx
        self.push_interval = push_interval
        self.pull_interval = pull_interval
        self.cosign = cosign
        self._wake = threading.Event()
        self._witness_wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._pull_now: set[str] = set()
        self._lock = threading.Lock()

    def wake(self) -> None:
        self._wake.set()

    def request_pull(self, partner: str) -> None:
        """Pull from ``partner`` in the next round (a gap was seen in its sequence)."""
        with self._lock:
            self._pull_now.add(partner)
        self._wake.set()

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._run, name="sharing", daemon=True)]
        if self.cosign:
            self._threads.append(
                threading.Thread(target=self._witness_run, name="witnessing", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._witness_wake.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self) -> None:
        last_pull = 0.0
        while not self._stop.is_set():
            started = _now().timestamp()
            with self._lock:
                asked, self._pull_now = self._pull_now, set()
            try:
                if started - last_pull >= self.pull_interval:
                    last_pull = started
                    pull_all(self.ctx)
                else:
                    for name in sorted(asked):
                        pull_from(self.ctx, name)
                push_once(self.ctx)
            except Exception:  # the loop must survive a bad round; the next one retries
                log.exception("sharing round failed")
            self._witness_wake.set()  # the log may have grown (sent, received, receipts)
            self._wake.wait(self.push_interval)
            self._wake.clear()

    def _witness_run(self) -> None:
        from interlock.sharing.witnessing import cosign_latest

        while not self._stop.is_set():
            self._witness_wake.wait(max(self.push_interval, 1.0))
            self._witness_wake.clear()
            if self._stop.is_set():
                return
            try:
                cosign_latest(self.ctx)
            except Exception:  # as above: the next round retries
                log.exception("witnessing round failed")
