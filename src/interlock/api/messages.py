"""``/api/v1/messages``: ingest a raw message over HTTP (``message.ingest``: carrier gateways'
service accounts), read a message's metadata (``message.read``; no body, no traveller)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed
from interlock.api.deps import get_settings, get_store
from interlock.api.errors import MessageTooLargeError
from interlock.errors import NotFoundError
from interlock.ingest.service import Ingestor, IngestOutcome
from interlock.settings import Settings
from interlock.store import MessageInfo, Store

router = APIRouter(prefix="/api/v1/messages", tags=["messages"])

RAW_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The message exactly as received (PAXLST, PNRGOV, MRZ text, CSV, JSONL).",
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise MessageTooLargeError(f"message larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise MessageTooLargeError(f"message larger than {limit} bytes")
    return bytes(body)


@router.post(
    "",
    status_code=201,
    response_model=IngestOutcome,
    openapi_extra=RAW_BODY,
    responses={
        200: {"description": "The same bytes were received before (status duplicate)."},
        401: {"description": "No valid credentials."},
        403: {"description": "The account may not send messages in."},
        413: {"description": "The body is larger than the node accepts."},
        422: {"description": "Unreadable; the message is recorded as failed with the reason."},
    },
)
async def post_message(
    request: Request,
    response: Response,
    principal: Annotated[Principal, Depends(Allowed(Action.MESSAGE_INGEST))],
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
    sender_header: Annotated[str | None, Header(alias="X-Interlock-Sender")] = None,
    source_header: Annotated[str | None, Header(alias="X-Interlock-Source")] = None,
    sender: Annotated[str | None, Query()] = None,
    source: Annotated[str | None, Query()] = None,
) -> IngestOutcome | JSONResponse:
    """Ingest one raw message: 201 stored, 200 duplicate, 422 unreadable, 413 too large."""
    data = await _read_body(request, settings.max_message_bytes)
    outcome = await run_in_threadpool(
        Ingestor(store).ingest_bytes,
        data,
        source=source_header or source or "http",
        sender=sender_header or sender,
    )
    if outcome.status == "failed":
        return JSONResponse(outcome.to_dict(), status_code=422)
    response.status_code = 200 if outcome.status == "duplicate" else 201
    return outcome


@router.get("/{message_id}", response_model=MessageInfo)
def get_message(
    message_id: int,
    principal: Annotated[Principal, Depends(Allowed(Action.MESSAGE_READ))],
    store: Annotated[Store, Depends(get_store)],
) -> MessageInfo:
    """A received message's metadata, status history, warnings and errors (not its body)."""
    info = store.messages.get(message_id)
    if info is None:
        raise NotFoundError(f"no message {message_id}")
    return info
