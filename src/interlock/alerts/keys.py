"""Keys that tell alerts apart and remember dismissals, without keeping names in them.

- ``identity_key``: the person, across flights: SHA-256 over the folded name, birth date and
  first document (number and issuer). A dismissed cause is remembered against it (SG-25).
- ``person_key``: the person on one flight (identity and flight key). A re-sent manifest
  carries the same person again under a new traveller record; the alert for the same person
  and cause is updated instead of raised twice.
- ``cause_key``: what raised the alert, ``list:<list>:<entry>`` or ``rule:<rule>``;
  ``cause_hash`` is its SHA-256, as kept in the memory of dismissals.
"""

from __future__ import annotations

import hashlib
from datetime import date

from anyascii import anyascii

from interlock.watchlists.documents import normalise_document_number

_DOMAIN = "interlock/identity/v1"


def _fold(text: str) -> str:
    words = anyascii(text).casefold().replace("-", " ").split()
    return " ".join(sorted(w for w in words if w.isalnum() or w.replace("'", "").isalnum()))


def identity_key(
    surname: str,
    given_names: str,
    birth_date: date | None,
    document_number: str | None = None,
    document_country: str | None = None,
) -> str:
    """The person's key across flights (name words in any order, birth date, document)."""
    name = _fold(f"{given_names} {surname}")
    document = normalise_document_number(document_number) if document_number else ""
    parts = [
        _DOMAIN,
        name,
        birth_date.isoformat() if birth_date else "",
        document,
        (document_country or "").upper() if document else "",
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def person_key(identity: str, flight_key: str | None) -> str:
    """The person on one flight (or in one message without a flight)."""
    return hashlib.sha256(f"{identity}\x1f{flight_key or ''}".encode()).hexdigest()


def list_cause(list_name: str, entry_id: str) -> str:
    return f"list:{list_name}:{entry_id}"


def rule_cause(rule_name: str) -> str:
    return f"rule:{rule_name}"


def cause_hash(cause_key: str) -> str:
    return hashlib.sha256(cause_key.encode()).hexdigest()
