"""Route scope at ingest (SG-03): a message of a flight outside the configured scope is stored
and flagged, its travellers are neither screened nor run through the rules; a flight in
scope is screened as usual."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from interlock.ingest.paxlst_write import write_paxlst
from interlock.ingest.service import Ingestor
from interlock.model import Flight, FlightLeg
from interlock.scope import ScopeConfig
from interlock.screening.intake import IngestScreening
from interlock.store import Store
from test_ingest_screening import SOUGHT, import_list, person, synthetic_entry

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scope.yaml"
WANTED = person("KOVALENKO", "MARTA IRYNA", date(1984, 2, 11), "UKR", "FX7733210")
DAY = datetime(2026, 6, 1, 10, 0)


def manifest(origin: str, destination: str, number: str) -> bytes:
    leg = FlightLeg("OS", number, origin, destination, DAY, DAY + timedelta(hours=2))
    flight = Flight("OS", number, [leg])
    text = write_paxlst(
        flight,
        [WANTED],
        sender="OSAPI",
        recipient="ATPIU",
        reference=f"REF{number}",
        prepared_at=DAY - timedelta(hours=1),
    )
    return text.encode()


@pytest.mark.safeguard("SG-03")
def test_a_flight_outside_the_route_scope_is_flagged_not_screened(store: Store) -> None:
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    scope = ScopeConfig.load(EXAMPLE)  # node AUT; extra-union in scope; example selections
    ingestor = Ingestor(store, screening=IngestScreening(store, scope=scope))

    # Vienna - New York: extra-union and touching the node's state: screened, alerted.
    inside = ingestor.ingest_bytes(manifest("VIE", "JFK", "87"), source="vie-jfk.edi")
    assert (inside.status, inside.out_of_scope, inside.matches, inside.alerts) == (
        "stored",
        0,
        1,
        1,
    )
    assert not [w for w in inside.warnings if "route scope" in w]

    # Vienna - Rome: intra-union with no selection in force: stored and flagged only.
    outside = ingestor.ingest_bytes(manifest("VIE", "FCO", "501"), source="vie-fco.edi")
    assert outside.status == "stored" and outside.travellers == 1
    assert (outside.out_of_scope, outside.screened, outside.matches, outside.alerts) == (1, 0, 0, 0)
    [flag] = [w for w in outside.warnings if "route scope" in w]
    assert "SG-03" in flag and "VIE-FCO" in flag and "KOVALENKO" not in flag
    info = store.messages.get(outside.message_id or 0)
    assert info is not None and flag in info.warnings  # kept with the stored message

    # Paris - New York does not touch Austria (Art. 8(1)): out as well.
    elsewhere = ingestor.ingest_bytes(manifest("CDG", "JFK", "9"), source="cdg-jfk.edi")
    assert (elsewhere.out_of_scope, elsewhere.matches) == (1, 0)


def test_without_a_scope_file_every_flight_is_screened(store: Store) -> None:
    import_list(store, SOUGHT, [synthetic_entry(SOUGHT, "NS-1", WANTED)])
    outcome = Ingestor(store).ingest_bytes(manifest("VIE", "FCO", "501"), source="m.edi")
    assert (outcome.out_of_scope, outcome.matches) == (0, 1)


@pytest.mark.safeguard("SG-03")
def test_the_transparency_page_publishes_the_route_scope(store: Store, tmp_path: Path) -> None:
    from interlock.oversight import OversightConfig
    from interlock.oversight.transparency import render_html, transparency_document
    from interlock.retention.policy import RetentionPolicy
    from interlock.settings import Settings

    unset = OversightConfig.from_settings(Settings(data_dir=tmp_path))
    document = transparency_document(store, unset, RetentionPolicy())
    assert document["route_scope"]["configured"] is False
    assert "every flight" in document["route_scope"]["statement"]

    configured = OversightConfig.from_settings(
        Settings(data_dir=tmp_path, route_scope_file=EXAMPLE)
    )
    document = transparency_document(store, configured, RetentionPolicy())
    scope = document["route_scope"]
    assert scope["configured"] is True
    names = [entry.get("name") for entry in scope["entries"]]
    assert "vienna-paris-example" in names
    page = render_html(document)
    assert "Flights in scope" in page and "VIE-CDG" in page and "Art. 1(1)" in page
