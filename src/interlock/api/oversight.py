"""Statistics (``/api/v1/stats``, SG-60) and the public transparency page (``/transparency``,
SG-48).

The statistics need ``stats.read``; each reading is written to the audit log. The
transparency page and its JSON (``/transparency.json``) are open to anyone, without
credentials: they hold configuration, registries and suppressed aggregates only. Because
anyone can ask for them, the document is built at most once per :data:`CACHE_SECONDS` and
served from memory in between, and public readings are not written to the audit log (they
touch no personal data, and an open endpoint must not be able to grow the log).
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed
from interlock.api.deps import get_settings, get_store
from interlock.oversight import OversightConfig, Statistics, StatsPeriod
from interlock.oversight.transparency import render_html, transparency_document
from interlock.retention.policy import RetentionPolicy
from interlock.settings import Settings
from interlock.store import Store

router = APIRouter(tags=["oversight"])

CACHE_SECONDS = 60.0
"""How long a built transparency document is served before it is built again."""

StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@router.get("/api/v1/stats")
def get_stats(
    principal: Annotated[Principal, Depends(Allowed(Action.STATS_READ))],
    store: StoreDep,
    settings: SettingsDep,
    year: Annotated[int | None, Query(description="Calendar year (UTC); default this year")] = None,
    month: Annotated[int | None, Query(ge=1, le=12, description="One month of it")] = None,
) -> dict[str, Any]:
    """Aggregate figures of a year or month: travellers, matches, alerts by cause, rule
    versions by nationality group, lists, actions, retention. Small counts show as ``<5``."""
    config = OversightConfig.from_settings(settings)
    period = StatsPeriod(year or datetime.now(UTC).year, month)
    return Statistics(store.sessions, min_count=config.min_count).read(principal, period)


class _Cached:
    """The last transparency document built, and when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.built = 0.0
        self.document: dict[str, Any] | None = None


def public_document(request: Request, store: Store, settings: Settings) -> dict[str, Any]:
    """The transparency document, rebuilt when older than :data:`CACHE_SECONDS`."""
    cached: _Cached | None = getattr(request.app.state, "transparency", None)
    if cached is None:
        cached = _Cached()
        request.app.state.transparency = cached
    with cached.lock:
        if cached.document is None or time.monotonic() - cached.built > CACHE_SECONDS:
            policy = RetentionPolicy.of(
                settings.retention_pnr_months, settings.retention_max_months
            )
            cached.document = transparency_document(
                store, OversightConfig.from_settings(settings), policy
            )
            cached.built = time.monotonic()
        return cached.document


@router.get("/transparency", response_class=HTMLResponse)
def get_transparency_page(request: Request, store: StoreDep, settings: SettingsDep) -> HTMLResponse:
    """The public transparency page (no sign-in): who runs the node, legal bases, purposes,
    retention, watchlists, rules in force, partners, rights, yearly statistics."""
    return HTMLResponse(render_html(public_document(request, store, settings)))


@router.get("/transparency.json")
def get_transparency_json(
    request: Request, store: StoreDep, settings: SettingsDep
) -> dict[str, Any]:
    """The transparency page's content as JSON (no sign-in)."""
    return public_document(request, store, settings)
