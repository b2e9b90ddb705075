"""Read a watchlist in any supported format, detected from its content (and, for OFAC, its files).

=================  ===============================================================================
format             recognised by
=================  ===============================================================================
``un_xml``         XML whose root element is ``CONSOLIDATED_LIST``
``ofac_csv``       a folder holding ``sdn.csv``; a file ``sdn.csv`` with ``alt.csv``/``add.csv``
                   beside it; or, alone, headerless 12-column rows of ``ent_num,name,type,…``
``ftm``            JSON (lines, array or object) with ``"schema"`` keys
``document_csv``   a CSV header with ``document_number`` and ``issuing_country`` and no name column
``national_csv``   a CSV header with ``id`` and ``name`` or ``surname``
=================  ===============================================================================

Each format comes with default registry details (:class:`ListInfo`, SG-17); for FtM and CSV
files the owner and legal basis are ``unspecified`` and the list is named after the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from interlock.errors import ParseError, UnknownFormatError
from interlock.model.travel import Issue
from interlock.watchlists import ofac, un_xml
from interlock.watchlists.documents import read_document_list
from interlock.watchlists.ftm import read_ftm
from interlock.watchlists.model import (
    EntryKind,
    ImportResult,
    ListInfo,
    ListType,
    WatchlistEntry,
)
from interlock.watchlists.national_csv import read_national_csv

UNSPECIFIED = "unspecified"
UN_INFO = ListInfo(
    name=un_xml.LIST_NAME,
    owner="United Nations Security Council",
    legal_basis=(
        "UN Security Council resolutions 1267 (1999), 1989 (2011), 2253 (2015) and successors;"
        " Charter of the United Nations, Chapter VII"
    ),
    list_type=ListType.SOUGHT,  # the travel ban of the 1267 regime
)
OFAC_INFO = ListInfo(
    name=ofac.LIST_NAME,
    owner="US Treasury, Office of Foreign Assets Control",
    legal_basis="IEEPA, 50 U.S.C. 1701 ff.; 31 CFR Chapter V",
    list_type=ListType.OTHER,
)
_SNIFF_BYTES = 65536
_BOM = b"\xef\xbb\xbf"
_NAME_COLUMNS = {"name", "surname", "given_names"}
_SDN_TYPES = {"individual", "vessel", "aircraft", "-0-", ""}


class WatchlistFormat(StrEnum):
    """The watchlist formats :func:`read_watchlist` recognises."""

    UN_XML = "un_xml"
    OFAC_CSV = "ofac_csv"
    FTM = "ftm"
    NATIONAL_CSV = "national_csv"
    DOCUMENT_CSV = "document_csv"


@dataclass(slots=True)
class WatchlistFile:
    """A list as read from a file: its format, default registry details, entries and issues."""

    format: str
    info: ListInfo
    entries: list[WatchlistEntry] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def read_watchlist(path: Path) -> WatchlistFile:
    """Read the list at ``path`` (a file, or an OFAC folder).

    Raises :class:`UnknownFormatError` naming the path when the content is no supported format,
    and :class:`ParseError` when it is one but cannot be read.
    """
    trio = _ofac_trio(path)
    if trio is not None:
        sdn, alt, add = (_read(part) if part else None for part in trio)
        assert sdn is not None
        result = ofac.read_ofac(sdn, alt, add, source=str(path))
        return _file(WatchlistFormat.OFAC_CSV, _copy(OFAC_INFO), result)
    if path.is_dir():
        raise UnknownFormatError("a folder that holds no sdn.csv", location=str(path))
    return _from_bytes(_read(path), source=str(path), stem=path.stem)


def read_watchlist_bytes(data: bytes, *, name: str) -> WatchlistFile:
    """Read an uploaded list; ``name`` is its file name (used in messages; its stem names
    FtM and CSV lists). An OFAC upload is ``sdn.csv`` alone, without aliases."""
    return _from_bytes(data, source=name, stem=Path(name).stem or name)


def detect_format(data: bytes) -> WatchlistFormat | None:
    """The format of ``data`` judged from its first bytes, or None."""
    text = data[:_SNIFF_BYTES].removeprefix(_BOM).decode("utf-8", errors="replace").lstrip()
    if text.startswith("<"):
        return WatchlistFormat.UN_XML if _root_tag(text) == "CONSOLIDATED_LIST" else None
    if text[:1] in ("[", "{"):
        return WatchlistFormat.FTM if re.search(r'"schema"\s*:', text) else None
    first = _first_row(text)
    header = {cell.strip().lower() for cell in first}
    if {"document_number", "issuing_country"} <= header and not header & _NAME_COLUMNS:
        return WatchlistFormat.DOCUMENT_CSV
    if "id" in header and header & {"name", "surname"}:
        return WatchlistFormat.NATIONAL_CSV
    if len(first) == 12 and first[0].strip().isdigit() and first[2].strip() in _SDN_TYPES:
        return WatchlistFormat.OFAC_CSV
    return None


def _from_bytes(data: bytes, *, source: str, stem: str) -> WatchlistFile:
    found = detect_format(data)
    if found is None:
        raise UnknownFormatError("not a watchlist format Interlock reads", location=source)
    if found is WatchlistFormat.UN_XML:
        info = _copy(UN_INFO)
        info.refreshed_on = un_xml.date_generated(data)
        return _file(found, info, un_xml.read_un_xml(data, source=source))
    if found is WatchlistFormat.OFAC_CSV:
        result = ofac.read_ofac(data, source=source)
        result.issues.append(Issue(source, "sdn.csv alone: the aliases of alt.csv are missing"))
        return _file(found, _copy(OFAC_INFO), result)
    readers: dict[WatchlistFormat, Callable[..., ImportResult]] = {
        WatchlistFormat.FTM: read_ftm,
        WatchlistFormat.NATIONAL_CSV: read_national_csv,
        WatchlistFormat.DOCUMENT_CSV: read_document_list,
    }
    result = readers[found](data, source=source, list_name=stem)
    return _file(found, _local_info(found, stem, result.entries), result)


def _local_info(found: WatchlistFormat, stem: str, entries: list[WatchlistEntry]) -> ListInfo:
    """FtM and CSV lists: named after the file; owner and legal basis to be given on import."""
    if found is WatchlistFormat.DOCUMENT_CSV:
        list_type = ListType.DOCUMENTS
    elif entries and all(e.kind is not EntryKind.PERSON for e in entries):
        list_type = ListType.OTHER
    else:
        list_type = ListType.SOUGHT
    return ListInfo(name=stem, owner=UNSPECIFIED, legal_basis=UNSPECIFIED, list_type=list_type)


def _file(found: WatchlistFormat, info: ListInfo, result: ImportResult) -> WatchlistFile:
    return WatchlistFile(found.value, info, result.entries, result.issues)


def _copy(info: ListInfo) -> ListInfo:
    return ListInfo(info.name, info.owner, info.legal_basis, info.list_type, info.refreshed_on)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror or exc}", location=str(path)) from None


def _ofac_trio(path: Path) -> tuple[Path, Path | None, Path | None] | None:
    """sdn.csv with alt.csv and add.csv when ``path`` is their folder or an sdn.csv beside them."""
    if path.is_dir():
        folder = path
    elif path.name.lower() == "sdn.csv" and path.is_file():
        folder = path.parent
    else:
        return None
    files = {child.name.lower(): child for child in folder.iterdir() if child.is_file()}
    sdn = path if path.is_file() else files.get("sdn.csv")
    alt, add = files.get("alt.csv"), files.get("add.csv")
    if sdn is None or (path.is_file() and alt is None and add is None):
        return None
    return sdn, alt, add


_TAG = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
# What may come before the root element: declaration and processing instructions, comments,
# a DOCTYPE (with an internal subset ending in "]>").
_PROLOG = re.compile(r"\s*(<\?|<!--|<!DOCTYPE[^\[>]*\[|<!DOCTYPE)")
_PROLOG_END = {"<?": re.compile(r"\?>"), "<!--": re.compile(r"-->")}
_DOCTYPE_END = {True: re.compile(r"\]\s*>"), False: re.compile(r">")}


def _root_tag(text: str) -> str | None:
    """The first element's name after the XML declaration, comments and a DOCTYPE."""
    at = 0
    while (prolog := _PROLOG.match(text, at)) is not None:
        opener = prolog.group(1)
        end = _PROLOG_END.get(opener) or _DOCTYPE_END[opener.endswith("[")]
        closed = end.search(text, prolog.end())
        if closed is None:
            return None
        at = closed.end()
    match = _TAG.match(text, at)
    return match.group(1) if match else None


def _first_row(text: str) -> list[str]:
    line = text.split("\n", 1)[0]
    try:
        return next(csv.reader(io.StringIO(line)), [])
    except csv.Error:
        return []
