"""Import the OFAC SDN list in its legacy CSV trio (``sdn.csv``, ``alt.csv``, ``add.csv``).

The files have no header row and write an empty field as ``-0-``. ``alt.csv`` holds the strong
aliases (aka / fka / nka). OFAC's legacy delimited files carry *weak* aliases only in the
remarks field of the SDN record, as ``a.k.a. 'NAME'`` (OFAC notice of 13 June 2012; the
``alt_remarks`` column of the sample is always ``-0-``). Dates of birth, passports and
nationality are also read from the remarks. ``add.csv`` holds addresses, which the entry model
does not keep, so it is accepted and ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from interlock.errors import ParseError
from interlock.model.travel import Issue
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

LIST_NAME = "OFAC SDN"
NOMINATOR = "OFAC"

_EMPTY = "-0-"
_SDN_COLUMNS = 12
_ALT_COLUMNS = 5


def read_ofac(
    sdn: bytes, alt: bytes | None = None, add: bytes | None = None, *, source: str = ""
) -> ImportResult:
    """Read the SDN trio; bad rows are skipped and reported in ``issues``.

    Raises :class:`ParseError` when ``sdn`` holds no readable record at all.
    """
    del add  # addresses are not part of the entry model
    result = ImportResult()
    by_id: dict[str, WatchlistEntry] = {}
    for line, row in _rows(sdn, _where(source, "sdn.csv"), result.issues):
        entry = _sdn_entry(row)
        if entry is None:
            result.issues.append(
                Issue(f"{_where(source, 'sdn.csv')} line {line}", "bad SDN row; skipped")
            )
            continue
        if entry.entry_id in by_id:
            # The same ent_num twice (the 2022 file has one): alt.csv cannot say which record
            # an alias belongs to, so aliases stay with the first; the store keeps both.
            result.issues.append(
                Issue(
                    f"{_where(source, 'sdn.csv')} line {line}",
                    f"ent_num {entry.entry_id} repeats an earlier record; its aliases in "
                    "alt.csv are given to the first",
                )
            )
        else:
            by_id[entry.entry_id] = entry
        result.entries.append(entry)
    if not result.entries:
        raise ParseError("no readable SDN record", location=source or "sdn.csv")
    if alt is not None:
        _attach_aliases(alt, by_id, source, result.issues)
    return result


def _where(source: str, name: str) -> str:
    return f"{source}: {name}" if source else name


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _rows(data: bytes, name: str, issues: list[Issue]) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cleaned fields) for each non-blank CSV row; CSV errors become issues."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            issues.append(Issue(f"{name} line {reader.line_num}", f"bad CSV: {exc}; skipped"))
            continue
        if any(field.strip() for field in row):
            yield reader.line_num, [_clean(field) for field in row]


def _clean(field: str) -> str:
    text = field.strip()
    return "" if text == _EMPTY else text


def _sdn_entry(row: list[str]) -> WatchlistEntry | None:
    if len(row) != _SDN_COLUMNS or not row[0].isdigit() or not row[1]:
        return None
    kind = EntryKind.PERSON if row[2].casefold() == "individual" else EntryKind.ENTITY
    remarks = read_remarks(row[11])
    entry = WatchlistEntry(
        entry_id=row[0],
        list_name=LIST_NAME,
        kind=kind,
        names=[_name(row[1], kind, NameStrength.PRIMARY)],
        birth_dates=remarks.birth_dates,
        nationalities=remarks.nationalities,
        documents=remarks.documents,
        source_reference=row[3],
        remarks=row[11],
        gender=remarks.gender,
        nominating_source=NOMINATOR,
        reason=programs(row[3]),
    )
    entry.names.extend(EntryName(n, strength=NameStrength.WEAK_ALIAS) for n in remarks.weak_aliases)
    return entry


def _name(text: str, kind: EntryKind, strength: NameStrength) -> EntryName:
    """An individual's name is written ``FAMILY, Given``; entities have one plain name."""
    if kind is EntryKind.PERSON and ", " in text:
        family, given = (part.strip() for part in text.split(", ", 1))
        return EntryName(f"{given} {family}".strip(), given=given, family=family, strength=strength)
    return EntryName(text, strength=strength)


def _attach_aliases(
    alt: bytes, by_id: dict[str, WatchlistEntry], source: str, issues: list[Issue]
) -> None:
    name = _where(source, "alt.csv")
    for line, row in _rows(alt, name, issues):
        if len(row) != _ALT_COLUMNS or not row[3]:
            issues.append(Issue(f"{name} line {line}", "bad alias row; skipped"))
            continue
        entry = by_id.get(row[0])
        if entry is None:
            reason = f"alias for unknown ent_num {row[0]!r}; skipped"
            issues.append(Issue(f"{name} line {line}", reason))
            continue
        entry.names.append(_name(row[3], entry.kind, NameStrength.ALIAS))


@dataclass(slots=True)
class _Remarks:
    birth_dates: list[PartialDate] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    documents: list[EntryDocument] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    gender: str | None = None


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
# "DOB 01 Jan 1960", "DOB Jan 1960", "DOB 1962", "DOB circa 1965", "DOB 1957 to 1959",
# "DOB 01 Jan 1960 to 31 Dec 1962".
_DOB = re.compile(
    r"DOB (circa )?(?:(\d{1,2}) )?(?:([A-Za-z]{3}) )?(\d{4})"
    r"(?: to (?:\d{1,2} )?(?:[A-Za-z]{3} )?(\d{4}))?$"
)
_GENDER = {"Gender Male": "M", "Gender Female": "F"}
_WEAK_ALIAS = re.compile(r"a\.k\.a\. '([^']+)'")


def read_remarks(text: str) -> _Remarks:
    """Pick dates of birth, nationalities, passports and weak aliases out of an SDN remark."""
    remarks = _Remarks(weak_aliases=_WEAK_ALIAS.findall(text))
    for part in text.split(";"):
        item = part.strip().rstrip(".").removeprefix("alt. ").strip()
        if item.startswith("DOB "):
            born = _dob(item)
            if born is not None:
                remarks.birth_dates.append(born)
        elif item.startswith(("nationality ", "citizen ")):
            country = country_code(item.split(" ", 1)[1])
            if country and country not in remarks.nationalities:
                remarks.nationalities.append(country)
        elif item.startswith("Passport "):
            remarks.documents.append(_passport(item.removeprefix("Passport ")))
        elif item in _GENDER:
            remarks.gender = _GENDER[item]
    return remarks


def programs(field: str) -> str:
    """The sanctions programs of an SDN row, ``IRAN] [SDGT`` → ``IRAN; SDGT``."""
    names = (part.strip(" []") for part in field.split("] ["))
    return "; ".join(name for name in names if name)


def _dob(item: str) -> PartialDate | None:
    match = _DOB.match(item)
    if match is None:
        return None
    circa, day, month_name, year, to_year = match.groups()
    month = _MONTHS.get(month_name.casefold()) if month_name else None
    if month_name and month is None:
        return None
    return PartialDate(
        int(year),
        month,
        int(day) if day and month else None,
        approximate=circa is not None,
        range_to_year=int(to_year) if to_year else None,
    )


def _passport(rest: str) -> EntryDocument:
    """``A1234567 (Iran)`` or ``A1234567 (Iran) issued 01 Jan 2010`` or ``A1234567``."""
    number, _, tail = rest.partition(" (")
    country = tail.partition(")")[0].strip() if tail else ""
    if not tail:
        number = number.split(" ", 1)[0]
    return EntryDocument("Passport", number.strip(), country_code(country) if country else None)
