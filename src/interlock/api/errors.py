"""The one place where Interlock's errors become HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from interlock.errors import InterlockError


class MessageTooLargeError(InterlockError):
    """A request body larger than ``settings.max_message_bytes``."""

    status_code = 413


async def interlock_error(request: Request, exc: Exception) -> JSONResponse:
    """``{"detail": reason, "location": place}`` with the error's own HTTP status."""
    if not isinstance(exc, InterlockError):  # pragma: no cover - registered for InterlockError
        raise exc
    body: dict[str, str | None] = {"detail": exc.reason}
    location = getattr(exc, "location", None)
    if location:
        body["location"] = location
    return JSONResponse(body, status_code=exc.status_code)


def install_error_handler(app: FastAPI) -> None:
    """Map every :class:`InterlockError` to its ``status_code``."""
    app.add_exception_handler(InterlockError, interlock_error)
