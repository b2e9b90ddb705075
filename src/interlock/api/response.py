"""Rapid response over HTTP: acknowledging notifications and listing the notifications of an
alert or of a case (a partner's hit on one of this node's entries).

- ``POST /api/v1/notifications/ack`` with ``{"token": …}`` (or a form field ``token``): no
  sign-in, the token from the message is the proof. Answers which alert (or case) was
  acknowledged.
- ``GET /api/v1/notifications/ack?token=…``: the link in an e-mail opens a page with one button
  that posts the token. Opening the link acknowledges nothing, so a mail scanner that follows
  links cannot acknowledge for the person.
- ``POST /api/v1/notifications/{id}/ack``: a signed-in principal with ``notification.ack``.
- ``GET /api/v1/alerts/{alert_id}/notifications``: ``alert.read``.
- ``GET /api/v1/cases/{case_id}/notifications``: ``case.read``.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed
from interlock.api.deps import get_store
from interlock.errors import RefusedError
from interlock.response.notifications import Notifications
from interlock.store import Store

router = APIRouter(tags=["rapid response"])


def notifications(store: Annotated[Store, Depends(get_store)]) -> Notifications:
    """The notifications of the app's store."""
    return Notifications(store.sessions)


NotificationsDep = Annotated[Notifications, Depends(notifications)]


@router.post("/api/v1/notifications/ack")
async def ack_by_token(request: Request, found: NotificationsDep) -> Any:
    """Acknowledge with the token a notification carried; answers the notification and its
    alert (or case)."""
    token = _token(await request.body(), request.headers.get("content-type", ""))
    result = found.ack_by_token(token, now=datetime.now(UTC))
    if "application/x-www-form-urlencoded" in request.headers.get("content-type", ""):
        return HTMLResponse(_page(f"Acknowledged: {result.subject}. Thank you.", ""))
    return result.to_dict()


@router.get("/api/v1/notifications/ack", response_class=HTMLResponse)
def ack_page(token: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    """A page with one button that acknowledges (a GET changes nothing)."""
    form = (
        '<form method="post" action="/api/v1/notifications/ack">'
        f'<input type="hidden" name="token" value="{html.escape(token, quote=True)}">'
        '<button type="submit">I have taken this on</button></form>'
    )
    return HTMLResponse(_page("Acknowledge a notification", form))


@router.post("/api/v1/notifications/{notification_id}/ack")
def ack_by_principal(
    notification_id: int,
    found: NotificationsDep,
    principal: Annotated[Principal, Depends(Allowed(Action.NOTIFICATION_ACK))],
) -> dict[str, Any]:
    """Acknowledge a notification as the signed-in principal."""
    return found.ack_by_principal(principal, notification_id, now=datetime.now(UTC)).to_dict()


@router.get("/api/v1/alerts/{alert_id}/notifications")
def alert_notifications(
    alert_id: int,
    found: NotificationsDep,
    principal: Annotated[Principal, Depends(Allowed(Action.ALERT_READ))],
) -> list[dict[str, Any]]:
    """The notifications of one alert: recipients, status, attempts, acknowledgement."""
    return [item.to_dict() for item in found.for_alert(principal, alert_id)]


@router.get("/api/v1/cases/{case_id}/notifications")
def case_notifications(
    case_id: int,
    found: NotificationsDep,
    principal: Annotated[Principal, Depends(Allowed(Action.CASE_READ))],
) -> list[dict[str, Any]]:
    """The notifications of one case (a partner's hit): recipients, status, acknowledgement."""
    return [item.to_dict() for item in found.for_case(principal, case_id)]


def _token(body: bytes, content_type: str) -> str:
    """The token of a JSON body ``{"token": …}`` or a form body ``token=…``."""
    if "application/x-www-form-urlencoded" in content_type:
        values = parse_qs(body.decode("utf-8", "replace")).get("token", [""])
        return values[0]
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise RefusedError("the body is not JSON", location="body") from None
    token = data.get("token") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token:
        raise RefusedError("an acknowledgement token is required", location="token")
    return token


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>Interlock</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
