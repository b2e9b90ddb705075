"""The `interlock` command as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interlock.cli import app

runner = CliRunner()
COMMANDS = [[], ["parse"], ["ingest"], ["status"], ["serve"], ["demo"], ["generate"],
            ["generate", "traffic"]]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "interlock")
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_parse_json_prints_one_object_per_message(tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("surname,given_names,birth_date,nationality\nNOVAK,EVA,1991-02-03,CZ\n")
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "1", "name": "Tomas Berg"}\n{"id": "2", "surname": "Lind"}\n')
    result = runner.invoke(app, ["parse", "--json", str(people), str(queries)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["format"] for d in lines] == ["csv", "jsonl"]
    assert lines[0]["travellers"][0]["nationality"] == "CZE"
    assert [t["surname"] for t in lines[1]["travellers"]] == ["Berg", "Lind"]


def test_unreadable_input_names_the_file_and_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "nonsense.txt"
    bad.write_text("hello, world\nthis is not a manifest\n")
    result = runner.invoke(app, ["parse", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: line 1" in result.stderr


def test_partly_broken_message_keeps_what_parsed_and_exits_1(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("surname,birth_date\nGOOD,1980-01-01\nBAD,1980-02-31\n")
    result = runner.invoke(app, ["parse", "--json", str(rows)])
    assert result.exit_code == 1
    parsed = json.loads(result.stdout)
    assert [t["surname"] for t in parsed["travellers"]] == ["GOOD"]
    assert parsed["errors"] == [f"{rows}: line 3: birth_date: '1980-02-31' is not a date "
                                "(YYYY-MM-DD, YYYY-MM or YYYY)"]  # fmt: skip


def test_ingest_then_status_on_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from interlock.settings import get_settings

    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.delenv("INTERLOCK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    people = tmp_path / "people.csv"
    people.write_text("surname,given_names,flight_number,flight_date\nHOLM,SIV,XY12,2026-11-26\n")
    first = runner.invoke(app, ["ingest", str(people)])
    second = runner.invoke(app, ["ingest", "--json", str(people)])
    status = runner.invoke(app, ["status"])
    get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert "1 stored (1 travellers)" in first.stderr
    assert json.loads(second.stdout)["status"] == "duplicate"
    assert (tmp_path / "node" / "interlock.db").exists()
    assert "travellers" in status.stdout


def test_installed_entry_point_reports_errors_in_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "nope.edi"
    exe = Path(sys.executable).with_name("interlock")
    result = subprocess.run([str(exe), "parse", str(missing)], capture_output=True, text=True,
                            check=False, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert str(missing) in result.stderr


def test_parse_json_reports_mrz_check_digits_by_field(tmp_path: Path) -> None:
    zone = tmp_path / "passport.mrz"
    # The ICAO specimen with the expiry date changed and its check digit left as it was.
    zone.write_text(
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
        "L898902C36UTO7408122F1304159ZE184226B<<<<<10\n"
    )
    result = runner.invoke(app, ["parse", "--json", str(zone)])
    parsed = json.loads(result.stdout)
    assert parsed["format"] == "mrz" and parsed["message_type"] == "TD3"
    assert parsed["checks"] == {"document_number": True, "birth_date": True,
                                "expiry_date": False, "personal_number": True,
                                "composite": False}  # fmt: skip
    assert any("expiry_date" in w for w in parsed["warnings"])
    assert parsed["travellers"][0]["documents"][0]["number"] == "L898902C3"


def test_demo_generates_ingests_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interlock.settings import get_settings

    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.delenv("INTERLOCK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    first = runner.invoke(app, ["demo", "--travellers", "120", "--seed", "4"])
    again = runner.invoke(app, ["demo", "--travellers", "120", "--seed", "4"])
    get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    assert "120 passengers" in first.stdout
    ingest_line = first.stdout.split("5. ingesting")[1].split("6. what")[0]
    assert "6 stored" in ingest_line and "failed" not in ingest_line
    assert "6 duplicate" in again.stdout.split("5. ingesting")[1].split("6. what")[0]
    assert "messages stored   │ 6" in again.stdout
