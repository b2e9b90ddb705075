"""Watchlist entries as imported from official lists: plain typed data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from interlock.model.countries import ISO_3166, to_alpha3
from interlock.model.travel import Issue


class EntryKind(StrEnum):
    """Whether a listed party is a natural person or an organisation (or a vessel, aircraft…)."""

    PERSON = "person"
    ENTITY = "entity"
    DOCUMENT = "document"  # an entry of a lost/stolen travel document list: no names


class EntryStatus(StrEnum):
    """Whether an entry may still produce hits (SG-18)."""

    ACTIVE = "active"
    DELISTED = "delisted"


class ListType(StrEnum):
    """What a list holds (SG-17); PNR is screened only against ``sought`` lists."""

    SOUGHT = "sought"  # persons sought or under alert
    DOCUMENTS = "documents"  # lost, stolen or invalidated travel documents
    OTHER = "other"  # e.g. financial sanctions without a travel measure


class NameStrength(StrEnum):
    """How much a name can be relied on: the primary name, a good alias, or a weak alias."""

    PRIMARY = "primary"
    ALIAS = "alias"
    WEAK_ALIAS = "weak_alias"


@dataclass(slots=True)
class EntryName:
    """One name of an entry; ``script`` is e.g. ``"original"`` for a non-Latin original name."""

    full: str
    given: str = ""
    family: str = ""
    strength: NameStrength = NameStrength.PRIMARY
    script: str | None = None


@dataclass(slots=True)
class PartialDate:
    """A birth date known to a year, month or day; approximate, or a year range."""

    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    range_to_year: int | None = None


@dataclass(slots=True)
class EntryDocument:
    """An identity or travel document of an entry as the list gives it."""

    type: str
    number: str
    country: str | None = None


@dataclass(slots=True)
class WatchlistEntry:
    """One listed person or entity. ``entry_id`` is the list's own id (UN ref, OFAC ent_num)."""

    entry_id: str
    list_name: str
    kind: EntryKind
    names: list[EntryName] = field(default_factory=list)
    birth_dates: list[PartialDate] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    documents: list[EntryDocument] = field(default_factory=list)
    listed_on: date | None = None
    source_reference: str = ""
    remarks: str = ""
    gender: str | None = None  # "M" or "F" where the list says
    nominating_source: str = ""  # the authority that nominated the entry
    reason: str = ""  # why listed (the list's own words, short)
    review_by: date | None = None  # after this day the entry stops matching (SG-18)
    status: EntryStatus = EntryStatus.ACTIVE

    def is_active(self, today: date) -> bool:
        """An entry matches only while active and not past its review-by date (SG-18)."""
        if self.status is not EntryStatus.ACTIVE:
            return False
        return self.review_by is None or today <= self.review_by


@dataclass(slots=True)
class ListInfo:
    """The registry record of a list (SG-17): who owns it, on what legal basis, what it holds."""

    name: str
    owner: str
    legal_basis: str
    list_type: ListType
    refreshed_on: date | None = None
    description: str = ""


@dataclass(slots=True)
class ImportResult:
    """What an importer read: the entries, and the problems it skipped past."""

    entries: list[WatchlistEntry] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


# Short and official forms the lists use that differ from the ISO 3166 English short names.
_COUNTRY_ALIASES: dict[str, str] = {
    "iran": "IRN",
    "syria": "SYR",
    "russia": "RUS",
    "united states": "USA",
    "usa": "USA",
    "united kingdom": "GBR",
    "korea, north": "PRK",
    "north korea": "PRK",
    "korea, south": "KOR",
    "south korea": "KOR",
    "burma": "MMR",
    "venezuela": "VEN",
    "bolivia": "BOL",
    "vietnam": "VNM",
    "tanzania": "TZA",
    "laos": "LAO",
    "moldova": "MDA",
    "turkey": "TUR",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "congo, democratic republic of the": "COD",
    "west bank": "PSE",
    "palestinian": "PSE",
    "czech republic": "CZE",
    "macedonia": "MKD",
    "the former yugoslav republic of macedonia": "MKD",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "hong kong": "HKG",
    "the gambia": "GMB",
    "macedonia, the former yugoslav republic of": "MKD",
}

_COUNTRY_BY_NAME: dict[str, str] = {
    name.casefold(): alpha3 for alpha3, (_a2, name) in ISO_3166.items()
} | _COUNTRY_ALIASES


def country_code(value: str) -> str:
    """The ISO alpha-3 code for a country name or code; unmapped values come back uppercased."""
    text = " ".join(value.split()).strip(" .")
    code = _COUNTRY_BY_NAME.get(text.casefold())
    if code is not None:
        return code
    if len(text) in (2, 3) and text.isupper():
        by_code = to_alpha3(text)
        if by_code is not None:
            return by_code
    return text.upper()
