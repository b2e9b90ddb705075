"""Alerts from matches and rule hits, human review, actions, cases and explanation packs
(SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from auth_helpers import PASSWORD, auth, make_user
from interlock.access.purpose import AccessPurpose, Purpose
from interlock.access.roles import Principal, Role
from interlock.alerts import AlertDesk, CaseDesk, explanation_pack, render_pack_html
from interlock.alerts.keys import rule_cause
from interlock.alerts.policy import CHECKLISTS, CauseKind, Severity
from interlock.alerts.raising import Cause, raise_alerts, subject_for
from interlock.alerts.service import alert_desk
from interlock.api.app import create_app
from interlock.errors import ConflictError, ForbiddenError, RefusedError
from interlock.model import Traveller
from interlock.settings import Settings
from interlock.stopswitch import Scope
from interlock.store import Store
from interlock.store.schema import TravellerRow
from interlock.store.schema_alerts import AlertRow, DismissedMatchRow
from test_ingest_screening import (
    SOUGHT,
    flight_traffic,
    import_list,
    ingest,
    manifest,
    person,
    pnr_push,
    synthetic_entry,
)

ACCESS = AccessPurpose(Purpose.SERIOUS_CRIME, "case 2026/0042: alert tests")
WANTED = person("KOVALENKO", "MARTA IRYNA", date(1984, 2, 11), "UKR", "FX7733210")
REASON = "Name, birth date and passport agree with the entry; no exonerating fact found."


def yes_to_all(kind: CauseKind) -> dict[str, str]:
    return dict.fromkeys(CHECKLISTS[kind], "yes")


@dataclass
class Node:
    store: Store
    desk: AlertDesk
    reviewer: Principal
    analyst: Principal


@pytest.fixture
def node(store: Store) -> Iterator[Node]:
    """A node with a list of persons sought holding one synthetic person, and two accounts."""
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    reviewer, _ = make_user(store, "rita", Role.REVIEWER)
    analyst, _ = make_user(store, "andy", Role.ANALYST)
    yield Node(store, AlertDesk(store.sessions), reviewer, analyst)


def alerts(store: Store) -> list[AlertRow]:
    with store.sessions() as session:
        return list(session.execute(select(AlertRow).order_by(AlertRow.id)).scalars())


def wanted_on_a_flight(node: Node, *, seed: int = 1, traveller: Traveller = WANTED) -> AlertRow:
    outcome = ingest(node.store, manifest(flight_traffic(seed=seed), [traveller]))
    assert outcome.alerts == 1, outcome
    return alerts(node.store)[-1]


def confirm(node: Node, alert_id: int) -> None:
    node.desk.start_review(node.reviewer, ACCESS, alert_id)
    node.desk.decide(
        node.reviewer, ACCESS, alert_id, "confirmed", yes_to_all(CauseKind.WATCHLIST), REASON
    )


# --- raising ---------------------------------------------------------------------------------


def test_a_match_at_ingest_raises_an_alert_graded_by_list_and_band(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    assert (alert.status, alert.cause_kind, alert.category) == (
        "new",
        "watchlist",
        "watchlist:sought",
    )
    assert (alert.list_name, alert.entry_id, alert.list_version) == (SOUGHT.name, "NS-1", 1)
    assert (alert.band, alert.severity, alert.priority) == ("high", "high", 1)
    assert alert.due_at - alert.created_at == timedelta(minutes=30)
    features = {f["feature"] for f in alert.explanation["features"]}
    assert {"name", "birth_date"} <= features
    # Nobody else on the flight is alerted.
    assert len(alerts(node.store)) == 1


def test_a_resent_manifest_updates_its_alert_instead_of_raising_another(node: Node) -> None:
    traffic = flight_traffic()
    first = ingest(node.store, manifest(traffic, [WANTED], reference="0000001P"))
    second = ingest(node.store, manifest(traffic, [WANTED], reference="0000002P"))
    assert (first.alerts, second.alerts) == (1, 0)
    [alert] = alerts(node.store)
    assert alert.resent == 1
    with node.store.sessions() as session:
        newest = session.execute(
            select(func.max(TravellerRow.id)).where(TravellerRow.surname == "KOVALENKO")
        ).scalar_one()
    assert alert.traveller_id == newest


def test_the_same_person_on_another_flight_is_another_alert(node: Node) -> None:
    wanted_on_a_flight(node, seed=1)
    wanted_on_a_flight(node, seed=2)
    assert len(alerts(node.store)) == 2


def test_a_lost_passport_raises_a_document_alert(store: Store) -> None:
    from interlock.watchlists.documents import read_document_list
    from interlock.watchlists.model import ListInfo, ListType

    csv = (
        b"id,document_number,document_type,issuing_country,status,reported_on,reported_by\n"
        b"SLTD-1,FX7733210,P,UKR,stolen,2026-01-10,Synthetic police\n"
    )
    read = read_document_list(csv, source="lost.csv", list_name="lost-documents")
    info = ListInfo("lost-documents", "Synthetic police", "Police Act s. 4", ListType.DOCUMENTS)
    import_list(store, info, read.entries)
    # Someone else entirely travels on the stolen passport.
    holder = person("BRANDT", "OLE", date(1990, 7, 1), "UKR", "FX7733210")
    outcome = ingest(store, manifest(flight_traffic(), [holder]))
    assert outcome.alerts == 1
    [alert] = alerts(store)
    assert (alert.cause_kind, alert.category, alert.entry_id) == (
        "document",
        "watchlist:documents",
        "SLTD-1",
    )
    assert (alert.severity, alert.priority) == ("high", 2)
    assert CHECKLISTS[CauseKind.DOCUMENT].keys() == {
        "document_compared",
        "holder_checked",
        "entry_current",
        "exonerating_facts_considered",
        "proportionality",
    }


def test_an_active_rule_raises_alerts_at_ingest_with_its_explanation(node: Node) -> None:
    from interlock.demo_review import rule_source
    from interlock.rules.backtest import backtest_rule
    from interlock.rules.workflow import RuleWorkflow

    author, _ = make_user(node.store, "alice", Role.RULE_AUTHOR)
    approver, _ = make_user(node.store, "bob", Role.RULE_APPROVER)
    flow = RuleWorkflow(node.store.sessions)
    flow.draft(author, rule_source((date.today() + timedelta(days=90)).isoformat()))
    flow.submit(author, "demo-co-travel-with-match")
    backtest_rule(node.store.sessions, approver, ACCESS, "demo-co-travel-with-match")
    flow.approve(approver, "demo-co-travel-with-match")
    companion = person("KOVALENKO", "TARAS", date(2016, 5, 2), "UKR", "FX7733299")
    outcome = ingest(node.store, pnr_push(flight_traffic().flight, [WANTED, companion]))
    assert (outcome.matches, outcome.rule_hits, outcome.alerts) == (1, 1, 2)
    rule_alert = next(a for a in alerts(node.store) if a.cause_kind == "rule")
    assert (rule_alert.rule_name, rule_alert.rule_version) == ("demo-co-travel-with-match", 1)
    assert rule_alert.category == "rule:co-travel" and rule_alert.priority == 3
    explanation = rule_alert.explanation
    assert explanation["author"] == "alice"
    [condition] = explanation["conditions"]
    assert (condition["field"], condition["actual"], condition["met"]) == (
        "co_travel_with_match",
        True,
        True,
    )
    # The companion is a child: flagged first, whatever raised the alert.
    assert [f["flag"] for f in rule_alert.humanitarian] == ["minor"]


# --- review (SG-20, SG-21, SG-22) ------------------------------------------------------------


@pytest.mark.safeguard("SG-20")
def test_alert_states_go_new_under_review_then_confirmed_or_dismissed(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    answers = yes_to_all(CauseKind.WATCHLIST)
    with pytest.raises(ConflictError, match="only an alert under review"):
        node.desk.decide(node.reviewer, ACCESS, alert.id, "confirmed", answers, REASON)
    view = node.desk.start_review(node.reviewer, ACCESS, alert.id)
    assert view["alert"]["status"] == "under_review"
    done = node.desk.decide(node.reviewer, ACCESS, alert.id, "confirmed", answers, REASON)
    assert done["status"] == "confirmed"
    with pytest.raises(ConflictError, match="decided already"):
        node.desk.start_review(node.reviewer, ACCESS, alert.id)
    with pytest.raises(ConflictError):
        node.desk.decide(node.reviewer, ACCESS, alert.id, "dismissed", answers, REASON)


@pytest.mark.safeguard("SG-20")
def test_only_a_reviewer_decides_and_an_analyst_cannot(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    with pytest.raises(ForbiddenError):
        node.desk.start_review(node.analyst, ACCESS, alert.id)
    node.desk.start_review(node.reviewer, ACCESS, alert.id)
    with pytest.raises(ForbiddenError):
        node.desk.decide(
            node.analyst, ACCESS, alert.id, "confirmed", yes_to_all(CauseKind.WATCHLIST), REASON
        )


@pytest.mark.safeguard("SG-21")
def test_an_incomplete_review_is_refused_naming_what_is_missing(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    view = node.desk.start_review(node.reviewer, ACCESS, alert.id)
    # The reviewer is shown the evidence, the exonerating facts and the checklist.
    assert view["checklist"] == CHECKLISTS[CauseKind.WATCHLIST]
    assert {f["feature"] for f in view["evidence"]["features"]} >= {"name", "birth_date"}
    assert "exonerating" in view and view["band"] == "high"
    answers = yes_to_all(CauseKind.WATCHLIST)
    del answers["documents_checked"]
    with pytest.raises(RefusedError, match="missing: documents_checked") as missing:
        node.desk.decide(node.reviewer, ACCESS, alert.id, "confirmed", answers, REASON)
    assert missing.value.location == "checklist"
    answers["documents_checked"] = "maybe"
    with pytest.raises(RefusedError, match="yes, no or not-applicable"):
        node.desk.decide(node.reviewer, ACCESS, alert.id, "confirmed", answers, REASON)
    answers["documents_checked"] = "not-applicable"
    with pytest.raises(RefusedError, match="reason") as short:
        node.desk.decide(node.reviewer, ACCESS, alert.id, "confirmed", answers, "looks right")
    assert short.value.location == "reason"
    # Another reviewer who has not opened the alert cannot decide it.
    other, _ = make_user(node.store, "omar", Role.REVIEWER)
    with pytest.raises(ConflictError, match="start your review"):
        node.desk.decide(other, ACCESS, alert.id, "confirmed", answers, REASON)
    done = node.desk.decide(node.reviewer, ACCESS, alert.id, "dismissed", answers, REASON)
    assert done["status"] == "dismissed"


@pytest.mark.safeguard("SG-22")
def test_the_reviewer_sees_a_band_not_a_score_or_verdict(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    view = node.desk.start_review(node.reviewer, ACCESS, alert.id)
    assert view["band"] == "high"
    assert "score" not in view["evidence"]
    assert "verdict" not in str(view).lower()


def _rule_alert(node: Node, author: str) -> int:
    """A rule hit on a stored traveller, raised as ingest raises it."""
    wanted_on_a_flight(node)
    [alert] = alerts(node.store)
    cause = Cause(
        kind=CauseKind.RULE,
        key=rule_cause("cash-one-way"),
        category="rule:travel-pattern",
        severity=Severity.MEDIUM,
        priority=3,
        explanation={
            "rule": "cash-one-way",
            "version": 1,
            "author": author,
            "conditions": [],
            "exonerating": [],
        },
        rule_name="cash-one-way",
        rule_version=1,
    )
    subject = subject_for(alert.traveller_id, WANTED, alert.flight_key, None)
    with node.store.transaction() as session:
        report = raise_alerts(session, [(subject, cause)])
    return report.raised[0]


@pytest.mark.safeguard("SG-22")
def test_a_rules_author_cannot_confirm_its_hits(node: Node) -> None:
    author, _ = make_user(node.store, "alice", Role.REVIEWER, Role.RULE_AUTHOR)
    alert_id = _rule_alert(node, author="alice")
    answers = yes_to_all(CauseKind.RULE)
    node.desk.start_review(author, ACCESS, alert_id)
    with pytest.raises(ForbiddenError, match="its author may not confirm"):
        node.desk.decide(author, ACCESS, alert_id, "confirmed", answers, REASON)
    # Another person can.
    node.desk.start_review(node.reviewer, ACCESS, alert_id)
    done = node.desk.decide(node.reviewer, ACCESS, alert_id, "confirmed", answers, REASON)
    assert done["status"] == "confirmed"


# --- remembered dismissals (SG-25) -----------------------------------------------------------


@pytest.mark.safeguard("SG-25")
def test_a_dismissed_match_is_not_raised_again_for_the_same_person(node: Node) -> None:
    alert = wanted_on_a_flight(node, seed=1)
    node.desk.start_review(node.reviewer, ACCESS, alert.id)
    node.desk.decide(
        node.reviewer, ACCESS, alert.id, "dismissed", yes_to_all(CauseKind.WATCHLIST), REASON
    )
    again = ingest(node.store, manifest(flight_traffic(seed=2), [WANTED]))
    assert again.matches == 1 and again.alerts == 0  # matched, but not alerted again
    assert len(alerts(node.store)) == 1
    # Someone else with the same name but another birth date and passport is alerted.
    namesake = person("KOVALENKO", "MARTA IRYNA", date(1984, 2, 12), "UKR", "FX0000001")
    other = ingest(node.store, manifest(flight_traffic(seed=3), [namesake]))
    assert other.alerts == 1
    # The memory holds hashes, never the name or the entry.
    with node.store.sessions() as session:
        [memory] = session.execute(select(DismissedMatchRow)).scalars()
    assert "KOVALENKO" not in str(vars(memory)).upper()
    assert "NS-1" not in (memory.identity_key + memory.cause_hash)


@pytest.mark.safeguard("SG-25")
def test_the_memory_of_a_dismissal_is_deleted_with_the_data(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    node.desk.start_review(node.reviewer, ACCESS, alert.id)
    node.desk.decide(
        node.reviewer, ACCESS, alert.id, "dismissed", yes_to_all(CauseKind.WATCHLIST), REASON
    )
    with node.store.transaction() as session:
        assert session.execute(select(func.count(DismissedMatchRow.id))).scalar_one() == 1
        session.execute(delete(TravellerRow).where(TravellerRow.id == alert.traveller_id))
    with node.store.sessions() as session:
        assert session.execute(select(func.count(DismissedMatchRow.id))).scalar_one() == 0
        assert session.execute(select(func.count(AlertRow.id))).scalar_one() == 0


# --- actions on persons (SG-24) and humanitarian flags ---------------------------------------


@pytest.mark.safeguard("SG-24")
def test_an_action_needs_a_confirmed_alert_a_person_and_a_human_basis(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    why = "Confirmed identity match; secondary inspection to verify documents."
    with pytest.raises(ConflictError, match="only a confirmed alert"):
        node.desk.act(node.reviewer, alert.id, "secondary-inspection", why)
    confirm(node, alert.id)
    with pytest.raises(RefusedError, match="automated basis") as automated:
        node.desk.act(node.reviewer, alert.id, "refusal", why, basis="automated")
    assert automated.value.location == "basis"
    service, _ = make_user(node.store, "gateway", Role.SERVICE, service=True)
    with pytest.raises(ForbiddenError):
        node.desk.act(service, alert.id, "secondary-inspection", why)
    done = node.desk.act(node.reviewer, alert.id, "secondary-inspection", why)
    assert (done["decided_by"], done["basis"], done["kind"]) == (
        "rita",
        "human-review",
        "secondary-inspection",
    )


def test_a_minor_is_flagged_and_an_action_on_a_flagged_traveller_needs_a_note(node: Node) -> None:
    day = flight_traffic().flight.legs[0].departure
    assert day is not None
    child = person("KOVALENKO", "MARTA IRYNA", date(day.year - 15, 2, 11), "UKR", "FX7733210")
    import_list(
        node.store,
        SOUGHT,
        [synthetic_entry(SOUGHT, "NS-1", WANTED), synthetic_entry(SOUGHT, "NS-2", child)],
        tag="v2",
    )
    outcome = ingest(node.store, manifest(flight_traffic(), [child]))
    assert outcome.alerts >= 1
    alert = next(a for a in alerts(node.store) if a.entry_id == "NS-2")
    assert [f["flag"] for f in alert.humanitarian] == ["minor"]
    queue = node.desk.queue(node.reviewer, ACCESS)
    assert next(row for row in queue if row["id"] == alert.id)["humanitarian"][0]["flag"] == "minor"
    node.desk.flag(node.reviewer, alert.id, "asylum-request", "asked for asylum at the gate")
    confirm(node, alert.id)
    why = "Confirmed identity; referral to the child protection officer on duty."
    with pytest.raises(RefusedError, match="humanitarian-considerations note"):
        node.desk.act(node.reviewer, alert.id, "referral", why)
    done = node.desk.act(
        node.reviewer,
        alert.id,
        "referral",
        why,
        humanitarian_note="Minor travelling alone who asked for asylum: "
        "guardian and asylum officer called before any interview.",
    )
    assert done["humanitarian_note"].startswith("Minor")


# --- explanation pack (SG-46) ----------------------------------------------------------------


@pytest.mark.safeguard("SG-46")
def test_the_explanation_pack_holds_entry_version_values_features_and_review(node: Node) -> None:
    alert = wanted_on_a_flight(node)
    confirm(node, alert.id)
    pack = explanation_pack(node.store.sessions, node.reviewer, ACCESS, alert.id)
    assert pack["alert"]["status"] == "confirmed"
    assert pack["traveller"]["surname"] == "KOVALENKO"
    assert pack["traveller"]["documents"][0]["number"] == "FX7733210"
    cause = pack["cause"]
    assert (cause["list"], cause["list_version"], cause["entry_id"]) == (SOUGHT.name, 1, "NS-1")
    assert cause["entry"]["list"]["legal_basis"] == SOUGHT.legal_basis
    assert cause["entry"]["status"] == "active"
    features = {f["feature"]: f for f in pack["explanation"]["features"]}
    assert features["birth_date"]["query_value"] == "1984-02-11"
    [review] = pack["reviews"]
    assert (review["reviewer"], review["decision"], review["reason"]) == (
        "rita",
        "confirmed",
        REASON,
    )
    assert review["checklist"] == yes_to_all(CauseKind.WATCHLIST)
    assert [e["kind"] for e in pack["timeline"]][:2] == ["raised", "review-started"]
    page = render_pack_html(pack)
    assert "KOVALENKO" in page and "FX7733210" in page and REASON in page
    assert "<script" not in page


# --- cases -----------------------------------------------------------------------------------


def test_a_case_groups_alerts_and_travellers_with_notes_and_a_timeline(node: Node) -> None:
    first = wanted_on_a_flight(node, seed=1)
    second = wanted_on_a_flight(node, seed=2)
    cases = CaseDesk(node.store.sessions)
    case = cases.open(node.analyst, "KOVALENKO travel 2026", priority=2, alert_ids=(first.id,))
    cases.add_alert(node.analyst, case["id"], second.id)
    cases.note(node.analyst, case["id"], "Two flights the same week; ask the border post.")
    cases.assign(node.analyst, case["id"], "rita")
    whole = cases.get(node.analyst, ACCESS, case["id"])
    assert [a["id"] for a in whole["alerts"]] == [first.id, second.id]
    assert {t["id"] for t in whole["travellers"]} == {first.traveller_id, second.traveller_id}
    assert [e["kind"] for e in whole["timeline"]] == [
        "opened",
        "alert-added",
        "alert-added",
        "note",
        "assigned",
    ]
    assert whole["assigned_to"] == "rita"
    cases.close(node.analyst, case["id"], "Referred to the national police.")
    with pytest.raises(ConflictError, match="closed"):
        cases.note(node.analyst, case["id"], "too late")
    with pytest.raises(ForbiddenError):
        cases.open(node.reviewer.__class__(99, "x", frozenset({Role.RULE_AUTHOR})), "no")


# --- stop switch (SG-55) ---------------------------------------------------------------------


@pytest.mark.safeguard("SG-55")
def test_a_suspended_list_or_all_screening_raises_nothing_until_lifted(node: Node) -> None:
    supervisor, _ = make_user(node.store, "sue", Role.DPO)
    switch = node.store.switches.suspend(
        supervisor, Scope.LIST, SOUGHT.name, "List under legal review after a court ruling"
    )
    held = ingest(node.store, manifest(flight_traffic(seed=1), [WANTED]))
    assert (held.matches, held.alerts) == (0, 0)
    node.store.switches.lift(supervisor, switch.id, "Court confirmed the list's legal basis")
    again = ingest(node.store, manifest(flight_traffic(seed=2), [WANTED]))
    assert (again.matches, again.alerts) == (1, 1)
    node.store.switches.suspend(supervisor, Scope.ALL, "", "Matcher fault under investigation")
    stopped = ingest(node.store, manifest(flight_traffic(seed=3), [WANTED]))
    assert (stopped.screened, stopped.matches, stopped.alerts) == (0, 0, 0)
    assert stopped.travellers > 0  # the data is stored: people work on it by hand


# --- over HTTP -------------------------------------------------------------------------------


@pytest.fixture
def client(store_url: str, tmp_path: object) -> Iterator[tuple[TestClient, Store]]:
    settings = Settings(database_url=store_url, data_dir=tmp_path)  # type: ignore[arg-type]
    app = create_app(settings)
    with TestClient(app) as test_client:
        yield test_client, app.state.store


@pytest.mark.safeguard("SG-40")
def test_over_http_a_service_token_cannot_confirm_and_a_person_can(
    client: tuple[TestClient, Store],
) -> None:
    http, store = client
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    ingest(store, manifest(flight_traffic(), [WANTED]))
    [alert] = alerts(store)
    _, person_token = make_user(store, "rita", Role.REVIEWER)
    _, service_token = make_user(store, "bot", Role.SERVICE, Role.REVIEWER, service=True)
    body = {"decision": "confirmed", "checklist": yes_to_all(CauseKind.WATCHLIST), "reason": REASON}
    refused = http.post(f"/api/v1/alerts/{alert.id}/review", headers=auth(service_token))
    assert refused.status_code == 403
    decided = http.post(
        f"/api/v1/alerts/{alert.id}/decision", json=body, headers=auth(service_token)
    )
    assert decided.status_code == 403 and "service" in decided.json()["detail"]
    started = http.post(f"/api/v1/alerts/{alert.id}/review", headers=auth(person_token))
    assert started.status_code == 200, started.text
    assert started.json()["checklist"] == CHECKLISTS[CauseKind.WATCHLIST]
    done = http.post(f"/api/v1/alerts/{alert.id}/decision", json=body, headers=auth(person_token))
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    # The confirmation started the playbook: notifications wait in the outbox.
    events = [
        e["kind"]
        for e in http.get(f"/api/v1/alerts/{alert.id}", headers=auth(person_token)).json()[
            "timeline"
        ]
    ]
    assert "notified" in events


@pytest.mark.safeguard("SG-22")
def test_over_http_there_is_no_bulk_decision(client: tuple[TestClient, Store]) -> None:
    http, store = client
    _, token = make_user(store, "rita", Role.REVIEWER)
    paths = http.get("/openapi.json").json()["paths"]
    decisions = [p for p in paths if "decision" in p]
    assert decisions == ["/api/v1/alerts/{alert_id}/decision"]
    bulk = http.post("/api/v1/alerts/decision", json=[{"id": 1}], headers=auth(token))
    assert bulk.status_code in (404, 405, 422)


@pytest.mark.safeguard("SG-01")
def test_over_http_reading_alerts_needs_a_purpose(client: tuple[TestClient, Store]) -> None:
    http, store = client
    _, token = make_user(store, "andy", Role.ANALYST)
    assert http.get("/api/v1/alerts", headers=auth(token, purpose=None)).status_code == 422
    assert http.get("/api/v1/alerts", headers=auth(token, purpose="curiosity")).status_code == 422
    assert http.get("/api/v1/alerts", headers=auth(token)).status_code == 200
    assert http.get("/api/v1/alerts").status_code == 401


@pytest.mark.safeguard("SG-46")
def test_over_http_the_explanation_page_is_readable(client: tuple[TestClient, Store]) -> None:
    http, store = client
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    ingest(store, manifest(flight_traffic(), [WANTED]))
    [alert] = alerts(store)
    _, token = make_user(store, "andy", Role.ANALYST)
    page = http.get(f"/api/v1/alerts/{alert.id}/explanation.html", headers=auth(token))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "KOVALENKO" in page.text and "NS-1" in page.text
    as_json = http.get(f"/api/v1/alerts/{alert.id}/explanation", headers=auth(token)).json()
    assert as_json["cause"]["entry_id"] == "NS-1"
    assert PASSWORD not in page.text


def test_retro_screening_raises_alerts_too(store: Store) -> None:
    from interlock.screening.retro import retro_screen

    traffic = flight_traffic()
    ingest(store, manifest(traffic, [WANTED]))
    assert alerts(store) == []
    summary = import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    leg = traffic.flight.legs[0].departure
    assert leg is not None
    now = datetime(leg.year, leg.month, leg.day, 8, tzinfo=UTC)
    retro_screen(store, SOUGHT.name, summary.version, now=now)
    [alert] = alerts(store)
    assert (alert.entry_id, alert.category, alert.status) == ("NS-1", "watchlist:sought", "new")


def test_the_node_desk_uses_the_built_in_playbooks(store: Store, tmp_path: object) -> None:
    desk = alert_desk(store, Settings(data_dir=tmp_path))  # type: ignore[arg-type]
    assert isinstance(desk, AlertDesk)
