"""Operational logs: key=value text, or one JSON object per line in production.

These are not the legal audit log (a later issue). Messages name places and reasons, and
identify records by pseudonymous ids (message id, sha256), never by names or document numbers.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from interlock.settings import LogFormat, Settings


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message (and the exception, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "time=%(asctime)s level=%(levelname)s logger=%(name)s msg=%(message)s"


def configure_logging(settings: Settings) -> None:
    """Send the ``interlock`` loggers to stderr in the configured format and level."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format is LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger("interlock")
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
