"""The FastAPI application of a node."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI

import interlock
from interlock.alerts.service import alert_desk
from interlock.api import (
    alerts,
    audit,
    control,
    flights,
    match,
    messages,
    oversight,
    response,
    retention,
    rules,
    session,
    subjects,
    unmask,
    users,
)
from interlock.api import sharing as sharing_api
from interlock.api.deps import get_store
from interlock.api.errors import install_error_handler
from interlock.api.ledger import ledger_router
from interlock.response.worker import DeliveryWorker
from interlock.runtime import settle_heap
from interlock.screening.pool import ScreeningPool
from interlock.settings import Settings, get_settings
from interlock.sharing.context import SharingContext
from interlock.sharing.taxii import taxii_router
from interlock.sharing.taxii_access import taxii_authorizer, taxii_roots
from interlock.sharing.witnessing import node_witness
from interlock.sharing.worker import SharingWorker
from interlock.store import Store


def create_app(
    settings: Settings | None = None, *, serving: bool = False, sharing_loop: bool = True
) -> FastAPI:
    """The node's API over its store (migrated on creation). OpenAPI at ``/docs``. With
    ``serving`` (as ``interlock serve`` runs it) a background loop sends the notifications of
    confirmed alerts (:mod:`interlock.response.worker`), and ``settings.screen_workers``
    processes share the screening of large messages (:mod:`interlock.screening.pool`); with
    ``serving`` and ``sharing_loop`` another pushes shares to partners, pulls what was missed
    and collects witness cosignatures (:mod:`interlock.sharing.worker`)."""
    settings = settings or get_settings()
    store = Store.from_settings(settings)
    screening = store.screener  # one index per node, shared with ingest over HTTP

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        screening.current()  # index the stored lists before the first request
        if serving and settings.screen_workers > 0:
            store.screening_pool = ScreeningPool(
                settings.resolved_database_url, settings.screen_workers
            )
            store.screening_pool.warm()
        settle_heap()
        worker = DeliveryWorker(store, settings) if serving else None
        if worker is not None:
            worker.start()
        if serving and sharing_loop:
            _app.state.sharing_worker = SharingWorker(
                sharing,
                push_interval=settings.share_push_interval_seconds,
                pull_interval=settings.share_pull_interval_seconds,
            )
            _app.state.sharing_worker.start()
        try:
            yield
        finally:
            if _app.state.sharing_worker is not None:
                _app.state.sharing_worker.stop()
            sharing.close_links()
            if worker is not None:
                worker.stop()
            store.dispose()

    app = FastAPI(title="Interlock", version=interlock.__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.store = store
    app.state.screening = screening
    sharing = SharingContext.of(store, settings)
    app.state.sharing = sharing
    app.state.sharing_worker = None
    app.state.ledger = sharing.ledger
    app.state.witness = node_witness(sharing)
    app.state.alerts = alert_desk(store, settings, sharing)
    install_error_handler(app)
    app.include_router(messages.router)
    app.include_router(flights.router)
    app.include_router(match.router)
    app.include_router(match.yente_router)
    app.include_router(alerts.router)
    app.include_router(alerts.cases_router)
    for part in (
        session,
        users,
        audit,
        control,
        rules,
        response,
        retention,
        unmask,
        subjects,
        oversight,
    ):
        app.include_router(part.router)
    app.include_router(sharing_api.router)
    app.include_router(ledger_router())
    app.include_router(taxii_router(taxii_authorizer(sharing), taxii_roots(sharing)))
    app.add_api_route("/health", health, methods=["GET"], tags=["health"])
    return app


def health(store: Annotated[Store, Depends(get_store)]) -> dict[str, Any]:
    """Liveness and the store's reachability."""
    return {"status": "ok", "database": "ok" if store.ping() else "unreachable"}
