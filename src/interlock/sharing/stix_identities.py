"""STIX ``identity`` objects of people a node shares: a listed person or entity
(:func:`entry_identity`, with the watchlist fields) and the traveller seen in a hit
(:func:`traveller_identity`, as the traveller data gave them). Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from interlock.sharing.kinds import TLP
from interlock.sharing.stix_extension import (
    Record,
    common_properties,
    entry_identity_id,
    interlock_extension,
    object_id,
    without_empty,
)
from interlock.sharing.stix_syntax import StixObject
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    ListInfo,
    PartialDate,
    WatchlistEntry,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_IDENTITY_CLASS = {
    EntryKind.PERSON: "individual",
    EntryKind.ENTITY: "organization",
    EntryKind.DOCUMENT: "unknown",
}


def _day(value: date | None) -> datetime | None:
    return None if value is None else datetime(value.year, value.month, value.day, tzinfo=UTC)


def _names(names: Iterable[EntryName]) -> list[dict[str, Any]]:
    return [
        without_empty(
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
        without_empty(
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
    return [
        without_empty({"type": d.type, "number": d.number, "country": d.country}) for d in documents
    ]


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
    obj = common_properties(
        "identity", ident, node=node, tlp=tlp, created=created, modified=modified or created
    )
    primary = next((n.full for n in entry.names if n.full), "")
    obj["name"] = primary or f"{info.name} {entry.entry_id}"
    obj["identity_class"] = _IDENTITY_CLASS[entry.kind]
    if revoked:
        obj["revoked"] = True
    obj["extensions"] = interlock_extension(Record.ENTRY, _entry_fields(entry, info))
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
    obj = common_properties(
        "identity", ident, node=node, tlp=tlp, created=created, modified=created
    )
    obj["name"] = name
    obj["identity_class"] = "individual"
    birth = [PartialDate(birth_date.year, birth_date.month, birth_date.day)] if birth_date else []
    fields = {
        "names": [without_empty({"full": name, "given": given, "family": family})],
        "birth_dates": _birth_dates(birth),
        "nationalities": [nationality] if nationality else [],
        "documents": _documents([document] if document else []),
    }
    obj["extensions"] = interlock_extension(Record.TRAVELLER, fields)
    return obj
