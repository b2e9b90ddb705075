"""Serve an app on a loopback port in a thread (uvicorn), startable and stoppable: the
demo's partner node and the tests' nodes. ``running(app)`` yields the server; with
``tls=(cert, key)`` it serves HTTPS."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LoopbackServer:
    """One app on one loopback port, startable and stoppable."""

    def __init__(
        self, app: Any, *, port: int | None = None, tls: tuple[Path, Path] | None = None
    ) -> None:
        self.app = app
        self.port = port or free_port()
        self.tls = tls
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
            ssl_certfile=str(self.tls[0]) if self.tls else None,
            ssl_keyfile=str(self.tls[1]) if self.tls else None,
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"server on port {self.port} did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=20)
        self._server = self._thread = None


@contextmanager
def running(
    app: Any, *, port: int | None = None, tls: tuple[Path, Path] | None = None
) -> Iterator[LoopbackServer]:
    server = LoopbackServer(app, port=port, tls=tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()
