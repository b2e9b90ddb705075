"""Data-subject requests (SG-45): due dates, overdue lists, refusals on a legal ground, the
search and export of what the node holds about a person, the audit of both, and the deletion
of the requester's details after closing (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from auth_helpers import auth, make_user
from interlock.access.purpose import AccessPurpose, Purpose
from interlock.access.roles import Principal, Role
from interlock.api import subjects
from interlock.api.errors import install_error_handler
from interlock.cli_subjects import app as subjects_cli
from interlock.errors import ConflictError, ForbiddenError, RefusedError
from interlock.retention.policy import Period
from interlock.settings import Settings, get_settings
from interlock.store import Store
from interlock.store.schema import TravellerRow
from interlock.store.schema_access import AuditRow
from interlock.store.schema_alerts import AlertRow
from interlock.store.schema_subject_requests import SubjectRequestRow
from interlock.subjects import SubjectRequestPolicy, SubjectRequests
from test_ingest_screening import (
    SOUGHT,
    flight_traffic,
    import_list,
    ingest,
    manifest,
    person,
    synthetic_entry,
)

pytestmark = pytest.mark.safeguard("SG-45")

ACCESS = AccessPurpose(Purpose.SERIOUS_CRIME, "subject access request SR-2026-7")
BORN = date(1984, 2, 11)
PASSPORT = "FX7733210"
REQUESTER = person("KOVALENKO", "MARTA IRYNA", BORN, "UKR", PASSPORT)
NAMESAKE = person("KOVALENKO", "MARTA IRYNA", date(1991, 7, 3), "UKR", "FX1000001")
PERSONAL = ("KOVALENKO", "MARTA", PASSPORT, "FX77", BORN.isoformat())


@dataclass
class Node:
    store: Store
    requests: SubjectRequests
    dpo: Principal
    dpo_token: str
    analyst: Principal
    analyst_token: str


@pytest.fixture
def node(store: Store) -> Node:
    """A node whose list of persons sought holds the requester, with a DPO and an analyst."""
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", REQUESTER)])
    dpo, dpo_token = make_user(store, "dora.dpo", Role.DPO)
    analyst, analyst_token = make_user(store, "andy", Role.ANALYST)
    return Node(store, SubjectRequests(store.sessions), dpo, dpo_token, analyst, analyst_token)


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    """The subject-requests router alone on an app over the test's store."""
    app = FastAPI()
    app.state.store = node.store
    app.state.settings = Settings()
    install_error_handler(app)
    app.include_router(subjects.router)
    with TestClient(app) as test_client:
        yield test_client


def travelling(node: Node) -> dict[str, list[int]]:
    """The requester on two flights (an alert on the first), a namesake born on another day
    beside them on the first. Returns the stored traveller ids by who they are."""
    ingest(node.store, manifest(flight_traffic(seed=1), [REQUESTER, NAMESAKE]), "one.edi")
    ingest(node.store, manifest(flight_traffic(seed=2), [REQUESTER]), "two.edi")
    with node.store.sessions() as session:
        rows = session.execute(
            select(TravellerRow.id, TravellerRow.birth_date)
            .where(TravellerRow.surname == "KOVALENKO")
            .order_by(TravellerRow.id)
        ).all()
    ids = {
        "requester": [i for i, born in rows if born == BORN],
        "namesake": [i for i, born in rows if born != BORN],
    }
    assert (len(ids["requester"]), len(ids["namesake"])) == (2, 1)
    return ids


def add_access(node: Node, **given: Any) -> int:
    details = {"surname": "Kovalenko", "given_names": "Marta Iryna", "birth_date": BORN}
    return node.requests.add(node.dpo, "access", **{**details, **given}).id


def audit_rows(store: Store, prefix: str = "subject-request.") -> list[AuditRow]:
    with store.sessions() as session:
        rows = session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()
        return [r for r in rows if r.action.startswith(prefix)]


# --- recording and due dates -----------------------------------------------------------------


def test_the_due_date_is_one_month_after_receipt_or_as_configured(node: Node) -> None:
    received = date(2026, 1, 31)
    today = date(2026, 2, 2)
    request = node.requests.add(
        node.dpo, "erasure", surname="Kovalenko", birth_date=BORN, received_on=received, today=today
    )
    assert (request.status.value, request.due_on, request.overdue) == (
        "open",
        date(2026, 2, 28),
        False,
    )
    longer = SubjectRequests(node.store.sessions, SubjectRequestPolicy(due=Period(2, "test")))
    assert longer.add(
        node.dpo, "access", document_number=PASSPORT, received_on=received, today=today
    ).due_on == date(2026, 3, 31)
    extended = node.requests.add(
        node.dpo,
        "access",
        document_number=PASSPORT,
        received_on=received,
        due_on=date(2026, 4, 30),
        today=today,
    )
    assert extended.due_on == date(2026, 4, 30)
    with pytest.raises(RefusedError) as too_late:
        node.requests.add(
            node.dpo,
            "access",
            document_number=PASSPORT,
            received_on=received,
            due_on=date(2026, 5, 1),
            today=today,
        )
    assert too_late.value.location == "due_on"
    with pytest.raises(RefusedError) as no_kind:
        node.requests.add(node.dpo, "complaint", document_number=PASSPORT)
    assert no_kind.value.location == "kind"
    with pytest.raises(RefusedError) as nobody:
        node.requests.add(node.dpo, "access", given_names="Marta")
    assert nobody.value.location == "surname"


def test_open_requests_past_their_due_date_are_listed_as_overdue(
    node: Node, client: TestClient
) -> None:
    today = datetime.now(UTC).date()
    late = add_access(node, received_on=today - timedelta(days=45))
    on_time = add_access(node, received_on=today - timedelta(days=3))
    assert [r.id for r in node.requests.all(node.dpo, overdue=True)] == [late]
    listed = client.get(
        "/api/v1/subject-requests", params={"overdue": "true"}, headers=auth(node.dpo_token)
    )
    assert listed.status_code == 200, listed.text
    [line] = listed.json()
    assert (line["id"], line["overdue"], line["status"]) == (late, True, "open")
    assert "requester" not in line  # lists carry no requester details
    everything = client.get(
        "/api/v1/subject-requests", params={"status": "open"}, headers=auth(node.dpo_token)
    ).json()
    assert [r["id"] for r in everything] == [late, on_time]
    # Answered late, it is no longer overdue (it is no longer open).
    node.requests.answer(node.dpo, late, note="export sent by registered post")
    assert node.requests.all(node.dpo, overdue=True) == []
    assert [r.id for r in node.requests.all(node.dpo, status="answered")] == [late]


# --- who may, and refusals ---------------------------------------------------------------------


def test_only_the_dpo_manages_requests(node: Node, client: TestClient) -> None:
    body = {"kind": "access", "surname": "Kovalenko", "birth_date": BORN.isoformat()}
    refused = client.post("/api/v1/subject-requests", json=body, headers=auth(node.analyst_token))
    assert refused.status_code == 403
    assert (
        client.get("/api/v1/subject-requests", headers=auth(node.analyst_token)).status_code == 403
    )
    created = client.post("/api/v1/subject-requests", json=body, headers=auth(node.dpo_token))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    for path in ("search", "export"):
        answer = client.post(
            f"/api/v1/subject-requests/{request_id}/{path}", headers=auth(node.analyst_token)
        )
        assert answer.status_code == 403
    assert (
        client.get(
            f"/api/v1/subject-requests/{request_id}", headers=auth(node.analyst_token)
        ).status_code
        == 403
    )
    with pytest.raises(ForbiddenError):
        node.requests.search(node.analyst, ACCESS, request_id)
    with pytest.raises(ForbiddenError):
        node.requests.purge_details(node.analyst)
    denied = [r for r in audit_rows(node.store, "subject-request") if r.outcome == "refused"]
    assert {r.actor for r in denied} == {"andy"} and len(denied) >= 5


def test_a_refusal_needs_a_legal_ground_from_the_closed_list(
    node: Node, client: TestClient
) -> None:
    request_id = add_access(node)
    path = f"/api/v1/subject-requests/{request_id}/refuse"
    reason = "an investigation into the booking agent is open"
    missing = client.post(path, json={"reason": reason}, headers=auth(node.dpo_token))
    assert (missing.status_code, missing.json()["location"]) == (422, "ground")
    assert "led-15-1-a" in missing.json()["detail"]
    unknown = client.post(
        path, json={"ground": "because", "reason": reason}, headers=auth(node.dpo_token)
    )
    assert (unknown.status_code, unknown.json()["location"]) == (422, "ground")
    no_reason = client.post(path, json={"ground": "led-15-1-a"}, headers=auth(node.dpo_token))
    assert (no_reason.status_code, no_reason.json()["location"]) == (422, "reason")
    assert node.requests.all(node.dpo, status="open")[0].id == request_id  # still open

    done = client.post(
        path, json={"ground": "led-15-1-a", "reason": reason}, headers=auth(node.dpo_token)
    )
    assert done.status_code == 200, done.text
    refused = done.json()
    assert (refused["status"], refused["legal_ground"]) == ("refused", "led-15-1-a")
    assert refused["legal_ground_text"].startswith("LED Art. 15(1)(a)")
    assert refused["refusal_reason"] == reason
    again = client.post(
        path, json={"ground": "led-15-1-b", "reason": reason}, headers=auth(node.dpo_token)
    )
    assert again.status_code == 409
    # A partial answer withholds a part: it too names its ground.
    other = add_access(node)
    with pytest.raises(RefusedError) as partial:
        node.requests.answer(
            node.dpo,
            other,
            note="records sent, alert withheld",
            partial=True,
            reason="alert concerns an ongoing inquiry",
        )
    assert partial.value.location == "ground"
    answered = node.requests.answer(
        node.dpo,
        other,
        note="records sent, alert withheld",
        partial=True,
        ground="led-15-1-b",
        reason="alert concerns an ongoing inquiry",
    )
    assert answered.status.value == "partially-answered"
    assert answered.legal_ground is not None and answered.legal_ground.value == "led-15-1-b"
    assert answered.refusal_reason == "alert concerns an ongoing inquiry"


# --- search and export -----------------------------------------------------------------------


def test_the_search_finds_exactly_the_persons_records(node: Node) -> None:
    ids = travelling(node)
    by_name = node.requests.search(node.dpo, ACCESS, add_access(node))
    assert [t["traveller_id"] for t in by_name.travellers] == ids["requester"]
    assert all(t["matched_by"] == ["name+birth-date"] for t in by_name.travellers)
    assert {t["birth_date"] for t in by_name.travellers} == {BORN.isoformat()}
    # By document number only, written with another layout: the same records.
    by_document = node.requests.search(
        node.dpo, ACCESS, node.requests.add(node.dpo, "access", document_number="fx-773 3210").id
    )
    assert [t["traveller_id"] for t in by_document.travellers] == ids["requester"]
    assert all(t["matched_by"] == ["document"] for t in by_document.travellers)
    # Names given in another case and with diacritics fold to the stored form.
    folded = node.requests.search(
        node.dpo, ACCESS, add_access(node, surname="Kovalénko", given_names="marta  iryna")
    )
    assert [t["traveller_id"] for t in folded.travellers] == ids["requester"]
    # Only the given name is not the whole given names: nothing is found.
    assert (
        node.requests.search(node.dpo, ACCESS, add_access(node, given_names="Marta")).travellers
        == []
    )
    # The namesake born on another day is found by their own details only.
    namesake = add_access(node, birth_date=NAMESAKE.birth_date)
    assert [
        t["traveller_id"] for t in node.requests.search(node.dpo, ACCESS, namesake).travellers
    ] == ids["namesake"]


def test_the_export_holds_the_records_flights_and_alert(node: Node, client: TestClient) -> None:
    ids = travelling(node)
    request_id = add_access(node, document_number=PASSPORT)
    response = client.post(
        f"/api/v1/subject-requests/{request_id}/export", headers=auth(node.dpo_token)
    )
    assert response.status_code == 200, response.text
    export = response.json()
    assert export["request"]["id"] == request_id
    assert [t["id"] for t in export["travellers"]] == ids["requester"]
    assert {t["birth_date"] for t in export["travellers"]} == {BORN.isoformat()}
    assert [d["number"] for t in export["travellers"] for d in t["documents"]] == [PASSPORT] * 2
    assert {f["key"] for f in export["flights"]} == {
        flight_traffic(seed=1).flight.key,
        flight_traffic(seed=2).flight.key,
    }
    with node.store.sessions() as session:
        theirs = (
            session.execute(select(AlertRow.id).where(AlertRow.traveller_id.in_(ids["requester"])))
            .scalars()
            .all()
        )
    assert len(theirs) >= 1
    assert [a["id"] for a in export["alerts"]] == sorted(theirs)
    alert = export["alerts"][0]
    assert (alert["status"], alert["list"], alert["entry_id"]) == ("new", SOUGHT.name, "NS-1")
    assert alert["explanation_pack"] == f"/api/v1/alerts/{alert['id']}/explanation"
    assert {a["traveller_id"] for a in export["alerts"]} <= set(ids["requester"])
    assert all(m["traveller_id"] in ids["requester"] for m in export["screening_matches"])
    assert export["actions"] == [] and export["no_longer_stored"] == []
    # No namesake anywhere in the export.
    assert "1991-07-03" not in json.dumps(export) and "FX1000001" not in json.dumps(export)
    # Without a purpose the export is refused.
    bare = client.post(
        f"/api/v1/subject-requests/{request_id}/export", headers=auth(node.dpo_token, purpose=None)
    )
    assert (bare.status_code, bare.json()["location"]) == (422, "purpose")


def test_searches_and_exports_are_audited_without_personal_values(
    node: Node, client: TestClient
) -> None:
    ids = travelling(node)
    body = {
        "kind": "access",
        "surname": "KOVALENKO",
        "given_names": "MARTA IRYNA",
        "birth_date": BORN.isoformat(),
        "document_number": PASSPORT,
    }
    request_id = client.post(
        "/api/v1/subject-requests", json=body, headers=auth(node.dpo_token)
    ).json()["id"]
    for path in ("search", "export"):
        done = client.post(
            f"/api/v1/subject-requests/{request_id}/{path}", headers=auth(node.dpo_token)
        )
        assert done.status_code == 200, done.text
    shown = client.get(f"/api/v1/subject-requests/{request_id}", headers=auth(node.dpo_token))
    assert shown.json()["requester"]["document_number"] == PASSPORT
    assert [e["kind"] for e in shown.json()["timeline"]] == ["recorded", "searched", "exported"]
    rows = {r.action: r for r in audit_rows(node.store)}
    assert set(rows) >= {
        "subject-request.add",
        "subject-request.search",
        "subject-request.export",
        "subject-request.read",
    }
    for action in ("subject-request.search", "subject-request.export"):
        row = rows[action]
        assert (row.actor, row.purpose, row.subject_kind, row.subject_id) == (
            "dora.dpo",
            "serious-crime",
            "subject-request",
            str(request_id),
        )
        assert row.detail["traveller_ids"] == ids["requester"]
    assert rows["subject-request.export"].detail["counts"]["alerts"] >= 1
    written = json.dumps(
        [
            {c: getattr(r, c) for c in ("subject_id", "detail", "reason")}
            for r in audit_rows(node.store)
        ],
        default=str,
    ).upper()
    for value in PERSONAL:
        assert value.upper() not in written


def test_closing_schedules_the_deletion_of_the_requesters_details(
    node: Node, client: TestClient
) -> None:
    ids = travelling(node)
    request_id = add_access(node, document_number=PASSPORT)
    node.requests.search(node.dpo, ACCESS, request_id)
    closed_on = date(2026, 3, 10)
    answered = node.requests.answer(
        node.dpo,
        request_id,
        note="export sent to the requester",
        touched_ids=ids["requester"],
        today=closed_on,
    )
    assert answered.purge_after == date(2027, 3, 10)
    assert answered.touched_ids == ids["requester"]
    still_open = add_access(node)
    # Before the period ends nothing is purged.
    assert node.requests.purge_details(node.dpo, today=date(2027, 3, 9)) == []
    assert node.requests.purge_details(None, today=date(2027, 3, 10)) == [request_id]
    with node.store.sessions() as session:
        row = session.get(SubjectRequestRow, request_id)
        assert row is not None
        assert (row.surname, row.given_names, row.birth_date, row.document_number) == (
            None,
            None,
            None,
            None,
        )
        assert row.details_purged_at is not None
        assert (row.status, row.touched_ids) == ("answered", ids["requester"])
        kept = session.get(SubjectRequestRow, still_open)
        assert kept is not None and kept.surname == "Kovalenko"
    shown = client.get(f"/api/v1/subject-requests/{request_id}", headers=auth(node.dpo_token))
    assert shown.json()["requester"] is None and shown.json()["details_purged"] is True
    with pytest.raises(ConflictError):
        node.requests.export(node.dpo, ACCESS, request_id)
    assert node.requests.purge_details(None, today=date(2028, 1, 1)) == []
    [purge] = [r for r in audit_rows(node.store) if r.action == "subject-request.purge"]
    assert (purge.actor, purge.detail) == ("node", {"request_ids": [request_id]})
    # Rectification is recorded, not done: the traveller data is unchanged.
    rectify = node.requests.add(node.dpo, "rectification", document_number=PASSPORT).id
    node.requests.answer(
        node.dpo,
        rectify,
        note="carrier asked to correct the birth place",
        touched_ids=ids["requester"][:1],
    )
    with node.store.sessions() as session:
        assert session.get(TravellerRow, ids["requester"][0]) is not None


# --- the command line --------------------------------------------------------------------------


def test_the_command_line_records_searches_exports_and_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.delenv("INTERLOCK_DATABASE_URL", raising=False)
    monkeypatch.delenv("INTERLOCK_TOKEN", raising=False)
    get_settings.cache_clear()
    try:
        store = Store.from_settings(get_settings())
        ingest(store, manifest(flight_traffic(seed=1), [REQUESTER, NAMESAKE]))
        _, token = make_user(store, "dora.dpo", Role.DPO)
        store.dispose()
        monkeypatch.setenv("INTERLOCK_TOKEN", token)
        get_settings.cache_clear()
        runner = CliRunner()
        added = runner.invoke(
            subjects_cli,
            [
                "add",
                "access",
                "--surname",
                "Kovalenko",
                "--given-names",
                "Marta Iryna",
                "--birth-date",
                BORN.isoformat(),
                "--json",
            ],
        )
        assert added.exit_code == 0, added.output
        request_id = json.loads(added.stdout)["id"]
        listed = runner.invoke(subjects_cli, ["list", "--status", "open", "--json"])
        assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [request_id]
        found = runner.invoke(
            subjects_cli,
            [
                "search",
                str(request_id),
                "--purpose",
                "serious-crime",
                "--reason",
                "subject access request SR-1",
                "--json",
            ],
        )
        assert found.exit_code == 0, found.output
        assert json.loads(found.stdout)["found"] == 1
        target = tmp_path / "export.json"
        exported = runner.invoke(
            subjects_cli,
            [
                "export",
                str(request_id),
                "-o",
                str(target),
                "--purpose",
                "serious-crime",
                "--reason",
                "subject access request SR-1",
            ],
        )
        assert exported.exit_code == 0, exported.output
        assert json.loads(target.read_text())["travellers"][0]["birth_date"] == BORN.isoformat()
        refused = runner.invoke(
            subjects_cli,
            [
                "refuse",
                str(request_id),
                "--ground",
                "led-15-1-d",
                "--reason",
                "national security inquiry",
                "--json",
            ],
        )
        assert refused.exit_code == 0, refused.output
        assert json.loads(refused.stdout)["status"] == "refused"
        shown = runner.invoke(subjects_cli, ["show", str(request_id)])
        assert json.loads(shown.stdout)["legal_ground"] == "led-15-1-d"
    finally:
        get_settings.cache_clear()
