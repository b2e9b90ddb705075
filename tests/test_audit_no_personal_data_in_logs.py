"""No personal data in operational logs (SG-37).

A synthetic day's PAXLST manifests and PNRGOV pushes go in over HTTP, with a truncated and an
unreadable message among them, then an analyst searches the lists by name; the ``interlock``
loggers run at DEBUG the whole time. No log record may carry a traveller's surname, given
name, document number, e-mail or phone number, nor a name searched for.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from auth_helpers import app_store, auth, make_user, node_app
from interlock.access.roles import Role
from interlock.generate.files import flight_messages
from interlock.generate.traffic import Traffic, generate_traffic
from interlock.watchlists.model import EntryKind, EntryName, ListInfo, ListType, WatchlistEntry

MIN_LENGTH = 3
"""Shorter values (``LI``, ``NG``) would be found inside ordinary words; they are left out."""


def personal_values(traffic: Traffic) -> set[str]:
    """Every name part, document number and contact value of the day's people."""
    values: set[str] = set()
    for flight in traffic.flights:
        people = list(flight.passengers) + list(flight.crew)
        for booking, party in flight.bookings:
            people += party
            values.update(contact.value for contact in booking.contacts)
        for person in people:
            values.update(person.surname.split())
            values.update(person.given_names.split())
            values.update(document.number for document in person.documents)
            values.update(contact.value for contact in person.contacts)
    return {v.strip() for v in values if len(v.strip()) >= MIN_LENGTH}


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write for a record: message, arguments, exception."""
    parts = [record.getMessage(), repr(record.args), record.name]
    if record.exc_info:
        parts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        parts.append(record.exc_text)
    return "\n".join(parts)


def with_free_text(pnrgov: str) -> str:
    """The PNR push with free text naming its first traveller after that traveller's TIF:
    elements off the legal list, dropped on receipt and logged by element name (SG-05)."""
    start = pnrgov.index("TIF+")
    end = pnrgov.index("'", start) + 1
    surname, given = pnrgov[start + 4 : end - 1].split(":I+")
    given = given.split(":")[0]
    extra = (f"\nIFT+4:28::XX+PAX {surname} {given} REQUESTS WINDOW'"
             f"\nLTS+0/O/SR/SSR CTCE {surname}//EXAMPLE.ORG'")  # fmt: skip
    return pnrgov[:end] + extra + pnrgov[end:]


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(node_app(store_url, tmp_path / "node")) as test_client:
        yield test_client


@pytest.mark.safeguard("SG-37")
def test_ingest_and_search_log_no_personal_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    store = app_store(client.app)  # type: ignore[arg-type]
    _, gateway = make_user(store, "gateway", Role.SERVICE, service=True)
    _, analyst = make_user(store, "ana.lyst", Role.ANALYST)
    traffic = generate_traffic(60, seed=37, pnr_share=1.0)
    messages = [text for index, flight in enumerate(traffic.flights)
                for _, text in flight_messages(flight, index)]  # fmt: skip
    assert any("PNRGOV" in m for m in messages) and any("PAXLST" in m for m in messages)
    first_traveller = traffic.flights[0].passengers[0]
    listed = WatchlistEntry("L-1", "sought", EntryKind.PERSON, names=[EntryName(
        f"{first_traveller.given_names} {first_traveller.surname}",
        given=first_traveller.given_names, family=first_traveller.surname)])  # fmt: skip
    info = ListInfo("sought", "Test authority", "synthetic", ListType.SOUGHT, date(2026, 1, 1))
    store.watchlists.import_version(info, [listed], source_name="sought.csv",
                                    sha256=hashlib.sha256(b"sought-37").hexdigest())  # fmt: skip
    messages = [with_free_text(m) if "PNRGOV" in m else m for m in messages]
    truncated = messages[0][: len(messages[0]) // 2]
    unreadable = "NAME OF PASSENGER " + messages[0][messages[0].index("NAD") :]

    caplog.set_level(logging.DEBUG, logger="interlock")
    outcomes = []
    for body in [*messages, truncated, unreadable]:
        response = client.post("/api/v1/messages", content=body.encode(), headers=auth(gateway),
                               params={"source": "gateway-upload"})  # fmt: skip
        outcomes.append(response.json()["status"])
    search = client.post("/api/v1/match", headers=auth(analyst), json={"queries": [
        {"name": f"{p.given_names} {p.surname}"} for p in traffic.flights[0].passengers]})  # fmt: skip
    assert search.status_code == 200, search.text
    assert search.json()["results"][0]["matches"], "the planted traveller is found"

    assert outcomes.count("stored") >= len(messages) and "failed" in outcomes
    drops = [r.getMessage() for r in caplog.records if r.name == "interlock.ingest.pnrgov"]
    assert any("element=IFT" in d for d in drops), "the drops are logged (else nothing is checked)"
    values = personal_values(traffic)
    assert len(values) > 100
    pattern = re.compile(
        r"(?<![A-Za-z0-9])(" + "|".join(re.escape(v) for v in sorted(values, key=len,
                                                                      reverse=True))
        + r")(?![A-Za-z0-9])", re.IGNORECASE,
    )  # fmt: skip
    leaks = [(r.name, r.pathname, r.lineno, m.group(0))
             for r in caplog.records for m in [pattern.search(record_text(r))] if m]  # fmt: skip
    assert leaks == [], "log records carrying personal data (logger, file, line, value)"
