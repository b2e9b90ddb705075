"""The hash-chained audit log against tampering done directly in the database (SG-34), and
concurrent appends from several threads (SG-33), on a SQLite file and on PostgreSQL.

Each kind of tampering an insider with database access could try is done with plain SQL,
and ``verify`` (and ``interlock audit verify``, exit code 1) must name it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from interlock.audit.log import GENESIS, AuditEvent, _content, entry_hash
from interlock.cli_audit import app as audit_app
from interlock.store import Store
from interlock.store.schema_access import AuditRow


def fill(store: Store, count: int = 6) -> None:
    for number in range(count):
        store.audit.write(
            AuditEvent(
                actor="ana.lyst",
                action="traveller.read",
                purpose="serious-crime",
                reason=f"case {number:04d} review",
                subject_kind="traveller",
                subject_id=str(100 + number),
            )
        )


def sql(store: Store, statement: str, **params: object) -> None:
    with store.engine.begin() as connection:
        connection.execute(text(statement), params)


@pytest.mark.safeguard("SG-34")
def test_an_untouched_chain_verifies(store: Store, bare_cli: CliRunner) -> None:
    assert store.audit.verify().ok and store.audit.head() == (0, GENESIS)
    fill(store)
    report = store.audit.verify()
    assert (report.ok, report.entries, report.head_seq) == (True, 6, 6)
    result = bare_cli.invoke(audit_app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 6 entries" in result.output
    head = bare_cli.invoke(audit_app, ["head"]).stdout.strip()
    assert head == f"6:{store.audit.head()[1]}"
    assert bare_cli.invoke(audit_app, ["verify", "--head", head]).exit_code == 0


@pytest.mark.safeguard("SG-34")
@pytest.mark.parametrize(
    ("column", "value"),
    [("reason", "nothing to see"), ("actor", "someone.else"), ("purpose", "terrorist-offence"),
     ("subject_id", "999"), ("outcome", "refused")],
)  # fmt: skip
def test_a_changed_field_is_detected(
    store: Store, bare_cli: CliRunner, column: str, value: str
) -> None:
    fill(store)
    sql(store, f"UPDATE audit_log SET {column} = :value WHERE seq = 3", value=value)
    report = store.audit.verify()
    assert report.problems == [(3, "content does not match its hash")]
    result = bare_cli.invoke(audit_app, ["verify"])
    assert result.exit_code == 1
    assert "entry 3" in result.output and "does not match its hash" in result.output


@pytest.mark.safeguard("SG-34")
def test_a_changed_time_or_detail_is_detected(store: Store) -> None:
    fill(store)
    sql(store, "UPDATE audit_log SET at = at - INTERVAL '1 day' WHERE seq = 2"
        if store.engine.dialect.name == "postgresql"
        else "UPDATE audit_log SET at = '2020-01-01 00:00:00.000000' WHERE seq = 2")  # fmt: skip
    sql(store, "UPDATE audit_log SET detail = :d WHERE seq = 5", d='{"results": 0}')
    assert [seq for seq, _ in store.audit.verify().problems] == [2, 5]


@pytest.mark.safeguard("SG-34")
def test_a_removed_middle_entry_is_detected(store: Store, bare_cli: CliRunner) -> None:
    fill(store)
    sql(store, "DELETE FROM audit_log WHERE seq = 4")
    report = store.audit.verify()
    assert (5, "entries 4..4 are missing") in report.problems
    assert (5, "does not link to the entry before it") in report.problems
    result = bare_cli.invoke(audit_app, ["verify"])
    assert result.exit_code == 1 and "missing" in result.output


@pytest.mark.safeguard("SG-34")
def test_a_removed_tail_is_detected_with_a_recorded_head(store: Store, bare_cli: CliRunner) -> None:
    fill(store)
    seq, digest = store.audit.head()
    recorded = f"{seq}:{digest}"
    sql(store, "DELETE FROM audit_log WHERE seq >= 5")
    assert store.audit.verify().ok  # a shorter chain is valid on its own …
    report = store.audit.verify(expected_head=(seq, digest))
    assert report.problems == [(6, "the recorded head is no longer in the log")]
    result = bare_cli.invoke(audit_app, ["verify", "--head", recorded])
    assert result.exit_code == 1 and "no longer in the log" in result.output
    malformed = bare_cli.invoke(audit_app, ["verify", "--head", "6:xyz"])
    assert malformed.exit_code != 0


@pytest.mark.safeguard("SG-34")
def test_a_rehashed_forged_entry_breaks_the_link_to_its_successor(store: Store) -> None:
    fill(store)
    recorded = store.audit.head()
    with store.sessions() as session:
        row = session.execute(select(AuditRow).where(AuditRow.seq == 3)).scalar_one()
        content = _content(row)
        content["reason"] = "forged reason"
        forged = entry_hash(row.prev_hash, content)
    sql(store, "UPDATE audit_log SET reason = 'forged reason', hash = :h WHERE seq = 3", h=forged)
    report = store.audit.verify()
    assert report.problems == [(4, "does not link to the entry before it")]
    assert store.audit.verify(expected_head=recorded).problems == report.problems


@pytest.mark.safeguard("SG-34")
def test_a_forger_who_relinks_the_whole_tail_is_caught_by_the_recorded_head(
    store: Store,
) -> None:
    fill(store)
    recorded = store.audit.head()
    with store.sessions.begin() as session:
        rows = session.execute(select(AuditRow).where(AuditRow.seq >= 3).order_by(AuditRow.seq))
        prev = session.execute(select(AuditRow.hash).where(AuditRow.seq == 2)).scalar_one()
        for row in rows.scalars():
            if row.seq == 3:
                row.reason = "rewritten"
            row.prev_hash = prev
            row.hash = entry_hash(prev, _content(row))
            prev = row.hash
    assert store.audit.verify().ok  # internally consistent …
    assert store.audit.verify(expected_head=recorded).problems == [
        (recorded[0], "the recorded head's hash differs")
    ]


@pytest.mark.safeguard("SG-33")
@pytest.mark.safeguard("SG-34")
def test_concurrent_appends_make_one_gap_free_valid_chain(store: Store) -> None:
    threads, each = 6, 15
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def append(worker: int) -> None:
        try:
            start.wait()
            for number in range(each):
                store.audit.write(AuditEvent(actor=f"worker{worker}", action="traveller.read",
                                             subject_kind="traveller",
                                             subject_id=f"{worker}-{number}"))  # fmt: skip
        except BaseException as err:
            errors.append(err)

    workers = [threading.Thread(target=append, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    report = store.audit.verify()
    assert (report.ok, report.entries, report.head_seq) == (True, threads * each, threads * each)
    with store.engine.connect() as connection:
        seqs = connection.execute(text("SELECT seq FROM audit_log ORDER BY seq")).scalars().all()
    assert seqs == list(range(1, threads * each + 1))
