"""The lexical forms STIX 2.1 fixes for what Interlock writes and reads: identifiers
(``type--uuid``), timestamps (UTC, ``Z``) and plain dates. Pure: no I/O."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from interlock.errors import ParseError, RefusedError

StixObject = dict[str, Any]
"""A STIX object as the plain dict that is sent and received."""

STIX_ID = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z",
    re.ASCII,
)
"""A STIX identifier: the object type, ``--``, a lower-case UUID."""
DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\Z", re.ASCII)
"""A day as the Interlock extension writes it: ``YYYY-MM-DD``."""
_TIMESTAMP = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?Z\Z",
    re.ASCII,
)


def timestamp(moment: datetime) -> str:
    """A STIX timestamp: UTC, millisecond precision, ``Z``."""
    if moment.tzinfo is None:
        raise RefusedError("naive datetime given for a STIX timestamp", location="timestamp")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_timestamp(value: object, where: str) -> datetime:
    """A STIX timestamp (``YYYY-MM-DDTHH:MM:SS[.s+]Z``) as an aware UTC datetime; beyond
    microseconds the fraction is cut."""
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if match is None:
        raise ParseError("not a STIX timestamp (YYYY-MM-DDTHH:MM:SS[.sss]Z)", location=where)
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    micro = int((match.group(7) or "0")[:6].ljust(6, "0"))
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)
    except ValueError as err:
        raise ParseError(f"not a valid time: {err}", location=where) from err
