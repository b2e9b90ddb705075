"""TAXII 2.1 (OASIS Standard, 10 June 2021) over the STIX objects a node shares: the HTTP
interface off-the-shelf clients use, over the store of :mod:`interlock.sharing.taxii_store`.

- Discovery at ``/taxii2/``; one API root per partner at ``/taxii2/{partner}/``, listed in
  discovery only to a caller allowed on it. Every endpoint under a root the caller may not use
  answers exactly as under a root that does not exist (404, the same error message), so a
  partner cannot learn the names of the others by probing.
- Collections per API root: ``alerts`` and ``watchlist-entries`` (read-only: what this node
  shares with the partner) and ``sightings`` (the partner may also add to it). Their ids are
  UUIDv5 of the root and name, so they never change.
- Media types as the standard fixes them: every response is ``application/taxii+json;
  version=2.1``; a request whose ``Accept`` admits no TAXII 2.1 response gets 406, a POST
  whose ``Content-Type`` is not it gets 415. Errors are TAXII error messages.
- Paging: ``limit`` and the opaque ``next`` of the envelope (``date_added`` and row id of the
  last object, so ties are broken by id); ``added_after`` and the headers
  ``X-TAXII-Date-Added-First``/``-Last`` (the ``date_added`` of the first and last object of
  the response) work on ``date_added``, which is strictly increasing within a collection in
  commit order (see :mod:`interlock.sharing.taxii_store`), so paging by ``added_after`` with
  the last header also loses nothing, even with concurrent writers.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations,
# and those of the routes made in :func:`taxii_router` name a dependency local to it.
import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any

import stix2  # type: ignore[import-untyped]
from fastapi import APIRouter, Depends, Request, Response

from interlock.access.roles import Principal
from interlock.errors import ParseError
from interlock.sharing.stix_read import read_object
from interlock.sharing.taxii_http import (
    TaxiiError,
    TaxiiRoute,
    object_query,
    paged,
    taxii_response,
)
from interlock.sharing.taxii_store import (
    _TITLES,
    MAX_CONTENT_LENGTH,
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    WRITABLE,
    CollectionName,
    TaxiiRepository,
    collection_id,
    micros,
    taxii_time,
    version_of,
)
from interlock.store import Store


def _collection_resource(api_root: str, name: CollectionName) -> dict[str, Any]:
    return {
        "id": collection_id(api_root, name),
        "title": _TITLES[name],
        "alias": name.value,
        "can_read": True,
        "can_write": name in WRITABLE,
        "media_types": [STIX_MEDIA_TYPE],
    }


def _collection(api_root: str, wanted: str) -> CollectionName:
    for name in CollectionName:
        if collection_id(api_root, name) == wanted:
            return name
    raise TaxiiError(404, "no such collection")


def _failure(obj: object, accepted: frozenset[str]) -> str | None:
    """Why an added object is refused, or None if it is valid STIX 2.1 the collection takes."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    stix_type = obj.get("type")
    if not isinstance(stix_type, str) or stix_type not in accepted:
        return f"this collection does not take {stix_type!r} objects"
    if obj.get("spec_version") != "2.1":
        return "only STIX 2.1 objects are taken"
    try:
        read_object(obj)
        stix2.parse(obj, allow_custom=True, version="2.1")
    # Whatever the STIX library raises marks the object invalid, never the request.
    except Exception as err:
        return f"invalid STIX 2.1: {str(err)[:300]}"
    return None


def _detail(obj: object, message: str | None = None) -> dict[str, str]:
    data = obj if isinstance(obj, dict) else {}
    detail = {"id": str(data.get("id", "")), "version": ""}
    try:
        detail["version"] = version_of(data)
    except ParseError:
        detail["version"] = str(data.get("modified", ""))
    if message:
        detail["message"] = message
    return detail


def status_resource(
    status_id: str, *, successes: list[dict[str, str]], failures: list[dict[str, str]]
) -> dict[str, Any]:
    """A complete status resource (section 4.3.1): nothing is left pending."""
    resource: dict[str, Any] = {
        "id": status_id,
        "status": "complete",
        "request_timestamp": taxii_time(micros(datetime.now(UTC))),
        "total_count": len(successes) + len(failures),
        "success_count": len(successes),
        "failure_count": len(failures),
        "pending_count": 0,
    }
    if successes:
        resource["successes"] = successes
    if failures:
        resource["failures"] = failures
    return resource


def _envelope(body: bytes) -> list[Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as err:
        raise TaxiiError(400, f"the body is not JSON: {err}") from err
    objects = data.get("objects", []) if isinstance(data, dict) else None
    if not isinstance(objects, list):
        raise TaxiiError(400, "expected an envelope: a JSON object with an 'objects' list")
    return objects


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > MAX_CONTENT_LENGTH:
        raise TaxiiError(413, f"larger than max_content_length ({MAX_CONTENT_LENGTH} bytes)")
    body = await request.body()
    if len(body) > MAX_CONTENT_LENGTH:
        raise TaxiiError(413, f"larger than max_content_length ({MAX_CONTENT_LENGTH} bytes)")
    return body


def taxii_router(
    authorize: Callable[[Principal, str], bool],
    roots: Callable[[], list[str]],
    *,
    title: str = "Interlock TAXII 2.1",
) -> APIRouter:
    """The TAXII 2.1 interface: ``roots()`` names the API roots (one per partner), and
    ``authorize(principal, api_root)`` says who may use which."""
    # Imported here: the app module imports this one (for the repository) at its own import.
    from interlock.api.auth import current_principal
    from interlock.api.deps import get_store

    router = APIRouter(prefix="/taxii2", tags=["taxii"], route_class=TaxiiRoute)
    PrincipalDep = Annotated[Principal, Depends(current_principal)]  # noqa: N806
    StoreDep = Annotated[Store, Depends(get_store)]  # noqa: N806

    def api_root_of(api_root: str, principal: PrincipalDep) -> str:
        # One answer for "unknown" and "not yours" (TAXII 2.1 allows 404 for a resource the
        # client has no access to); both checks always run, so neither short-cuts the other.
        known, permitted = api_root in roots(), authorize(principal, api_root)
        if not (known and permitted):
            raise TaxiiError(404, "no such API root")
        return api_root

    RootDep = Annotated[str, Depends(api_root_of)]  # noqa: N806

    @router.get("/")
    def discovery(request: Request, principal: PrincipalDep) -> Response:
        visible = [r for r in roots() if authorize(principal, r)]
        # Relative to this very path: the router may be mounted under any prefix.
        here = request.url.path.rstrip("/")
        urls = [f"{here}/{root}/" for root in visible]
        body = {
            "title": title,
            "description": "STIX 2.1 content shared with partner nodes (one API root each).",
            "api_roots": urls,
        }
        return taxii_response({k: v for k, v in body.items() if v})

    @router.get("/{api_root}/")
    def api_root_info(api_root: RootDep) -> Response:
        return taxii_response(
            {
                "title": f"Shared with {api_root}",
                "versions": [TAXII_MEDIA_TYPE],
                "max_content_length": MAX_CONTENT_LENGTH,
            }
        )

    @router.get("/{api_root}/collections/")
    def collections(api_root: RootDep) -> Response:
        listed = [_collection_resource(api_root, name) for name in CollectionName]
        return taxii_response({"collections": listed})

    @router.get("/{api_root}/collections/{collection}/")
    def collection(api_root: RootDep, collection: str) -> Response:
        return taxii_response(_collection_resource(api_root, _collection(api_root, collection)))

    @router.get("/{api_root}/collections/{collection}/objects/")
    def get_objects(
        request: Request, api_root: RootDep, collection: str, store: StoreDep
    ) -> Response:
        name = _collection(api_root, collection)
        page = TaxiiRepository(store.sessions).page(api_root, name, object_query(request))
        return paged(page, "objects", [o.object for o in page.objects])

    @router.post("/{api_root}/collections/{collection}/objects/")
    def add_objects(
        api_root: RootDep,
        collection: str,
        principal: PrincipalDep,
        store: StoreDep,
        body: Annotated[bytes, Depends(_body)],
    ) -> Response:
        name = _collection(api_root, collection)
        if name not in WRITABLE:
            raise TaxiiError(403, "this collection is read-only")
        objects = _envelope(body)
        failed = {i: _failure(obj, WRITABLE[name]) for i, obj in enumerate(objects)}
        valid = [obj for i, obj in enumerate(objects) if failed[i] is None]
        failures = [_detail(obj, failed[i]) for i, obj in enumerate(objects) if failed[i]]
        repository = TaxiiRepository(store.sessions)
        with store.transaction() as session:
            added = repository.add(session, api_root, name, valid)
            successes = [{"id": a.stix_id, "version": a.version} for a in added]
            resource = status_resource(str(uuid.uuid4()), successes=successes, failures=failures)
            repository.save_status(
                session, api_root, name, requested_by=principal.username, resource=resource
            )
        return taxii_response(resource, status_code=202)

    @router.get("/{api_root}/collections/{collection}/objects/{object_id}/")
    def get_object(
        request: Request, api_root: RootDep, collection: str, object_id: str, store: StoreDep
    ) -> Response:
        name, repository = _collection(api_root, collection), TaxiiRepository(store.sessions)
        if not repository.holds(api_root, name, object_id):
            raise TaxiiError(404, "no such object in this collection")
        query = replace(object_query(request), ids=(object_id,))
        page = repository.page(api_root, name, query)
        return paged(page, "objects", [o.object for o in page.objects])

    @router.get("/{api_root}/collections/{collection}/objects/{object_id}/versions/")
    def versions(
        request: Request, api_root: RootDep, collection: str, object_id: str, store: StoreDep
    ) -> Response:
        name, repository = _collection(api_root, collection), TaxiiRepository(store.sessions)
        if not repository.holds(api_root, name, object_id):
            raise TaxiiError(404, "no such object in this collection")
        query = replace(object_query(request), ids=(object_id,), versions=("all",))
        page = repository.page(api_root, name, query)
        return paged(page, "versions", [o.version for o in page.objects])

    @router.get("/{api_root}/collections/{collection}/manifest/")
    def manifest(request: Request, api_root: RootDep, collection: str, store: StoreDep) -> Response:
        name = _collection(api_root, collection)
        page = TaxiiRepository(store.sessions).page(api_root, name, object_query(request))
        records = [
            {
                "id": o.stix_id,
                "date_added": taxii_time(o.date_added),
                "version": o.version,
                "media_type": STIX_MEDIA_TYPE,
            }
            for o in page.objects
        ]
        return paged(page, "objects", records)

    @router.get("/{api_root}/status/{status_id}/")
    def status(api_root: RootDep, status_id: str, store: StoreDep) -> Response:
        resource = TaxiiRepository(store.sessions).status(api_root, status_id)
        if resource is None:
            raise TaxiiError(404, "no such status")
        return taxii_response(resource)

    return router
