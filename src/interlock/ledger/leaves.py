"""What a ledger leaf may hold (SG-31): the canonical JSON of an event whose every field is one
of :data:`LEAF_FIELDS` (or ends in one of :data:`LEAF_SUFFIXES`) and has its shape, so no
name, document number or free text can be written, and erasing personal data elsewhere never
breaks verification."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from interlock.errors import RefusedError
from interlock.ledger.tiles import MAX_ENTRY

# -- what a leaf may hold (SG-31) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shape:
    """What the value of a leaf field may look like."""

    description: str
    check: Callable[[object], bool]


def _matching(pattern: str) -> Callable[[object], bool]:
    match = re.compile(pattern).fullmatch
    seen: set[str] = set()  # values already matched: node names, kinds and times recur

    def check(value: object) -> bool:
        if type(value) is not str:
            return False
        if value in seen:
            return True
        if match(value) is None:
            return False
        if len(seen) < 4096:
            seen.add(value)
        return True

    return check


def _count(value: object) -> bool:
    return type(value) is int and 0 <= value < 2**63


_node = _matching(r"[a-z0-9][a-z0-9.-]{0,62}")

TOKEN = Shape("a lower-case word such as share.sent", _matching(r"[a-z][a-z0-9._+-]{0,63}"))
NODE = Shape("a node name", _node)
NODES = Shape(
    "a list of 1 to 64 node names",
    lambda v: isinstance(v, list) and 0 < len(v) <= 64 and all(_node(n) for n in v),
)
PSEUDONYM = Shape(
    "a pseudonymous id (letters, digits, '.', '_', ':', '-'; no spaces)",
    _matching(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"),
)
DIGEST = Shape("a SHA-256 digest in lower-case hex", _matching(r"[0-9a-f]{64}"))
TIME = Shape(
    "a UTC time in ISO 8601 (…T…Z or +00:00)",
    _matching(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|\+00:00)"
    ),
)
COUNT = Shape("a whole number ≥ 0", _count)

LEAF_FIELDS: Mapping[str, Shape] = {
    "event": TOKEN,  # share.sent, share.received, receipt, registry.change …
    "kind": TOKEN,
    "purpose": TOKEN,
    "tlp": TOKEN,
    "outcome": TOKEN,
    "change": TOKEN,
    "message_id": PSEUDONYM,
    "receipt_id": PSEUDONYM,
    "in_reply_to": PSEUDONYM,
    "object_id": PSEUDONYM,
    "entry_id": PSEUDONYM,
    "alert_id": PSEUDONYM,
    "agreement": PSEUDONYM,
    "group": PSEUDONYM,
    "sender": NODE,
    "recipient": NODE,
    "partner": NODE,
    "originator": NODE,
    "recipients": NODES,
    "seq": COUNT,
    "count": COUNT,
    "hops": COUNT,
    "version": COUNT,
    "at": TIME,
    "sha256": DIGEST,
}
"""Every field a leaf may carry, with its shape."""

LEAF_SUFFIXES: tuple[tuple[str, Shape], ...] = (
    ("_sha256", DIGEST),
    ("_digest", DIGEST),
    ("_at", TIME),
    ("_count", COUNT),
)
"""Further fields allowed by the end of their name (``content_sha256``, ``sent_at`` …)."""

MAX_FIELDS = 32


_checks: dict[str, Shape] = dict(LEAF_FIELDS)  # field name -> shape, suffix matches added


def _shape(key: object) -> Shape | None:
    if not isinstance(key, str):
        return None
    shape = _checks.get(key)
    if shape is None:
        shape = next((s for suffix, s in LEAF_SUFFIXES if key.endswith(suffix)), None)
        if shape is not None and len(_checks) < 4096:
            _checks[key] = shape
    return shape


_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def leaf_bytes(event: Mapping[str, Any]) -> bytes:
    """The leaf data of ``event``: canonical JSON (sorted keys, compact separators, UTF-8).

    RefusedError, naming the field, for a field outside the allowlist or a value of the wrong
    shape (SG-31), for an event without ``event``, or one too large for an entry bundle.
    """
    if not isinstance(event, dict | Mapping) or not isinstance(event.get("event"), str):
        raise RefusedError("a ledger event is a mapping that names its event", location="event")
    if len(event) > MAX_FIELDS:
        raise RefusedError(f"at most {MAX_FIELDS} fields", location="event")
    for key, value in event.items():
        shape = _checks.get(key) or _shape(key)
        if shape is None:
            raise RefusedError(
                "not a ledger field: leaves hold digests and pseudonymous ids only (SG-31)",
                location=f"event.{key}",
            )
        if not shape.check(value):
            raise RefusedError(f"must be {shape.description}", location=f"event.{key}")
    encoded = _canonical(dict(event)).encode()
    if len(encoded) > MAX_ENTRY:
        raise RefusedError(f"a leaf is at most {MAX_ENTRY} bytes", location="event")
    return encoded
