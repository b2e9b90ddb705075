"""`interlock watchlist …` as a user runs it, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.test_watchlist_store import OFAC_DIR, UN_FILE, derived_un, needs_ofac, needs_un
from typer.testing import CliRunner, Result

from interlock.cli import app
from interlock.errors import NotFoundError
from interlock.settings import get_settings
from interlock.watchlists.registry import RegistryError

runner = CliRunner()
UN = "UN SC Consolidated List"
# A national list of synthetic people: one active, one past its review-by date, one delisted.
NATIONAL = (
    "id,name,birth_date,nationality,nominating_source,reason,review_by,status\n"
    "N-1,Tove Aksberg,1979-03-04,SE,National Police,arrest warrant,2099-01-01,active\n"
    "N-2,Rasmus Oddvik,1985,NO,National Police,arrest warrant,2020-01-01,active\n"
    "N-3,Liva Sorensen,1990-07-08,DK,National Police,withdrawn,,delisted\n"
)


@pytest.fixture
def node(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """The CLI pointed at an empty store on each engine."""
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    get_settings.cache_clear()
    yield store_url
    get_settings.cache_clear()


def invoke(*args: str) -> Result:
    return runner.invoke(app, ["watchlist", *args])


def json_out(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("command", [[], ["import"], ["list"], ["diff"], ["show"], ["delist"]])
def test_every_watchlist_command_has_help(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


@needs_un
def test_import_twice_then_a_modified_copy(node: str, tmp_path: Path) -> None:
    first = invoke("import", str(UN_FILE))
    again = json_out(invoke("import", "--json", str(UN_FILE)))
    derived, dropped, renamed = derived_un(tmp_path)
    modified = json_out(invoke("import", "--json", str(derived), "--name", UN))
    assert first.exit_code == 0, first.output
    assert f"{UN}: version 1 from {UN_FILE.name}: 875 added" in " ".join(first.stdout.split())
    assert (again["version"], again["duplicate"], again["format"]) == (1, True, "un_xml")
    assert {k: modified[k] for k in ("version", "added", "removed", "changed", "unchanged")} == {
        "version": 2,
        "added": 1,
        "removed": 1,
        "changed": 1,
        "unchanged": 873,
    }
    [listed] = [json.loads(line) for line in invoke("list", "--json").stdout.splitlines()]
    assert listed["name"] == UN and (listed["version"], listed["entries"]) == (2, 875)
    assert listed["type"] == "sought" and listed["refreshed_on"] == "2024-09-26"
    stored = json_out(invoke("diff", "--json", f"{UN}@1", f"{UN}@2"))
    files = json_out(invoke("diff", "--json", str(UN_FILE), str(derived)))
    for diff in (stored, files):
        assert [e["entry_id"] for e in diff["added"]] == ["QDi.999"]
        assert diff["added"][0]["name"] == "ELIN SYNTHETICA"
        assert [e["entry_id"] for e in diff["removed"]] == [dropped]
        assert [(e["entry_id"], e["fields"]) for e in diff["changed"]] == [(renamed, ["names"])]
        assert diff["changed"][0]["after"]["names"][0]["full"].startswith("ZACHARIAS ")
        assert diff["unchanged"] == 873
    mixed = json_out(invoke("diff", "--json", UN, str(UN_FILE)))
    assert [e["entry_id"] for e in mixed["added"]] == [dropped]


@needs_un
def test_diff_prints_one_line_per_entry(node: str, tmp_path: Path) -> None:
    derived, dropped, renamed = derived_un(tmp_path)
    result = invoke("diff", str(UN_FILE), str(derived))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "1 added, 1 removed, 1 changed, 873 unchanged" in " ".join(result.stdout.split())
    assert "+ QDi.999  ELIN SYNTHETICA" in lines
    assert any(line.startswith(f"- {dropped}  ") for line in lines)
    assert any(
        line.startswith(f"~ {renamed}  ZACHARIAS ") and line.endswith("(names)") for line in lines
    )


@pytest.mark.safeguard("SG-18")
def test_show_and_delist_by_hand(node: str, tmp_path: Path) -> None:
    national = tmp_path / "wanted.csv"
    national.write_text(NATIONAL, encoding="utf-8")
    imported = json_out(
        invoke(
            "import",
            "--json",
            str(national),
            "--owner",
            "National Police",
            "--legal-basis",
            "Police Act s. 12",
        )
    )
    assert imported["added"] == 3
    [listed] = [json.loads(line) for line in invoke("list", "--json").stdout.splitlines()]
    assert (listed["name"], listed["entries"], listed["active"]) == ("wanted", 3, 1)
    shown = json_out(invoke("show", "--json", "wanted", "N-1"))
    assert (shown["status"], shown["review_by"], shown["reason"]) == (
        "active",
        "2099-01-01",
        "arrest warrant",
    )
    delisted = invoke("delist", "wanted", "N-1", "--reason", "warrant withdrawn")
    assert delisted.exit_code == 0, delisted.output
    assert "N-1 of wanted: delisted" in delisted.stdout
    shown = json_out(invoke("show", "--json", "wanted", "N-1"))
    assert shown["status"] == "delisted"
    assert [(d["status"], d["reason"]) for d in shown["decisions"]] == [
        ("delisted", "warrant withdrawn")
    ]
    assert json.loads(invoke("list", "--json").stdout)["active"] == 0
    human = invoke("show", "wanted", "N-1")
    assert "delisted: warrant withdrawn" in human.stdout
    missing = invoke("show", "wanted", "N-9")
    assert isinstance(missing.exception, NotFoundError)


@pytest.mark.safeguard("SG-17")
def test_a_new_list_needs_owner_and_legal_basis(node: str, tmp_path: Path) -> None:
    national = tmp_path / "wanted.csv"
    national.write_text(NATIONAL, encoding="utf-8")
    refused = invoke("import", str(national), "--owner", "National Police")
    assert isinstance(refused.exception, RegistryError)
    assert "give --legal-basis (SG-17)" in str(refused.exception)
    assert invoke("list", "--json").stdout == ""
    done = json_out(
        invoke(
            "import",
            "--json",
            str(national),
            "--owner",
            "National Police",
            "--legal-basis",
            "Police Act s. 12",
            "--type",
            "other",
        )
    )
    assert done["version"] == 1
    again = json_out(invoke("import", "--json", str(national)))
    assert again["duplicate"] is True
    listed = json.loads(invoke("list", "--json").stdout)
    assert (listed["owner"], listed["legal_basis"], listed["type"]) == (
        "National Police",
        "Police Act s. 12",
        "other",
    )


@pytest.mark.safeguard("SG-17")
def test_the_refusal_is_one_line_from_the_installed_command(tmp_path: Path) -> None:
    national = tmp_path / "wanted.csv"
    national.write_text(NATIONAL, encoding="utf-8")
    exe = Path(sys.executable).with_name("interlock")
    env = {**os.environ, "INTERLOCK_DATA_DIR": str(tmp_path / "node")}
    env.pop("INTERLOCK_DATABASE_URL", None)
    result = subprocess.run(
        [str(exe), "watchlist", "import", str(national)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=env,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "list 'wanted' is new" in result.stderr and "--owner and --legal-basis" in result.stderr


@needs_ofac
def test_ofac_folder_import_reports_the_repeated_id(node: str) -> None:
    result = invoke("import", str(OFAC_DIR))
    assert result.exit_code == 0, result.output
    assert "9044 added" in " ".join(result.stdout.split())
    assert "entry id '2677' already used" in result.stderr


def test_diff_of_an_unknown_list_names_it(node: str) -> None:
    result = invoke("diff", "nowhere@1", "nowhere@2")
    assert isinstance(result.exception, NotFoundError)
    assert "no list 'nowhere'" in str(result.exception)
