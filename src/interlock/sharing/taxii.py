"""TAXII 2.1 (OASIS Standard, 10 June 2021) over the STIX objects a node shares: the store of
object versions per API root and collection, and the HTTP interface off-the-shelf clients use.

- Discovery at ``/taxii2/``; one API root per partner at ``/taxii2/{partner}/``, listed in
  discovery only to a caller allowed on it.
- Collections per API root: ``alerts`` and ``watchlist-entries`` (read-only: what this node
  shares with the partner) and ``sightings`` (the partner may also add to it). Their ids are
  UUIDv5 of the root and name, so they never change.
- Media types as the standard fixes them: every response is ``application/taxii+json;
  version=2.1``; a request whose ``Accept`` admits no TAXII 2.1 response gets 406, a POST
  whose ``Content-Type`` is not it gets 415. Errors are TAXII error messages.
- Paging: ``limit`` and the opaque ``next`` of the envelope; ``added_after`` and the headers
  ``X-TAXII-Date-Added-First``/``-Last`` work on ``date_added``, which only grows within a
  collection, so paging by ``added_after`` also loses nothing.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the endpoints' annotations,
# and those of the routes made in :func:`taxii_router` name a dependency local to it.
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import stix2  # type: ignore[import-untyped]
from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from interlock.access.roles import Principal
from interlock.errors import InterlockError, ParseError
from interlock.sharing.stix import NAMESPACE, parse_timestamp, read_object
from interlock.store import Store
from interlock.store.schema_taxii import TaxiiObjectRow, TaxiiStatusRow
from interlock.store.writer import insert_or_ignore

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"
MAX_PAGE = 1000
"""The most objects one response carries; a larger ``limit`` gets this many and ``more``."""
DEFAULT_PAGE = 100
MAX_CONTENT_LENGTH = 10 * 1024 * 1024
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_UNVERSIONED = "1970-01-01T00:00:00.000000Z"  # objects with neither modified nor created


class CollectionName(StrEnum):
    """The collections of every API root."""

    ALERTS = "alerts"
    WATCHLIST_ENTRIES = "watchlist-entries"
    SIGHTINGS = "sightings"


_TITLES = {
    CollectionName.ALERTS: "Confirmed hits on the partner's watchlist entries",
    CollectionName.WATCHLIST_ENTRIES: "Watchlist entries and revocations shared with the partner",
    CollectionName.SIGHTINGS: "Sightings and corrections",
}
# What a partner may add, per collection; the others are read-only.
WRITABLE: dict[CollectionName, frozenset[str]] = {
    CollectionName.SIGHTINGS: frozenset(
        {"sighting", "identity", "location", "marking-definition", "extension-definition"}
    ),
}


def collection_id(api_root: str, name: CollectionName) -> str:
    """The stable id of a collection of an API root."""
    return str(uuid.uuid5(NAMESPACE, f"taxii/{api_root}/{name.value}"))


# --- the store ---------------------------------------------------------------------------


def micros(moment: datetime) -> int:
    """``moment`` in microseconds since 1970 (UTC)."""
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def taxii_time(value: int) -> str:
    """A ``date_added`` (microseconds) as a TAXII timestamp with microseconds."""
    return (_EPOCH + timedelta(microseconds=value)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def version_of(obj: Mapping[str, Any], where: str = "object") -> str:
    """The TAXII version of a STIX object: its ``modified`` (else ``created``) in UTC with
    microseconds, so that one version has one spelling and versions sort as text."""
    value = obj.get("modified", obj.get("created"))
    if value is None:
        return _UNVERSIONED
    return parse_timestamp(value, f"{where}.modified").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class Added:
    """One object given to :meth:`TaxiiRepository.add`; ``new`` is False for a version the
    collection already held."""

    stix_id: str
    version: str
    date_added: int
    new: bool


@dataclass(frozen=True, slots=True)
class StoredObject:
    row_id: int
    stix_id: str
    version: str
    date_added: int
    object: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ObjectQuery:
    """The filters of Get Objects (TAXII 2.1 section 3.4.2). ``versions`` holds ``last``,
    ``first``, ``all`` or normalised versions; ``after`` is the paging cursor."""

    added_after: int | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    spec_versions: tuple[str, ...] = ()
    limit: int = DEFAULT_PAGE
    after: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Page:
    objects: list[StoredObject]
    more: bool

    @property
    def next(self) -> str | None:
        """The cursor of the next page, when there is one."""
        if not self.more or not self.objects:
            return None
        last = self.objects[-1]
        return f"{last.date_added}.{last.row_id}"


class TaxiiRepository:
    """The object versions of every API root and collection, and the add requests' status."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(
        self,
        session: Session,
        api_root: str,
        collection: CollectionName | str,
        objects: Sequence[Mapping[str, Any]],
    ) -> list[Added]:
        """Store the objects in ``session``'s transaction; a version already held is left as
        it was. ``date_added`` grows with every new version added to the collection."""
        name = CollectionName(collection)
        keys = [_key(obj, f"objects[{i}]") for i, obj in enumerate(objects)]
        held = self._held(session, api_root, name, {stix_id for stix_id, _ in keys})
        clock = self._next_added(session, api_root, name)
        result: list[Added] = []
        for obj, key in zip(objects, keys, strict=True):
            if key in held:
                result.append(Added(*key, date_added=held[key], new=False))
                continue
            held[key] = clock
            self._insert(session, api_root, name, obj, key, clock)
            result.append(Added(*key, date_added=clock, new=True))
            clock += 1
        return result

    def page(self, api_root: str, collection: CollectionName, query: ObjectQuery) -> Page:
        """One page of the object versions ``query`` selects, oldest ``date_added`` first."""
        statement = _select(api_root, collection, query)
        with self.sessions() as session:
            rows = session.scalars(statement.limit(query.limit + 1)).all()
        found = [
            StoredObject(r.id, r.stix_id, r.version, r.added_at, r.stix_object)
            for r in rows[: query.limit]
        ]
        return Page(found, more=len(rows) > query.limit)

    def holds(self, api_root: str, collection: CollectionName, stix_id: str) -> bool:
        """Whether any version of ``stix_id`` is in the collection."""
        statement = _scope(select(TaxiiObjectRow.id), api_root, collection).where(
            TaxiiObjectRow.stix_id == stix_id
        )
        with self.sessions() as session:
            return session.execute(statement.limit(1)).first() is not None

    def save_status(
        self,
        session: Session,
        api_root: str,
        collection: CollectionName,
        *,
        requested_by: str,
        resource: dict[str, Any],
    ) -> None:
        """Keep the status resource of an Add Objects request."""
        session.add(
            TaxiiStatusRow(
                id=resource["id"],
                api_root=api_root,
                collection=collection.value,
                requested_by=requested_by,
                requested_at=datetime.now(UTC),
                resource=resource,
            )
        )

    def status(self, api_root: str, status_id: str) -> dict[str, Any] | None:
        """The status resource ``status_id`` of ``api_root``; None if there is none."""
        with self.sessions() as session:
            row = session.get(TaxiiStatusRow, status_id)
            return row.resource if row is not None and row.api_root == api_root else None

    @staticmethod
    def _held(
        session: Session, api_root: str, name: CollectionName, ids: set[str]
    ) -> dict[tuple[str, str], int]:
        held: dict[tuple[str, str], int] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            statement = _scope(
                select(TaxiiObjectRow.stix_id, TaxiiObjectRow.version, TaxiiObjectRow.added_at),
                api_root,
                name,
            ).where(TaxiiObjectRow.stix_id.in_(ordered[start : start + 500]))
            held |= {(s, v): added for s, v, added in session.execute(statement)}
        return held

    @staticmethod
    def _next_added(session: Session, api_root: str, name: CollectionName) -> int:
        statement = _scope(select(func.max(TaxiiObjectRow.added_at)), api_root, name)
        last = session.execute(statement).scalar_one_or_none()
        now = micros(datetime.now(UTC))
        return now if last is None else max(now, int(last) + 1)

    @staticmethod
    def _insert(
        session: Session,
        api_root: str,
        name: CollectionName,
        obj: Mapping[str, Any],
        key: tuple[str, str],
        added_at: int,
    ) -> None:
        values = {
            "api_root": api_root,
            "collection": name.value,
            "stix_id": key[0],
            "stix_type": str(obj["type"]),
            "version": key[1],
            "added_at": added_at,
            "stix_object": dict(obj),
        }
        statement = insert_or_ignore(session, TaxiiObjectRow).values(values)
        unique = ["api_root", "collection", "stix_id", "version"]
        session.execute(statement.on_conflict_do_nothing(index_elements=unique))


def _key(obj: Mapping[str, Any], where: str) -> tuple[str, str]:
    stix_id, stix_type = obj.get("id"), obj.get("type")
    if not isinstance(stix_id, str) or not isinstance(stix_type, str):
        raise ParseError("a STIX object needs a type and an id", location=where)
    return stix_id, version_of(obj, where)


def _scope(statement: Select[Any], api_root: str, name: CollectionName) -> Select[Any]:
    return statement.where(
        TaxiiObjectRow.api_root == api_root, TaxiiObjectRow.collection == name.value
    )


def _select(api_root: str, name: CollectionName, query: ObjectQuery) -> Select[Any]:
    row = TaxiiObjectRow
    statement = _scope(select(row), api_root, name)
    if query.ids:
        statement = statement.where(row.stix_id.in_(query.ids))
    if query.types:
        statement = statement.where(row.stix_type.in_(query.types))
    if query.spec_versions and "2.1" not in query.spec_versions:
        statement = statement.where(false())  # only STIX 2.1 is stored
    if "all" not in query.versions:
        statement = statement.where(or_(*_version_terms(query.versions)))
    if query.added_after is not None:
        statement = statement.where(row.added_at > query.added_after)
    if query.after is not None:
        added, row_id = query.after
        statement = statement.where(
            or_(row.added_at > added, and_(row.added_at == added, row.id > row_id))
        )
    return statement.order_by(row.added_at, row.id)


def _version_terms(versions: tuple[str, ...]) -> list[Any]:
    row, other = TaxiiObjectRow, aliased(TaxiiObjectRow)
    terms: list[Any] = []
    for pick, pick_fn in (("last", func.max), ("first", func.min)):
        if pick in versions:
            chosen = (
                select(pick_fn(other.version))
                .where(
                    other.api_root == row.api_root,
                    other.collection == row.collection,
                    other.stix_id == row.stix_id,
                )
                .scalar_subquery()
            )
            terms.append(row.version == chosen)
    stamps = [v for v in versions if v not in ("last", "first")]
    if stamps:
        terms.append(row.version.in_(stamps))
    return terms


# --- HTTP --------------------------------------------------------------------------------


class TaxiiError(InterlockError):
    """A TAXII error with its HTTP status (400, 404, 406, 413, 415...)."""

    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code


def taxii_response(
    body: Mapping[str, Any], status_code: int = 200, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A response in the TAXII 2.1 media type."""
    return JSONResponse(
        dict(body), status_code=status_code, headers=headers, media_type=TAXII_MEDIA_TYPE
    )


def error_response(status_code: int, reason: str) -> JSONResponse:
    """A TAXII error message resource (section 3.6.1)."""
    body = {"title": reason, "http_status": str(status_code)}
    headers = {"WWW-Authenticate": 'Bearer realm="taxii"'} if status_code == 401 else None
    return taxii_response(body, status_code, headers)


def _media_ranges(header: str) -> list[tuple[str, dict[str, str]]]:
    ranges = []
    for part in header.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        named = dict(p.partition("=")[::2] for p in params if "=" in p)
        ranges.append((kind.lower(), {k.strip().lower(): v.strip() for k, v in named.items()}))
    return ranges


def _is_taxii(kind: str, params: Mapping[str, str]) -> bool:
    return kind == "application/taxii+json" and params.get("version", "2.1") == "2.1"


def accepts_taxii(accept: str | None) -> bool:
    """Whether an ``Accept`` header admits a TAXII 2.1 response (no header admits any)."""
    if accept is None or not accept.strip():
        return True
    for kind, params in _media_ranges(accept):
        if params.get("q", "1").strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if kind in ("*/*", "application/*") or _is_taxii(kind, params):
            return True
    return False


def is_taxii_content(content_type: str | None) -> bool:
    """Whether a request's ``Content-Type`` is the TAXII 2.1 media type."""
    ranges = _media_ranges(content_type or "")
    return len(ranges) == 1 and _is_taxii(*ranges[0])


class TaxiiRoute(APIRoute):
    """A route that checks the media types first and answers every error as a TAXII error
    message (the app's own error handler would answer plain JSON)."""

    def get_route_handler(self) -> Callable[[Request], Any]:
        handler = super().get_route_handler()

        async def taxii_handler(request: Request) -> Response:
            try:
                if not accepts_taxii(request.headers.get("accept")):
                    raise TaxiiError(406, f"responses are {TAXII_MEDIA_TYPE} only")
                if request.method == "POST" and not is_taxii_content(
                    request.headers.get("content-type")
                ):
                    raise TaxiiError(415, f"send {TAXII_MEDIA_TYPE}")
                response: Response = await handler(request)
                return response
            except InterlockError as err:
                return error_response(err.status_code, str(err))
            except RequestValidationError as err:
                return error_response(400, f"bad request: {err.errors()}")

        return taxii_handler


def _values(request: Request, name: str) -> tuple[str, ...]:
    found = [v.strip() for raw in request.query_params.getlist(name) for v in raw.split(",")]
    return tuple(v for v in found if v)


def _timestamp_param(value: str, name: str) -> datetime:
    try:
        return parse_timestamp(value, name)
    except ParseError as err:
        raise TaxiiError(400, str(err)) from err


def _version_param(value: str) -> str:
    if value in ("last", "first", "all"):
        return value
    return _timestamp_param(value, "match[version]").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def object_query(request: Request) -> ObjectQuery:
    """The filters and paging of a request (400 for a malformed one)."""
    params = request.query_params
    added_after = params.get("added_after")
    return ObjectQuery(
        added_after=micros(_timestamp_param(added_after, "added_after")) if added_after else None,
        ids=_values(request, "match[id]"),
        types=_values(request, "match[type]"),
        versions=tuple(map(_version_param, _values(request, "match[version]") or ("last",))),
        spec_versions=_values(request, "match[spec_version]"),
        limit=_limit(params.get("limit")),
        after=_cursor(params.get("next")),
    )


def _digits(value: str, most: int) -> bool:
    return 0 < len(value) <= most and value.isascii() and value.isdigit()


def _limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_PAGE
    if not value.isascii() or not value.isdigit() or not value.strip("0"):
        raise TaxiiError(400, "limit: expected a positive integer")
    return MAX_PAGE if len(value) > 6 else min(int(value), MAX_PAGE)


def _cursor(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    added, _, row_id = value.partition(".")
    if not (_digits(added, 18) and _digits(row_id, 18)):
        raise TaxiiError(400, "next: not a value this server gave")
    return int(added), int(row_id)


def _date_headers(page: Page) -> dict[str, str]:
    if not page.objects:
        return {}
    return {
        "X-TAXII-Date-Added-First": taxii_time(page.objects[0].date_added),
        "X-TAXII-Date-Added-Last": taxii_time(page.objects[-1].date_added),
    }


def _paged(page: Page, key: str, items: list[Any]) -> JSONResponse:
    body: dict[str, Any] = {"more": page.more}
    if page.next is not None:
        body["next"] = page.next
    if items:
        body[key] = items
    return taxii_response(body, headers=_date_headers(page))


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
        if api_root not in roots():
            raise TaxiiError(404, "no such API root")
        if not authorize(principal, api_root):
            raise TaxiiError(403, "no access to this API root")
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
        return _paged(page, "objects", [o.object for o in page.objects])

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
        return _paged(page, "objects", [o.object for o in page.objects])

    @router.get("/{api_root}/collections/{collection}/objects/{object_id}/versions/")
    def versions(
        request: Request, api_root: RootDep, collection: str, object_id: str, store: StoreDep
    ) -> Response:
        name, repository = _collection(api_root, collection), TaxiiRepository(store.sessions)
        if not repository.holds(api_root, name, object_id):
            raise TaxiiError(404, "no such object in this collection")
        query = replace(object_query(request), ids=(object_id,), versions=("all",))
        page = repository.page(api_root, name, query)
        return _paged(page, "versions", [o.version for o in page.objects])

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
        return _paged(page, "objects", records)

    @router.get("/{api_root}/status/{status_id}/")
    def status(api_root: RootDep, status_id: str, store: StoreDep) -> Response:
        resource = TaxiiRepository(store.sessions).status(api_root, status_id)
        if resource is None:
            raise TaxiiError(404, "no such status")
        return taxii_response(resource)

    return router
