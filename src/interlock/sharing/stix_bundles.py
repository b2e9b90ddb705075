"""The STIX ``bundle`` a node sends: the objects given, plus the definitions they rely on (the
TLP 2.0 markings they reference; the Interlock extension definition and its author when they
use it). Pure: no I/O."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from interlock.sharing.kinds import TLP
from interlock.sharing.stix_extension import (
    EXTENSION_DEFINITION,
    EXTENSION_ID,
    INTERLOCK_IDENTITY,
)
from interlock.sharing.stix_markings import TLP_MARKINGS, tlp_of
from interlock.sharing.stix_syntax import StixObject


def bundle(objects: Iterable[Mapping[str, Any]], *, bundle_id: str | None = None) -> StixObject:
    """A ``bundle`` of ``objects`` plus the TLP 2.0 marking definitions they reference and,
    when they use it, the Interlock extension definition and its author. The same object
    version given twice is kept once."""
    given = [dict(o) for o in objects]
    extra: list[Mapping[str, Any]] = []
    levels = {level for o in given if (level := tlp_of(o)) is not None}
    extra += [TLP_MARKINGS[level] for level in TLP if level in levels]
    if any(EXTENSION_ID in o.get("extensions", {}) for o in given):
        extra += [INTERLOCK_IDENTITY, EXTENSION_DEFINITION]
    seen: set[tuple[str, str]] = set()
    kept: list[StixObject] = []
    for obj in [*given, *extra]:
        key = (str(obj.get("id")), str(obj.get("modified", obj.get("created"))))
        if key not in seen:
            seen.add(key)
            kept.append(copy.deepcopy(dict(obj)))  # the constants stay as they are
    return {"type": "bundle", "id": bundle_id or f"bundle--{uuid.uuid4()}", "objects": kept}
