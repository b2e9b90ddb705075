"""Import FollowTheMoney entities: JSON lines (one entity per line), or one JSON array or object.

An entity is ``{"id": …, "schema": …, "properties": {name: [values]}}``. ``Person`` becomes a
person entry; ``Organization``, ``Company``, ``PublicBody`` and ``LegalEntity`` become entities.
``Passport`` and ``Identification`` add a document to their ``holder``, and ``Sanction`` adds its
reason (or program), authority and listing date to its ``entity``, in any line order. Lines with
the same id are fragments of one entity and are merged, as FtM does. Other schemata are skipped
and counted in one issue per schema.

A line that is not JSON, or not an entity, is reported in ``issues`` naming its line and the
rest are read, so entities already read are kept; only a file from which no entry at all could
be read raises :class:`ParseError` (naming the first bad line).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from interlock.errors import ParseError
from interlock.model.travel import Issue
from interlock.watchlists import ftm_values as values
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    ImportResult,
    NameStrength,
    WatchlistEntry,
)
from interlock.watchlists.un_xml import shorten

LIST_NAME = "FollowTheMoney"
PARTIES = {
    "Person": EntryKind.PERSON,
    "LegalEntity": EntryKind.ENTITY,
    "Organization": EntryKind.ENTITY,
    "Company": EntryKind.ENTITY,
    "PublicBody": EntryKind.ENTITY,
}
DOCUMENTS = {"Passport": "Passport", "Identification": "ID"}
_NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
_ALIASES = (
    ("alias", NameStrength.ALIAS),
    ("previousName", NameStrength.ALIAS),
    ("weakAlias", NameStrength.WEAK_ALIAS),
)


@dataclass(slots=True)
class _Entity:
    id: str
    schema: str
    where: str
    props: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> list[str]:
        return self.props.get(name, [])

    def first(self, name: str) -> str:
        found = self.props.get(name)
        return found[0] if found else ""


@dataclass(slots=True)
class _Reader:
    source: str
    list_name: str
    result: ImportResult = field(default_factory=ImportResult)
    entities: dict[str, _Entity] = field(default_factory=dict)
    first_error: tuple[str, str] | None = None
    countries: Counter[str] = field(default_factory=Counter)

    def problem(self, where: str, reason: str, *, error: bool = False) -> None:
        self.result.issues.append(Issue(where, reason))
        if error and self.first_error is None:
            self.first_error = (where, reason)


def read_ftm(data: bytes, *, source: str = "", list_name: str = LIST_NAME) -> ImportResult:
    """Read FtM entities; see the module docstring for what is kept and what is reported."""
    reader = _Reader(source, list_name)
    count = 0
    for where, item in values.json_items(data, source, reader.problem):
        count += 1
        _collect(reader, where, item)
    if count == 0 and reader.first_error is None:
        raise ParseError("no FollowTheMoney entity in the file", location=source)
    _build(reader)
    if not reader.result.entries and reader.first_error is not None:
        where, reason = reader.first_error
        raise ParseError(f"{reason} (no entity could be read)", location=where)
    return reader.result


def _collect(reader: _Reader, where: str, item: Any) -> None:
    """Keep one entity, merging it into an earlier fragment with the same id."""
    props = item.get("properties", {}) if isinstance(item, dict) else None
    if not isinstance(item, dict) or not isinstance(props, dict):
        reader.problem(where, "not an FtM entity (a JSON object); skipped", error=True)
        return
    entity_id, schema = item.get("id"), item.get("schema")
    if not isinstance(entity_id, str) or not entity_id or not isinstance(schema, str):
        reader.problem(where, "an FtM entity needs a string 'id' and 'schema'; skipped", error=True)
        return
    entity = _Entity(entity_id, schema, where, values.properties(props))
    caption = item.get("caption")
    if isinstance(caption, str) and caption.strip():
        entity.props.setdefault("caption", [caption.strip()])
    earlier = reader.entities.get(entity_id)
    if earlier is None:
        reader.entities[entity_id] = entity
    elif _merge(earlier, entity):
        return
    else:
        reason = f"id {entity_id!r} is a {earlier.schema} earlier, here a {schema}; skipped"
        reader.problem(where, reason)


def _merge(earlier: _Entity, later: _Entity) -> bool:
    """Fold a fragment into the entity; False when their schemata cannot be one entity."""
    if later.schema != earlier.schema:
        if earlier.schema == "LegalEntity" and later.schema in PARTIES:
            earlier.schema = later.schema
        elif not (later.schema == "LegalEntity" and earlier.schema in PARTIES):
            return False
    for name, found in later.props.items():
        known = earlier.props.setdefault(name, [])
        known.extend(v for v in found if v not in known)
    return True


def _build(reader: _Reader) -> None:
    by_id: dict[str, WatchlistEntry] = {}
    skipped: dict[str, tuple[int, str]] = {}
    for entity in reader.entities.values():
        if entity.schema in PARTIES:
            entry = _party(reader, entity)
            if entry is not None:
                by_id[entity.id] = entry
                reader.result.entries.append(entry)
        elif entity.schema not in DOCUMENTS and entity.schema != "Sanction":
            count, where = skipped.get(entity.schema, (0, entity.where))
            skipped[entity.schema] = (count + 1, where)
    reasons: dict[str, list[str]] = {}
    for entity in reader.entities.values():
        if entity.schema in DOCUMENTS:
            _attach_document(reader, entity, by_id)
        elif entity.schema == "Sanction":
            _attach_sanction(reader, entity, by_id, reasons)
    for entity_id, entry in by_id.items():
        found = reasons.get(entity_id)
        topics = reader.entities[entity_id].get("topics")
        if found:
            entry.reason = shorten("; ".join(found))
        elif topics:
            entry.reason = shorten("topics: " + ", ".join(topics))
    for schema, (count, where) in skipped.items():
        reason = f"{count} {schema} entit{'y' if count == 1 else 'ies'} skipped (not screened)"
        reader.problem(where, reason)
    if reader.countries:
        codes = ", ".join(f"{code!r} ({n})" for code, n in sorted(reader.countries.items()))
        reader.problem(reader.source, f"unknown country codes dropped: {codes}")


def _party(reader: _Reader, entity: _Entity) -> WatchlistEntry | None:
    kind = PARTIES[entity.schema]
    names = _names(entity, kind)
    if not names:
        reason = f"{entity.schema} {entity.id!r} has no name; skipped"
        reader.problem(entity.where, reason, error=True)
        return None
    entry = WatchlistEntry(entry_id=entity.id, list_name=reader.list_name, kind=kind, names=names)
    for prop in ("nationality", "citizenship", "country", "jurisdiction"):
        for code in entity.get(prop):
            alpha3 = values.country(code)
            if alpha3 is None:
                reader.countries[code] += 1
            elif alpha3 not in entry.nationalities:
                entry.nationalities.append(alpha3)
    if kind is EntryKind.PERSON:
        for text in entity.get("birthDate"):
            born = values.partial_date(text)
            if born is None:
                reader.problem(entity.where, f"birthDate {text!r} is not a date; dropped")
            elif born not in entry.birth_dates:
                entry.birth_dates.append(born)
        entry.gender = values.GENDER.get(entity.first("gender").casefold())
        entry.documents += [EntryDocument("Passport", n) for n in entity.get("passportNumber")]
        entry.documents += [EntryDocument("ID", n) for n in entity.get("idNumber")]
    return entry


def _names(entity: _Entity, kind: EntryKind) -> list[EntryName]:
    full = entity.get("name")
    parts = [entity.first(part) for part in _NAME_PARTS]
    if not full:
        composed = " ".join(part for part in parts if part) or entity.first("caption")
        full = [composed] if composed else []
    names = [EntryName(text, strength=NameStrength.ALIAS) for text in full]
    if names:
        names[0].strength = NameStrength.PRIMARY
        if kind is EntryKind.PERSON:
            _split(names[0], given=" ".join(p for p in parts[:4] if p), family=parts[4])
    for prop, strength in _ALIASES:
        names += [EntryName(text, strength=strength) for text in entity.get(prop)]
    unique: dict[tuple[str, NameStrength], EntryName] = {}
    for name in names:
        unique.setdefault((name.full, name.strength), name)
    return list(unique.values())


def _split(name: EntryName, *, given: str, family: str) -> None:
    """Keep given and family parts only where the full name holds them."""
    folded = name.full.casefold()
    if family and family.casefold() in folded:
        name.family = family
        if given and given.casefold() in folded:
            name.given = given


def _attach_document(reader: _Reader, entity: _Entity, by_id: dict[str, WatchlistEntry]) -> None:
    numbers = entity.get("number") or entity.get("passportNumber")
    if not numbers:
        reader.problem(entity.where, f"{entity.schema} {entity.id!r} has no number; skipped")
        return
    doc_type = entity.first("type") or DOCUMENTS[entity.schema]
    codes = [values.country(code) for code in entity.get("country")]
    issuer = next((code for code in codes if code), None)
    for holder in entity.get("holder"):
        entry = by_id.get(holder)
        if entry is None:
            reader.problem(entity.where, f"holder {holder!r} is not a listed party; skipped")
            continue
        for number in numbers:
            document = EntryDocument(doc_type, number, issuer)
            if document not in entry.documents:
                entry.documents.append(document)


def _attach_sanction(
    reader: _Reader,
    entity: _Entity,
    by_id: dict[str, WatchlistEntry],
    reasons: dict[str, list[str]],
) -> None:
    said = entity.get("reason") or entity.get("program")
    listed = sorted(filter(None, map(values.full_date, entity.get("listingDate"))))
    listed = listed or sorted(filter(None, map(values.full_date, entity.get("startDate"))))
    for target in entity.get("entity"):
        entry = by_id.get(target)
        if entry is None:
            reader.problem(entity.where, f"sanctioned entity {target!r} is not listed; skipped")
            continue
        known = reasons.setdefault(target, [])
        known.extend(text for text in said if text not in known)
        authority = "; ".join(entity.get("authority"))
        entry.nominating_source = entry.nominating_source or authority
        if listed and (entry.listed_on is None or listed[0] < entry.listed_on):
            entry.listed_on = listed[0]
