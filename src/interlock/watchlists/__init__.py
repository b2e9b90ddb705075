"""Watchlists: importers for official lists into :class:`WatchlistEntry` records."""

from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    ImportResult,
    NameStrength,
    PartialDate,
    WatchlistEntry,
    country_code,
)
from interlock.watchlists.ofac import read_ofac
from interlock.watchlists.un_xml import read_un_xml

__all__ = [
    "EntryDocument",
    "EntryKind",
    "EntryName",
    "ImportResult",
    "NameStrength",
    "PartialDate",
    "WatchlistEntry",
    "country_code",
    "read_ofac",
    "read_un_xml",
]
