"""The request and response shapes of yente's ``POST /match/{dataset}``, so yente's clients can
point at an Interlock node, and their translation to and from Interlock's screening types.

Written from yente's documented API models (``yente/data/common.py``: ``EntityExample``,
``EntityMatchQuery``, ``EntityMatches``, ``ScoredEntityResponse``, ``TotalSpec``,
``EntityMatchResponse``; route ``yente/routers/match.py``) and the OpenSanctions matching API
documentation (https://www.opensanctions.org/docs/api/request/ and .../response/). A query is an
entity in FollowTheMoney form (``schema`` and ``properties``, each a list of strings); a result
is a listed entry in the same form with ``score``, ``match`` (score at or above the threshold),
``features`` (feature → weight, the older form) and ``explanations`` (feature → score and detail,
the newer form). Entries are identified by their list's own id (a UN reference number, an OFAC
``ent_num``); ``datasets`` names the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from interlock.errors import InterlockError
from interlock.screening.model import Match, Query
from interlock.screening.queries import alpha3, date_text, query_from_mapping
from interlock.watchlists.model import EntryKind, NameStrength, WatchlistEntry, country_code

PERSON_SCHEMAS = frozenset({"Person", "LegalEntity", "Thing"})
ENTITY_SCHEMAS = frozenset({"Organization", "Company", "PublicBody"})
_NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
_DOCUMENT_PROPS = ("passportNumber", "idNumber")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_MAX_NAMES = 8
_FTM_GENDER = {"M": "male", "F": "female"}  # name variants screened per example


class BadExampleError(InterlockError):
    """An example entity that cannot be turned into a query (yente answers 400)."""

    status_code = 400


class EntityExample(BaseModel):
    """An entity described by example: ``schema`` and ``properties`` (lists of strings)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, examples=["my-entity-id"])
    schema_: str = Field(..., alias="schema", examples=["Person"])
    properties: dict[str, str | list[Any]] = Field(
        ..., examples=[{"name": ["Jane Doe"], "birthDate": ["1975-04-21"]}]
    )


class EntityMatchQuery(BaseModel):
    """The request body: examples by a key of the caller's choice."""

    weights: dict[str, float] = Field({}, description="Accepted for compatibility; not used.")
    config: dict[str, Any] = Field({}, description="Accepted for compatibility; not used.")
    queries: dict[str, EntityExample]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class FeatureResult(BaseModel):
    score: float
    detail: str | None = None


class ScoredEntityResponse(BaseModel):
    """One listed entry scored against the example."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = True
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    last_change: datetime | None = None
    score: float
    match: bool
    features: dict[str, float]
    explanations: dict[str, FeatureResult]


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class FeatureDoc(BaseModel):
    description: str | None = None
    coefficient: float
    url: str = ""


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, FeatureDoc]
    limit: int


def _values(example: EntityExample, prop: str) -> list[str]:
    raw = example.properties.get(prop, [])
    items = [raw] if isinstance(raw, str) else raw
    return [" ".join(str(v).split()) for v in items if isinstance(v, str | int) and str(v).strip()]


def example_queries(key: str, example: EntityExample) -> list[Query]:
    """One query per name of the example (``name``, ``alias``, or the name parts combined),
    with its first birth date, nationality, gender and document number."""
    kind = _kind(example.schema_)
    names = _names(example)
    if not names:
        raise BadExampleError(f"Cannot parse example entity {key!r}: it has no name")
    row = {
        "id": example.id or key,
        "birth_date": _birth_date(example),
        "nationality": _first(_countries(example)),
        "gender": _gender(_first(_values(example, "gender"))),
        "document_number": _first([v for p in _DOCUMENT_PROPS for v in _values(example, p)]),
    }
    queries = []
    for name in names[:_MAX_NAMES]:
        try:
            query = query_from_mapping({**row, "name": name}, location=f"queries.{key}")
        except InterlockError as exc:
            raise BadExampleError(f"Cannot parse example entity {key!r}: {exc}") from None
        query.kind = kind
        queries.append(query)
    return queries


def _kind(schema: str) -> EntryKind:
    if schema in PERSON_SCHEMAS:
        return EntryKind.PERSON
    if schema in ENTITY_SCHEMAS:
        return EntryKind.ENTITY
    raise BadExampleError(f"Cannot parse example entity: schema {schema!r} is not matched here")


def _names(example: EntityExample) -> list[str]:
    names = _values(example, "name") + _values(example, "alias")
    parts = [_first(_values(example, prop)) for prop in _NAME_PARTS]
    combined = " ".join(part for part in parts if part)
    if combined:
        names.append(combined)
    return list(dict.fromkeys(names))


def _birth_date(example: EntityExample) -> str | None:
    """The first birth date given as YYYY, YYYY-MM or YYYY-MM-DD (a time part is dropped)."""
    for value in _values(example, "birthDate"):
        found = _DATE.match(value)
        if found:
            return found.group(0)
    return None


def _countries(example: EntityExample) -> list[str]:
    values = [v for p in ("nationality", "citizenship", "country") for v in _values(example, p)]
    codes = [alpha3(v) if len(v) <= 3 else alpha3(country_code(v)) for v in values]
    return [code for code in codes if code]


def _gender(value: str | None) -> str | None:
    return {"male": "M", "female": "F", "m": "M", "f": "F"}.get((value or "").lower())


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def merge_best(results: Iterable[list[Match]], limit: int) -> list[Match]:
    """The best match per entry over several name variants, best first."""
    best: dict[tuple[str, str], Match] = {}
    for matches in results:
        for match in matches:
            key = (match.list_name, match.entry_id)
            if key not in best or match.score > best[key].score:
                best[key] = match
    return sorted(best.values(), key=lambda m: -m.score)[:limit]


def scored_entity(match: Match, entry: WatchlistEntry | None, threshold: float) -> dict[str, Any]:
    """A match as yente's ``ScoredEntityResponse``, with the entry's data as FtM properties."""
    features: dict[str, float] = {}
    explanations: dict[str, dict[str, Any]] = {}
    for item in match.explanations:
        features[item.feature] = round(features.get(item.feature, 0.0) + item.weight, 4)
        detail = f"{item.reason} ({item.query_value!r} ~ {item.entry_value!r})"
        explanations[item.feature] = {"score": features[item.feature], "detail": detail}
    listed = datetime.combine(entry.listed_on, time()) if entry and entry.listed_on else None
    return {
        "id": match.entry_id,
        "caption": _caption(match, entry),
        "schema": "Person" if entry is None or entry.kind is EntryKind.PERSON else "Organization",
        "properties": entity_properties(entry) if entry else {"name": [match.matched_name]},
        "datasets": [match.list_name],
        "referents": [],
        "target": True,
        "first_seen": listed,
        "last_seen": None,
        "last_change": None,
        "score": round(match.score, 4),
        "match": match.score >= threshold,
        "features": features,
        "explanations": explanations,
    }


def _caption(match: Match, entry: WatchlistEntry | None) -> str:
    if entry is not None and entry.names:
        return entry.names[0].full
    return match.matched_name or match.entry_id


def entity_properties(entry: WatchlistEntry) -> dict[str, list[str]]:
    """An entry's data under FollowTheMoney property names; empty ones left out."""
    by_strength = {strength: [n.full for n in entry.names if n.strength is strength]
                   for strength in NameStrength}  # fmt: skip
    props = {
        "name": by_strength[NameStrength.PRIMARY],
        "alias": by_strength[NameStrength.ALIAS],
        "weakAlias": by_strength[NameStrength.WEAK_ALIAS],
        "birthDate": [date_text(d) or "" for d in entry.birth_dates],
        "nationality": list(entry.nationalities),
        "gender": [_FTM_GENDER[entry.gender]] if entry.gender in _FTM_GENDER else [],
        "passportNumber": [d.number for d in entry.documents if d.type.upper().startswith("P")],
        "idNumber": [d.number for d in entry.documents if not d.type.upper().startswith("P")],
        "sourceUrl": [entry.source_reference] if entry.source_reference else [],
        "notes": [entry.reason] if entry.reason else [],
    }
    return {key: values for key, values in props.items() if values}


def matcher_docs() -> dict[str, dict[str, Any]]:
    """The features Interlock's scorer explains, as yente's ``FeatureDocs`` (older clients
    read it): ``coefficient`` is the largest weight the feature can add."""
    from interlock.screening.score import EVIDENCE

    def most(prefix: str) -> float:
        return max((abs(v) for k, v in EVIDENCE.items() if k.startswith(prefix)), default=0.0)

    docs = {
        "name": ("Names compared word by word in any order, across scripts and spellings", 1.0),
        "birth_date": ("Birth dates: same date or year for, a different year against", None),
        "nationality": ("Nationality: weak evidence for or against", None),
        "gender": ("Gender: weak evidence against when it differs", None),
        "document": ("The same document number (of the right issuer): strong evidence", None),
    }
    return {
        feature: {"description": text, "coefficient": weight or most(feature), "url": ""}
        for feature, (text, weight) in docs.items()
    }
