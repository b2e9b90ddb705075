"""``/api/v1/flights``: flights and their manifest versions (``message.read``: flight data
and traveller counts, no traveller)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from interlock.access.roles import Action, Principal
from interlock.api.auth import Allowed
from interlock.api.deps import get_store
from interlock.errors import NotFoundError
from interlock.store import FlightInfo, Store

router = APIRouter(prefix="/api/v1/flights", tags=["flights"])
Reader = Annotated[Principal, Depends(Allowed(Action.MESSAGE_READ))]


@router.get("", response_model=list[FlightInfo])
def list_flights(
    principal: Reader,
    store: Annotated[Store, Depends(get_store)],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[FlightInfo]:
    """Flights by departure date, with the traveller count of their current manifests."""
    return store.flights.list(limit=limit, offset=offset)


@router.get("/{key:path}", response_model=FlightInfo)
def get_flight(
    key: str, principal: Reader, store: Annotated[Store, Depends(get_store)]
) -> FlightInfo:
    """One flight by key (``LH400/2024-05-01``) with every manifest version and its legs."""
    flight = store.flights.get(key)
    if flight is None:
        raise NotFoundError(f"no flight {key}")
    return flight
