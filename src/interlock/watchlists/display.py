"""How ``interlock watchlist`` shows lists, versions, diffs and entries: rich tables, and the
JSON objects of ``--json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from interlock.watchlists.model import PartialDate, WatchlistEntry
from interlock.watchlists.versions import EntryDiff, entry_to_json

if TYPE_CHECKING:
    from interlock.store.watchlist_views import StoredEntry, StoredList, VersionSummary


def primary_name(entry: WatchlistEntry) -> str:
    """The entry's first name as listed (document entries: the document), for one-line views."""
    if entry.names:
        return entry.names[0].full
    if entry.documents:
        document = entry.documents[0]
        return f"{document.type} {document.number} {document.country or ''}".strip()
    return ""


def print_import(out: Console, name: str, source: str, summary: VersionSummary) -> None:
    """One line: the version a file became, and what it changed."""
    if summary.duplicate:
        out.print(
            f"{escape(name)}: {escape(source)} is already version {summary.version} "
            "(same sha256); nothing imported",
            highlight=False,
        )
        return
    out.print(
        f"{escape(name)}: version {summary.version} from {escape(source)}: "
        f"{summary.added} added, {summary.removed} removed, {summary.changed} changed, "
        f"{summary.unchanged} unchanged",
        highlight=False,
    )


def print_lists(out: Console, lists: list[StoredList]) -> None:
    """The registered lists, one row each."""
    table = Table("name", "type", "owner", "version", "active", "entries", "refreshed", "imported")
    for stored in lists:
        info = stored.info
        table.add_row(
            escape(info.name),
            info.list_type.value,
            escape(info.owner),
            str(stored.current_version),
            str(stored.active),
            str(stored.entries),
            info.refreshed_on.isoformat() if info.refreshed_on else "",
            stored.imported_at.strftime("%Y-%m-%d %H:%M") if stored.imported_at else "",
        )
    out.print(table)


def diff_object(old: str, new: str, diff: EntryDiff) -> dict[str, Any]:
    """The diff as JSON: ids and names; for changed entries the fields, before and after."""
    return {
        "old": old,
        "new": new,
        "added": [_brief(e) for e in diff.added],
        "removed": [_brief(e) for e in diff.removed],
        "changed": [_change(before, after, fields) for before, after, fields in diff.changed],
        "unchanged": diff.unchanged,
    }


def print_diff(out: Console, old: str, new: str, diff: EntryDiff) -> None:
    """A count line, then one line per added (+), removed (-) and changed (~) entry."""
    out.print(
        f"{escape(old)} → {escape(new)}: {len(diff.added)} added, {len(diff.removed)} "
        f"removed, {len(diff.changed)} changed, {diff.unchanged} unchanged",
        highlight=False,
    )
    for sign, colour, entries in (("+", "green", diff.added), ("-", "red", diff.removed)):
        for entry in entries:
            out.print(
                f"[{colour}]{sign}[/] {escape(entry.entry_id)}  {escape(primary_name(entry))}",
                highlight=False,
            )
    for _before, after, fields in diff.changed:
        out.print(
            f"[yellow]~[/] {escape(after.entry_id)}  {escape(primary_name(after))}  "
            f"({', '.join(fields)})",
            highlight=False,
        )


def entry_object(list_name: str, stored: StoredEntry) -> dict[str, Any]:
    """An entry with its history in the list, as JSON."""
    return {
        **entry_to_json(stored.entry),
        "list_name": list_name,
        "first_version": stored.first_version,
        "last_changed_version": stored.last_changed_version,
        "removed_in_version": stored.removed_in_version,
        "decisions": [
            {"status": d.status, "reason": d.reason, "at": d.at.isoformat()}
            for d in stored.decisions
        ],
    }


def print_entry(out: Console, list_name: str, stored: StoredEntry) -> None:
    """An entry: its status and history, names, dates, documents and registry fields."""
    entry = stored.entry
    out.print(
        f"[bold]{escape(entry.entry_id)}[/] of {escape(list_name)}: {entry.kind.value}, "
        f"[bold]{entry.status.value}[/]",
        highlight=False,
    )
    table = Table("field", "value", show_header=False)
    for field, value in _entry_rows(stored):
        if value:
            table.add_row(field, escape(value))
    out.print(table)


def _entry_rows(stored: StoredEntry) -> list[tuple[str, str]]:
    entry = stored.entry
    removed = stored.removed_in_version
    names = [
        f"{n.full} ({n.strength.value}{', ' + n.script if n.script else ''})" for n in entry.names
    ]
    return [
        (
            "versions",
            f"listed since version {stored.first_version}, last changed in "
            f"{stored.last_changed_version}"
            + (f", removed in {removed}" if removed is not None else ""),
        ),
        ("names", "\n".join(names)),
        ("born", "; ".join(_partial(d) for d in entry.birth_dates)),
        ("nationality", ", ".join(entry.nationalities)),
        ("gender", entry.gender or ""),
        (
            "documents",
            "\n".join(f"{d.type} {d.number} {d.country or ''}".strip() for d in entry.documents),
        ),
        ("listed on", entry.listed_on.isoformat() if entry.listed_on else ""),
        ("nominated by", entry.nominating_source),
        ("reason", entry.reason),
        ("review by", entry.review_by.isoformat() if entry.review_by else ""),
        ("reference", entry.source_reference),
        (
            "decisions",
            "\n".join(f"{d.at:%Y-%m-%d %H:%M} {d.status}: {d.reason}" for d in stored.decisions),
        ),
    ]


def _partial(value: PartialDate) -> str:
    text = "-".join(f"{part:02d}" for part in (value.month, value.day) if part is not None)
    shown = f"{value.year}" + (f"-{text}" if text else "")
    if value.range_to_year is not None:
        shown += f" to {value.range_to_year}"
    return f"about {shown}" if value.approximate else shown


def _brief(entry: WatchlistEntry) -> dict[str, str]:
    return {"entry_id": entry.entry_id, "name": primary_name(entry)}


def _change(before: WatchlistEntry, after: WatchlistEntry, fields: list[str]) -> dict[str, Any]:
    old, new = entry_to_json(before), entry_to_json(after)
    return {
        **_brief(after),
        "fields": fields,
        "before": {f: old[f] for f in fields},
        "after": {f: new[f] for f in fields},
    }
