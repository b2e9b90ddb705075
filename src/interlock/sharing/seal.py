"""The originator's seal: its own signature over the terms it fixed, which travels with the
record however many nodes pass it on.

Each hop signs the envelope it sends, so a receiver knows who sent a message but not whether
the terms in it are still the originator's. The seal closes that gap: the originator signs,
with its envelope key, a DSSE envelope of type :data:`ORIGIN_TERMS` over the fields only it
may set (purpose, legal basis, TLP, onward rule and consent, ``max_hops``, retention, source
confirmation), the originator and the **scope** the terms cover:

- ``list:<list>`` for watchlist entries and revocations, and for corrections of them: the
  list as the originator names it (the ``list_name`` the entry objects carry);
- ``objects:<sha256>`` for anything else: the SHA-256 (hex) of the canonical JSON of the
  sorted ids of the STIX objects the message carries, which stay the same from hop to hop.

A forwarding node copies the seal unchanged. :func:`check_seal` tells a receiver whether the
terms it got are within the sealed ones; what a hop may change (reason, group, the path and
``hops_left`` as :func:`policy.forward_terms` moves them) is not sealed.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

from interlock.access.purpose import Purpose
from interlock.errors import ParseError
from interlock.sharing.dsse import Envelope, sign_envelope, verify_envelope
from interlock.sharing.envelope import Message, Onward, Terms
from interlock.sharing.identity import NodeIdentity, envelope_key_id
from interlock.sharing.jsonfields import (
    _day_text,
    _load_json,
    _moment_text,
    _Reader,
    canonical_json,
)
from interlock.sharing.kinds import TLP
from interlock.sharing.stix import EXTENSION_ID, Record

ORIGIN_TERMS = "application/vnd.interlock.origin-terms+json"
"""The DSSE payload type of a seal: a share envelope cannot pass for one, nor one for it."""


@dataclass(frozen=True, slots=True)
class SealedTerms:
    """What the originator signed: the terms only it may set, and what they cover."""

    originator: str
    scope: str
    purpose: Purpose
    legal_basis: str
    tlp: TLP
    onward: Onward
    consent: tuple[str, ...]
    max_hops: int
    retention_until: date | None
    source_confirmation_required: bool
    sealed_at: datetime

    def encode(self) -> bytes:
        return canonical_json(
            {
                "originator": self.originator,
                "scope": self.scope,
                "purpose": str(self.purpose),
                "legal_basis": self.legal_basis,
                "tlp": str(self.tlp),
                "onward": str(self.onward),
                "consent": list(self.consent),
                "max_hops": self.max_hops,
                "retention_until": _day_text(self.retention_until),
                "source_confirmation_required": self.source_confirmation_required,
                "sealed_at": _moment_text(self.sealed_at),
            }
        )

    @classmethod
    def decode(cls, data: bytes) -> SealedTerms:
        r = _Reader(_load_json(data, "seal"), "seal")
        sealed = cls(
            originator=r.node("originator"),
            scope=r.text("scope"),
            purpose=r.enum("purpose", Purpose),
            legal_basis=r.text("legal_basis"),
            tlp=r.enum("tlp", TLP),
            onward=r.enum("onward", Onward),
            consent=r.nodes("consent"),
            max_hops=r.integer("max_hops", 0),
            retention_until=r.day("retention_until"),
            source_confirmation_required=r.flag("source_confirmation_required"),
            sealed_at=r.moment("sealed_at"),
        )
        r.close(frozenset(f.name for f in fields(cls)))
        return sealed


def seal_terms(
    identity: NodeIdentity, terms: Terms, scope: str, *, now: datetime | None = None
) -> bytes:
    """The JSON of a DSSE envelope in which ``identity`` (the originator) seals ``terms`` for
    ``scope`` (at ``now``, by default the present moment)."""
    sealed = SealedTerms(
        originator=identity.name,
        scope=scope,
        purpose=terms.purpose,
        legal_basis=terms.legal_basis,
        tlp=terms.tlp,
        onward=terms.onward,
        consent=terms.consent,
        max_hops=terms.max_hops,
        retention_until=terms.retention_until,
        source_confirmation_required=terms.source_confirmation_required,
        sealed_at=now or datetime.now(UTC),
    )
    envelope = sign_envelope(
        ORIGIN_TERMS, sealed.encode(), identity.envelope, identity.envelope_key_id
    )
    return envelope.to_json()


def list_scope(list_name: str) -> str:
    """The scope of entries of the originator's list ``list_name``."""
    return f"list:{list_name}"


def scope_of(content: Mapping[str, Any]) -> str | None:
    """The scope a message's STIX bundle falls under (see the module docstring); None when
    it mixes entries of several lists, which no one seal covers."""
    objects = [o for o in content.get("objects", []) if isinstance(o, dict)]
    lists = {_entry_list(o) for o in objects} - {None}
    if len(lists) > 1:
        return None
    if lists:
        return list_scope(str(lists.pop()))
    ids = sorted(str(o.get("id")) for o in objects)
    return "objects:" + hashlib.sha256(canonical_json(ids)).hexdigest()


def _entry_list(obj: Mapping[str, Any]) -> str | None:
    extensions = obj.get("extensions")
    body = extensions.get(EXTENSION_ID) if isinstance(extensions, dict) else None
    if obj.get("type") != "identity" or not isinstance(body, dict):
        return None
    if body.get("record") != Record.ENTRY:
        return None
    return str(body.get("list_name") or "")


def _no(field: str, why: str) -> str:
    return f"seal.{field}: {why}"


def check_seal(seal: bytes, terms: Terms, scope: str, keys: Mapping[str, bytes]) -> list[str]:
    """Why ``terms`` are not within what their originator sealed for ``scope``; empty when
    they are. ``keys``: the raw Ed25519 envelope key of each registered node, by name. Each
    reason starts with ``seal.<field>``."""
    key = keys.get(terms.originator)
    if key is None:
        return [_no("originator", f"{terms.originator} is not registered here: no key to check")]
    try:
        envelope = Envelope.from_json(seal)
    except ParseError as err:
        return [_no("signature", f"not a DSSE envelope: {err}")]
    registered = {envelope_key_id(key): key}
    if verify_envelope(envelope, registered, payload_types=(ORIGIN_TERMS,)) is None:
        return [_no("signature", f"not signed by {terms.originator}'s registered key")]
    try:
        sealed = SealedTerms.decode(envelope.payload)
    except ParseError as err:
        return [_no("payload", str(err))]
    return [*_same(sealed, terms, scope), *_within(sealed, terms)]


def _same(sealed: SealedTerms, terms: Terms, scope: str) -> list[str]:
    """The fields a hop must pass on exactly as sealed."""
    pairs: list[tuple[str, object, object]] = [
        ("originator", sealed.originator, terms.originator),
        ("scope", sealed.scope, scope),
        ("purpose", sealed.purpose, terms.purpose),
        ("legal_basis", sealed.legal_basis, terms.legal_basis),
        ("onward", sealed.onward, terms.onward),
        ("source_confirmation_required", sealed.source_confirmation_required,
         terms.source_confirmation_required),
        ("max_hops", sealed.max_hops, terms.max_hops),
    ]  # fmt: skip
    return [
        _no(name, f"{got!r} where the originator sealed {want!r}")
        for name, want, got in pairs
        if want != got
    ]


def _within(sealed: SealedTerms, terms: Terms) -> list[str]:
    """The fields a hop may only narrow."""
    reasons = []
    if terms.tlp.rank < sealed.tlp.rank:
        reasons.append(_no("tlp", f"TLP:{terms.tlp.upper()} is below the sealed "
                                  f"TLP:{sealed.tlp.upper()}"))  # fmt: skip
    wider = sorted(set(terms.consent) - set(sealed.consent))
    if wider:
        reasons.append(_no("consent", f"{', '.join(wider)} not among the sealed consent"))
    most = sealed.max_hops - (len(terms.path) - 1)
    if terms.hops_left > most:
        why = f"{terms.hops_left} hops left after {len(terms.path)} nodes; at most {most}"
        reasons.append(_no("hops_left", why))
    if not terms.path or terms.path[0] != sealed.originator:
        reasons.append(_no("path", f"the path does not start at {sealed.originator}"))
    until, limit = terms.retention_until, sealed.retention_until
    if limit is not None and (until is None or until > limit):
        reasons.append(_no("retention_until", f"{until or 'no end'} is later than the "
                                              f"sealed {limit}"))  # fmt: skip
    return reasons


def sealed_bytes(message: Message) -> bytes | None:
    """The seal a message carries, as bytes."""
    return None if message.origin_seal is None else base64.b64decode(message.origin_seal)


def seal_reasons(message: Message, keys: Mapping[str, bytes]) -> list[str]:
    """Why a received message's terms are not the originator's; empty when they are. A
    message passed on (its sender is not the originator) must carry a seal that holds; one
    from the originator itself may come unsealed, but a seal it carries must hold too."""
    seal = sealed_bytes(message)
    if seal is None:
        if message.sender == message.terms.originator:
            return []
        why = f"{message.sender} passes on {message.terms.originator}'s record unsealed"
        return [_no("missing", why)]
    scope = scope_of(message.content)
    if scope is None:
        return [_no("scope", "the message mixes entries of several lists")]
    return check_seal(seal, message.terms, scope, keys)
