"""The one small error hierarchy. Each error carries the HTTP status the API maps it to."""

from __future__ import annotations


class InterlockError(Exception):
    """Base of every error Interlock raises on purpose."""

    status_code: int = 500

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ParseError(InterlockError):
    """Input that cannot be read. ``location`` names the place: file, line, segment."""

    status_code = 422

    def __init__(self, reason: str, *, location: str = "") -> None:
        super().__init__(reason)
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}" if self.location else self.reason


class UnknownFormatError(ParseError):
    """The content is none of the formats Interlock reads."""


class NotFoundError(InterlockError):
    status_code = 404


class ConfigurationError(InterlockError):
    status_code = 500
