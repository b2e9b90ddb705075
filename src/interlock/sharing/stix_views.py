"""Typed views of the STIX objects read from a bundle: every view has its
:class:`ObjectMeta`; :data:`StixView` is any of them. Plain data: the reading is in
:mod:`interlock.sharing.stix_read`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from interlock.sharing.kinds import TLP
from interlock.watchlists.model import EntryDocument, PartialDate, WatchlistEntry


@dataclass(frozen=True, slots=True)
class ObjectMeta:
    """What every STIX object read from a bundle has: its place, id, versions and marking."""

    index: int
    type: str
    id: str
    created: datetime | None
    modified: datetime | None
    revoked: bool
    tlp: TLP | None
    created_by_ref: str | None
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EntryView:
    """A watchlist entry a partner published; ``entry.list_name`` is the partner's list."""

    meta: ObjectMeta
    entry: WatchlistEntry
    list_owner: str
    legal_basis: str
    list_type: str
    correction_reason: str | None
    revocation_reason: str | None


@dataclass(frozen=True, slots=True)
class TravellerView:
    """The person seen in a hit, as the reporting node's traveller data gave them."""

    meta: ObjectMeta
    name: str
    given: str
    family: str
    birth_date: PartialDate | None
    nationality: str | None
    document: EntryDocument | None


@dataclass(frozen=True, slots=True)
class SightingView:
    """A hit on a listed person. Without the Interlock extension (a sighting from another
    tool) ``source_confirmation_required`` is True: nothing is passed on unconfirmed."""

    meta: ObjectMeta
    sighting_of_ref: str
    where_sighted_refs: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    count: int | None
    alert_id: str | None
    flight_number: str | None
    traveller_ref: str | None
    source_confirmation_required: bool
    correction_reason: str | None


@dataclass(frozen=True, slots=True)
class LocationView:
    """A ``location``: where a sighting was."""

    meta: ObjectMeta
    name: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class IdentityView:
    """An identity without Interlock fields (a node, an organisation)."""

    meta: ObjectMeta
    name: str
    identity_class: str | None


@dataclass(frozen=True, slots=True)
class MarkingView:
    """A marking definition; ``tlp`` for the TLP ones (2.0, or 1.0 read as 2.0)."""

    meta: ObjectMeta
    tlp: TLP | None


@dataclass(frozen=True, slots=True)
class OtherView:
    """Any other object (extension definitions, types Interlock does not interpret)."""

    meta: ObjectMeta


StixView = (
    EntryView | TravellerView | SightingView | LocationView | IdentityView | MarkingView | OtherView
)
