"""Operational logs in text and JSON form."""

from __future__ import annotations

import json
import logging

import pytest

from interlock.logs import configure_logging
from interlock.settings import LogFormat, Settings


@pytest.mark.parametrize("fmt", list(LogFormat))
def test_logs_go_to_stderr_in_the_configured_format(
    fmt: LogFormat, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(Settings(log_format=fmt, log_level="INFO"))
    logging.getLogger("interlock.test").info("message %s stored", 42)
    line = capsys.readouterr().err.strip().splitlines()[-1]
    if fmt is LogFormat.JSON:
        entry = json.loads(line)
        assert (entry["level"], entry["logger"], entry["message"]) == (
            "info",
            "interlock.test",
            "message 42 stored",
        )
    else:
        assert "level=INFO logger=interlock.test msg=message 42 stored" in line


def test_level_filters(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(Settings(log_level="WARNING"))
    logging.getLogger("interlock.test").info("hidden")
    assert "hidden" not in capsys.readouterr().err
