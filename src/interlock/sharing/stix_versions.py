"""Later versions of a STIX object a node sent: a :func:`correction` (same id, later
``modified``, the reason in the Interlock extension) and a :func:`revocation` (its last
version, ``revoked: true``). Pure: no I/O."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from interlock.errors import RefusedError
from interlock.sharing.stix_extension import EXTENSION_ID
from interlock.sharing.stix_syntax import StixObject, parse_timestamp, timestamp

_FIXED = frozenset({"type", "id", "spec_version", "created", "created_by_ref"})


def correction(
    previous: Mapping[str, Any],
    *,
    reason: str,
    modified: datetime,
    updated: Mapping[str, Any] | None = None,
    revoke: bool = False,
) -> StixObject:
    """A new version of ``previous`` (same id, later ``modified``): ``updated`` when given (a
    rebuilt object with the same id), else ``previous`` itself; the reason goes in the
    extension. ``revoke`` makes it the revocation (``revoked: true``)."""
    new = copy.deepcopy(dict(updated if updated is not None else previous))
    changed = sorted(k for k in _FIXED if new.get(k) != previous.get(k))
    if changed:
        raise RefusedError(
            f"a new version cannot change {', '.join(changed)}", location="correction"
        )
    if previous.get("revoked"):
        raise RefusedError("a revoked object has no later versions", location="correction")
    before = parse_timestamp(previous.get("modified", previous.get("created")), "correction")
    stamp = timestamp(modified)
    if parse_timestamp(stamp, "modified") <= before:
        raise RefusedError(
            "modified must be later than the previous version's", location="correction"
        )
    new["modified"] = stamp
    extensions = new.setdefault("extensions", {})
    body = extensions.setdefault(EXTENSION_ID, {"extension_type": "property-extension"})
    if revoke:
        new["revoked"] = True
        body.pop("correction_reason", None)  # the reason of this version only
    body["revocation_reason" if revoke else "correction_reason"] = reason
    return new


def revocation(previous: Mapping[str, Any], *, reason: str, modified: datetime) -> StixObject:
    """The revocation of ``previous``: its last version, ``revoked: true``, with the reason."""
    return correction(previous, reason=reason, modified=modified, revoke=True)
