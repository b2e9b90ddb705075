"""STIX 2.1 content of what a node shares: TLP 2.0 markings, the Interlock property extension,
builders of plain STIX dicts. Pure: no I/O.

- **Markings.** The five official TLP 2.0 marking definitions (FIRST TLP 2.0 as published by
  OASIS in cti-stix-common-objects); STIX 2.1 itself predefines only the TLP 1.0 ones.
- **Extension.** Travel-document and watchlist fields ride in a property extension
  (:data:`EXTENSION_ID`) of ``identity`` and ``sighting`` objects; its ``record`` field tells
  what an object stands for: ``watchlist-entry``, ``traveller`` or ``hit``.
- **Ids** are UUIDv5 over node, kind and local id (:func:`object_id`): a record sent again
  keeps its id, and a new version of it (a correction, a revocation) has the same id and a
  later ``modified``.
- **Reader.** :mod:`interlock.sharing.stix_read` turns a bundle into typed views.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from interlock.errors import ParseError, RefusedError
from interlock.model.countries import ISO_3166, to_alpha3
from interlock.sharing.kinds import TLP
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    ListInfo,
    PartialDate,
    WatchlistEntry,
)

StixObject = dict[str, Any]

# --- TLP 2.0 -----------------------------------------------------------------------------

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
_TLP_BY_ID = {ref: level for level, ref in TLP2_IDS.items()} | TLP1_IDS


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
    levels = [_TLP_BY_ID[ref] for ref in refs if isinstance(ref, str) and ref in _TLP_BY_ID]
    return max(levels, key=lambda level: level.rank) if levels else None


# --- the Interlock extension -----------------------------------------------------------------

NAMESPACE = uuid.UUID("3a9b2292-33be-4bb5-9640-e464400bb4cd")
"""The UUIDv5 namespace of every id Interlock makes (fixed: ids must survive upgrades)."""
INTERLOCK_IDENTITY_ID = "identity--17b38f2c-d73a-4cab-8797-499445839b41"
EXTENSION_ID = "extension-definition--f4920f14-fa33-41b1-9f99-fbfcb96fe95c"
EXTENSION_SCHEMA = "docs/sharing.md#the-interlock-stix-extension"
_DEFINED = "2026-11-26T00:00:00.000Z"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

INTERLOCK_IDENTITY: StixObject = {
    "type": "identity",
    "spec_version": "2.1",
    "id": INTERLOCK_IDENTITY_ID,
    "created": _DEFINED,
    "modified": _DEFINED,
    "name": "Interlock",
    "identity_class": "organization",
    "description": "The Interlock project, author of the Interlock STIX extension.",
}

EXTENSION_DEFINITION: StixObject = {
    "type": "extension-definition",
    "spec_version": "2.1",
    "id": EXTENSION_ID,
    "created_by_ref": INTERLOCK_IDENTITY_ID,
    "created": _DEFINED,
    "modified": _DEFINED,
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


def timestamp(moment: datetime) -> str:
    """A STIX timestamp: UTC, millisecond precision, ``Z``."""
    if moment.tzinfo is None:
        raise RefusedError("naive datetime given for a STIX timestamp", location="timestamp")
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without None, empty strings and empty lists (STIX allows none of them)."""
    return {k: v for k, v in values.items() if v is not None and v != "" and v != []}


def _extension(record: Record, fields: Mapping[str, Any]) -> dict[str, Any]:
    body = {"extension_type": "property-extension", "record": record.value} | _clean(fields)
    return {EXTENSION_ID: body}


def _common(
    stix_type: str, ident: str, *, node: str, tlp: TLP, created: datetime, modified: datetime
) -> StixObject:
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


# --- builders ----------------------------------------------------------------------------


def node_identity_id(node_name: str) -> str:
    return object_id("identity", node=node_name, kind="node", local_id=node_name)


def node_identity_object(node_name: str) -> StixObject:
    """The ``identity`` (organization) of a node: the ``created_by_ref`` of what it sends."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": node_identity_id(node_name),
        "created": _DEFINED,
        "modified": _DEFINED,
        "name": node_name,
        "identity_class": "organization",
    }


def _day(value: date | None) -> datetime | None:
    return None if value is None else datetime(value.year, value.month, value.day, tzinfo=UTC)


def _names(names: Iterable[EntryName]) -> list[dict[str, Any]]:
    return [
        _clean(
            {
                "full": n.full,
                "given": n.given,
                "family": n.family,
                "strength": n.strength.value,
                "script": n.script,
            }
        )
        for n in names
    ]


def _birth_dates(dates: Iterable[PartialDate]) -> list[dict[str, Any]]:
    return [
        _clean(
            {
                "year": d.year,
                "month": d.month,
                "day": d.day,
                "approximate": d.approximate or None,
                "range_to_year": d.range_to_year,
            }
        )
        for d in dates
    ]


def _documents(documents: Iterable[EntryDocument]) -> list[dict[str, Any]]:
    return [_clean({"type": d.type, "number": d.number, "country": d.country}) for d in documents]


_IDENTITY_CLASS = {
    EntryKind.PERSON: "individual",
    EntryKind.ENTITY: "organization",
    EntryKind.DOCUMENT: "unknown",
}


def _entry_fields(entry: WatchlistEntry, info: ListInfo) -> dict[str, Any]:
    return {
        "list_name": info.name,
        "list_owner": info.owner,
        "list_type": info.list_type.value,
        "legal_basis": info.legal_basis,
        "entry_id": entry.entry_id,
        "entry_kind": entry.kind.value,
        "entry_status": entry.status.value,
        "names": _names(entry.names),
        "birth_dates": _birth_dates(entry.birth_dates),
        "nationalities": list(entry.nationalities),
        "documents": _documents(entry.documents),
        "gender": entry.gender,
        "listed_on": entry.listed_on.isoformat() if entry.listed_on else None,
        "review_by": entry.review_by.isoformat() if entry.review_by else None,
        "reason": entry.reason,
        "nominating_source": entry.nominating_source,
        "source_reference": entry.source_reference,
    }


def entry_identity(
    entry: WatchlistEntry,
    info: ListInfo,
    *,
    node: str,
    tlp: TLP,
    modified: datetime | None = None,
    revoked: bool = False,
    created: datetime | None = None,
) -> StixObject:
    """The ``identity`` of a listed person (``individual``) or entity, with the watchlist
    fields in the extension. ``created`` defaults to the listing day (else the list's refresh
    day), so the same entry built again is the same object version."""
    created = created or _day(entry.listed_on) or _day(info.refreshed_on) or _EPOCH
    ident = entry_identity_id(node=node, list_name=info.name, entry_id=entry.entry_id)
    obj = _common(
        "identity", ident, node=node, tlp=tlp, created=created, modified=modified or created
    )
    primary = next((n.full for n in entry.names if n.full), "")
    obj["name"] = primary or f"{info.name} {entry.entry_id}"
    obj["identity_class"] = _IDENTITY_CLASS[entry.kind]
    if revoked:
        obj["revoked"] = True
    obj["extensions"] = _extension(Record.ENTRY, _entry_fields(entry, info))
    return obj


def traveller_identity(
    *,
    node: str,
    local_id: str,
    name: str,
    tlp: TLP,
    created: datetime,
    given: str = "",
    family: str = "",
    birth_date: date | None = None,
    nationality: str | None = None,
    document: EntryDocument | None = None,
) -> StixObject:
    """The ``identity`` (``individual``) of the person seen in a hit, as the traveller data
    gave them: name, birth date, nationality and the document travelled on."""
    ident = object_id("identity", node=node, kind=Record.TRAVELLER.value, local_id=local_id)
    obj = _common("identity", ident, node=node, tlp=tlp, created=created, modified=created)
    obj["name"] = name
    obj["identity_class"] = "individual"
    birth = [PartialDate(birth_date.year, birth_date.month, birth_date.day)] if birth_date else []
    fields = {
        "names": [_clean({"full": name, "given": given, "family": family})],
        "birth_dates": _birth_dates(birth),
        "nationalities": [nationality] if nationality else [],
        "documents": _documents([document] if document else []),
    }
    obj["extensions"] = _extension(Record.TRAVELLER, fields)
    return obj


def _alpha2(code: str) -> str | None:
    alpha3 = to_alpha3(code)
    if alpha3 not in ISO_3166:
        return None
    return ISO_3166[alpha3][0] or None


def airport_location(*, node: str, airport: str, country: str | None = None) -> StixObject:
    """The ``location`` of an airport (IATA code); ``country`` (alpha-2 or alpha-3) defaults
    to the airport table's."""
    if country is None:
        from interlock.rules.facts import airport_country

        country = airport_country(airport)
    alpha2 = _alpha2(country) if country else None
    if alpha2 is None:
        raise RefusedError(f"country of airport {airport} unknown", location="location.country")
    return {
        "type": "location",
        "spec_version": "2.1",
        "id": object_id("location", node=node, kind="airport", local_id=airport),
        "created": _DEFINED,
        "modified": _DEFINED,
        "name": airport,
        "country": alpha2,
    }


def _check_ref(ref: str, stix_type: str, field: str) -> str:
    if not _ID.match(ref) or ref.split("--", 1)[0] != stix_type:
        raise RefusedError(f"not a {stix_type} id: {ref!r}", location=f"sighting.{field}")
    return ref


def sighting(
    *,
    node: str,
    alert_id: str,
    entry_ref: str,
    location_ref: str,
    first_seen: datetime,
    last_seen: datetime | None = None,
    created: datetime,
    tlp: TLP,
    flight_number: str | None = None,
    traveller_ref: str | None = None,
    count: int = 1,
    source_confirmation_required: bool = True,
    modified: datetime | None = None,
) -> StixObject:
    """A ``sighting`` of a listed person (``entry_ref``, the listing node's identity id) at an
    airport (``location_ref``). ``alert_id`` is the pseudonymous id of the confirmed alert;
    ``source_confirmation_required`` asks the recipient not to act on it or pass it on before
    the listing partner confirms (SG-19)."""
    last_seen = last_seen or first_seen
    if last_seen < first_seen or not 0 <= count <= 999_999_999:
        raise RefusedError(
            "last_seen before first_seen, or count out of range", location="sighting"
        )
    ident = object_id("sighting", node=node, kind=Record.HIT.value, local_id=alert_id)
    obj = _common(
        "sighting", ident, node=node, tlp=tlp, created=created, modified=modified or created
    )
    obj["sighting_of_ref"] = _check_ref(entry_ref, "identity", "sighting_of_ref")
    obj["where_sighted_refs"] = [_check_ref(location_ref, "location", "where_sighted_refs")]
    obj["first_seen"] = timestamp(first_seen)
    obj["last_seen"] = timestamp(last_seen)
    obj["count"] = count
    fields = {
        "alert_id": alert_id,
        "flight_number": flight_number,
        "traveller_ref": traveller_ref and _check_ref(traveller_ref, "identity", "traveller_ref"),
        "source_confirmation_required": source_confirmation_required,
    }
    obj["extensions"] = _extension(Record.HIT, fields)
    return obj


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


# --- identifiers and times -------------------------------------------------------------

_ID = re.compile(
    r"^([a-z0-9][a-z0-9-]{1,248}[a-z0-9])--"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z",
    re.ASCII,
)
_TIMESTAMP = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?Z\Z",
    re.ASCII,
)
_DAY = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\Z", re.ASCII)


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
