"""Risk rules over HTTP (``/api/v1/rules``): read, draft, submit, backtest, approve, reject,
retire, and the quality figures (SG-10..SG-15).

A draft is sent as YAML (``Content-Type: application/yaml`` or ``text/plain``) or as JSON
``{"source": "<yaml>"}``. A backtest runs the rule over personal data and so states its
purpose and reason (SG-01). Refusals carry the place: ``{"detail": …, "location":
"when.all[2].field"}``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed, Purposeful
from interlock.api.deps import get_store
from interlock.errors import RefusedError
from interlock.rules.backtest import backtest_rule
from interlock.rules.quality import rule_quality
from interlock.rules.validate import MAX_SOURCE
from interlock.rules.workflow import RuleWorkflow
from interlock.store import Store

router = APIRouter(prefix="/api/v1/rules", tags=["rules"])

StoreDep = Annotated[Store, Depends(get_store)]


def workflow(store: StoreDep) -> RuleWorkflow:
    return RuleWorkflow(store.sessions)


Workflow = Annotated[RuleWorkflow, Depends(workflow)]


async def rule_source(request: Request) -> str:
    """The YAML of a draft: the body itself, or the ``source`` member of a JSON body."""
    raw = await request.body()
    if len(raw) > MAX_SOURCE * 4:
        raise RefusedError("rule source too long", location="source")
    text = raw.decode("utf-8", errors="replace")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = json.loads(text)
        except ValueError:
            raise RefusedError("unreadable JSON body", location="body") from None
        if not isinstance(data, dict) or not isinstance(data.get("source"), str):
            raise RefusedError('send {"source": "<rule YAML>"}', location="source")
        return str(data["source"])
    return text


class Decision(BaseModel):
    reason: str | None = Field(None, description="Why (required to reject or retire).")


@router.get("")
def list_rules(
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_READ))], rules: Workflow
) -> list[dict[str, Any]]:
    """The newest version of every rule."""
    return [v.to_dict() for v in rules.rules(principal)]


@router.get("/quality")
def quality(
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_READ))],
    store: StoreDep,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = 0.9,
    min_decided: Annotated[int, Query(ge=1)] = 20,
) -> list[dict[str, Any]]:
    """Hits, confirmed, dismissed and open alerts per rule version and nationality group,
    and whether the version is flagged for review (SG-15)."""
    found = rule_quality(store.sessions, principal, threshold=threshold, min_decided=min_decided)
    return [q.to_dict() for q in found]


@router.get("/{name}")
def get_rule(
    name: str,
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_READ))],
    rules: Workflow,
) -> dict[str, Any]:
    """Every version of a rule, newest first, each with its last backtest."""
    return {"name": name, "versions": [v.to_dict() for v in rules.versions(principal, name)]}


@router.post("", status_code=201)
def create_draft(
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_DRAFT))],
    rules: Workflow,
    source: Annotated[str, Depends(rule_source)],
) -> dict[str, Any]:
    """Validate and store a draft (a new rule or a new version)."""
    return rules.draft(principal, source).to_dict()


@router.post("/{name}/submit")
def submit(
    name: str,
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_DRAFT))],
    rules: Workflow,
) -> dict[str, Any]:
    """Put the draft up for approval."""
    return rules.submit(principal, name).to_dict()


@router.post("/{name}/backtest")
def backtest(
    name: str,
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_BACKTEST))],
    access: Purposeful,
    store: StoreDep,
    version: int | None = None,
    departure_from: date | None = None,
    departure_to: date | None = None,
) -> dict[str, Any]:
    """Run the version over stored travellers; the result is stored on it (SG-11)."""
    return backtest_rule(
        store.sessions,
        principal,
        access,
        name,
        version=version,
        departure_from=departure_from,
        departure_to=departure_to,
    )


@router.post("/{name}/approve")
def approve(
    name: str,
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_APPROVE))],
    rules: Workflow,
    body: Annotated[Decision | None, Body()] = None,
) -> dict[str, Any]:
    """Approve and activate the submitted version (a second person, after a backtest)."""
    reason = body.reason if body else None
    return rules.approve(principal, name, reason=reason).to_dict()


@router.post("/{name}/reject")
def reject(
    name: str,
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_APPROVE))],
    rules: Workflow,
    body: Decision,
) -> dict[str, Any]:
    """Refuse the submitted version, with a reason."""
    return rules.reject(principal, name, body.reason or "").to_dict()


@router.post("/{name}/retire")
def retire(
    name: str,
    principal: Annotated[Principal, Depends(Allowed(Action.RULE_APPROVE))],
    rules: Workflow,
    body: Decision,
) -> dict[str, Any]:
    """Stop the active version, with a reason."""
    return rules.retire(principal, name, body.reason or "").to_dict()
