"""Versions of a watchlist: entries as JSON, their content hash, and what changed between two.

:func:`diff_entries` is pure: the store uses it to record a new version of a list, and
``interlock watchlist diff`` uses it on two files. Entries are matched by ``entry_id``; the
name of the list they came from is not part of their content.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from interlock.model.travel import Issue
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    EntryStatus,
    NameStrength,
    PartialDate,
    WatchlistEntry,
)

# Fields compared between two versions of an entry, in declaration order.
CONTENT_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(WatchlistEntry) if f.name not in ("entry_id", "list_name")
)
# The files OFAC publishes together; hashed as one source (see :func:`source_digest`).
_OFAC_TRIO = ("sdn.csv", "alt.csv", "add.csv")


@dataclass(slots=True)
class EntryDiff:
    """Entries added, removed and changed (old, new, names of the changed fields)."""

    added: list[WatchlistEntry] = field(default_factory=list)
    removed: list[WatchlistEntry] = field(default_factory=list)
    changed: list[tuple[WatchlistEntry, WatchlistEntry, list[str]]] = field(default_factory=list)
    unchanged: int = 0


def diff_entries(old: list[WatchlistEntry], new: list[WatchlistEntry]) -> EntryDiff:
    """What changed from ``old`` to ``new``, by ``entry_id`` (the last of a repeated id wins).

    ``added`` keeps the order of ``new``; ``removed`` the order of ``old``; ``changed`` the
    order of ``new``. Field values are compared as given, so a reordered alias list counts as
    a change of ``names``.
    """
    before = {entry.entry_id: entry for entry in old}
    after = {entry.entry_id: entry for entry in new}
    diff = EntryDiff()
    for entry_id, entry in after.items():
        previous = before.get(entry_id)
        if previous is None:
            diff.added.append(entry)
            continue
        changed = changed_fields(previous, entry)
        if changed:
            diff.changed.append((previous, entry, changed))
        else:
            diff.unchanged += 1
    diff.removed = [entry for entry_id, entry in before.items() if entry_id not in after]
    return diff


def unique_entries(
    entries: list[WatchlistEntry], issues: list[Issue], *, list_name: str | None = None
) -> list[WatchlistEntry]:
    """The entries with unique ids (and ``list_name`` set when given). A repeated
    ``entry_id`` (the OFAC sample of 2022-01-31 gives 2677 to two parties) is dropped when its
    content repeats the first, else kept as ``<id>#2``, ``<id>#3`` …; either way it is
    reported in ``issues``. Entries are changed in place."""
    first: dict[str, str] = {}
    kept: list[WatchlistEntry] = []
    for index, entry in enumerate(entries, start=1):
        if list_name is not None:
            entry.list_name = list_name
        digest = content_hash(entry)
        original = entry.entry_id
        if original in first:
            if first[original] == digest:
                issues.append(Issue(f"entry #{index}", f"entry {original!r} repeated; dropped"))
                continue
            entry.entry_id = _free_id(original, first)
            issues.append(
                Issue(
                    f"entry #{index}",
                    f"entry id {original!r} already used by "
                    f"another entry; kept as {entry.entry_id!r}",
                )
            )
        first[entry.entry_id] = digest
        kept.append(entry)
    return kept


def _free_id(entry_id: str, used: dict[str, str]) -> str:
    number = 2
    while f"{entry_id}#{number}" in used:
        number += 1
    return f"{entry_id}#{number}"


def changed_fields(old: WatchlistEntry, new: WatchlistEntry) -> list[str]:
    """The content fields whose values differ between two versions of an entry."""
    return [name for name in CONTENT_FIELDS if getattr(old, name) != getattr(new, name)]


def entry_to_json(entry: WatchlistEntry) -> dict[str, Any]:
    """The whole entry as JSON-ready values; :func:`entry_from_json` reads it back."""
    return {
        "entry_id": entry.entry_id,
        "list_name": entry.list_name,
        "kind": entry.kind.value,
        "names": [_name_json(n) for n in entry.names],
        "birth_dates": [_date_json(d) for d in entry.birth_dates],
        "nationalities": list(entry.nationalities),
        "documents": [
            {"type": d.type, "number": d.number, "country": d.country} for d in entry.documents
        ],
        "listed_on": _iso(entry.listed_on),
        "source_reference": entry.source_reference,
        "remarks": entry.remarks,
        "gender": entry.gender,
        "nominating_source": entry.nominating_source,
        "reason": entry.reason,
        "review_by": _iso(entry.review_by),
        "status": entry.status.value,
    }


def entry_from_json(data: dict[str, Any]) -> WatchlistEntry:
    """The entry written by :func:`entry_to_json` (missing optional keys take their defaults)."""
    return WatchlistEntry(
        entry_id=data["entry_id"],
        list_name=data.get("list_name", ""),
        kind=EntryKind(data["kind"]),
        names=[_name_from(n) for n in data.get("names", [])],
        birth_dates=[_date_from(d) for d in data.get("birth_dates", [])],
        nationalities=list(data.get("nationalities", [])),
        documents=[
            EntryDocument(d["type"], d["number"], d.get("country"))
            for d in data.get("documents", [])
        ],
        listed_on=_from_iso(data.get("listed_on")),
        source_reference=data.get("source_reference", ""),
        remarks=data.get("remarks", ""),
        gender=data.get("gender"),
        nominating_source=data.get("nominating_source", ""),
        reason=data.get("reason", ""),
        review_by=_from_iso(data.get("review_by")),
        status=EntryStatus(data.get("status", EntryStatus.ACTIVE.value)),
    )


def content_hash(entry: WatchlistEntry) -> str:
    """sha256 of the entry's content (canonical JSON without the list name)."""
    data = entry_to_json(entry)
    del data["list_name"]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_digest(path: Path) -> str:
    """sha256 of a list as read from ``path``: the file's bytes, or for an OFAC folder (or its
    ``sdn.csv``) the trio of files together, each with its name, so a change in any of them
    counts."""
    parts = [path]
    if path.is_dir() or path.name.casefold() == "sdn.csv":
        folder = path if path.is_dir() else path.parent
        parts = [folder / name for name in _OFAC_TRIO if (folder / name).is_file()]
        parts = parts or sorted(p for p in folder.iterdir() if p.is_file())
    digest = hashlib.sha256()
    for part in parts:
        data = part.read_bytes()
        digest.update(f"{part.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _name_json(name: EntryName) -> dict[str, Any]:
    return {
        "full": name.full,
        "given": name.given,
        "family": name.family,
        "strength": name.strength.value,
        "script": name.script,
    }


def _name_from(data: dict[str, Any]) -> EntryName:
    strength = NameStrength(data.get("strength", NameStrength.PRIMARY.value))
    return EntryName(
        data["full"], data.get("given", ""), data.get("family", ""), strength, data.get("script")
    )


def _date_json(value: PartialDate) -> dict[str, Any]:
    return {
        "year": value.year,
        "month": value.month,
        "day": value.day,
        "approximate": value.approximate,
        "range_to_year": value.range_to_year,
    }


def _date_from(data: dict[str, Any]) -> PartialDate:
    return PartialDate(
        data["year"],
        data.get("month"),
        data.get("day"),
        bool(data.get("approximate", False)),
        data.get("range_to_year"),
    )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _from_iso(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
