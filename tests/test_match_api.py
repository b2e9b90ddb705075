"""``POST /api/v1/match`` and the yente-compatible ``POST /match/{dataset}`` against lists in a
real store (SQLite and PostgreSQL), searched by a signed-in analyst who states a purpose and a
reason (SG-01; the refusals are in tests/test_access_api.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from auth_helpers import auth, make_user
from interlock.access.roles import Role
from interlock.api import create_app
from interlock.settings import Settings
from interlock.store import Store
from interlock.watchlists.detect import read_watchlist
from interlock.watchlists.model import (
    EntryKind,
    EntryName,
    EntryStatus,
    ListInfo,
    ListType,
    PartialDate,
    WatchlistEntry,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
UN_FILE = SHARED / "watchlists" / "un_sc_consolidated_2024-09-26.xml"
needs_un = pytest.mark.skipif(not UN_FILE.exists(), reason=f"sample list absent: {UN_FILE}")


def person(entry_id: str, name: str, **fields: Any) -> WatchlistEntry:
    """A synthetic listed person."""
    given, _, family = name.rpartition(" ")
    return WatchlistEntry(entry_id, "", EntryKind.PERSON,
                          names=[EntryName(name, given=given, family=family)], **fields)  # fmt: skip


ALBA = person("S-1", "Alba Quercetti", birth_dates=[PartialDate(1977, 8, 19)],
              nationalities=["ITA"], gender="F", reason="synthetic")  # fmt: skip
TORVALD = person("S-2", "Torvald Mikkelsrud", birth_dates=[PartialDate(1961)])
IMRE = person("O-1", "Imre Dobozsánszky", nationalities=["HUN"])


def put(store: Store, name: str, entries: list[WatchlistEntry], kind: ListType) -> None:
    """Import ``entries`` as the next version of list ``name``."""
    info = ListInfo(name, "Test authority", "synthetic test", kind, date(2026, 1, 1))
    digest = hashlib.sha256(repr([(e.entry_id, e.names) for e in entries]).encode()).hexdigest()
    for entry in entries:
        entry.list_name = name
    store.watchlists.import_version(info, entries, source_name=f"{name}.csv", sha256=digest)


@pytest.fixture
def client(store: Store, store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    put(store, "sought", [ALBA, TORVALD], ListType.SOUGHT)
    put(store, "other", [IMRE], ListType.OTHER)
    _, token = make_user(store, "ana.lyst", Role.ANALYST)
    settings = Settings(data_dir=tmp_path / "node", database_url=store_url)
    with TestClient(create_app(settings), headers=auth(token)) as test_client:
        yield test_client


def match(client: TestClient, *queries: dict[str, Any], **options: Any) -> Any:
    response = client.post("/api/v1/match", json={"queries": list(queries), **options})
    assert response.status_code == 200, response.text
    return response.json()["results"]


# --- /api/v1/match --------------------------------------------------------------------------


def test_match_finds_listed_people_with_explanations(client: TestClient) -> None:
    alba = {"id": "p1", "given_names": "Alba", "surname": "Querceti", "birth_date": "1977-08-19",
            "nationality": "IT", "gender": "F"}  # fmt: skip
    stranger = {"id": "p2", "name": "Hollis Vantongeren", "birth_date": "1990"}
    imre = {"name": "Imre Dobozsanszky"}
    first, second, third = match(client, alba, stranger, imre)
    assert first["id"] == "p1" and second == {"id": "p2", "matches": []}
    [hit] = first["matches"]
    assert (hit["entry_id"], hit["list"], hit["band"]) == ("S-1", "sought", "high")
    features = {e["feature"]: e for e in hit["explanations"]}
    assert features["birth_date"]["query_value"] == "1977-08-19"
    assert features["nationality"]["query_value"] == "ITA"
    assert (third["id"], [m["entry_id"] for m in third["matches"]]) == (None, ["O-1"])


def test_lists_threshold_and_limit(client: TestClient) -> None:
    imre = {"id": "x", "name": "Imre Dobozsanszky"}
    assert match(client, imre, lists=["sought"])[0]["matches"] == []
    assert match(client, imre, lists=["other"])[0]["matches"][0]["entry_id"] == "O-1"
    variant = {"id": "v", "name": "Imre Dobozanszki"}
    score = match(client, variant)[0]["matches"][0]["score"]
    assert 0.7 <= score < 0.999
    assert match(client, variant, threshold=score + 0.001)[0]["matches"] == []
    assert match(client, variant, threshold=score - 0.0001)[0]["matches"][0]["entry_id"] == "O-1"
    twice = match(client, {"name": "Alba Quercetti Torvald Mikkelsrud"}, threshold=0.3)
    once = match(client, {"name": "Alba Quercetti Torvald Mikkelsrud"}, threshold=0.3, limit=1)
    assert len(twice[0]["matches"]) == 2 and once[0]["matches"] == twice[0]["matches"][:1]
    unknown = client.post("/api/v1/match", json={"queries": [imre], "lists": ["nope"]})
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]


def test_bad_query_names_its_place(client: TestClient) -> None:
    body = {"queries": [{"name": "Ada Roe"}, {"name": "Ada Roe", "nationality": "QQ"}]}
    response = client.post("/api/v1/match", json=body)
    assert response.status_code == 422
    assert response.json()["location"] == "queries[1]"
    assert "nationality" in response.json()["detail"]
    empty = client.post("/api/v1/match", json={"queries": []})
    assert empty.status_code == 422


def test_screener_follows_list_versions_and_delistings(client: TestClient, store: Store) -> None:
    newcomer = {"id": "n", "name": "Casimir Oyelaran-Whitby"}
    assert match(client, newcomer)[0]["matches"] == []
    put(store, "sought", [ALBA, TORVALD, person("S-3", "Casimir Oyelaran-Whitby")],
        ListType.SOUGHT)  # fmt: skip
    assert [m["entry_id"] for m in match(client, newcomer)[0]["matches"]] == ["S-3"]
    store.watchlists.set_status("sought", "S-3", EntryStatus.DELISTED, "test: delisted")
    assert match(client, newcomer)[0]["matches"] == []


# --- yente-compatible /match/{dataset} ------------------------------------------------------


def yente(client: TestClient, dataset: str, queries: dict[str, Any], **params: Any) -> Any:
    return client.post(f"/match/{dataset}", json={"queries": queries}, params=params)


ALBA_EXAMPLE = {"schema": "Person", "properties": {"firstName": ["Alba"],
                "lastName": ["Quercetti"], "birthDate": ["1977-08-19"], "nationality": ["it"],
                "gender": ["female"]}}  # fmt: skip


def test_yente_shape(client: TestClient) -> None:
    stranger = {"schema": "Person", "properties": {"name": "Hollis Vantongeren"}}
    response = yente(client, "default", {"a": ALBA_EXAMPLE, "b": stranger})
    assert response.status_code == 200, response.text
    assert response.headers["x-batch-size"] == "2"
    body = response.json()
    assert set(body) >= {"responses", "limit", "matcher"}
    assert body["limit"] == 5 and "name" in body["matcher"]
    a = body["responses"]["a"]
    assert (a["status"], a["total"]) == (200, {"value": 1, "relation": "eq"})
    assert a["query"]["schema"] == "Person" and a["query"]["properties"]["firstName"] == ["Alba"]
    [result] = a["results"]
    assert (result["id"], result["caption"]) == ("S-1", "Alba Quercetti")
    assert result["schema"] == "Person"
    assert result["datasets"] == ["sought"] and result["match"] is True
    assert result["properties"]["birthDate"] == ["1977-08-19"]
    assert result["properties"]["nationality"] == ["ITA"]
    assert result["properties"]["gender"] == ["female"]
    assert result["score"] >= 0.9 and result["features"]["name"] > 0
    assert set(result["explanations"]["name"]) == {"score", "detail"}
    assert body["responses"]["b"]["results"] == []


def test_yente_dataset_threshold_and_cutoff(client: TestClient) -> None:
    imre = {"q": {"schema": "Person", "properties": {"name": ["Imre Dobozsanszky"]}}}
    assert yente(client, "sought", imre).json()["responses"]["q"]["results"] == []
    [hit] = yente(client, "other", imre).json()["responses"]["q"]["results"]
    assert hit["id"] == "O-1" and hit["match"] is True
    strict = yente(client, "other", imre, threshold=1.0, cutoff=0.5).json()
    [kept] = strict["responses"]["q"]["results"]
    assert kept["match"] is (kept["score"] >= 1.0)
    missing = yente(client, "nope", imre)
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]


def test_yente_bad_examples_are_400(client: TestClient) -> None:
    nameless = {"q": {"schema": "Person", "properties": {"birthDate": ["1970"]}}}
    vessel = {"q": {"schema": "Vessel", "properties": {"name": ["Sea Breeze"]}}}
    for queries in (nameless, vessel, {}):
        response = yente(client, "default", queries)
        assert response.status_code == 400, response.text
        assert response.json()["detail"]


def test_openapi_lists_both_routes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/v1/match" in paths and "/match/{dataset}" in paths


@needs_un
def test_yente_query_finds_the_un_reference_number(
    store: Store, store_url: str, tmp_path: Path
) -> None:
    read = read_watchlist(UN_FILE)
    digest = hashlib.sha256(UN_FILE.read_bytes()).hexdigest()
    store.watchlists.import_version(read.info, read.entries, source_name=UN_FILE.name,
                                    sha256=digest)  # fmt: skip
    _, token = make_user(store, "ana.lyst", Role.ANALYST)
    settings = Settings(data_dir=tmp_path / "node", database_url=store_url)
    query = {"schema": "Person", "properties": {"name": ["Janan Agha"], "birthDate": ["1958"],
                                                "nationality": ["af"]}}  # fmt: skip
    with TestClient(create_app(settings), headers=auth(token)) as client:
        response = yente(client, read.info.name, {"un": query})
        top = response.json()["responses"]["un"]["results"][0]
        interlock = client.post("/api/v1/match", json={"queries": [{"name": "JANAN AGHA"}]})
    assert (top["id"], top["datasets"], top["match"]) == ("TAi.091", [read.info.name], True)
    assert interlock.json()["results"][0]["matches"][0]["entry_id"] == "TAi.091"
