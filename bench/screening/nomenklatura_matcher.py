"""nomenklatura ``logic-v2`` (OpenSanctions) as a reference matcher: a bench-only extra.

Entries and queries become followthemoney entities (Person or Organization) with a unique id
each: logic-v2 caches its name analysis by entity id, so an id must never be reused for other
content. Names go in whole (``name``, ``alias``, ``weakAlias``); name parts only tag them
(``firstName``, ``lastName``), as logic-v2 scores name parts alone as 0. Every entry of the
list is compared with every query (brute force), as yente does with its candidates.
"""

from __future__ import annotations

import itertools

from followthemoney import EntityProxy, model
from nomenklatura.matching import LogicV2

from bench.screening.matchers import ALERT_LIMIT, REFERENCE_THRESHOLD, Ranking, above
from interlock.model.countries import ISO_3166
from interlock.screening.model import Query
from interlock.watchlists.model import EntryKind, NameStrength, PartialDate, WatchlistEntry

_NAME_PROPERTY = {
    NameStrength.PRIMARY: "name",
    NameStrength.ALIAS: "alias",
    NameStrength.WEAK_ALIAS: "weakAlias",
}
_GENDER = {"M": "male", "F": "female"}


def ftm_date(date: PartialDate) -> list[str]:
    """FtM date strings for a partial date: one, or every year of a range."""
    if date.range_to_year and not date.month:
        return [str(year) for year in range(date.year, date.range_to_year + 1)]
    text = f"{date.year:04d}"
    if date.month:
        text += f"-{date.month:02d}"
        if date.day:
            text += f"-{date.day:02d}"
    return [text]


def alpha2(code: str) -> str | None:
    """FtM country code (ISO alpha-2, lower case) for an alpha-3 code."""
    known = ISO_3166.get(code)
    return known[0].lower() if known and known[0] else None


class NomenklaturaMatcher:
    """logic-v2 with its default configuration, every entry scored."""

    name = "nomenklatura"
    threshold = REFERENCE_THRESHOLD

    def __init__(self) -> None:
        self._config = LogicV2.default_config()
        self._ids = itertools.count()
        self._entities: dict[str, EntityProxy] = {}

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def _entity(self, schema: str, prefix: str) -> EntityProxy:
        entity = model.make_entity(schema)
        entity.id = self._new_id(prefix)
        return entity

    def entry_entity(self, entry: WatchlistEntry) -> EntityProxy:
        """The entry as a Person or Organization with all its names and facts."""
        person = entry.kind is EntryKind.PERSON
        entity = self._entity("Person" if person else "Organization", "e")
        for name in entry.names:
            entity.add(_NAME_PROPERTY[name.strength], name.full, quiet=True)
            if person and name.given and name.family:
                entity.add("firstName", name.given, quiet=True)
                entity.add("lastName", name.family, quiet=True)
        if person:
            for date in entry.birth_dates:
                entity.add("birthDate", ftm_date(date), quiet=True)
            if entry.gender in _GENDER:
                entity.add("gender", _GENDER[entry.gender], quiet=True)
        for code in entry.nationalities:
            country = alpha2(code)
            if country:
                entity.add("nationality" if person else "country", country, quiet=True)
        return entity

    def query_entity(self, query: Query) -> EntityProxy:
        """The query as an entity: the whole name, its parts as tags, birth date, nationality."""
        person = query.kind is not EntryKind.ENTITY
        entity = self._entity("Person" if person else "Organization", "q")
        entity.add("name", query.full_name, quiet=True)
        if person and query.given_names and query.surname:
            entity.add("firstName", query.given_names, quiet=True)
            entity.add("lastName", query.surname, quiet=True)
        if person and query.birth_date:
            entity.add("birthDate", ftm_date(query.birth_date), quiet=True)
        if person and query.gender in _GENDER:
            entity.add("gender", _GENDER[query.gender], quiet=True)
        country = alpha2(query.nationality) if query.nationality else None
        if country:
            entity.add("nationality" if person else "country", country, quiet=True)
        return entity

    def prepare(self, entries: list[WatchlistEntry]) -> None:
        """Entities for the entries, and one warm-up query so each entry's names are analysed
        (cached by id) as an index build would."""
        self._entities = {entry.entry_id: self.entry_entity(entry) for entry in entries}
        self.query(Query(name="Warm Up"), 1)
        self.query(Query(name="Warm Up", kind=EntryKind.ENTITY), 1)

    def replace(self, entry: WatchlistEntry) -> None:
        self._entities[entry.entry_id] = self.entry_entity(entry)

    def query(self, query: Query, limit: int) -> Ranking:
        probe = self.query_entity(query)
        scored = [
            (entry_id, LogicV2.compare(probe, entity, self._config).score)
            for entry_id, entity in self._entities.items()
        ]
        scored.sort(key=lambda item: -item[1])
        return scored[:limit]

    def alerts(self, query: Query) -> Ranking:
        return above(self.query(query, ALERT_LIMIT), self.threshold)

    def pair_score(self, name1: str, name2: str, schema: str) -> float:
        one = self._entity(schema, "p")
        two = self._entity(schema, "p")
        one.add("name", name1, quiet=True)
        two.add("name", name2, quiet=True)
        return float(LogicV2.compare(one, two, self._config).score)
