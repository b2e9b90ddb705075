"""Statistics (SG-60, SG-15) and the public transparency page (SG-48), on SQLite and
PostgreSQL: synthetic traffic with a planted list entry, a decided alert and a rule hit."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from auth_helpers import PASSWORD, auth, make_user
from interlock.access.roles import Principal, Role
from interlock.alerts import AlertDesk
from interlock.alerts.keys import rule_cause
from interlock.alerts.policy import CauseKind, Severity
from interlock.alerts.raising import Cause, raise_alerts, subject_for
from interlock.api import oversight
from interlock.api.app import create_app
from interlock.cli_oversight import app as oversight_cli
from interlock.errors import ForbiddenError
from interlock.oversight import OversightConfig, Statistics, StatsPeriod, compute, suppression
from interlock.oversight.suppression import SUPPRESSED
from interlock.oversight.transparency import render_html, transparency_document
from interlock.retention import RetentionRun
from interlock.retention.policy import MAX_SOURCE, PNR_SOURCE, RetentionPolicy
from interlock.rules.backtest import backtest_rule
from interlock.rules.workflow import RuleWorkflow
from interlock.settings import Settings
from interlock.store import Store
from interlock.store.schema import TravelDocumentRow, TravellerRow
from interlock.store.schema_access import AuditRow
from interlock.watchlists.model import ListInfo, ListType
from test_alerts import WANTED, Node, alerts, confirm
from test_ingest_screening import (
    SOUGHT,
    flight_traffic,
    import_list,
    ingest,
    manifest,
    pnr_push,
    synthetic_entry,
)
from test_rules_workflow import ACCESS as RULE_ACCESS
from test_rules_workflow import TODAY, rule_source

PNR_TRAVELLERS = 6
RULE = "cash-one-way"


@dataclass
class Traffic:
    store: Store
    reviewer: Principal
    auditor: Principal
    manifest_travellers: int
    period: StatsPeriod


def _rule_hit_on(store: Store, alert_traveller: int, flight_key: str | None) -> None:
    """A rule hit on a stored traveller, raised as ingest raises it."""
    cause = Cause(
        kind=CauseKind.RULE,
        key=rule_cause(RULE),
        category="rule:travel-pattern",
        severity=Severity.MEDIUM,
        priority=3,
        explanation={"rule": RULE, "version": 1, "author": "alice", "conditions": []},
        rule_name=RULE,
        rule_version=1,
    )
    subject = subject_for(alert_traveller, WANTED, flight_key, None)
    with store.transaction() as session:
        assert len(raise_alerts(session, [(subject, cause)]).raised) == 1


@pytest.fixture
def traffic(store: Store) -> Iterator[Traffic]:
    """A manifest with a planted listed person (alert confirmed, then a secondary inspection),
    a rule hit on the same person (open), and a PNR push of six other travellers."""
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    reviewer, _ = make_user(store, "rita", Role.REVIEWER)
    auditor, _ = make_user(store, "audrey", Role.AUDITOR)
    flight = flight_traffic(seed=1)
    outcome = ingest(store, manifest(flight, [WANTED]))
    assert outcome.alerts == 1
    [alert] = alerts(store)
    desk = AlertDesk(store.sessions)
    confirm(Node(store, desk, reviewer, auditor), alert.id)
    desk.act(reviewer, alert.id, "secondary-inspection", "Confirmed match; documents to check.")
    _rule_hit_on(store, alert.traveller_id, alert.flight_key)
    other = flight_traffic(seed=2)
    ingest(store, pnr_push(other.flight, other.passengers[:PNR_TRAVELLERS]), source="p.edi")
    period = StatsPeriod(datetime.now(UTC).year)
    yield Traffic(store, reviewer, auditor, len(flight.passengers) + 1, period)


def personal_strings(store: Store) -> set[str]:
    """Every surname and given names (of four letters or more) and document number stored."""
    with store.sessions() as session:
        names = session.execute(select(TravellerRow.surname, TravellerRow.given_names)).all()
        numbers = session.execute(select(TravelDocumentRow.number)).scalars().all()
    found = {part.upper() for row in names for part in row if part and len(part) >= 4}
    return found | {n.upper() for n in numbers if n}


def leaked(store: Store, text: str) -> list[str]:
    """The stored names and document numbers that appear in ``text`` (outside the page's
    style sheet) as whole words."""
    upper = re.sub(r"<style>.*?</style>", "", text, flags=re.S).upper()
    return [s for s in personal_strings(store) if re.search(rf"\b{re.escape(s)}\b", upper)]


# --- statistics (SG-60, SG-15) ---------------------------------------------------------------


@pytest.mark.safeguard("SG-60")
@pytest.mark.safeguard("SG-15")
def test_statistics_count_travellers_matches_alerts_rules_lists_and_actions(
    traffic: Traffic,
) -> None:
    figures = Statistics(traffic.store.sessions, min_count=1).read(traffic.auditor, traffic.period)
    travellers = figures["travellers"]
    assert travellers["processed"] == traffic.manifest_travellers + PNR_TRAVELLERS
    assert (travellers["manifest"], travellers["pnr"]) == (
        traffic.manifest_travellers,
        PNR_TRAVELLERS,
    )
    # The one list is of persons sought, so PNR travellers were screened too (SG-17).
    assert travellers["matched"] == 1
    assert travellers["screened"] == traffic.manifest_travellers + PNR_TRAVELLERS
    counts = figures["alerts"]
    assert (counts["raised"], counts["confirmed"], counts["dismissed"], counts["open"]) == (
        2,
        1,
        0,
        1,
    )
    assert counts["by_cause"] == {
        "rule": {"raised": 1, "confirmed": 0, "dismissed": 0, "open": 1},
        "watchlist": {"raised": 1, "confirmed": 1, "dismissed": 0, "open": 0},
    }
    [rule] = figures["rules"]
    assert (rule["rule"], rule["version"], rule["hits"], rule["open"]) == (RULE, 1, 1, 1)
    # the planted person is Ukrainian: the hit counts for eastern Europe (regions.py)
    assert rule["by_group"] == {
        "eastern-europe": {"hits": 1, "confirmed": 0, "dismissed": 0, "open": 1}
    }
    assert figures["lists"] == [
        {"list": SOUGHT.name, "alerts": 1, "confirmed": 1, "dismissed": 0, "open": 0}
    ]
    assert figures["actions"] == {"total": 1, "secondary-inspection": 1}
    # another year holds nothing
    empty = compute_published(traffic.store, StatsPeriod(traffic.period.year - 1), 1)
    assert empty["travellers"]["processed"] == 0 and empty["alerts"]["raised"] == 0
    # the reading is audited as a statistics read, with no personal data
    with traffic.store.sessions() as session:
        entry = (
            session.execute(
                select(AuditRow)
                .where(AuditRow.action == "stats.read")
                .order_by(AuditRow.seq.desc())
            )
            .scalars()
            .first()
        )
    assert entry is not None
    assert (entry.actor, entry.subject_kind, entry.subject_id) == (
        "audrey",
        "statistics",
        str(traffic.period.year),
    )


def compute_published(store: Store, period: StatsPeriod, min_count: int) -> dict[str, object]:
    with store.sessions() as session:
        return compute(session, period).publish(min_count)


@pytest.mark.safeguard("SG-60")
def test_a_month_counts_only_its_own_figures(traffic: Traffic) -> None:
    now = datetime.now(UTC)
    this = compute_published(traffic.store, StatsPeriod(now.year, now.month), 1)
    assert this["travellers"]["processed"] == traffic.manifest_travellers + PNR_TRAVELLERS  # type: ignore[index]
    other_month = now.month % 12 + 1
    year = now.year if other_month > now.month else now.year - 1
    other = compute_published(traffic.store, StatsPeriod(year, other_month), 1)
    assert other["travellers"]["processed"] == 0  # type: ignore[index]


@pytest.mark.safeguard("SG-60")
def test_small_counts_are_suppressed_with_the_cell_that_would_give_them_away(
    traffic: Traffic,
) -> None:
    figures = Statistics(traffic.store.sessions).read(traffic.auditor, traffic.period)
    assert figures["min_count"] == 5
    travellers = figures["travellers"]
    # 41 on the manifest and 6 from PNR are shown; one matched traveller is not
    assert (travellers["manifest"], travellers["pnr"]) == (traffic.manifest_travellers, 6)
    assert travellers["matched"] == "<5"
    assert figures["alerts"]["raised"] == "<5"
    assert figures["alerts"]["by_cause"]["watchlist"]["confirmed"] == "<5"
    assert figures["rules"][0]["by_group"]["eastern-europe"]["hits"] == "<5"
    assert figures["lists"][0]["alerts"] == "<5"
    assert figures["actions"]["secondary-inspection"] == "<5"
    # zero describes nobody and stays zero
    assert figures["alerts"]["dismissed"] == 0


@pytest.mark.safeguard("SG-60")
def test_suppression_hides_a_second_cell_where_a_total_would_reveal_the_first() -> None:
    # 47 = 44 + 3: showing 44 beside the total would give the 3 away
    assert suppression.row({"total": 47, "a": 44, "b": 3, "c": 0}, "total", 5) == {
        "total": 47,
        "a": SUPPRESSED,
        "b": "<5",
        "c": 0,
    }
    # two small cells hide each other; a small total hides its parts anyway
    assert suppression.row({"total": 10, "a": 6, "b": 2, "c": 2}, "total", 5) == {
        "total": 10,
        "a": 6,
        "b": "<5",
        "c": "<5",
    }
    assert suppression.row({"total": 3, "a": 3}, "total", 5) == {"total": "<5", "a": "<5"}
    # down a column: one small row hides the smallest other row whole
    rows = {
        "r1": {"hits": 20, "confirmed": 10, "dismissed": 10},
        "r2": {"hits": 9, "confirmed": 9, "dismissed": 0},
        "r3": {"hits": 2, "confirmed": 2, "dismissed": 0},
    }
    published = suppression.table(rows, "hits", 5)
    assert published["r1"] == {"hits": 20, "confirmed": 10, "dismissed": 10}
    assert published["r2"] == {"hits": SUPPRESSED, "confirmed": SUPPRESSED, "dismissed": 0}
    assert published["r3"] == {"hits": "<5", "confirmed": "<5", "dismissed": 0}


@pytest.mark.safeguard("SG-60")
def test_statistics_carry_no_names_or_ids(traffic: Traffic) -> None:
    secret = personal_strings(traffic.store)
    assert {"KOVALENKO", "FX7733210"} <= secret
    for min_count in (1, 5):
        figures = Statistics(traffic.store.sessions, min_count=min_count).read(
            traffic.auditor, traffic.period
        )
        text = json.dumps(figures, ensure_ascii=False)
        assert leaked(traffic.store, text) == []
        keys = _keys(figures)
        assert not [k for k in keys if k == "id" or k.endswith("_id") or k == "traveller"]
        assert "NS-1" not in text  # no list entry either


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.safeguard("SG-60")
def test_retention_runs_are_counted_from_their_audit_entries(
    traffic: Traffic, tmp_path: Path
) -> None:
    run = RetentionRun(traffic.store.sessions, RetentionPolicy(), tmp_path / "key")
    run.run(None, now=datetime.now(UTC) + timedelta(days=200))
    figures = Statistics(traffic.store.sessions, min_count=1).read(traffic.auditor, traffic.period)
    deleted = figures["retention"]["deleted"]
    assert figures["retention"]["runs"] == 1
    assert (deleted["traveller"], deleted["booking"], deleted["message"]) == (PNR_TRAVELLERS, 1, 1)
    # the PNR travellers are gone from the processed figures and counted as deleted instead
    assert figures["travellers"]["processed"] == traffic.manifest_travellers


@pytest.mark.safeguard("SG-60")
def test_statistics_need_stats_read(traffic: Traffic) -> None:
    service, _ = make_user(traffic.store, "gateway", Role.SERVICE, service=True)
    with pytest.raises(ForbiddenError, match=r"stats\.read"):
        Statistics(traffic.store.sessions).read(service, traffic.period)


# --- over HTTP and the command line ----------------------------------------------------------


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Store]]:
    settings = Settings(database_url=store_url, data_dir=tmp_path)
    app = create_app(settings)
    app.include_router(oversight.router)
    with TestClient(app) as test_client:
        yield test_client, app.state.store


@pytest.mark.safeguard("SG-60")
def test_stats_over_http_need_stats_read_and_a_service_gets_403(
    client: tuple[TestClient, Store], traffic: Traffic
) -> None:
    http, _ = client
    _, service = make_user(traffic.store, "gateway", Role.SERVICE, service=True)
    _, auditor = make_user(traffic.store, "otto", Role.AUDITOR)
    assert http.get("/api/v1/stats").status_code == 401
    refused = http.get("/api/v1/stats", headers=auth(service))
    assert refused.status_code == 403
    year = traffic.period.year
    done = http.get(f"/api/v1/stats?year={year}", headers=auth(auditor, purpose=None, reason=None))
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["period"]["label"] == str(year)
    assert body["travellers"]["processed"] == traffic.manifest_travellers + PNR_TRAVELLERS
    assert http.get("/api/v1/stats?month=13", headers=auth(auditor)).status_code == 422
    with traffic.store.sessions() as session:
        outcomes = session.execute(
            select(AuditRow.actor, AuditRow.outcome).where(AuditRow.action == "stats.read")
        ).all()
    assert ("gateway", "refused") in outcomes and ("otto", "done") in outcomes


def _activate_rule(store: Store) -> None:
    author = store.users.create("alice", (Role.RULE_AUTHOR,), password=PASSWORD).principal("t")
    approver = store.users.create("bob", (Role.RULE_APPROVER,), password=PASSWORD).principal("t")
    rules = RuleWorkflow(store.sessions)
    rules.draft(author, rule_source())
    rules.submit(author, "cash-late")
    backtest_rule(store.sessions, author, RULE_ACCESS, "cash-late")
    rules.approve(approver, "cash-late", today=TODAY)


@pytest.mark.safeguard("SG-48")
def test_the_transparency_page_is_open_and_publishes_bases_periods_lists_and_rules(
    client: tuple[TestClient, Store], traffic: Traffic
) -> None:
    http, store = client
    _activate_rule(store)
    page = http.get("/transparency")  # no credentials
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for text in (
        SOUGHT.name,
        SOUGHT.owner,
        SOUGHT.legal_basis,
        "cash-late",
        "Directive (EU) 2016/681 Art. 6(2)(a); national PNR act s. 12",
        "2027-06-30",
        "rule-approver",
        PNR_SOURCE,
        MAX_SOURCE,
        "terrorist-offence",
        "serious-crime",
        "No partner agreements",
        "[not configured]",
    ):
        assert escape(text) in html, text
    assert "<script" not in html.lower()
    # no personal data, no list entry, no rule condition
    assert leaked(store, html) == []
    assert "NS-1" not in html and "payment_types" not in html
    document = http.get("/transparency.json").json()
    assert [w["name"] for w in document["watchlists"]] == [SOUGHT.name]
    [rule] = document["rules"]
    assert (rule["name"], rule["purpose"], rule["in_force"]) == ("cash-late", "serious-crime", True)
    assert "when" not in rule and "conditions" not in rule
    periods = {(r["months"], r["source"]) for r in document["retention"]}
    assert periods == {(6, PNR_SOURCE), (60, MAX_SOURCE)}
    assert document["node"]["dpo_contact"]["configured"] is False
    assert document["partners"]["agreements"] == []
    [year] = document["statistics"]
    assert year["travellers"]["processed"] == traffic.manifest_travellers + PNR_TRAVELLERS
    assert year["alerts"]["raised"] == "<5"
    assert leaked(store, json.dumps(document, ensure_ascii=False)) == []


@pytest.mark.safeguard("SG-48")
def test_the_transparency_page_escapes_every_value_and_shows_configured_contacts(
    store: Store,
) -> None:
    hostile = ListInfo("<script>alert(1)</script>", "Owner & <b>Co</b>", "Act 'x'", ListType.OTHER)
    import_list(store, hostile, [])
    config = OversightConfig(
        node_name="pnr-unit-<x>",
        operator_name="Passenger Information Unit, Ministry of the Interior",
        dpo_contact="dpo@piu.example",
        complaints_authority="Data Protection Authority, 1 Example Street",
    )
    document = transparency_document(store, config, RetentionPolicy.of(6, 24))
    html = render_html(document)
    assert "<script" not in html and "<b>Co</b>" not in html
    assert escape(hostile.name) in html and escape("pnr-unit-<x>") in html
    assert "dpo@piu.example" in html and "[not configured]" not in html
    assert document["node"]["dpo_contact"] == {"value": "dpo@piu.example", "configured": True}
    # a period other than the EU default names the configuration as its source
    assert {(r["months"], r["source"]) for r in document["retention"]} == {
        (6, PNR_SOURCE),
        (24, "node configuration"),
    }
    assert document["statistics"] == []


@pytest.mark.safeguard("SG-60")
@pytest.mark.safeguard("SG-48")
def test_the_command_line_prints_stats_and_writes_the_page(
    traffic: Traffic, cli: CliRunner, tmp_path: Path
) -> None:
    year = str(traffic.period.year)
    shown = cli.invoke(oversight_cli, ["stats", "--as", "audrey", "--year", year])
    assert shown.exit_code == 0, shown.output
    assert "travellers processed" in shown.output and "<5" in shown.output
    as_json = cli.invoke(oversight_cli, ["stats", "--as", "audrey", "--year", year, "--json"])
    assert json.loads(as_json.stdout)["travellers"]["pnr"] == PNR_TRAVELLERS
    make_user(traffic.store, "court", Role.AUTHORITY)
    refused = cli.invoke(oversight_cli, ["stats", "--as", "court"])
    assert isinstance(refused.exception, ForbiddenError)
    page = tmp_path / "transparency.html"
    written = cli.invoke(oversight_cli, ["transparency", "--out", str(page)])
    assert written.exit_code == 0, written.output
    assert escape(SOUGHT.legal_basis) in page.read_text()
    as_doc = cli.invoke(oversight_cli, ["transparency", "--json"])
    assert json.loads(as_doc.stdout)["watchlists"][0]["owner"] == SOUGHT.owner
