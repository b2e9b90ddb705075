"""``/api/v1/subject-requests``: data-subject requests (SG-45), for the DPO.

Every route needs ``subject-request.manage`` (403 and an audit entry otherwise). Searching and
exporting read travellers' data, so they also take a stated purpose and reason (SG-01), in the
``X-Interlock-Purpose`` / ``X-Interlock-Reason`` headers or the ``purpose`` / ``reason`` query
parameters, like every other read of personal data.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed, Purposeful
from interlock.api.deps import get_settings, get_store
from interlock.settings import Settings
from interlock.store import Store
from interlock.subjects import SubjectRequests
from interlock.subjects.node import node_subject_requests

router = APIRouter(prefix="/api/v1/subject-requests", tags=["subject requests"])
Dpo = Annotated[Principal, Depends(Allowed(Action.SUBJECT_REQUEST))]


def get_requests(
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> SubjectRequests:
    """The node's data-subject requests over its store, with its periods."""
    return node_subject_requests(store, settings)


Requests = Annotated[SubjectRequests, Depends(get_requests)]


class NewRequest(BaseModel):
    """A request as received: its kind and the details the person gave to identify
    themselves (a surname with birth date, or a document number)."""

    kind: str | None = Field(default=None, description="access|rectification|erasure|restriction")
    surname: str | None = None
    given_names: str | None = None
    birth_date: date | None = None
    document_number: str | None = None
    received_on: date | None = Field(default=None, description="Default: today.")
    due_on: date | None = Field(default=None, description="Default: one month after receipt.")


class AnswerRequest(BaseModel):
    note: str | None = Field(default=None, description="What was sent or done.")
    touched_ids: list[int] = Field(default_factory=list, description="Traveller ids concerned.")
    partial: bool = Field(default=False, description="Part was withheld on a legal ground.")
    ground: str | None = Field(default=None, description="Legal ground of what was withheld.")
    reason: str | None = None


class RefuseRequest(BaseModel):
    ground: str | None = Field(default=None, description="Legal ground, e.g. led-15-1-a.")
    reason: str | None = None


@router.post("", status_code=201)
def post_request(body: NewRequest, principal: Dpo, requests: Requests) -> dict[str, Any]:
    """Record a request; the due date is computed from the date of receipt."""
    created = requests.add(
        principal,
        body.kind or "",
        surname=body.surname,
        given_names=body.given_names,
        birth_date=body.birth_date,
        document_number=body.document_number,
        received_on=body.received_on,
        due_on=body.due_on,
    )
    return created.to_dict()


@router.get("")
def get_list(
    principal: Dpo,
    requests: Requests,
    status: Annotated[str | None, Query(description="open, answered, ...")] = None,
    overdue: Annotated[bool, Query(description="Open requests past their due date.")] = False,
) -> list[dict[str, Any]]:
    """Requests, the soonest due first, without the requesters' details."""
    return [
        r.to_dict(details=False) for r in requests.all(principal, status=status, overdue=overdue)
    ]


@router.get("/{request_id}")
def get_one(request_id: int, principal: Dpo, requests: Requests) -> dict[str, Any]:
    """One request with the requester's details and its timeline (the reading is audited)."""
    return requests.get(principal, request_id).to_dict()


@router.post("/{request_id}/search")
def post_search(
    request_id: int, principal: Dpo, access: Purposeful, requests: Requests
) -> dict[str, Any]:
    """The stored travellers that are the requester (exact name and birth date, or document)."""
    return requests.search(principal, access, request_id).to_dict()


@router.post("/{request_id}/export")
def post_export(
    request_id: int, principal: Dpo, access: Purposeful, requests: Requests
) -> dict[str, Any]:
    """What the node holds about the requester, as JSON."""
    return requests.export(principal, access, request_id)


@router.post("/{request_id}/answer")
def post_answer(
    request_id: int, body: AnswerRequest, principal: Dpo, requests: Requests
) -> dict[str, Any]:
    """Close the request as answered (or partially answered, with a legal ground)."""
    answered = requests.answer(
        principal,
        request_id,
        note=body.note,
        touched_ids=body.touched_ids,
        partial=body.partial,
        ground=body.ground,
        reason=body.reason,
    )
    return answered.to_dict()


@router.post("/{request_id}/refuse")
def post_refuse(
    request_id: int, body: RefuseRequest, principal: Dpo, requests: Requests
) -> dict[str, Any]:
    """Close the request as refused, on a legal ground from the closed list and a reason."""
    return requests.refuse(principal, request_id, ground=body.ground, reason=body.reason).to_dict()


@router.post("/purge")
def post_purge(principal: Dpo, requests: Requests) -> dict[str, Any]:
    """Delete the requester's details of requests closed longer ago than the period."""
    return {"purged": requests.purge_details(principal)}
