"""``python -m bench.sharing``: sharing between nodes on loopback (BENCHMARKS.md §3).

Four nodes, each a process of its own serving HTTPS with its pinned certificate
(:mod:`bench.sharing.serve`): ``origin`` and three partners ``p1``..``p3``, every pair
registered from identity cards with an agreement; ``origin`` holds a synthetic national list
of persons sought and a signed sharing group of the three partners.

1. **Confirmed alert → verified in three partners' inboxes.** Per iteration a manifest with
   the listed (synthetic) person on a new flight is POSTed to ``origin`` (an alert is raised);
   a reviewer starts the review. The clock starts; the reviewer's decision (confirmed) and the
   liaison's sighting share to the group go over the API; the clock stops when each partner's
   store holds its copy as *accepted* (signature verified against the registered key, policy
   checked again, receipt signed). p50/p99 over the iterations.
2. **A partner down for a while.** p3's process is stopped; ``origin`` shares K sightings
   over the down period; p3 is started again. Counted: messages p3 holds once accepted (lost =
   K − that), messages stored twice (the store refuses it: duplicates are answered and not
   applied), and the time from restart to the last delivery.
3. **The ledger** (appends/s, proofs at 1,000,000 leaves) is :mod:`bench.sharing.ledger_bench`,
   run with ``--ledger``.

Results: ``bench/results/sharing.md`` and ``sharing.csv``.
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.engine import Engine

from bench.sharing.serve import node_settings
from interlock.access.roles import Role
from interlock.alerts.policy import CHECKLISTS, CauseKind
from interlock.generate.traffic import generate_traffic
from interlock.ingest.paxlst_write import write_paxlst
from interlock.model import Sex, TravelDocument, Traveller
from interlock.sharing.context import SharingContext
from interlock.sharing.identity import node_identity
from interlock.store import Store
from interlock.store.schema_alerts import AlertRow
from interlock.store.schema_sharing import ShareInboxRow, ShareOutboxRow
from interlock.watchlists.model import (
    EntryKind,
    EntryName,
    ListInfo,
    ListType,
    PartialDate,
    WatchlistEntry,
)

RESULTS = Path(__file__).resolve().parents[1] / "results"
PARTNERS = ("p1", "p2", "p3")
NAMES = ("origin", *PARTNERS)
KINDS = ["alert-notification", "source-confirmation", "watchlist-entry",
         "watchlist-revocation", "sighting", "correction"]  # fmt: skip
LIST = ListInfo("bench-sought", "Benchmark authority (synthetic)",
                "Synthetic benchmark data, not a real list", ListType.SOUGHT)  # fmt: skip
WANTED = Traveller(
    "KOVALENKO", "MARTA IRYNA", date(1984, 2, 11), Sex.FEMALE, "UKR",
    documents=[TravelDocument("P", "FX7733210", "UKR", date(2031, 1, 1))],
)  # fmt: skip
PURPOSE = {"X-Interlock-Purpose": "terrorist-offence",
           "X-Interlock-Reason": "benchmark: synthetic traffic"}  # fmt: skip
REASON = "Benchmark: name, birth date and passport agree; synthetic person, not a real review."


@dataclass
class Node:
    name: str
    port: int
    data_dir: Path
    engine: Engine
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prepare(root: Path) -> tuple[dict[str, Node], dict[str, str]]:
    """Four node stores, cross-registered; the origin's list, accounts and group. Tokens."""
    nodes: dict[str, Node] = {}
    cards = {}
    for name in NAMES:
        port = _free_port()
        settings = node_settings(root / name, name, port)
        settings.data_dir.mkdir(parents=True)
        cards[name] = node_identity(settings).card(settings.public_url)
        url = settings.resolved_database_url
        nodes[name] = Node(name, port, settings.data_dir, create_engine(url))
    tokens: dict[str, str] = {}
    for name, node in nodes.items():
        settings = node_settings(node.data_dir, name, node.port)
        store = Store.from_settings(settings)
        try:
            ctx = SharingContext.of(store, settings)
            store.users.create(f"{name}-admin", (Role.ADMIN,), password="bench password 2026")
            admin = store.users.authenticate(f"{name}-admin", "bench password 2026").principal(
                "cli"
            )
            for other in NAMES:
                if other != name:
                    ctx.registry.register(admin, cards[other])
                    ctx.registry.set_agreement(
                        admin, other, kinds=KINDS, purposes=["terrorist-offence"],
                        max_tlp="amber", valid_from=date(2026, 1, 1),
                        valid_until=date(2027, 12, 31), legal_basis="Benchmark agreement",
                    )  # fmt: skip
            if name == "origin":
                ctx.registry.define_group(admin, "bench-partners", PARTNERS)
                entry = WatchlistEntry(
                    "B-1", LIST.name, EntryKind.PERSON,
                    names=[EntryName("MARTA IRYNA KOVALENKO")],
                    birth_dates=[PartialDate(1984, 2, 11)], nationalities=["UKR"],
                    nominating_source=LIST.owner, reason="synthetic benchmark listing",
                )  # fmt: skip
                store.watchlists.import_version(LIST, [entry], source_name="bench", sha256="b" * 64)
                for user, role in (("gateway", Role.SERVICE), ("reviewer", Role.REVIEWER),
                                   ("liaison", Role.LIAISON)):  # fmt: skip
                    service = role is Role.SERVICE
                    store.users.create(
                        user, (role,), password=None if service else "bench password 2026",
                        service=service,
                    )  # fmt: skip
                    tokens[user] = store.users.issue_token(user, label="bench")[0]
        finally:
            store.dispose()
    return nodes, tokens


def start(node: Node, log_dir: Path) -> None:
    log = (log_dir / f"{node.name}.log").open("ab")
    node.process = subprocess.Popen(
        [sys.executable, "-m", "bench.sharing.serve", str(node.data_dir), node.name,
         str(node.port)],
        stdout=log, stderr=log, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(node.url + "/health", verify=False, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"node {node.name} did not start (see {log_dir})")


def stop(node: Node) -> None:
    if node.process is not None:
        node.process.terminate()
        node.process.wait(timeout=30)
        node.process = None


def _manifest(seed: int) -> bytes:
    flight = generate_traffic(20, seed=seed, day=datetime.now(UTC).date()).flights[0]
    leg = flight.flight.legs[0].departure
    assert leg is not None
    return write_paxlst(
        flight.flight, [*flight.passengers, WANTED], sender="BENCHAPI", recipient="XXPIU",
        reference=f"{seed:07d}P", prepared_at=leg - timedelta(minutes=30),
    ).encode()  # fmt: skip


def _accepted(nodes: dict[str, Node], ids: dict[str, str]) -> bool:
    for name, message_id in ids.items():
        with nodes[name].engine.connect() as connection:
            status = connection.execute(
                select(ShareInboxRow.status).where(ShareInboxRow.message_id == message_id)
            ).scalar()
        if status != "accepted":
            return False
    return True


def _confirm_and_share(
    http: httpx.Client, nodes: dict[str, Node], tokens: dict[str, str], seed: int
) -> tuple[float, dict[str, str]]:
    """Ingest a manifest with the listed person and start the review; then, from a clock
    started here, the reviewer's decision and the liaison's sighting to the group. The start
    time and the message id of each partner's copy."""
    origin = nodes["origin"]
    for attempt in range(50):  # a generated flight seen before raises no new alert: next one
        ingest = http.post(
            origin.url + "/api/v1/messages", content=_manifest(seed + 100_000 * attempt),
            headers={"Authorization": f"Bearer {tokens['gateway']}"},
        )  # fmt: skip
        ingest.raise_for_status()
        if ingest.json().get("alerts"):
            break
    with origin.engine.connect() as connection:
        alert_id = connection.execute(
            select(AlertRow.id).where(AlertRow.status == "new").order_by(AlertRow.id.desc())
        ).scalar()
    assert alert_id is not None, ingest.text
    reviewer = {"Authorization": f"Bearer {tokens['reviewer']}", **PURPOSE}
    liaison = {"Authorization": f"Bearer {tokens['liaison']}", **PURPOSE}
    http.post(f"{origin.url}/api/v1/alerts/{alert_id}/review", headers=reviewer).raise_for_status()
    started = time.perf_counter()
    http.post(
        f"{origin.url}/api/v1/alerts/{alert_id}/decision", headers=reviewer,
        json={"decision": "confirmed", "reason": REASON,
              "checklist": dict.fromkeys(CHECKLISTS[CauseKind.WATCHLIST], "yes")},
    ).raise_for_status()  # fmt: skip
    shared = http.post(
        f"{origin.url}/api/v1/sharing/sightings", headers=liaison,
        json={"alert_id": alert_id, "group": "bench-partners@1",
              "reason": "Benchmark: the listed person was seen at our border"},
    )  # fmt: skip
    if shared.status_code != 200:
        raise RuntimeError(f"sighting refused: {shared.status_code} {shared.text}")
    return started, dict(zip(PARTNERS, shared.json()["messages"], strict=True))


def _share_one(
    http: httpx.Client, nodes: dict[str, Node], tokens: dict[str, str], seed: int
) -> tuple[float, dict[str, str]]:
    """Decision → accepted in all three partners' stores, in seconds."""
    started, ids = _confirm_and_share(http, nodes, tokens, seed)
    while not _accepted(nodes, ids):
        if time.perf_counter() - started > 30:
            raise RuntimeError(f"sighting {ids} not accepted within 30 s")
        time.sleep(0.002)
    return time.perf_counter() - started, ids


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(iterations: int, down_seconds: float, down_messages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        nodes, tokens = prepare(root)
        try:
            for node in nodes.values():
                start(node, root)
            verify = httpx.create_ssl_context(verify=False)  # the bench client, not a node link
            with httpx.Client(verify=verify, timeout=30) as http:
                _share_one(http, nodes, tokens, seed=10_000)  # warm-up: imports, first index
                latencies = [
                    _share_one(http, nodes, tokens, seed=10_001 + i)[0] for i in range(iterations)
                ]
                down = _down_and_back(http, nodes, tokens, root, down_seconds, down_messages)
        finally:
            for node in nodes.values():
                stop(node)
                node.engine.dispose()
    return {
        "iterations": iterations,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * _pct(latencies, 0.99),
        "max_ms": 1000 * max(latencies),
        **down,
    }


def _down_and_back(
    http: httpx.Client,
    nodes: dict[str, Node],
    tokens: dict[str, str],
    root: Path,
    down_seconds: float,
    count: int,
) -> dict[str, Any]:
    p3 = nodes["p3"]
    stop(p3)
    went_down = time.perf_counter()
    sent: list[str] = []
    gap = down_seconds / max(count, 1)
    for i in range(count):
        _, ids = _confirm_and_share(http, nodes, tokens, seed=20_000 + i)
        sent.append(ids["p3"])
        time.sleep(max(0.0, went_down + gap * (i + 1) - time.perf_counter()))
    time.sleep(max(0.0, went_down + down_seconds - time.perf_counter()))
    start(p3, root)
    back = time.perf_counter()
    origin = nodes["origin"]
    while time.perf_counter() - back < 120:
        with p3.engine.connect() as connection:
            held_now = connection.execute(
                select(ShareInboxRow.message_id).where(
                    ShareInboxRow.message_id.in_(sent), ShareInboxRow.status == "accepted"
                )
            ).all()
        if len(held_now) == len(sent):
            break
        time.sleep(0.01)
    received_s = time.perf_counter() - back
    while True:
        with origin.engine.connect() as connection:
            pending = connection.execute(
                select(ShareOutboxRow.message_id).where(
                    ShareOutboxRow.recipient == "p3", ShareOutboxRow.status == "pending"
                )
            ).all()
        if not pending:
            break
        if time.perf_counter() - back > 120:
            break
        time.sleep(0.05)
    caught_up = time.perf_counter() - back
    with p3.engine.connect() as connection:
        rows = connection.execute(
            select(ShareInboxRow.message_id, ShareInboxRow.status, ShareInboxRow.via).where(
                ShareInboxRow.message_id.in_(sent)
            )
        ).all()
    held = [r for r in rows if r.status == "accepted"]
    return {
        "down_seconds": down_seconds,
        "down_sent": count,
        "down_received": len({r.message_id for r in held}),
        "down_lost": count - len({r.message_id for r in held}),
        "down_duplicated": len(held) - len({r.message_id for r in held}),
        "down_pulled": sum(1 for r in held if r.via == "pull"),
        "received_s": received_s,
        "catch_up_s": caught_up,
    }


def write_results(result: dict[str, Any], command: str, out: Path = RESULTS) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = [
        ("confirmed alert -> accepted in 3 partners' inboxes, p50", result["p50_ms"], "ms", ""),
        ("confirmed alert -> accepted in 3 partners' inboxes, p99", result["p99_ms"], "ms",
         "<= 250"),
        ("same, slowest", result["max_ms"], "ms", ""),
        (f"partner down {result['down_seconds']:.0f} s: messages sent", result["down_sent"],
         "", ""),
        ("... received once", result["down_received"], "", ""),
        ("... lost", result["down_lost"], "", "0"),
        ("... stored twice", result["down_duplicated"], "", "0"),
        ("... of them fetched by the partner's pull on restart", result["down_pulled"], "", ""),
        ("restart -> the partner holds every message", result["received_s"], "s", ""),
        ("restart -> the sender holds every receipt", result["catch_up_s"], "s", ""),
    ]  # fmt: skip
    with (out / "sharing.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["measure", "value", "unit", "target"])
        writer.writerows([m, f"{v:.3f}", u, t] for m, v, u, t in rows)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Sharing benchmark", "",
        f"Run {stamp} on {platform.machine()} {platform.python_implementation()} "
        f"{platform.python_version()}: four nodes (origin, p1, p2, p3), each its own process "
        "serving HTTPS on loopback with a pinned certificate, SQLite stores; "
        f"{result['iterations']} iterations after one warm-up.", "",
        f"Command: `{command}`", "",
        "The clock starts before the reviewer's decision and stops when all three partners "
        "hold the sighting as accepted (signature verified against the registered key, policy "
        "checked again, stored, receipt signed): decision and share over the API, then push "
        "from the outbox.", "",
        "| measure | value | unit | target |", "|---|---:|---|---|",
        *[f"| {m} | {v:,.1f} | {u} | {t} |" for m, v, u, t in rows], "",
        "Ledger appends and proofs: `ledger.md` (`python -m bench.sharing.ledger_bench`).", "",
    ]  # fmt: skip
    (out / "sharing.md").write_text("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--down-seconds", type=float, default=60.0)
    parser.add_argument("--down-messages", type=int, default=10)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    command = (
        f"python -m bench.sharing --iterations {args.iterations} --down-seconds "
        f"{args.down_seconds:g} --down-messages {args.down_messages}"
    )
    result = run(args.iterations, args.down_seconds, args.down_messages)
    for key, value in result.items():
        print(f"{key:20s} {value}")
    write_results(result, command, args.out)
