"""The Interlock STIX extension and the ids of what a node publishes. Pure: no I/O.

Travel-document and watchlist fields ride in a property extension (:data:`EXTENSION_ID`) of
``identity`` and ``sighting`` objects; its ``record`` field tells what an object stands for
(:class:`Record`). Ids are UUIDv5 over node, kind and local id (:func:`object_id`): a record
sent again keeps its id, and a new version of it (a correction, a revocation) has the same id
and a later ``modified``. The builders start every object from :func:`common_properties` and
put their fields in :func:`interlock_extension`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from interlock.errors import RefusedError
from interlock.sharing.kinds import TLP
from interlock.sharing.stix_markings import marking_ref
from interlock.sharing.stix_syntax import StixObject, timestamp

NAMESPACE = uuid.UUID("3a9b2292-33be-4bb5-9640-e464400bb4cd")
"""The UUIDv5 namespace of every id Interlock makes (fixed: ids must survive upgrades)."""
INTERLOCK_IDENTITY_ID = "identity--17b38f2c-d73a-4cab-8797-499445839b41"
EXTENSION_ID = "extension-definition--f4920f14-fa33-41b1-9f99-fbfcb96fe95c"
EXTENSION_SCHEMA = "docs/sharing.md#the-interlock-stix-extension"
DEFINED = "2026-11-26T00:00:00.000Z"
"""The ``created`` and ``modified`` of objects that never change (definitions, places)."""

INTERLOCK_IDENTITY: StixObject = {
    "type": "identity",
    "spec_version": "2.1",
    "id": INTERLOCK_IDENTITY_ID,
    "created": DEFINED,
    "modified": DEFINED,
    "name": "Interlock",
    "identity_class": "organization",
    "description": "The Interlock project, author of the Interlock STIX extension.",
}

EXTENSION_DEFINITION: StixObject = {
    "type": "extension-definition",
    "spec_version": "2.1",
    "id": EXTENSION_ID,
    "created_by_ref": INTERLOCK_IDENTITY_ID,
    "created": DEFINED,
    "modified": DEFINED,
    "name": "Interlock travel document and watchlist fields",
    "description": "Fields of watchlist entries, travellers and screening hits that STIX 2.1 "
    "has no property for: names, birth dates, nationalities, travel documents, the list and "
    "its legal basis, the flight, and the handling conditions of a hit.",
    "schema": EXTENSION_SCHEMA,
    "version": "1.0.0",
    "extension_types": ["property-extension"],
}


class Record(StrEnum):
    """What an object carrying the extension stands for (its ``record`` field)."""

    ENTRY = "watchlist-entry"
    TRAVELLER = "traveller"
    HIT = "hit"


def object_id(stix_type: str, *, node: str, kind: str, local_id: str) -> str:
    """The deterministic STIX id of a node's record: UUIDv5 over node, kind and local id."""
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, f'{node}/{kind}/{local_id}')}"


def entry_identity_id(*, node: str, list_name: str, entry_id: str) -> str:
    """The id of the ``identity`` a node publishes for an entry of one of its lists."""
    return object_id(
        "identity", node=node, kind=Record.ENTRY.value, local_id=f"{list_name}/{entry_id}"
    )


def node_identity_id(node_name: str) -> str:
    """The id of a node's own ``identity``."""
    return object_id("identity", node=node_name, kind="node", local_id=node_name)


def node_identity_object(node_name: str) -> StixObject:
    """The ``identity`` (organization) of a node: the ``created_by_ref`` of what it sends."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": node_identity_id(node_name),
        "created": DEFINED,
        "modified": DEFINED,
        "name": node_name,
        "identity_class": "organization",
    }


def without_empty(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without None, empty strings and empty lists (STIX allows none of them)."""
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


def interlock_extension(record: Record, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The ``extensions`` property carrying ``fields`` (empty ones left out) as ``record``."""
    body = {"extension_type": "property-extension", "record": record.value} | without_empty(fields)
    return {EXTENSION_ID: body}


def common_properties(
    stix_type: str, ident: str, *, node: str, tlp: TLP, created: datetime, modified: datetime
) -> StixObject:
    """The properties every object a node sends starts from: type, id, the node as author,
    the version times and the TLP marking."""
    if modified < created:
        raise RefusedError("modified is before created", location=f"{ident}.modified")
    return {
        "type": stix_type,
        "spec_version": "2.1",
        "id": ident,
        "created_by_ref": node_identity_id(node),
        "created": timestamp(created),
        "modified": timestamp(modified),
        "object_marking_refs": [marking_ref(tlp)],
    }
