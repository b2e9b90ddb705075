"""TAXII 2.1: the node's interface served on loopback and used with the third-party
``taxii2-client``; media types and error codes checked with httpx; every object served is
checked with ``stix2-validator``. The store underneath runs on SQLite and PostgreSQL."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from sqlalchemy import text
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from auth_helpers import app_store, make_user
from interlock.access.roles import Principal, Role
from interlock.api.app import create_app
from interlock.errors import ParseError
from interlock.settings import Settings
from interlock.sharing import stix
from interlock.sharing.kinds import TLP
from interlock.sharing.taxii import taxii_router
from interlock.sharing.taxii_store import (
    STIX_MEDIA_TYPE,
    TAXII_MEDIA_TYPE,
    CollectionName,
    ObjectQuery,
    TaxiiRepository,
    collection_id,
    version_of,
)
from interlock.store import Store
from interlock.store.schema_taxii import TaxiiObjectRow
from interlock.watchlists.model import EntryKind, EntryName, ListInfo, ListType, WatchlistEntry
from node_servers import running

PREFIX = "/under-test"
ROOTS = ["partner-a", "partner-b"]
ACCESS = {"svc-a": {"partner-a"}, "svc-b": {"partner-b"}, "svc-ab": {"partner-a", "partner-b"}}
T0 = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
INFO = ListInfo("national-sought", "Federal Police (synthetic)", "Act 12/2020", ListType.SOUGHT)
ENTRY_REF = stix.entry_identity_id(node="node-a", list_name=INFO.name, entry_id="NS-0001")


def authorize(principal: Principal, api_root: str) -> bool:
    return api_root in ACCESS.get(principal.username, set())


class BearerAuth(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@dataclass
class Node:
    url: str  # where the TAXII routes under test are: base URL + PREFIX
    store: Store
    tokens: dict[str, str]

    def collection_url(self, root: str, name: CollectionName) -> str:
        return f"{self.url}/taxii2/{root}/collections/{collection_id(root, name)}/"

    def collection(self, root: str, name: CollectionName, user: str = "svc-a") -> Collection:
        return Collection(self.collection_url(root, name), auth=BearerAuth(self.tokens[user]))

    def headers(self, user: str = "svc-a", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}", "Accept": TAXII_MEDIA_TYPE} | extra

    def add(self, root: str, name: CollectionName, objects: list[dict[str, Any]]) -> None:
        with self.store.transaction() as session:
            TaxiiRepository(self.store.sessions).add(session, root, name, objects)


@contextmanager
def serving(store_url: str, tmp_path: Path) -> Iterator[Node]:
    app = create_app(Settings(data_dir=tmp_path / "node", database_url=store_url))
    # The app serves its own TAXII routes at /taxii2/ (API roots from the partner registry);
    # these, with the simple tables above for roots and access, go under a prefix of their own.
    app.include_router(taxii_router(authorize, lambda: list(ROOTS)), prefix=PREFIX)
    store = app_store(app)
    tokens = {user: make_user(store, user, Role.SERVICE, service=True)[1] for user in ACCESS}
    with running(app) as server:
        yield Node(server.url + PREFIX, store, tokens)


@pytest.fixture
def node(store_url: str, tmp_path: Path) -> Iterator[Node]:
    with serving(store_url, tmp_path) as served:
        yield served


@pytest.fixture
def pg_node(empty_postgres_url: str, tmp_path: Path) -> Iterator[Node]:
    with serving(empty_postgres_url, tmp_path) as served:
        yield served


def where() -> dict[str, Any]:
    return stix.airport_location(node="node-b", airport="FRA", country="DEU")


def hit(number: int, *, node: str = "node-b") -> dict[str, Any]:
    return stix.sighting(
        node=node,
        alert_id=f"al-{number:04d}",
        entry_ref=ENTRY_REF,
        location_ref=where()["id"],
        first_seen=T0 + timedelta(minutes=number),
        created=T0 + timedelta(minutes=number, seconds=30),
        flight_number="XY123",
        tlp=TLP.AMBER,
    )


def entry(**changes: Any) -> WatchlistEntry:
    values: dict[str, Any] = {
        "entry_id": "NS-0001",
        "list_name": INFO.name,
        "kind": EntryKind.PERSON,
        "names": [EntryName("ALEX SAMPLEPERSON", "ALEX", "SAMPLEPERSON")],
        "nationalities": ["DEU"],
        "listed_on": date(2021, 3, 4),
    }
    return WatchlistEntry(**(values | changes))


def check_stix(objects: list[dict[str, Any]]) -> None:
    """Every object is valid STIX 2.1 for stix2-validator (default options); the only
    warnings allowed are for UUIDv5 ids."""
    result = validate_instance(stix.bundle(objects), ValidationOptions())
    assert result.is_valid, [str(e) for e in result.errors]
    assert all("{103}" in str(w) for w in result.warnings), result.warnings


# --- with taxii2-client ------------------------------------------------------------------


def test_discovery_api_roots_and_collections(node: Node) -> None:
    server = Server(f"{node.url}/taxii2/", auth=BearerAuth(node.tokens["svc-a"]))
    assert server.title == "Interlock TAXII 2.1"
    assert [root.url for root in server.api_roots] == [f"{node.url}/taxii2/partner-a/"]
    root = server.api_roots[0]
    assert root.versions == [TAXII_MEDIA_TYPE]
    assert root.max_content_length > 0
    listed = {c.alias: c for c in root.collections}
    assert set(listed) == {"alerts", "watchlist-entries", "sightings"}
    for name in CollectionName:
        assert listed[name.value].id == collection_id("partner-a", name)
        assert listed[name.value].media_types == [STIX_MEDIA_TYPE]
        assert listed[name.value].can_read
    assert [n for n, c in listed.items() if c.can_write] == ["sightings"]
    both = Server(f"{node.url}/taxii2/", auth=BearerAuth(node.tokens["svc-ab"]))
    assert len(both.api_roots) == 2


def test_collection_ids_are_stable_and_differ_per_root() -> None:
    ids = {collection_id(root, name) for root in ROOTS for name in CollectionName}
    assert len(ids) == 6
    assert collection_id("partner-a", CollectionName.ALERTS) == collection_id(
        "partner-a", CollectionName.ALERTS
    )


def test_paging_through_250_objects(node: Node) -> None:
    sent = [hit(n) for n in range(250)]
    node.add("partner-a", CollectionName.ALERTS, sent)
    alerts = node.collection("partner-a", CollectionName.ALERTS)
    pages = list(as_pages(alerts.get_objects, per_request=100))
    assert [len(p["objects"]) for p in pages] == [100, 100, 50]
    assert [p["more"] for p in pages] == [True, True, False]
    received = [o for p in pages for o in p["objects"]]
    assert received == sent
    check_stix(received)
    # The other root sees none of it.
    other = node.collection("partner-b", CollectionName.ALERTS, user="svc-b")
    assert "objects" not in other.get_objects()
    # added_after: only what came later, paged again.
    manifest = alerts.get_manifest(limit=1000)["objects"]
    assert [m["id"] for m in manifest] == [o["id"] for o in sent]
    cut = manifest[119]["date_added"]
    later = [
        o
        for p in as_pages(alerts.get_objects, per_request=40, added_after=cut)
        for o in p["objects"]
    ]
    assert later == sent[120:]


def test_paging_by_the_date_added_headers_loses_nothing(node: Node) -> None:
    sent = [hit(n) for n in range(250)]
    node.add("partner-a", CollectionName.ALERTS, sent[:130])
    node.add("partner-a", CollectionName.ALERTS, sent[130:])
    url = node.collection_url("partner-a", CollectionName.ALERTS) + "objects/"
    received: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 70}
    with httpx.Client(headers=node.headers()) as client:
        while True:
            response = client.get(url, params=params)
            assert response.status_code == 200
            envelope = response.json()
            received += envelope.get("objects", [])
            if not envelope["more"]:
                break
            params["added_after"] = response.headers["X-TAXII-Date-Added-Last"]
            assert response.headers["X-TAXII-Date-Added-First"] < params["added_after"]
    assert [o["id"] for o in received] == [o["id"] for o in sent]


def test_next_pages_objects_that_share_a_date_added_exactly_once(node: Node) -> None:
    """Rows that share one ``date_added`` (as concurrent writers could store them before
    writers were serialised) are paged by ``next`` in small pages, none lost or repeated."""
    before, tied, after = [hit(n) for n in range(3)], [hit(n) for n in range(3, 28)], [hit(99)]
    node.add("partner-a", CollectionName.ALERTS, before)
    with node.store.transaction() as session:
        for obj in tied:
            session.add(
                TaxiiObjectRow(
                    api_root="partner-a",
                    collection=CollectionName.ALERTS.value,
                    stix_id=obj["id"],
                    stix_type=obj["type"],
                    version=version_of(obj),
                    added_at=4_000_000_000_000_000,  # 2096: after everything added so far
                    stix_object=obj,
                )
            )
    node.add("partner-a", CollectionName.ALERTS, after)
    alerts = node.collection("partner-a", CollectionName.ALERTS)
    pages = list(as_pages(alerts.get_objects, per_request=4))
    assert all(len(p["objects"]) == 4 for p in pages[:-1])
    assert [o["id"] for p in pages for o in p["objects"]] == [
        o["id"] for o in before + tied + after
    ]
    manifest = [m for p in as_pages(alerts.get_manifest, per_request=3) for m in p["objects"]]
    assert Counter(m["id"] for m in manifest) == Counter(o["id"] for o in before + tied + after)


def _poll(
    client: httpx.Client, url: str, since: str | None, *, by_next: bool
) -> tuple[list[str], str | None]:
    """One poll of a TAXII client: pages of 3 from ``added_after=since`` until ``more`` is
    false, by ``next`` or by the ``X-TAXII-Date-Added-Last`` header; the ids it got and the
    last ``date_added`` it saw (where its next poll starts)."""
    params: dict[str, Any] = {"limit": 3} | ({"added_after": since} if since else {})
    ids: list[str] = []
    while True:
        response = client.get(url, params=params)
        assert response.status_code == 200
        envelope = response.json()
        ids += [o["id"] for o in envelope.get("objects", [])]
        if "X-TAXII-Date-Added-Last" in response.headers:
            since = response.headers["X-TAXII-Date-Added-Last"]
            assert response.headers["X-TAXII-Date-Added-First"] <= since
        if not envelope["more"]:
            return ids, since
        if by_next:
            params["next"] = envelope["next"]
        else:
            params["added_after"] = since


def _waiting_on_a_lock(store: Store) -> bool:
    """Whether some session of this PostgreSQL database waits for a lock."""
    statement = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with store.sessions() as session:
        return bool(session.execute(statement).scalar_one())


def _until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.postgres
def test_a_writer_that_commits_late_is_not_skipped_by_a_polling_client(pg_node: Node) -> None:
    """Writer A adds objects but has not committed when writer B adds its own: B waits for A,
    so a client that polls in between, by ``next`` or by ``added_after``, later gets A's
    objects and then B's, each exactly once and in ``date_added`` order."""
    node, root, name = pg_node, "partner-a", CollectionName.ALERTS
    earlier, first = [hit(n) for n in range(5)], [hit(n) for n in range(5, 15)]
    second = [hit(n) for n in range(15, 25)]
    node.add(root, name, earlier)
    repository, errors = TaxiiRepository(node.store.sessions), list[BaseException]()
    a_added, release_a = threading.Event(), threading.Event()

    def writer_a() -> None:
        try:
            with node.store.transaction() as session:
                repository.add(session, root, name, first)
                a_added.set()
                assert release_a.wait(30)
        except BaseException as err:  # reported by the test, not lost in the thread
            errors.append(err)

    def writer_b() -> None:
        try:
            assert a_added.wait(30)
            with node.store.transaction() as session:
                repository.add(session, root, name, second)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer_a), threading.Thread(target=writer_b)]
    url = node.collection_url(root, name) + "objects/"
    with httpx.Client(headers=node.headers()) as client:
        threads[0].start()
        assert a_added.wait(30)
        threads[1].start()
        _until(lambda: not threads[1].is_alive() or _waiting_on_a_lock(node.store))
        polled = {by_next: _poll(client, url, None, by_next=by_next) for by_next in (True, False)}
        release_a.set()
        for thread in threads:
            thread.join(30)
        assert not errors and not any(t.is_alive() for t in threads)
        for by_next, (seen, since) in polled.items():
            later, _ = _poll(client, url, since, by_next=by_next)
            assert seen + later == [o["id"] for o in earlier + first + second], by_next


@pytest.mark.postgres
def test_two_busy_writers_and_a_polling_client_lose_nothing(pg_node: Node) -> None:
    """Two writers (threads, each its own session) add 80 objects in small batches, each
    committing a random while after it added, while a client keeps polling by
    ``added_after`` with ``limit=3``: it gets each object exactly once."""
    node, root, name = pg_node, "partner-a", CollectionName.ALERTS
    repository, errors = TaxiiRepository(node.store.sessions), list[BaseException]()
    batches = [[hit(n), hit(n + 1)] for n in range(0, 80, 2)]

    def writer(mine: list[list[dict[str, Any]]], seed: int) -> None:
        pauses = random.Random(seed)
        try:
            for batch in mine:
                with node.store.transaction() as session:
                    repository.add(session, root, name, batch)
                    time.sleep(pauses.uniform(0, 0.02))  # commit after taking date_added
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(batches[i::2], i)) for i in (0, 1)]
    url = node.collection_url(root, name) + "objects/"
    received: list[str] = []
    since: str | None = None
    with httpx.Client(headers=node.headers()) as client:
        assert _poll(client, url, None, by_next=False) == ([], None)  # warm: first calls are slow
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            seen, since = _poll(client, url, since, by_next=False)
            received += seen
        for thread in threads:
            thread.join(30)
        seen, _ = _poll(client, url, since, by_next=False)
    assert not errors
    assert Counter(received + seen) == Counter(o["id"] for batch in batches for o in batch)


def test_versions_and_match_filters(node: Node) -> None:
    first = stix.entry_identity(entry(), INFO, node="node-a", tlp=TLP.GREEN)
    fixed = stix.correction(
        first,
        updated=stix.entry_identity(
            entry(nationalities=["AUT"]), INFO, node="node-a", tlp=TLP.GREEN
        ),
        reason="nationality was wrong",
        modified=T0,
    )
    revoked = stix.revocation(fixed, reason="delisted", modified=T0 + timedelta(days=1))
    markings = [stix.TLP_MARKINGS[TLP.GREEN]]
    node.add("partner-a", CollectionName.WATCHLIST_ENTRIES, [first, fixed, *markings])
    node.add("partner-a", CollectionName.WATCHLIST_ENTRIES, [revoked, first])  # first again
    entries = node.collection("partner-a", CollectionName.WATCHLIST_ENTRIES)

    latest = entries.get_objects()["objects"]
    assert [o.get("revoked") for o in latest if o["type"] == "identity"] == [True]
    assert entries.get_objects(version="first", type="identity")["objects"] == [first]
    assert len(entries.get_objects(version="all")["objects"]) == 4
    assert entries.get_objects(version=fixed["modified"])["objects"] == [fixed]
    assert entries.get_objects(type="marking-definition")["objects"] == markings
    assert entries.get_objects(id=[first["id"], markings[0]["id"]], version="all")["objects"] == [
        first,
        fixed,
        *markings,
        revoked,
    ]
    assert entries.get_objects(spec_version="2.0").get("objects") is None
    assert entries.get_object(first["id"])["objects"] == [revoked]
    versions = entries.object_versions(first["id"])["versions"]
    assert versions == [
        "2021-03-04T00:00:00.000000Z",
        "2026-05-01T09:30:00.000000Z",
        "2026-05-02T09:30:00.000000Z",
    ]
    check_stix(entries.get_objects(version="all")["objects"])


def test_a_partner_adds_sightings_and_reads_the_status(node: Node) -> None:
    api_root = ApiRoot(f"{node.url}/taxii2/partner-a/", auth=BearerAuth(node.tokens["svc-a"]))
    sightings = next(c for c in api_root.collections if c.alias == "sightings")
    broken = hit(2, node="node-a")
    del broken["sighting_of_ref"]
    foreign = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": "indicator--" + "1" * 8 + "-1111-4111-8111-" + "1" * 12,
    }
    odd = {"type": ["sighting"], "id": foreign["id"].replace("indicator", "sighting")}
    envelope = {"objects": [where(), hit(1, node="node-a"), broken, foreign, "not an object", odd]}

    status = sightings.add_objects(envelope)
    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (6, 2, 4)
    assert [s["id"] for s in status.successes] == [where()["id"], hit(1, node="node-a")["id"]]
    failed = {f["id"]: f["message"] for f in status.failures}
    assert "sighting_of_ref" in failed[broken["id"]]
    assert "does not take 'indicator'" in failed[foreign["id"]]
    assert api_root.get_status(status.id).success_count == 2

    again = sightings.add_objects({"objects": [hit(1, node="node-a")]})
    assert again.success_count == 1
    stored = sightings.get_objects()["objects"]
    assert stored == [where(), hit(1, node="node-a")]
    assert len(sightings.object_versions(hit(1, node="node-a")["id"])["versions"]) == 1
    check_stix(stored)
    # A status is read only through its own API root.
    other = httpx.get(
        f"{node.url}/taxii2/partner-b/status/{status.id}/", headers=node.headers("svc-ab")
    )
    assert other.status_code == 404


# --- media types and errors, with httpx ------------------------------------------------


def test_responses_have_the_exact_taxii_media_type(node: Node) -> None:
    node.add("partner-a", CollectionName.ALERTS, [hit(1)])
    base = node.collection_url("partner-a", CollectionName.ALERTS)
    for url in (
        f"{node.url}/taxii2/",
        f"{node.url}/taxii2/partner-a/",
        f"{node.url}/taxii2/partner-a/collections/",
        base,
        base + "objects/",
        base + "manifest/",
        base + f"objects/{hit(1)['id']}/",
        base + f"objects/{hit(1)['id']}/versions/",
    ):
        response = httpx.get(url, headers=node.headers())
        assert response.status_code == 200, url
        assert response.headers["content-type"] == TAXII_MEDIA_TYPE


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        (TAXII_MEDIA_TYPE, 200),
        ("application/taxii+json", 200),
        ("application/taxii+json; version=2.1", 200),
        ("*/*", 200),
        ("text/html, application/taxii+json;version=2.1;q=0.5", 200),
        ("application/taxii+json;version=2.0", 406),
        ("application/vnd.oasis.taxii+json; version=2.0", 406),
        ("application/json", 406),
        (STIX_MEDIA_TYPE, 406),
        ("application/taxii+json;version=2.1;q=0", 406),
    ],
)
def test_an_unacceptable_accept_is_406(node: Node, accept: str, status: int) -> None:
    response = httpx.get(f"{node.url}/taxii2/", headers=node.headers(Accept=accept))
    assert response.status_code == status
    assert response.headers["content-type"] == TAXII_MEDIA_TYPE


@pytest.mark.parametrize(
    "content_type",
    ["application/json", STIX_MEDIA_TYPE, "application/taxii+json;version=2.0", "text/plain"],
)
def test_a_post_in_another_media_type_is_415(node: Node, content_type: str) -> None:
    url = node.collection_url("partner-a", CollectionName.SIGHTINGS) + "objects/"
    response = httpx.post(
        url, content=b'{"objects": []}', headers=node.headers(**{"Content-Type": content_type})
    )
    assert response.status_code == 415
    assert response.json()["http_status"] == "415"


def _get(node: Node, path: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.get(f"{node.url}/taxii2/{path}", headers=headers)


def test_access_errors_are_taxii_error_messages(node: Node) -> None:
    alerts = collection_id("partner-a", CollectionName.ALERTS)
    cases = [
        ("", {"Accept": TAXII_MEDIA_TYPE}, 401),
        ("partner-a/", {"Accept": TAXII_MEDIA_TYPE, "Authorization": "Bearer ilk_wrong"}, 401),
        ("partner-b/", node.headers("svc-a"), 404),
        (
            f"partner-b/collections/{collection_id('partner-b', CollectionName.ALERTS)}/objects/",
            node.headers("svc-a"),
            404,
        ),
        ("partner-z/", node.headers("svc-a"), 404),
        (
            f"partner-a/collections/{collection_id('partner-b', CollectionName.ALERTS)}/",
            node.headers("svc-a"),
            404,
        ),
        (f"partner-a/collections/{alerts}/objects/{hit(9)['id']}/", node.headers("svc-a"), 404),
        ("partner-a/status/00000000-0000-4000-8000-000000000000/", node.headers("svc-a"), 404),
        (f"partner-a/collections/{alerts}/objects/?limit=0", node.headers("svc-a"), 400),
        (f"partner-a/collections/{alerts}/objects/?limit=many", node.headers("svc-a"), 400),
        (
            f"partner-a/collections/{alerts}/objects/?added_after=yesterday",
            node.headers("svc-a"),
            400,
        ),
        (f"partner-a/collections/{alerts}/objects/?next=abc", node.headers("svc-a"), 400),
        (f"partner-a/collections/{alerts}/objects/?next=1.{'9' * 30}", node.headers("svc-a"), 400),
        (
            f"partner-a/collections/{alerts}/objects/?match[version]=latest",
            node.headers("svc-a"),
            400,
        ),
    ]
    huge_limit = _get(
        node, f"partner-a/collections/{alerts}/objects/?limit={'9' * 5000}", node.headers()
    )
    assert huge_limit.status_code == 200
    for path, headers, status in cases:
        response = _get(node, path, headers)
        assert response.status_code == status, path
        assert response.headers["content-type"] == TAXII_MEDIA_TYPE
        body = response.json()
        assert body["http_status"] == str(status) and body["title"]
        if status == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_root_the_caller_may_not_use_answers_as_one_that_does_not_exist(node: Node) -> None:
    """partner-b exists and holds an object and a status; to svc-a every endpoint under it
    answers byte for byte as under partner-z, which does not exist."""
    node.add("partner-b", CollectionName.ALERTS, [hit(1)])
    post = node.headers("svc-b", **{"Content-Type": TAXII_MEDIA_TYPE})
    sightings_b = node.collection_url("partner-b", CollectionName.SIGHTINGS) + "objects/"
    added = httpx.post(sightings_b, json={"objects": [where()]}, headers=post)
    assert added.status_code == 202
    status_id = added.json()["id"]

    def paths(root: str) -> list[str]:
        alerts = f"collections/{collection_id(root, CollectionName.ALERTS)}/"
        return [
            "",
            "collections/",
            alerts,
            alerts + "objects/",
            alerts + f"objects/{hit(1)['id']}/",
            alerts + f"objects/{hit(1)['id']}/versions/",
            alerts + "manifest/",
            f"status/{status_id}/",
        ]

    for known, unknown in zip(paths("partner-b"), paths("partner-z"), strict=True):
        assert _get(node, f"partner-b/{known}", node.headers("svc-b")).status_code == 200
        refused = _get(node, f"partner-b/{known}", node.headers("svc-a"))
        missing = _get(node, f"partner-z/{unknown}", node.headers("svc-a"))
        assert refused.status_code == missing.status_code == 404, known
        assert refused.headers["content-type"] == missing.headers["content-type"]
        assert refused.content == missing.content
        assert refused.json() == {"title": "no such API root", "http_status": "404"}
    post_a = node.headers("svc-a", **{"Content-Type": TAXII_MEDIA_TYPE})
    sightings_z = node.collection_url("partner-z", CollectionName.SIGHTINGS) + "objects/"
    refused = httpx.post(sightings_b, json={"objects": [where()]}, headers=post_a)
    missing = httpx.post(sightings_z, json={"objects": [where()]}, headers=post_a)
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    # Nothing was added by the refused request.
    assert node.collection("partner-b", CollectionName.SIGHTINGS, user="svc-b").get_objects()[
        "objects"
    ] == [where()]


def test_writing_is_refused_where_the_collection_is_read_only_or_the_body_is_bad(
    node: Node,
) -> None:
    headers = node.headers(**{"Content-Type": TAXII_MEDIA_TYPE})
    alerts = node.collection_url("partner-a", CollectionName.ALERTS) + "objects/"
    sightings = node.collection_url("partner-a", CollectionName.SIGHTINGS) + "objects/"
    body = b'{"objects": []}'
    assert httpx.post(alerts, content=body, headers=headers).status_code == 403
    assert httpx.post(sightings, content=b"{not json", headers=headers).status_code == 400
    assert httpx.post(sightings, content=b'{"objects": {}}', headers=headers).status_code == 400
    empty = httpx.post(sightings, content=body, headers=headers)
    assert empty.status_code == 202 and empty.json()["total_count"] == 0
    huge = httpx.post(sightings, content=b" " * (10 * 1024 * 1024 + 1), headers=headers)
    assert huge.status_code == 413


# --- the repository on its own ---------------------------------------------------------


def test_adding_the_same_version_again_changes_nothing(store: Store) -> None:
    repository = TaxiiRepository(store.sessions)
    with store.transaction() as session:
        first = repository.add(session, "partner-a", CollectionName.ALERTS, [hit(1), hit(2)])
    with store.transaction() as session:
        again = repository.add(session, "partner-a", "alerts", [hit(2), hit(3)])
    assert [a.new for a in first + again] == [True, True, False, True]
    assert again[0].date_added == first[1].date_added
    assert first[0].date_added < first[1].date_added < again[1].date_added
    assert first[0].version == "2026-05-01T09:31:30.000000Z"
    page = repository.page("partner-a", CollectionName.ALERTS, ObjectQuery(limit=2))
    assert page.more and page.next is not None
    added, _, row_id = page.next.partition(".")
    rest = repository.page(
        "partner-a", CollectionName.ALERTS, ObjectQuery(after=(int(added), int(row_id)))
    )
    assert [o.stix_id for o in page.objects + rest.objects] == [hit(n)["id"] for n in (1, 2, 3)]
    assert not rest.more and rest.next is None


def test_an_object_without_id_is_refused_by_the_repository(store: Store) -> None:
    repository = TaxiiRepository(store.sessions)
    with store.transaction() as session, pytest.raises(ParseError, match=r"objects\[1\]"):
        repository.add(session, "partner-a", CollectionName.ALERTS, [hit(1), {"type": "sighting"}])
