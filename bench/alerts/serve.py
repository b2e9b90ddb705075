"""The node under test, in a process of its own: ``python -m bench.alerts.serve DATA_DIR
PORT`` runs :func:`interlock.api.app.create_app` on the embedded store in ``DATA_DIR``
(SQLite) under uvicorn on 127.0.0.1:``PORT``, as ``interlock serve`` would, so that the
client timing requests does not share the node's interpreter.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from interlock.api.app import create_app
from interlock.settings import Settings


def main(argv: list[str]) -> None:
    data_dir, port = Path(argv[0]), int(argv[1])
    app = create_app(Settings(data_dir=data_dir, database_url=None), serving=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
