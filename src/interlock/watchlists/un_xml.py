"""Import the UN Security Council Consolidated List XML (schema ``sc-sanctions.xsd``).

Parsed with defusedxml: a DTD, entity declarations and external references are refused, so a
billion-laughs or external-entity payload is a :class:`ParseError`, never expanded or fetched.
"""

from __future__ import annotations

import re
from datetime import date
from xml.etree.ElementTree import Element
from xml.etree.ElementTree import ParseError as XmlSyntaxError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from interlock.errors import ParseError
from interlock.model.travel import Issue
from interlock.watchlists.model import (
    EntryDocument,
    EntryKind,
    EntryName,
    EntryStatus,
    ImportResult,
    NameStrength,
    PartialDate,
    WatchlistEntry,
    country_code,
)

LIST_NAME = "UN SC Consolidated List"

_NAME_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
# QUALITY values: individuals carry Good / Low; entities carry a.k.a. / f.k.a.
_ALIAS_QUALITY = {
    "good": NameStrength.ALIAS,
    "a.k.a.": NameStrength.ALIAS,
    "f.k.a.": NameStrength.ALIAS,
    "low": NameStrength.WEAK_ALIAS,
}
_NO_VALUE = {"", "na", "n/a"}
_GENDER = {"male": "M", "female": "F"}
NOMINATOR = "UN Security Council"
REASON_LIMIT = 500  # characters kept of COMMENTS1 as the entry's reason
_DATE_GENERATED = re.compile(rb"<CONSOLIDATED_LIST\b[^>]*?\bdateGenerated=[\"'](\d{4}-\d{2}-\d{2})")


def read_un_xml(data: bytes, *, source: str = "") -> ImportResult:
    """Read the UN consolidated list; a malformed or unsafe file raises :class:`ParseError`.

    A record that cannot be read (no reference number) is skipped and reported in ``issues``.
    """
    root = _parse(data, source)
    if root.tag != "CONSOLIDATED_LIST":
        raise ParseError(f"root element is <{root.tag}>, not <CONSOLIDATED_LIST>", location=source)
    result = ImportResult()
    for kind, path in (
        (EntryKind.PERSON, "INDIVIDUALS/INDIVIDUAL"),
        (EntryKind.ENTITY, "ENTITIES/ENTITY"),
    ):
        for index, record in enumerate(root.iterfind(path), start=1):
            entry = _read_record(record, kind)
            if entry is None:
                where = f"{source}: {record.tag} #{index}" if source else f"{record.tag} #{index}"
                result.issues.append(Issue(where, "no REFERENCE_NUMBER; record skipped"))
            else:
                result.entries.append(entry)
    return result


def date_generated(data: bytes) -> date | None:
    """The day in the root element's ``dateGenerated`` attribute, or None where absent."""
    match = _DATE_GENERATED.search(data[:4096])
    return _iso_date(match.group(1).decode("ascii")) if match else None


def shorten(text: str, limit: int = REASON_LIMIT) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;.") + "…"


def _nominator(list_type: str) -> str:
    return f"{NOMINATOR} ({list_type})" if list_type else NOMINATOR


def _parse(data: bytes, source: str) -> Element:
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
    except XmlSyntaxError as exc:
        line, column = exc.position
        raise ParseError(f"malformed XML: {exc.msg}", location=_at(source, line, column)) from exc
    except DefusedXmlException as exc:
        raise ParseError(f"unsafe XML refused: {exc}", location=source) from exc
    except LookupError as exc:  # an encoding declaration Python does not know
        raise ParseError(f"unreadable XML: {exc}", location=_at(source, 1, 1)) from exc
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise ParseError(f"unreadable XML: {exc}", location=source) from exc
    return root


def _at(source: str, line: int, column: int) -> str:
    place = f"line {line}, column {column}"
    return f"{source}: {place}" if source else place


def _text(element: Element | None) -> str:
    if element is None or element.text is None:
        return ""
    return " ".join(element.text.split())


def _child(record: Element, tag: str) -> str:
    return _text(record.find(tag))


def _read_record(record: Element, kind: EntryKind) -> WatchlistEntry | None:
    reference = _child(record, "REFERENCE_NUMBER")
    if not reference:
        return None
    alias_tag = "INDIVIDUAL_ALIAS" if kind is EntryKind.PERSON else "ENTITY_ALIAS"
    entry = WatchlistEntry(
        entry_id=reference,
        list_name=LIST_NAME,
        kind=kind,
        names=_primary_names(record, kind) + _aliases(record, alias_tag),
        listed_on=_iso_date(_child(record, "LISTED_ON")),
        source_reference=_child(record, "UN_LIST_TYPE"),
        remarks=_child(record, "COMMENTS1"),
        nominating_source=_nominator(_child(record, "UN_LIST_TYPE")),
        reason=shorten(_child(record, "COMMENTS1")),
        status=EntryStatus.ACTIVE,
    )
    if kind is EntryKind.PERSON:
        entry.gender = _GENDER.get(_child(record, "GENDER").casefold())
        entry.birth_dates = [
            d for d in map(_birth_date, record.iterfind("INDIVIDUAL_DATE_OF_BIRTH")) if d
        ]
        entry.nationalities = _nationalities(record)
        entry.documents = [d for d in map(_document, record.iterfind("INDIVIDUAL_DOCUMENT")) if d]
    return entry


def _primary_names(record: Element, kind: EntryKind) -> list[EntryName]:
    parts = [_child(record, tag) for tag in _NAME_TAGS]
    present = [part for part in parts if part]
    names: list[EntryName] = []
    if present:
        # The UN list does not mark family names; FIRST_NAME is the given name in most records.
        given = present[0] if kind is EntryKind.PERSON and len(present) > 1 else ""
        family = " ".join(present[1:]) if given else ""
        names.append(EntryName(" ".join(present), given=given, family=family))
    original = _child(record, "NAME_ORIGINAL_SCRIPT")
    if original:
        names.append(EntryName(original, script="original"))
    return names


def _aliases(record: Element, tag: str) -> list[EntryName]:
    names: list[EntryName] = []
    for alias in record.iterfind(tag):
        name = _child(alias, "ALIAS_NAME")
        if not name:
            continue
        quality = _child(alias, "QUALITY").casefold()
        names.append(EntryName(name, strength=_ALIAS_QUALITY.get(quality, NameStrength.ALIAS)))
    return names


def _birth_date(element: Element) -> PartialDate | None:
    kind = _child(element, "TYPE_OF_DATE").upper()
    approximate = kind == "APPROXIMATELY"
    if kind == "BETWEEN":
        start, end = _year(_child(element, "FROM_YEAR")), _year(_child(element, "TO_YEAR"))
        if start is None:
            return None
        return PartialDate(start, approximate=approximate, range_to_year=end)
    exact = _iso_date(_child(element, "DATE"))
    if exact is not None:
        return PartialDate(exact.year, exact.month, exact.day, approximate=approximate)
    year = _year(_child(element, "YEAR"))
    return None if year is None else PartialDate(year, approximate=approximate)


def _year(text: str) -> int | None:
    return int(text) if len(text) == 4 and text.isdigit() else None


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _nationalities(record: Element) -> list[str]:
    values = [_text(v) for v in record.iterfind("NATIONALITY/VALUE")]
    return [country_code(v) for v in values if v.casefold() not in _NO_VALUE]


def _document(element: Element) -> EntryDocument | None:
    number = _child(element, "NUMBER")
    doc_type = _child(element, "TYPE_OF_DOCUMENT") or _child(element, "TYPE_OF_DOCUMENT2")
    if not number and not doc_type:
        return None
    country = _child(element, "ISSUING_COUNTRY") or _child(element, "COUNTRY_OF_ISSUE")
    return EntryDocument(doc_type, number, country_code(country) if country else None)
