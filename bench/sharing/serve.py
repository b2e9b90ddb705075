"""One node of the sharing benchmark in a process of its own:
``python -m bench.sharing.serve DATA_DIR NAME PORT`` runs the node ``NAME`` on its SQLite
store in ``DATA_DIR`` over HTTPS with its own certificate, as ``interlock serve --tls`` does,
with the sharing loop pushing every 50 ms."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from interlock.api.app import create_app
from interlock.settings import Settings
from interlock.sharing.identity import node_identity


def node_settings(data_dir: Path, name: str, port: int) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=None,
        node_name=name,
        public_url=f"https://127.0.0.1:{port}",
        screen_workers=0,
        share_push_interval_seconds=0.05,
        share_pull_interval_seconds=10.0,
        notify_interval_seconds=3600.0,
    )


def main(argv: list[str]) -> None:
    data_dir, name, port = Path(argv[0]), argv[1], int(argv[2])
    settings = node_settings(data_dir, name, port)
    identity = node_identity(settings)
    uvicorn.run(
        create_app(settings, serving=True),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        ssl_certfile=str(identity.tls_cert_path),
        ssl_keyfile=str(identity.tls_key_path),
        timeout_graceful_shutdown=5,  # as `interlock serve`: partners' idle links don't hold it
    )


if __name__ == "__main__":
    main(sys.argv[1:])
