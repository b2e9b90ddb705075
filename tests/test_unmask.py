"""Unmasking depersonalised PNR data (SG-29) over real stores (SQLite and PostgreSQL): synthetic
PNR received seven months ago, held and depersonalised by a real retention run, then asked
for, decided by an authority outside the unit, and read back through the key file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
from interlock.api import audit as audit_api
from interlock.api import unmask as unmask_api
from interlock.api.errors import install_error_handler
from interlock.cli_unmask import app as unmask_cli
from interlock.errors import ForbiddenError, RefusedError
from interlock.retention import Retention
from interlock.retention.seal import default_key_path
from interlock.retention.unmask import DPO_NOTIFY, Unmasking, UnmaskRequest, UnmaskStatus
from interlock.settings import Settings, get_settings
from interlock.store import Store
from interlock.store.schema import BookingRow, TravelDocumentRow, TravellerRow
from interlock.store.schema_access import AuditRow
from test_retention_run import (
    DOCUMENT,
    EMAIL,
    GIVEN,
    OLD,
    PLAINTEXTS,
    SURNAME,
    carrier_of,
    dpo,
    hold_booking,
    ingest,
    pnr_push,
    travellers_of,
)

ACCESS = AccessPurpose(Purpose.SERIOUS_CRIME, "case 2026/0099: identify the co-travellers")
REQUEST = {"purpose": "serious-crime", "reason": "identify the traveller of case 99",
           "evidence": "CASE-2026-099"}  # fmt: skip
UNIT, COURT = "piu-analysis", "district-court-7"


@dataclass
class Held:
    """Depersonalised data of one booking and the plaintext it had before."""

    retention: Retention
    carrier: str
    locator: str
    travellers: list[int]
    before: dict[str, dict[int, dict[str, Any]]]


def _snapshot(store: Store, message: int) -> dict[str, dict[int, dict[str, Any]]]:
    """Every column of the booking, traveller and document rows of ``message``."""
    snap: dict[str, dict[int, dict[str, Any]]] = {}
    with store.sessions() as session:
        bookings = session.execute(select(BookingRow).where(BookingRow.message_id == message))
        travellers = session.execute(select(TravellerRow).where(TravellerRow.message_id == message))
        people = list(travellers.scalars())
        documents = session.execute(
            select(TravelDocumentRow).where(
                TravelDocumentRow.traveller_id.in_([p.id for p in people])
            )
        )
        for kind, rows in (("booking", list(bookings.scalars())), ("traveller", people),
                           ("travel_document", list(documents.scalars()))):  # fmt: skip
            snap[kind] = {
                row.id: {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}
                for row in rows
            }
    return snap


def depersonalised(store: Store, key_dir: Path, seed: int) -> Held:
    """A marked synthetic booking received seven months ago, held, and depersonalised."""
    data, (locator,) = pnr_push(seed, marked=True)
    message = ingest(store, data, OLD)
    before = _snapshot(store, message)
    retention = Retention(store, key_path=default_key_path(key_dir))
    carrier, _ = carrier_of(store, locator)
    hold_booking(retention, dpo(store, f"dpo.{seed}"), (carrier, locator))
    report = retention.run(None)
    assert report.depersonalised["traveller"] == len(before["traveller"]) >= 1
    with store.sessions() as session:
        masked = session.execute(select(TravellerRow.surname)).scalars().all()
    assert SURNAME not in masked
    return Held(retention, carrier, locator, travellers_of(store, message), before)


def unmasking(store: Store, held: Held, **options: Any) -> Unmasking:
    return Unmasking(store.sessions, key_path=held.retention.key_path, **options)


def people(store: Store) -> tuple[Principal, Principal]:
    """An analyst of the unit and a person of an outside authority."""
    analyst = make_user(store, "ana.lyst", Role.ANALYST, unit=UNIT)[0]
    authority = make_user(store, "judge.one", Role.AUTHORITY, unit=COURT)[0]
    return analyst, authority


def asked(
    unmask: Unmasking,
    who: Principal,
    held: Held,
    *,
    traveller_id: int | None = None,
    purpose: str | None = REQUEST["purpose"],
    evidence: str | None = REQUEST["evidence"],
) -> UnmaskRequest:
    """A request by ``who`` for the held booking (or one traveller of it)."""
    booking = None if traveller_id else (held.carrier, held.locator)
    return unmask.request(who, booking=booking, traveller_id=traveller_id, purpose=purpose,
                          reason=REQUEST["reason"], evidence=evidence)  # fmt: skip


def ask(unmask: Unmasking, who: Principal, held: Held) -> int:
    made = asked(unmask, who, held)
    assert made.status is UnmaskStatus.PENDING
    return made.id


def audit_rows(store: Store) -> list[AuditRow]:
    with store.sessions() as session:
        return list(session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars())


def assert_no_personal_values(store: Store, held: Held) -> None:
    """No audit entry carries a name, document number, contact, card or record locator."""
    text = "\n".join(
        repr((r.actor, r.action, r.purpose, r.reason, r.subject_id, r.recipient, r.detail))
        for r in audit_rows(store)
    )
    assert "unmask." in text  # the entries looked at are there
    for value in (*PLAINTEXTS, EMAIL, held.locator):
        assert value not in text, value


@pytest.mark.safeguard("SG-29")
@pytest.mark.safeguard("SG-27")
def test_an_outside_approval_unlocks_the_original_plaintext(store: Store, tmp_path: Path) -> None:
    held = depersonalised(store, tmp_path, 41)
    analyst, authority = people(store)
    unmask = unmasking(store, held)
    request_id = ask(unmask, analyst, held)

    with pytest.raises(ForbiddenError, match="not approved"):
        unmask.read(analyst, request_id, ACCESS)
    approved = unmask.approve(authority, request_id, "order of the district court 7/2026")
    assert approved.status is UnmaskStatus.APPROVED
    assert (approved.decided_by, approved.decider_unit) == ("judge.one", COURT)
    assert approved.expires_at is not None and approved.decided_at is not None
    assert approved.expires_at - approved.decided_at == timedelta(days=7)

    data = unmask.read(analyst, request_id, ACCESS)

    assert sorted(t["id"] for t in data.travellers) == sorted(held.travellers)
    for kind, rows in (("traveller", data.travellers), ("booking", data.bookings),
                       ("travel_document", data.travel_documents)):  # fmt: skip
        assert sorted(row["id"] for row in rows) == sorted(held.before[kind]), kind
        for row in rows:
            original = held.before[kind][row["id"]]
            for name, value in row.items():
                assert value == original[name], (kind, name)
    opened = {column for row in data.travellers for column in row}
    assert {"surname", "given_names", "birth_date", "contacts", "frequent_flyer"} <= opened
    names = {(t["surname"], t["given_names"]) for t in data.travellers}
    assert (SURNAME, GIVEN) in names
    assert DOCUMENT in {d["number"] for d in data.travel_documents}
    assert {"payments", "contacts"} <= set(data.bookings[0])
    as_json = json.dumps(data.to_dict())
    assert SURNAME in as_json and EMAIL in as_json
    assert unmask.read(analyst, request_id, ACCESS).travellers == data.travellers
    listed = unmask.all(analyst)
    assert [(m.id, m.reads) for m in listed] == [(request_id, 2)]

    # the DPO sees every step (and the refused early read) as a notification
    reader = dpo(store, "dpo.reader")
    notices = store.audit.entries(reader, action=DPO_NOTIFY)
    assert [(n.detail["event"], n.outcome) for n in notices] == [
        ("unmask.request", "done"),
        ("unmask.read", "refused"),
        ("unmask.approve", "done"),
        ("unmask.read", "done"),
        ("unmask.read", "done"),
    ]
    assert {(n.subject_kind, n.subject_id, n.recipient) for n in notices} == {
        ("unmask-request", str(request_id), "dpo")
    }
    steps = [
        (r.action, r.actor, r.outcome) for r in audit_rows(store) if r.action.startswith("unmask.")
    ]
    assert steps == [
        ("unmask.request", "ana.lyst", "done"),
        ("unmask.read", "ana.lyst", "refused"),
        ("unmask.approve", "judge.one", "done"),
        ("unmask.read", "ana.lyst", "done"),
        ("unmask.read", "ana.lyst", "done"),
        ("unmask.list", "ana.lyst", "done"),
    ]
    read = next(r for r in audit_rows(store) if r.action == "unmask.read" and r.outcome == "done")
    assert (read.purpose, read.reason) == ("serious-crime", ACCESS.reason)
    assert read.detail["rows"]["traveller"] and read.detail["key_id"]
    assert_no_personal_values(store, held)
    assert store.audit.verify().ok


@pytest.mark.safeguard("SG-29")
def test_an_approver_of_the_same_unit_or_without_one_is_refused(
    store: Store, tmp_path: Path
) -> None:
    held = depersonalised(store, tmp_path, 42)
    analyst, _ = people(store)
    colleague = make_user(store, "judge.same", Role.AUTHORITY, unit=" PIU-Analysis ")[0]
    nobody = make_user(store, "judge.none", Role.AUTHORITY)[0]
    unmask = unmasking(store, held)
    request_id = ask(unmask, analyst, held)

    with pytest.raises(ForbiddenError, match="requesting unit"):
        unmask.approve(colleague, request_id, "looks fine to the unit")
    with pytest.raises(ForbiddenError, match="no unit"):
        unmask.approve(nobody, request_id, "looks fine to me")
    with pytest.raises(ForbiddenError, match="requesting unit"):
        unmask.refuse(colleague, request_id, "not for the unit to say")

    assert [m.status for m in unmask.all(analyst)] == [UnmaskStatus.PENDING]
    with pytest.raises(ForbiddenError, match="not approved"):
        unmask.read(analyst, request_id, ACCESS)
    refused = [(r.action, r.actor) for r in audit_rows(store) if r.outcome == "refused"]
    assert ("unmask.approve", "judge.same") in refused
    assert (DPO_NOTIFY, "judge.same") in refused and (DPO_NOTIFY, "judge.none") in refused
    # a requester whose account names no unit cannot ask: "outside" would mean nothing
    loose = make_user(store, "ana.loose", Role.ANALYST)[0]
    with pytest.raises(ForbiddenError, match="no unit"):
        asked(unmask, loose, held)
    assert_no_personal_values(store, held)


@pytest.mark.safeguard("SG-29")
def test_a_requester_cannot_approve_their_own_request(store: Store, tmp_path: Path) -> None:
    held = depersonalised(store, tmp_path, 43)
    both = make_user(store, "two.hats", Role.ANALYST, Role.AUTHORITY, unit=UNIT)[0]
    unmask = unmasking(store, held)
    request_id = ask(unmask, both, held)

    with pytest.raises(ForbiddenError, match="own"):
        unmask.approve(both, request_id, "I approve my own request")
    with pytest.raises(ForbiddenError, match="not approved"):
        unmask.read(both, request_id, ACCESS)
    assert [m.status for m in unmask.all(both)] == [UnmaskStatus.PENDING]


@pytest.mark.safeguard("SG-29")
@pytest.mark.safeguard("SG-40")
def test_a_service_principal_can_neither_request_nor_decide_nor_read(
    store: Store, tmp_path: Path
) -> None:
    held = depersonalised(store, tmp_path, 44)
    analyst, authority = people(store)
    gateway = make_user(store, "gateway", Role.ANALYST, Role.AUTHORITY, service=True,
                        unit="carrier-gateway")[0]  # fmt: skip
    unmask = unmasking(store, held)

    with pytest.raises(ForbiddenError, match="service"):
        asked(unmask, gateway, held)
    request_id = ask(unmask, analyst, held)
    with pytest.raises(ForbiddenError, match="service"):
        unmask.approve(gateway, request_id, "approved by a machine")
    unmask.approve(authority, request_id, "order of the district court 7/2026")
    with pytest.raises(ForbiddenError, match="service"):
        unmask.read(gateway, request_id, ACCESS)
    with pytest.raises(ForbiddenError, match="service"):
        unmask.all(gateway)
    refused = {(r.action, r.actor_kind) for r in audit_rows(store) if r.outcome == "refused"}
    assert {("unmask.request", "service"), ("unmask.approve", "service"),
            ("unmask.read", "service")} <= refused  # fmt: skip


@pytest.mark.safeguard("SG-29")
def test_an_expired_approval_no_longer_reads(store: Store, tmp_path: Path) -> None:
    held = depersonalised(store, tmp_path, 45)
    analyst, authority = people(store)
    unmask = unmasking(store, held)
    request_id = ask(unmask, analyst, held)
    decided = datetime.now(UTC)
    unmask.approve(authority, request_id, "order of the district court 7/2026", now=decided)

    assert unmask.read(analyst, request_id, ACCESS, now=decided + timedelta(days=6)).travellers
    with pytest.raises(ForbiddenError, match="expired"):
        unmask.read(analyst, request_id, ACCESS, now=decided + timedelta(days=7, seconds=1))
    assert unmask.all(analyst, now=decided + timedelta(days=8))[0].status is UnmaskStatus.EXPIRED
    with pytest.raises(ForbiddenError, match="expired"):
        unmask.approve(authority, request_id, "approve it again", now=decided + timedelta(days=8))

    short = unmasking(store, held, approval_valid=timedelta(hours=1))
    second = ask(short, analyst, held)
    short.approve(authority, second, "order of the district court 8/2026", now=decided)
    with pytest.raises(ForbiddenError, match="expired"):
        short.read(analyst, second, ACCESS, now=decided + timedelta(hours=2))


@pytest.mark.safeguard("SG-29")
def test_a_refused_request_cannot_be_read_or_approved_later(store: Store, tmp_path: Path) -> None:
    held = depersonalised(store, tmp_path, 46)
    analyst, authority = people(store)
    unmask = unmasking(store, held)
    request_id = ask(unmask, analyst, held)

    with pytest.raises(RefusedError) as missing:
        unmask.refuse(authority, request_id, "")
    assert missing.value.location == "reason"
    made = unmask.refuse(authority, request_id, "no link to the case is shown")
    assert (made.status, made.decision_reason) == (
        UnmaskStatus.REFUSED,
        "no link to the case is shown",
    )
    assert made.expires_at is None

    with pytest.raises(ForbiddenError, match="refused"):
        unmask.read(analyst, request_id, ACCESS)
    with pytest.raises(ForbiddenError, match="refused"):
        unmask.approve(authority, request_id, "changed my mind after all")
    events = [
        n.detail["event"] for n in store.audit.entries(dpo(store, "dpo.r"), action=DPO_NOTIFY)
    ]
    assert events == ["unmask.request", "unmask.refuse", "unmask.read", "unmask.approve"]
    assert_no_personal_values(store, held)


@pytest.mark.safeguard("SG-29")
@pytest.mark.safeguard("SG-01")
def test_only_the_requester_reads_and_only_for_the_approved_purpose(
    store: Store, tmp_path: Path
) -> None:
    held = depersonalised(store, tmp_path, 47)
    analyst, authority = people(store)
    other = make_user(store, "ana.other", Role.ANALYST, unit=UNIT)[0]
    unmask = unmasking(store, held)
    with pytest.raises(RefusedError) as no_purpose:
        asked(unmask, analyst, held, purpose=None)
    assert no_purpose.value.location == "purpose"
    with pytest.raises(RefusedError) as no_evidence:
        asked(unmask, analyst, held, evidence=" ")
    assert no_evidence.value.location == "evidence"
    request_id = ask(unmask, analyst, held)
    unmask.approve(authority, request_id, "order of the district court 7/2026")

    with pytest.raises(ForbiddenError, match="another person"):
        unmask.read(other, request_id, ACCESS)
    assert unmask.all(other) == []
    terror = AccessPurpose(Purpose.TERRORIST_OFFENCE, ACCESS.reason)
    with pytest.raises(ForbiddenError, match="approved for serious-crime"):
        unmask.read(analyst, request_id, terror)
    assert [m.id for m in unmask.all(authority)] == [request_id]
    # a traveller request covers that traveller and its documents only
    single = asked(unmask, analyst, held, traveller_id=held.travellers[0])
    unmask.approve(authority, single.id, "order of the district court 9/2026")
    data = unmask.read(analyst, single.id, ACCESS)
    assert [t["id"] for t in data.travellers] == [held.travellers[0]] and data.bookings == []
    assert {d["traveller_id"] for d in data.travel_documents} <= {held.travellers[0]}


# --- over HTTP and on the command line ---------------------------------------------------


@pytest.fixture
def node(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The unmask and audit routers on an app over a real store, as api.app mounts them."""
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path / "node", database_url=store_url)
    app.state.store = Store.open(store_url, migrate=False)
    install_error_handler(app)
    app.include_router(unmask_api.router)
    app.include_router(audit_api.router)
    with TestClient(app) as client:
        yield client
    app.state.store.dispose()


@pytest.mark.safeguard("SG-29")
def test_unmasking_over_http(node: TestClient, tmp_path: Path) -> None:
    store: Store = node.app.state.store  # type: ignore[attr-defined]
    held = depersonalised(store, tmp_path / "node", 48)
    _, analyst = make_user(store, "ana.lyst", Role.ANALYST, unit=UNIT)
    _, colleague = make_user(store, "judge.same", Role.AUTHORITY, unit=UNIT)
    _, judge = make_user(store, "judge.one", Role.AUTHORITY, unit=COURT)
    _, gateway = make_user(store, "gateway", Role.SERVICE, Role.ANALYST, service=True)
    _, officer = make_user(store, "dpo.http", Role.DPO, unit="dpo-office")
    body = {"booking": f"{held.carrier}/{held.locator}", **REQUEST}

    assert node.post("/api/v1/unmask/requests", json=body,
                     headers=auth(gateway)).status_code == 403  # fmt: skip
    missing = node.post("/api/v1/unmask/requests", json={**body, "reason": None},
                        headers=auth(analyst))  # fmt: skip
    assert (missing.status_code, missing.json()["location"]) == (422, "reason")
    created = node.post("/api/v1/unmask/requests", json=body, headers=auth(analyst))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    data_url = f"/api/v1/unmask/requests/{request_id}/data"
    assert node.get(data_url, headers=auth(analyst)).status_code == 403
    decision = {"reason": "order of the district court 7/2026"}
    assert node.post(f"/api/v1/unmask/requests/{request_id}/approve", json=decision,
                     headers=auth(colleague)).status_code == 403  # fmt: skip
    assert node.post(f"/api/v1/unmask/requests/{request_id}/approve", json=decision,
                     headers=auth(analyst)).status_code == 403  # fmt: skip
    approved = node.post(f"/api/v1/unmask/requests/{request_id}/approve", json=decision,
                         headers=auth(judge))  # fmt: skip
    assert approved.status_code == 200 and approved.json()["status"] == "approved"

    assert node.get(data_url, headers=auth(analyst, purpose=None)).status_code == 422
    read = node.get(data_url, headers=auth(analyst))
    assert read.status_code == 200, read.text
    travellers = read.json()["travellers"]
    assert (SURNAME, GIVEN) in {(t["surname"], t["given_names"]) for t in travellers}
    original = held.before["traveller"][travellers[0]["id"]]
    assert travellers[0]["birth_date"] == original["birth_date"].isoformat()
    assert travellers[0]["contacts"] == original["contacts"]

    own = node.get("/api/v1/unmask/requests", headers=auth(analyst)).json()
    every = node.get("/api/v1/unmask/requests", headers=auth(judge)).json()
    assert [r["id"] for r in own] == [r["id"] for r in every] == [request_id]
    assert own[0]["reads"] == 1
    assert node.get("/api/v1/unmask/requests", headers=auth(officer)).status_code == 200
    notices = node.get("/api/v1/audit", params={"action": DPO_NOTIFY},
                       headers=auth(officer)).json()  # fmt: skip
    done = [n["detail"]["event"] for n in notices if n["outcome"] == "done"]
    assert done == ["unmask.request", "unmask.approve", "unmask.read"]
    assert {n["subject_id"] for n in notices} == {str(request_id)}
    assert_no_personal_values(store, held)


@pytest.mark.safeguard("SG-29")
def test_the_command_line_requests_approves_and_shows(
    store: Store, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "node"
    held = depersonalised(store, data_dir, 49)
    _, analyst = make_user(store, "ana.lyst", Role.ANALYST, unit=UNIT)
    _, judge = make_user(store, "judge.one", Role.AUTHORITY, unit=COURT)
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    runner = CliRunner()

    def as_(token: str, *args: str) -> Any:
        monkeypatch.setenv("INTERLOCK_TOKEN", token)
        get_settings.cache_clear()
        result = runner.invoke(unmask_cli, list(args))
        assert result.exit_code == 0, result.output
        return result

    try:
        made = as_(analyst, "request", "--booking", f"{held.carrier}/{held.locator}",
                   "--purpose", "serious-crime", "--reason", REQUEST["reason"],
                   "--evidence", "CASE-2026-099", "--json")  # fmt: skip
        request_id = json.loads(made.stdout)["id"]
        assert "pending" in as_(judge, "list").stdout
        as_(judge, "approve", str(request_id), "--reason", "order of the district court 7/2026")
        shown = as_(analyst, "show", str(request_id), "--purpose", "serious-crime",
                    "--reason", ACCESS.reason, "--json")  # fmt: skip
        names = {t["surname"] for t in json.loads(shown.stdout)["travellers"]}
        assert SURNAME in names
        table = as_(analyst, "show", str(request_id), "--purpose", "serious-crime",
                    "--reason", ACCESS.reason)  # fmt: skip
        assert SURNAME in table.stdout and "audited" in table.stdout
        second = json.loads(as_(analyst, "request", "--traveller", str(held.travellers[0]),
                                "--purpose", "serious-crime", "--reason", REQUEST["reason"],
                                "--evidence", "CASE-2026-100", "--json").stdout)["id"]  # fmt: skip
        as_(judge, "refuse", str(second), "--reason", "no link to the case is shown")
        listed = [json.loads(line) for line in as_(analyst, "list", "--json").stdout.splitlines()]
        assert [(r["id"], r["status"]) for r in listed] == [
            (second, "refused"),
            (request_id, "approved"),
        ]
        monkeypatch.setenv("INTERLOCK_TOKEN", analyst)
        get_settings.cache_clear()
        denied = runner.invoke(unmask_cli, ["show", str(second), "--purpose", "serious-crime",
                                            "--reason", ACCESS.reason])  # fmt: skip
        assert denied.exit_code != 0 and isinstance(denied.exception, ForbiddenError)
    finally:
        get_settings.cache_clear()
    assert_no_personal_values(store, held)
