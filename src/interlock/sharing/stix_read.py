"""Reading STIX 2.1 bundles a partner sent: :func:`read_bundle` turns a bundle into typed
views (:class:`EntryView`, :class:`TravellerView`, :class:`SightingView` …, defined in
:mod:`interlock.sharing.stix_views` and re-exported here) and :func:`entry_from_identity` a
watchlist-entry identity into a :class:`WatchlistEntry`. Anything malformed is a
:class:`~interlock.errors.ParseError` naming the object's index and field (the strict field
reading is :class:`~interlock.sharing.stix_fields.Fields`). Pure: no I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from interlock.errors import ParseError
from interlock.sharing.stix_extension import EXTENSION_ID, Record
from interlock.sharing.stix_fields import Fields
from interlock.sharing.stix_markings import TLP1_IDS, TLP_BY_ID, tlp_marking, tlp_of
from interlock.sharing.stix_views import EntryView as EntryView
from interlock.sharing.stix_views import IdentityView as IdentityView
from interlock.sharing.stix_views import LocationView as LocationView
from interlock.sharing.stix_views import MarkingView as MarkingView
from interlock.sharing.stix_views import ObjectMeta as ObjectMeta
from interlock.sharing.stix_views import OtherView as OtherView
from interlock.sharing.stix_views import SightingView as SightingView
from interlock.sharing.stix_views import StixView as StixView
from interlock.sharing.stix_views import TravellerView as TravellerView
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    EntryStatus,
    NameStrength,
    PartialDate,
    WatchlistEntry,
)


def read_bundle(data: bytes | str | Mapping[str, Any]) -> list[StixView]:
    """The objects of a STIX 2.1 bundle as typed views (ParseError naming index and field)."""
    top = Fields(_load(data) if isinstance(data, bytes | str) else dict(data), "bundle")
    if top.data.get("type") != "bundle":
        raise ParseError("expected 'bundle'", location="bundle.type")
    bundle_id = top.ref("id", required=True)
    if not str(bundle_id).startswith("bundle--"):
        raise ParseError("expected a bundle id", location="bundle.id")
    return [read_object(obj.data, index) for index, obj in enumerate(_objects(top))]


def _load(data: bytes | str) -> object:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as err:
        raise ParseError(f"not JSON: {err}", location="bundle") from err


def _objects(top: Fields) -> list[Fields]:
    objects = top.data.get("objects", [])
    if not isinstance(objects, list):
        raise ParseError("expected a list", location="bundle.objects")
    return [Fields(obj, f"objects[{i}]") for i, obj in enumerate(objects)]


def read_object(obj: Mapping[str, Any], index: int = 0) -> StixView:
    """One STIX object as a typed view; errors name ``objects[index]`` and the field."""
    fields = Fields(dict(obj), f"objects[{index}]")
    meta = _meta(fields, index)
    reader = _READERS.get(meta.type)
    return reader(meta, fields) if reader else OtherView(meta)


def _meta(fields: Fields, index: int) -> ObjectMeta:
    stix_type = fields.text("type", required=True) or ""
    ident = fields.ref("id", required=True) or ""
    if ident.split("--", 1)[0] != stix_type:
        raise ParseError(f"the id is not of type {stix_type!r}", location=fields.at("id"))
    created = fields.stamp("created")
    if created is not None and fields.data.get("spec_version") != "2.1":
        raise ParseError("expected '2.1'", location=fields.at("spec_version"))
    fields.refs("object_marking_refs")
    return ObjectMeta(
        index=index,
        type=stix_type,
        id=ident,
        created=created,
        modified=fields.stamp("modified"),
        revoked=fields.flag("revoked"),
        tlp=tlp_of(fields.data),
        created_by_ref=fields.ref("created_by_ref"),
        raw=fields.data,
    )


def _interlock(fields: Fields) -> Fields | None:
    extensions = fields.data.get("extensions", {})
    if not isinstance(extensions, dict):
        raise ParseError("expected a JSON object", location=fields.at("extensions"))
    if EXTENSION_ID not in extensions:
        return None
    return Fields(extensions[EXTENSION_ID], fields.at("extension"))


def _identity(meta: ObjectMeta, fields: Fields) -> StixView:
    _require_versions(meta, fields)
    name = fields.text("name", required=True) or ""
    ext = _interlock(fields)
    record = ext.text("record") if ext else None
    if ext is None or record is None:
        return IdentityView(meta, name, fields.text("identity_class"))
    if record == Record.ENTRY:
        return _entry_view(meta, fields, ext)
    if record == Record.TRAVELLER:
        return _traveller_view(meta, name, ext)
    raise ParseError(f"unknown record {record!r} for an identity", location=ext.at("record"))


def _require_versions(meta: ObjectMeta, fields: Fields) -> None:
    if meta.created is None or meta.modified is None:
        key = "created" if meta.created is None else "modified"
        raise ParseError("required", location=fields.at(key))
    if meta.modified < meta.created:
        raise ParseError("modified is before created", location=fields.at("modified"))


def entry_from_identity(obj: Mapping[str, Any], list_name: str) -> WatchlistEntry:
    """The watchlist entry an ``identity`` published by a partner stands for, as an entry of
    the local list ``list_name``. A revoked identity gives a delisted entry."""
    view = read_object(obj)
    if not isinstance(view, EntryView):
        raise ParseError("not an identity of a watchlist entry", location="objects[0].extension")
    return replace(view.entry, list_name=list_name)


def _entry_view(meta: ObjectMeta, fields: Fields, ext: Fields) -> EntryView:
    entry_id = ext.text("entry_id", required=True) or ""
    names = [_entry_name(item) for item in ext.items("names")]
    if not names and fields.data.get("identity_class") == "individual":
        names = [EntryName(full=str(fields.data["name"]))]
    status = ext.choice("entry_status", EntryStatus, EntryStatus.ACTIVE)
    entry = WatchlistEntry(
        entry_id=entry_id,
        list_name=ext.text("list_name", required=True) or "",
        kind=ext.choice("entry_kind", EntryKind, EntryKind.PERSON),
        names=names,
        birth_dates=[_partial_date(item) for item in ext.items("birth_dates")],
        nationalities=ext.strings("nationalities"),
        documents=[_document(item) for item in ext.items("documents")],
        listed_on=ext.day("listed_on"),
        source_reference=ext.text("source_reference") or "",
        gender=ext.text("gender"),
        nominating_source=ext.text("nominating_source") or "",
        reason=ext.text("reason") or "",
        review_by=ext.day("review_by"),
        status=EntryStatus.DELISTED if meta.revoked else status,
    )
    return EntryView(
        meta,
        entry,
        list_owner=ext.text("list_owner") or "",
        legal_basis=ext.text("legal_basis") or "",
        list_type=ext.text("list_type") or "",
        correction_reason=ext.text("correction_reason"),
        revocation_reason=ext.text("revocation_reason"),
    )


def _entry_name(item: Fields) -> EntryName:
    return EntryName(
        full=item.text("full", required=True) or "",
        given=item.text("given") or "",
        family=item.text("family") or "",
        strength=item.choice("strength", NameStrength, NameStrength.PRIMARY),
        script=item.text("script"),
    )


def _partial_date(item: Fields) -> PartialDate:
    year = item.integer("year", 1, 9999)
    if year is None:
        raise ParseError("required", location=item.at("year"))
    month, day = item.integer("month", 1, 12), item.integer("day", 1, 31)
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError as err:
            raise ParseError(f"not a valid date: {err}", location=item.at("day")) from err
    return PartialDate(
        year,
        month,
        day,
        approximate=item.flag("approximate"),
        range_to_year=item.integer("range_to_year", 1, 9999),
    )


def _document(item: Fields) -> EntryDocument:
    return EntryDocument(
        type=item.text("type", required=True) or "",
        number=item.text("number", required=True) or "",
        country=item.text("country"),
    )


def _traveller_view(meta: ObjectMeta, name: str, ext: Fields) -> TravellerView:
    names = [_entry_name(item) for item in ext.items("names")]
    births = [_partial_date(item) for item in ext.items("birth_dates")]
    nationalities = ext.strings("nationalities")
    documents = [_document(item) for item in ext.items("documents")]
    first = names[0] if names else EntryName(full=name)
    return TravellerView(
        meta,
        name=name,
        given=first.given,
        family=first.family,
        birth_date=births[0] if births else None,
        nationality=nationalities[0] if nationalities else None,
        document=documents[0] if documents else None,
    )


def _sighting(meta: ObjectMeta, fields: Fields) -> SightingView:
    _require_versions(meta, fields)
    ext = _interlock(fields) or Fields({}, fields.at("extension"))
    return SightingView(
        meta,
        sighting_of_ref=fields.ref("sighting_of_ref", required=True) or "",
        where_sighted_refs=tuple(fields.refs("where_sighted_refs")),
        first_seen=fields.stamp("first_seen"),
        last_seen=fields.stamp("last_seen"),
        count=fields.integer("count", 0, 999_999_999),
        alert_id=ext.text("alert_id"),
        flight_number=ext.text("flight_number"),
        traveller_ref=ext.ref("traveller_ref"),
        source_confirmation_required=ext.flag("source_confirmation_required", default=True),
        correction_reason=ext.text("correction_reason"),
    )


def _location(meta: ObjectMeta, fields: Fields) -> LocationView:
    _require_versions(meta, fields)
    return LocationView(meta, name=fields.text("name"), country=fields.text("country"))


def _marking_definition(meta: ObjectMeta, fields: Fields) -> MarkingView:
    level = TLP_BY_ID.get(meta.id)
    official = tlp_marking(level) if level is not None and meta.id not in TLP1_IDS else None
    if official is not None and fields.data != official:
        raise ParseError(
            "differs from the official TLP 2.0 marking definition", location=fields.where
        )
    return MarkingView(meta, level)


_READERS: dict[str, Callable[[ObjectMeta, Fields], StixView]] = {
    "identity": _identity,
    "sighting": _sighting,
    "location": _location,
    "marking-definition": _marking_definition,
}
