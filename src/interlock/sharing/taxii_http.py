"""The HTTP side of the TAXII 2.1 interface (:mod:`interlock.sharing.taxii`): media types
checked before anything else (406, 415), errors as TAXII error messages, and the query
parameters of the object endpoints (filters, ``limit``, the opaque ``next``) with the paged
envelope and its ``X-TAXII-Date-Added-First``/``-Last`` headers."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from interlock.errors import InterlockError, ParseError
from interlock.sharing.stix import parse_timestamp
from interlock.sharing.taxii_store import (
    DEFAULT_PAGE,
    MAX_PAGE,
    TAXII_MEDIA_TYPE,
    ObjectQuery,
    Page,
    micros,
    taxii_time,
)


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


def paged(page: Page, key: str, items: list[Any]) -> JSONResponse:
    body: dict[str, Any] = {"more": page.more}
    if page.next is not None:
        body["next"] = page.next
    if items:
        body[key] = items
    return taxii_response(body, headers=_date_headers(page))
