"""``/api/v1/alerts`` and ``/api/v1/cases``: the alert queue, reviews and decisions, actions on
persons, explanation packs, cases.

There is deliberately no endpoint that decides more than one alert (SG-22).
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal
from interlock.alerts import (
    ActionKind,
    AlertDesk,
    Basis,
    CaseDesk,
    Decision,
    HumanitarianFlag,
    QueueFilter,
    explanation_pack,
    render_pack_html,
)
from interlock.api.auth import Allowed, Purposeful
from interlock.api.deps import get_store
from interlock.store import Store

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])
cases_router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def get_desk(request: Request) -> AlertDesk:
    return cast(AlertDesk, request.app.state.alerts)


Desk = Annotated[AlertDesk, Depends(get_desk)]


class DecisionBody(BaseModel):
    decision: Decision
    checklist: dict[str, str] = Field(
        description="Every checklist item of the alert answered: yes, no or not-applicable."
    )
    reason: str


class FlagBody(BaseModel):
    flag: HumanitarianFlag
    note: str = ""


class ActionBody(BaseModel):
    kind: ActionKind
    reason: str
    basis: Basis = Basis.HUMAN_REVIEW
    humanitarian_note: str | None = None


class AssignBody(BaseModel):
    username: str | None = None


@router.get("")
def queue(
    desk: Desk,
    access: Purposeful,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_READ))],
    status: Annotated[str | None, Query()] = None,
    priority: Annotated[int | None, Query(ge=1, le=3)] = None,
    flight_key: Annotated[str | None, Query()] = None,
    case_id: Annotated[int | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """The queue: open alerts first, by priority and review deadline."""
    where = QueueFilter(status, priority, flight_key, case_id, limit)
    return desk.queue(principal, access, where)


@router.get("/{alert_id}")
def view(
    alert_id: int,
    desk: Desk,
    access: Purposeful,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_READ))],
) -> dict[str, Any]:
    """The alert with its evidence, exonerating facts, checklist, reviews and timeline."""
    return desk.view(principal, access, alert_id)


@router.post("/{alert_id}/review")
def start_review(
    alert_id: int,
    desk: Desk,
    access: Purposeful,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_REVIEW))],
) -> dict[str, Any]:
    """Start reviewing: the alert moves to under_review; the evidence and checklist come back."""
    return desk.start_review(principal, access, alert_id)


@router.post("/{alert_id}/decision")
def decide(
    alert_id: int,
    body: DecisionBody,
    desk: Desk,
    access: Purposeful,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_DECIDE))],
) -> dict[str, Any]:
    """Confirm or dismiss this one alert (checklist answered, reason given; a person only)."""
    return desk.decide(principal, access, alert_id, body.decision, body.checklist, body.reason)


@router.post("/{alert_id}/flags")
def flag(
    alert_id: int,
    body: FlagBody,
    desk: Desk,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_REVIEW))],
) -> dict[str, Any]:
    """Add a humanitarian flag (asylum request, medical need …)."""
    return desk.flag(principal, alert_id, body.flag, body.note)


@router.post("/{alert_id}/actions", status_code=201)
def act(
    alert_id: int,
    body: ActionBody,
    desk: Desk,
    principal: Annotated[Principal, Depends(Allowed(Action.PERSON_ACTION))],
) -> dict[str, Any]:
    """Record an action on the person of a confirmed alert (never on an automated basis)."""
    return desk.act(
        principal,
        alert_id,
        body.kind,
        body.reason,
        basis=body.basis,
        humanitarian_note=body.humanitarian_note,
    )


@router.post("/{alert_id}/assign")
def assign(
    alert_id: int,
    body: AssignBody,
    desk: Desk,
    principal: Annotated[Principal, Depends(Allowed(Action.CASE_MANAGE))],
) -> dict[str, Any]:
    return desk.assign(principal, alert_id, body.username)


@router.get("/{alert_id}/explanation")
def explanation(
    alert_id: int,
    store: Annotated[Store, Depends(get_store)],
    access: Purposeful,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_EXPORT))],
) -> dict[str, Any]:
    """The explanation pack as JSON (SG-46)."""
    return explanation_pack(store.sessions, principal, access, alert_id)


@router.get("/{alert_id}/explanation.html", response_class=HTMLResponse)
def explanation_page(
    alert_id: int,
    store: Annotated[Store, Depends(get_store)],
    access: Purposeful,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_EXPORT))],
) -> HTMLResponse:
    """The explanation pack as a readable page (SG-46)."""
    pack = explanation_pack(store.sessions, principal, access, alert_id)
    return HTMLResponse(render_pack_html(pack))


# cases ---------------------------------------------------------------------------------------


def get_cases(store: Annotated[Store, Depends(get_store)]) -> CaseDesk:
    return CaseDesk(store.sessions)


Cases = Annotated[CaseDesk, Depends(get_cases)]


class CaseBody(BaseModel):
    title: str
    priority: int = 3
    alert_ids: list[int] = []
    traveller_ids: list[int] = []


class CaseAlertBody(BaseModel):
    alert_id: int


class CaseTravellerBody(BaseModel):
    traveller_id: int


class NoteBody(BaseModel):
    text: str


class CloseBody(BaseModel):
    reason: str


Manager = Annotated[Principal, Depends(Allowed(Action.CASE_MANAGE))]


@cases_router.post("", status_code=201)
def open_case(body: CaseBody, cases: Cases, principal: Manager) -> dict[str, Any]:
    return cases.open(
        principal,
        body.title,
        priority=body.priority,
        alert_ids=tuple(body.alert_ids),
        traveller_ids=tuple(body.traveller_ids),
    )


@cases_router.get("")
def list_cases(
    cases: Cases,
    principal: Annotated[Principal, Depends(Allowed(Action.CASE_READ))],
    status: Annotated[str | None, Query()] = None,
) -> list[dict[str, Any]]:
    return cases.list(principal, status=status)


@cases_router.get("/{case_id}")
def get_case(
    case_id: int,
    cases: Cases,
    access: Purposeful,
    principal: Annotated[Principal, Depends(Allowed(Action.CASE_READ))],
) -> dict[str, Any]:
    return cases.get(principal, access, case_id)


@cases_router.post("/{case_id}/alerts")
def case_alert(
    case_id: int, body: CaseAlertBody, cases: Cases, principal: Manager
) -> dict[str, Any]:
    return cases.add_alert(principal, case_id, body.alert_id)


@cases_router.post("/{case_id}/travellers")
def case_traveller(
    case_id: int, body: CaseTravellerBody, cases: Cases, principal: Manager
) -> dict[str, Any]:
    return cases.add_traveller(principal, case_id, body.traveller_id)


@cases_router.post("/{case_id}/notes")
def case_note(case_id: int, body: NoteBody, cases: Cases, principal: Manager) -> dict[str, Any]:
    return cases.note(principal, case_id, body.text)


@cases_router.post("/{case_id}/assign")
def case_assign(case_id: int, body: AssignBody, cases: Cases, principal: Manager) -> dict[str, Any]:
    return cases.assign(principal, case_id, body.username)


@cases_router.post("/{case_id}/close")
def case_close(case_id: int, body: CloseBody, cases: Cases, principal: Manager) -> dict[str, Any]:
    return cases.close(principal, case_id, body.reason)
