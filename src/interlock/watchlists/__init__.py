"""Watchlists: importers for official lists into :class:`WatchlistEntry` records."""

from interlock.watchlists.detect import (
    WatchlistFile,
    WatchlistFormat,
    read_watchlist,
    read_watchlist_bytes,
)
from interlock.watchlists.documents import normalise_document_number, read_document_list
from interlock.watchlists.ftm import read_ftm
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    EntryStatus,
    ImportResult,
    ListInfo,
    ListType,
    NameStrength,
    PartialDate,
    WatchlistEntry,
    country_code,
)
from interlock.watchlists.national_csv import read_national_csv
from interlock.watchlists.ofac import read_ofac
from interlock.watchlists.un_xml import read_un_xml

__all__ = [
    "EntryDocument",
    "EntryKind",
    "EntryName",
    "EntryStatus",
    "ImportResult",
    "ListInfo",
    "ListType",
    "NameStrength",
    "PartialDate",
    "WatchlistEntry",
    "WatchlistFile",
    "WatchlistFormat",
    "country_code",
    "normalise_document_number",
    "read_document_list",
    "read_ftm",
    "read_national_csv",
    "read_ofac",
    "read_un_xml",
    "read_watchlist",
    "read_watchlist_bytes",
]
