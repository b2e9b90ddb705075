"""``interlock screen`` and ``interlock match``: queries from files, lists from files or the store."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from typer.testing import CliRunner, Result

from interlock.cli import app
from interlock.errors import NotFoundError, ParseError
from interlock.generate.traffic import Traffic, generate_traffic, write_traffic
from interlock.model import Traveller
from interlock.screening.queries import query_from_traveller, read_queries
from interlock.settings import get_settings
from interlock.store import Store
from interlock.watchlists.detect import read_watchlist
from interlock.watchlists.model import ListInfo, ListType, PartialDate

runner = CliRunner()
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
UN_FILE = SHARED / "watchlists" / "un_sc_consolidated_2024-09-26.xml"
UN_POSITIVES = SHARED / "names" / "opensanctions" / "yente_cgb_positives_un_untreated.csv"
needs_un = pytest.mark.skipif(
    not (UN_FILE.exists() and UN_POSITIVES.exists()), reason=f"sample data absent: {SHARED}"
)
LIST_COLUMNS = ["id", "name", "birth_date", "nationality", "gender", "document_number",
                "document_country", "reason"]  # fmt: skip


def invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def lines(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, (result.output, result.exception)
    return [json.loads(line) for line in result.stdout.splitlines()]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_list(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, LIST_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def listed(entry_id: str, t: Traveller) -> dict[str, str]:
    """A list row for a (synthetic) traveller, as a national list would carry them."""
    document = t.documents[0] if t.documents else None
    return {
        "id": entry_id,
        "name": f"{t.given_names} {t.surname}",
        "birth_date": t.birth_date.isoformat() if t.birth_date else "",
        "nationality": t.nationality or "",
        "gender": t.sex.value if t.sex else "",
        "document_number": document.number if document else "",
        "document_country": (document.issuing_country or "") if document else "",
        "reason": "synthetic test entry",
    }


@pytest.fixture(scope="module")
def traffic() -> Traffic:
    return generate_traffic(40, seed=11, pnr_share=1.0)


@pytest.fixture(scope="module")
def booked(traffic: Traffic) -> Traveller:
    """A passenger on a manifest who also has a booking (in PAXLST and PNRGOV)."""
    return next(people[0] for ft in traffic.flights for _, people in ft.bookings if people)


# --- queries from input files ---------------------------------------------------------------


def test_jsonl_queries_keep_id_precision_and_alpha3(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "q.jsonl", [
        {"id": "a-1", "name": "Ilse Marie Brandt", "birth_date": "1971-04", "nationality": "DE",
         "gender": "F", "document_number": "c01x 00t47", "document_country": "D"},
    ])  # fmt: skip
    [(query, view)] = list(read_queries(path))
    assert (query.id, query.given_names, query.surname) == ("a-1", "Ilse Marie", "Brandt")
    assert query.birth_date == PartialDate(1971, 4)
    assert (query.nationality, query.gender) == ("DEU", "F")
    assert (query.document_number, query.document_country) == ("C01X00T47", "DEU")
    assert (view["id"], view["birth_date"], view["position"], view["format"]) == (
        "a-1", "1971-04", 1, "jsonl"
    )  # fmt: skip


def test_bad_query_line_names_file_and_line(tmp_path: Path, national: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"id": "1", "name": "Ada Roe"}\n{"id": "2", "birth_date": "1980"}\n')
    with pytest.raises(ParseError) as caught:
        list(read_queries(path))
    assert str(caught.value).startswith(f"{path}: line 2: no name")
    result = invoke("screen", str(path), "--watchlist", str(national), "--json")
    assert isinstance(result.exception, ParseError)
    assert result.stdout == ""


def test_traveller_without_document_or_sex(booked: Traveller) -> None:
    bare = Traveller(surname="ROE", given_names="ADA")
    query = query_from_traveller(bare)
    assert (query.document_number, query.gender, query.birth_date) == (None, None, None)
    query = query_from_traveller(booked, id="x")
    assert query.document_number == booked.documents[0].number
    assert query.id == "x"


# --- screen against list files ---------------------------------------------------------------


@pytest.fixture
def national(tmp_path: Path, booked: Traveller) -> Path:
    fake = Faker("it_IT")
    fake.seed_instance(5)
    other = {"id": "NL-2", "name": fake.name(), "birth_date": "1969-01-30",
             "nationality": "ITA", "gender": "", "document_number": "YA1234567",
             "document_country": "ITA", "reason": "synthetic test entry"}  # fmt: skip
    return write_list(tmp_path / "national.csv", [listed("NL-1", booked), other])


def test_screen_jsonl_against_a_national_csv(tmp_path: Path, national: Path) -> None:
    """The listed document number (spaced and issuer given as alpha-2) lifts a weak name."""
    weak = {"id": "q-nodoc", "name": "F. Offredo"}
    person = {**weak, "id": "q-doc", "document_number": "YA 1234567", "document_country": "IT"}
    faker = Faker("nl_NL")
    faker.seed_instance(3)
    stranger = {"id": "q-none", "name": faker.name(), "birth_date": "1990-02-03"}
    queries = write_jsonl(tmp_path / "q.jsonl", [person, weak, stranger])
    out = lines(invoke("screen", str(queries), "--watchlist", str(national), "--json",
                       "--threshold", "0.3"))  # fmt: skip
    assert [o["traveller"]["id"] for o in out] == ["q-doc", "q-nodoc", "q-none"]
    [hit] = out[0]["matches"]
    assert (hit["entry_id"], hit["list"]) == ("NL-2", "national")
    assert set(hit) >= {"entry_id", "list", "score", "band", "explanations"}
    document = [e for e in hit["explanations"] if e["feature"] == "document"]
    assert document and document[0]["weight"] > 0
    assert "YA1234567" in document[0]["entry_value"].replace(" ", "")
    [name_only] = [m for m in out[1]["matches"] if m["entry_id"] == "NL-2"]
    assert name_only["score"] < hit["score"]
    assert out[2]["matches"] == []


def test_screen_threshold_and_limit(tmp_path: Path, booked: Traveller) -> None:
    twin = {**listed("NL-3", booked), "birth_date": "1931-05-05"}
    twins = write_list(tmp_path / "twins.csv", [listed("NL-1", booked), twin])
    assert booked.birth_date is not None
    query = {"id": "q", "name": f"{booked.given_names} {booked.surname}x",
             "birth_date": booked.birth_date.isoformat()}  # fmt: skip
    queries = write_jsonl(tmp_path / "q.jsonl", [query])
    screen = ("screen", str(queries), "--watchlist", str(twins), "--json")
    [both] = lines(invoke(*screen, "--threshold", "0.3"))
    [one] = lines(invoke(*screen, "--threshold", "0.3", "--limit", "1"))
    assert [m["entry_id"] for m in both["matches"]] == ["NL-1", "NL-3"]
    assert [m["entry_id"] for m in one["matches"]] == ["NL-1"]
    best, second = (m["score"] for m in both["matches"])
    assert 0.3 <= second < best
    [between] = lines(invoke(*screen, "--threshold", str(round((best + second) / 2, 4))))
    assert [m["entry_id"] for m in between["matches"]] == ["NL-1"]


def test_screen_generated_traffic_finds_the_listed_passenger(
    tmp_path: Path, traffic: Traffic, booked: Traveller, national: Path
) -> None:
    paths = write_traffic(traffic, tmp_path / "traffic")
    result = invoke("screen", str(tmp_path / "traffic"), "--watchlist", str(national), "--json")
    out = lines(result)
    expected = sum(
        len(ft.passengers) + len(ft.crew) + sum(len(p) for _, p in ft.bookings)
        for ft in traffic.flights
    )
    assert len(out) == expected and len(paths) == traffic.file_count
    hits = [o for o in out if any(m["entry_id"] == "NL-1" for m in o["matches"])]
    assert {o["traveller"]["format"] for o in hits} == {"paxlst", "pnrgov"}
    assert all(o["traveller"]["surname"] == booked.surname for o in hits)
    assert f"{expected} travellers screened" in result.stderr


def test_screen_table_shows_bands(tmp_path: Path, national: Path, booked: Traveller) -> None:
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": "row-7", "surname": booked.surname,
                                                   "given_names": booked.given_names}])  # fmt: skip
    result = invoke("screen", str(queries), "--watchlist", str(national))
    assert result.exit_code == 0, result.output
    assert "NL-1" in result.stdout and "row-7" in result.stdout
    assert re.search(r"\b(high|medium|low)\b", result.stdout)
    assert "1 of 1 travellers with matches" in result.stdout


def test_match_command(national: Path, booked: Traveller) -> None:
    name = f"{booked.surname} {booked.given_names}"
    [out] = lines(invoke("match", "--watchlist", str(national), "--name", name, "--json"))
    assert out["traveller"]["name"] == name
    assert out["matches"][0]["entry_id"] == "NL-1"
    bad = invoke("match", "--watchlist", str(national), "--name", name, "--nationality", "QQ")
    assert isinstance(bad.exception, ParseError)
    assert "nationality: 'QQ'" in str(bad.exception)


# --- the real UN list -----------------------------------------------------------------------


def _un_reference_numbers() -> dict[str, str]:
    """Individuals' joined FIRST..FOURTH names → reference number, read straight from the XML."""
    text = UN_FILE.read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for block in re.findall(r"<INDIVIDUAL>(.*?)</INDIVIDUAL>", text, re.S):
        parts = [re.search(rf"<{tag}>(.*?)</{tag}>", block)
                 for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]  # fmt: skip
        name = " ".join(p.group(1).strip() for p in parts if p and p.group(1).strip()).upper()
        reference = re.search(r"<REFERENCE_NUMBER>(.*?)</REFERENCE_NUMBER>", block)
        assert reference is not None
        found.setdefault(name, []).append(reference.group(1).strip())
    return {name: refs[0] for name, refs in found.items() if len(refs) == 1}


@needs_un
def test_un_positives_come_back_with_their_reference_number(tmp_path: Path) -> None:
    references = _un_reference_numbers()
    with UN_POSITIVES.open(encoding="utf-8") as rows:
        wanted = [r for r in csv.DictReader(rows) if r["full_name"].upper() in references][:12]
    assert len(wanted) == 12
    queries = [{"id": f"un-{n}", "name": r["full_name"], "birth_date": r["date_of_birth"],
                "nationality": r["nationality"]} for n, r in enumerate(wanted)]  # fmt: skip
    fake = Faker(["en_US", "de_DE", "fr_FR"])
    fake.seed_instance(2026)
    strangers = [{"id": f"fake-{n}", "name": fake.name(),
                  "birth_date": fake.date_of_birth(minimum_age=20).isoformat()}
                 for n in range(5)]  # fmt: skip
    path = write_jsonl(tmp_path / "q.jsonl", queries + strangers)
    out = {o["traveller"]["id"]: o for o in
           lines(invoke("screen", str(path), "--watchlist", str(UN_FILE), "--json"))}  # fmt: skip
    un_name = read_watchlist(UN_FILE).info.name
    for n, row in enumerate(wanted):
        top = out[f"un-{n}"]["matches"][0]
        assert (top["entry_id"], top["list"]) == (references[row["full_name"].upper()], un_name)
    for n in range(5):
        assert out[f"fake-{n}"]["matches"] == [], strangers[n]


# --- lists in the node's store ----------------------------------------------------------------


@pytest.fixture
def node(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Store:
    """The CLI's store is the test store (SQLite and PostgreSQL)."""
    monkeypatch.setenv("INTERLOCK_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    get_settings.cache_clear()
    return Store.open(store_url, migrate=False)


@pytest.fixture(autouse=True)
def _fresh_settings() -> Any:
    yield
    get_settings.cache_clear()


def _import(store: Store, path: Path, name: str, list_type: ListType) -> None:
    read = read_watchlist(path)
    for entry in read.entries:
        entry.list_name = name
    info = ListInfo(name, "Test authority", "synthetic test", list_type, date(2026, 1, 1))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    store.watchlists.import_version(info, read.entries, source_name=path.name, sha256=digest)


def test_pnr_travellers_only_against_sought_lists(
    node: Store, tmp_path: Path, traffic: Traffic, booked: Traveller, national: Path
) -> None:
    _import(node, national, "sanctions", ListType.OTHER)
    _import(node, national, "sought", ListType.SOUGHT)
    write_traffic(traffic, tmp_path / "traffic")
    out = lines(invoke("screen", str(tmp_path / "traffic"), "--json",
                       "--watchlist", "sanctions", "--watchlist", "sought"))  # fmt: skip
    hits = {(o["traveller"]["format"], m["list"]) for o in out for m in o["matches"]
            if m["entry_id"] == "NL-1"}  # fmt: skip
    assert hits == {("paxlst", "sanctions"), ("paxlst", "sought"), ("pnrgov", "sought")}
    node.dispose()


def test_unknown_stored_list_is_an_error(node: Store, tmp_path: Path) -> None:
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": "1", "name": "Ada Roe"}])
    result = invoke("screen", str(queries), "--watchlist", "no-such-list")
    assert isinstance(result.exception, NotFoundError)
    assert "no-such-list" in str(result.exception)
    node.dispose()


def test_delisted_stored_entry_stops_matching(
    node: Store, tmp_path: Path, booked: Traveller, national: Path
) -> None:
    from interlock.watchlists.model import EntryStatus

    _import(node, national, "sought", ListType.SOUGHT)
    queries = write_jsonl(tmp_path / "q.jsonl", [{"id": "1", "surname": booked.surname,
                                                   "given_names": booked.given_names}])  # fmt: skip
    [before] = lines(invoke("screen", str(queries), "--watchlist", "sought", "--json"))
    node.watchlists.set_status("sought", "NL-1", EntryStatus.DELISTED, "test: delisted")
    [after] = lines(invoke("screen", str(queries), "--watchlist", "sought", "--json"))
    assert [m["entry_id"] for m in before["matches"]] == ["NL-1"]
    assert after["matches"] == []
    node.dispose()


@pytest.mark.parametrize("command", ["screen", "match"])
def test_screening_commands_have_help(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "--watchlist" in result.output
