"""A hit as STIX: the ``sighting`` of a listed person (:func:`sighting`) at the ``location``
of an airport (:func:`airport_location`). Pure: no I/O (the airport table aside)."""

from __future__ import annotations

from datetime import datetime

from interlock.errors import RefusedError
from interlock.model.countries import ISO_3166, to_alpha3
from interlock.sharing.kinds import TLP
from interlock.sharing.stix_extension import (
    DEFINED,
    Record,
    common_properties,
    interlock_extension,
    object_id,
)
from interlock.sharing.stix_syntax import STIX_ID, StixObject, timestamp


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
        "created": DEFINED,
        "modified": DEFINED,
        "name": airport,
        "country": alpha2,
    }


def _check_ref(ref: str, stix_type: str, field: str) -> str:
    if not STIX_ID.match(ref) or ref.split("--", 1)[0] != stix_type:
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
    obj = common_properties(
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
    obj["extensions"] = interlock_extension(Record.HIT, fields)
    return obj
