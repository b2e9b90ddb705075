"""TLP markings of STIX objects: the five official TLP 2.0 marking definitions (FIRST TLP 2.0
as published by OASIS in cti-stix-common-objects), and the level an object is marked with.
STIX 2.1 itself predefines only the TLP 1.0 definitions; they are read as their TLP 2.0
counterparts and never written. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from interlock.sharing.kinds import TLP
from interlock.sharing.stix_syntax import StixObject

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
TLP2_IDS: dict[TLP, str] = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
# The TLP 1.0 definitions STIX 2.1 predefines, read as their TLP 2.0 counterparts (FIRST:
# WHITE became CLEAR); never written.
TLP1_IDS: dict[str, TLP] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}
TLP_BY_ID: dict[str, TLP] = {ref: level for level, ref in TLP2_IDS.items()} | TLP1_IDS
"""The level of every TLP marking definition id read, 2.0 and 1.0."""


def tlp_marking(level: TLP) -> StixObject:
    """The official TLP 2.0 ``marking-definition`` of ``level``."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS[level],
        "created": TLP2_CREATED,
        "name": f"TLP:{level.value.upper()}",
        "extensions": {
            TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": level.value}
        },
    }


TLP_MARKINGS: dict[TLP, StixObject] = {level: tlp_marking(level) for level in TLP}


def marking_ref(level: TLP) -> str:
    """The id of the TLP 2.0 marking definition of ``level``."""
    return TLP2_IDS[level]


def tlp_of(obj: Mapping[str, Any]) -> TLP | None:
    """The TLP level an object is marked with (the most restricted if several); None if none."""
    refs = obj.get("object_marking_refs")
    if not isinstance(refs, list):
        return None
    levels = [TLP_BY_ID[ref] for ref in refs if isinstance(ref, str) and ref in TLP_BY_ID]
    return max(levels, key=lambda level: level.rank) if levels else None
