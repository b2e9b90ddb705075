"""Screening over HTTP against the node's stored lists (their active entries):
``POST /api/v1/match`` (Interlock's shape) and ``POST /match/{dataset}`` (yente's shape, so
yente's clients can point at the node; see :mod:`interlock.api.yente`).

Both are searches of personal data: they need ``traveller.search`` and a stated purpose and
reason (SG-01: headers ``X-Interlock-Purpose`` / ``X-Interlock-Reason`` or the query
parameters ``purpose`` / ``reason``, which is how yente's clients can send them). Each search
is written to the audit log with its purpose, reason and how many results it gave; the
names searched for are never recorded (SG-37)."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

from interlock.access.purpose import AccessPurpose, DataRegime
from interlock.access.roles import Action, Principal
from interlock.api import yente
from interlock.api.auth import Allowed, Purposeful
from interlock.api.deps import get_store
from interlock.audit.log import AuditEvent, Outcome
from interlock.errors import ForbiddenError, NotFoundError
from interlock.screening import DEFAULT_THRESHOLD
from interlock.screening.queries import query_from_mapping
from interlock.screening.stored import Snapshot, StoredScreener
from interlock.store import Store

router = APIRouter(prefix="/api/v1/match", tags=["screening"])
yente_router = APIRouter(tags=["screening (yente-compatible)"])

MAX_QUERIES = 1000
YENTE_CUTOFF = 0.5  # yente's default lower bound for results to be returned at all


Searcher = Annotated[Principal, Depends(Allowed(Action.TRAVELLER_SEARCH))]
StoreDep = Annotated[Store, Depends(get_store)]


def _purpose_for_lists(store: Store, principal: Principal, access: AccessPurpose) -> None:
    """Refuse (403, audited) a purpose outside the watchlists' data regime (SG-01)."""
    try:
        access.check_regime(DataRegime.WATCHLIST)
    except ForbiddenError as err:
        refused = AuditEvent.by(principal, Action.TRAVELLER_SEARCH, access=access,
                                outcome=Outcome.REFUSED, detail={"why": err.reason})  # fmt: skip
        store.audit.write(refused)
        raise


def _audit_search(
    store: Store,
    principal: Principal,
    access: AccessPurpose,
    *,
    via: str,
    queries: int,
    results: int,
    lists: list[str] | None,
) -> None:
    store.audit.write(
        AuditEvent.by(
            principal,
            Action.TRAVELLER_SEARCH,
            access=access,
            subject_kind="watchlists",
            subject_id=",".join(lists) if lists else "all",
            detail={"via": via, "queries": queries, "results": results},
        )
    )


def get_snapshot(request: Request) -> Snapshot:
    """The node's screener over its stored lists, rebuilt when a list changed."""
    return cast(StoredScreener, request.app.state.screening).current()


class MatchQuery(BaseModel):
    """One person to screen: ``name`` (any order) or ``given_names`` and ``surname``."""

    id: str | None = None
    name: str | None = Field(None, examples=["Jane Doe"])
    given_names: str | None = None
    surname: str | None = None
    birth_date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD")
    nationality: str | None = Field(None, description="ISO 3166 alpha-2/alpha-3 or ICAO 9303")
    gender: str | None = Field(None, description="M or F")
    document_number: str | None = None
    document_country: str | None = None


class MatchRequest(BaseModel):
    queries: list[MatchQuery] = Field(..., min_length=1, max_length=MAX_QUERIES)
    lists: list[str] | None = Field(None, description="Stored list names (default: all)")
    threshold: float | None = Field(None, ge=0.0, le=1.0, description="Default: the node's")
    limit: int = Field(10, ge=1, le=100, description="Most matches per query")


class ExplanationOut(BaseModel):
    feature: str
    weight: float
    query_value: str
    entry_value: str
    reason: str


class MatchOut(BaseModel):
    entry_id: str
    list_name: str = Field(..., alias="list")
    score: float
    band: str
    matched_name: str
    explanations: list[ExplanationOut]


class QueryResult(BaseModel):
    id: str | None
    matches: list[MatchOut]


class MatchResponse(BaseModel):
    results: list[QueryResult]


@router.post("", response_model=MatchResponse)
def match(
    body: MatchRequest,
    principal: Searcher,
    access: Purposeful,
    store: StoreDep,
    snapshot: Annotated[Snapshot, Depends(get_snapshot)],
) -> Any:
    """Screen each query against the stored lists' active entries. Matches at or above the
    threshold, best first, each with its band (not a verdict, SG-22) and explanations."""
    _purpose_for_lists(store, principal, access)
    if body.lists is not None:
        snapshot.check_lists(body.lists)
    threshold = DEFAULT_THRESHOLD if body.threshold is None else body.threshold
    results = []
    total = 0
    for number, item in enumerate(body.queries):
        query = query_from_mapping(item.model_dump(), location=f"queries[{number}]")
        found = snapshot.screener.screen(
            query, threshold=threshold, limit=body.limit, lists=body.lists
        )
        results.append({"id": query.id, "matches": [m.as_dict() for m in found]})
        total += len(found)
    _audit_search(store, principal, access, via="api", queries=len(results), results=total,
                  lists=body.lists)  # fmt: skip
    return {"results": results}


@yente_router.post(
    "/match/{dataset}",
    response_model=yente.EntityMatchResponse,
    response_model_by_alias=True,
    responses={400: {"description": "Invalid query"}, 404: {"description": "No such dataset"}},
)
def match_yente(
    dataset: str,
    body: yente.EntityMatchQuery,
    response: Response,
    principal: Searcher,
    access: Purposeful,
    store: StoreDep,
    snapshot: Annotated[Snapshot, Depends(get_snapshot)],
    limit: Annotated[int, Query(ge=1, le=500)] = 5,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0)] = YENTE_CUTOFF,
    algorithm: Annotated[str, Query(description="Accepted; Interlock's scorer is used")] = "best",
) -> Any:
    """yente's query-by-example matcher. ``dataset`` is a stored list's name, or ``default``
    for every list. Results score at least ``cutoff``; ``match`` is true from ``threshold``."""
    _purpose_for_lists(store, principal, access)
    lists = _dataset_lists(snapshot, dataset)
    if not body.queries:
        raise yente.BadExampleError("No queries provided.")
    responses = {}
    total = 0
    for key, example in body.queries.items():
        queries = yente.example_queries(key, example)
        found = yente.merge_best(
            (snapshot.screener.screen(q, threshold=cutoff, limit=limit, lists=lists)
             for q in queries),
            limit,
        )  # fmt: skip
        responses[key] = {
            "status": 200,
            "results": [
                yente.scored_entity(m, snapshot.entry(m.list_name, m.entry_id), threshold)
                for m in found
            ],
            "total": {"value": len(found), "relation": "eq"},
            "query": example.model_dump(by_alias=True),
        }
        total += len(found)
    response.headers["x-batch-size"] = str(len(responses))
    _audit_search(store, principal, access, via="yente", queries=len(responses), results=total,
                  lists=lists)  # fmt: skip
    return {"responses": responses, "matcher": yente.matcher_docs(), "limit": limit}


def _dataset_lists(snapshot: Snapshot, dataset: str) -> list[str] | None:
    if dataset == "default":
        return None
    if dataset not in snapshot.lists:
        raise NotFoundError(f"No such dataset: {dataset}")
    return [dataset]
