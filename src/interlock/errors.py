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


class UnauthorizedError(InterlockError):
    """No valid credentials: the caller is not known."""

    status_code = 401


class ForbiddenError(InterlockError):
    """The caller is known but may not do this (role, purpose, person-only action)."""

    status_code = 403


class RefusedError(InterlockError):
    """A request that is well formed but refused by a rule of the node: an incomplete review,
    a missing purpose or reason, a rule that fails validation. ``location`` names the field."""

    status_code = 422

    def __init__(self, reason: str, *, location: str = "") -> None:
        super().__init__(reason)
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}" if self.location else self.reason


class ConflictError(InterlockError):
    """The record is not in a state that allows this (e.g. confirming a new alert)."""

    status_code = 409
