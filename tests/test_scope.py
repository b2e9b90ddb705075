"""Route scope (SG-03): extra-union flights in scope on their legal basis, intra-union flights
only while a selection is in force, unknown airports flagged for a person, and a configuration
file whose errors name the place."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from interlock.errors import RefusedError
from interlock.model import Flight, FlightLeg, Format, ParsedMessage, Traveller
from interlock.scope import (
    DEFAULT_UNION,
    EU_MEMBER_STATES,
    EXTRA_UNION_REFERENCE,
    UNKNOWN_AIRPORT,
    RouteKind,
    ScopeConfig,
    decide,
    decide_message,
    describe,
)

pytestmark = pytest.mark.safeguard("SG-03")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scope.yaml"
TODAY = date(2025, 4, 1)
BUILTIN = ScopeConfig.builtin()


def flight(*airports: str | None, number: str = "123") -> Flight:
    """A flight through ``airports`` in order, one leg per hop."""
    legs = [FlightLeg("XY", number, a, b) for a, b in pairwise(airports)]
    return Flight("XY", number, legs)


def scope(selections: str = "", *, node: str = "AUT", extra: str = "") -> ScopeConfig:
    text = f"node_country: {node}\n{extra}"
    if selections:
        text += f"selections:\n{selections}"
    return ScopeConfig.parse(text, source="scope.yaml")


def selection(pairs: str, *, expires: str = "2025-06-30", starts: str = "") -> str:
    text = (
        f"  - {pairs}\n"
        "    legal_reference: National PNR Act s. 2(3) (synthetic)\n"
        "    reason: synthetic threat assessment\n"
        f"    expires: {expires}\n"
    )
    return text + (f"    starts: {starts}\n" if starts else "")


# -- extra-union flights --------------------------------------------------------------------


@pytest.mark.parametrize("airports", [("JFK", "FRA"), ("VIE", "JFK"), ("ZRH", "CDG")])
def test_extra_union_inbound_and_outbound_are_in_scope_with_their_basis(
    airports: tuple[str, str],
) -> None:
    decision = decide(flight(*airports), BUILTIN, TODAY)
    assert decision.in_scope
    assert decision.kind is RouteKind.EXTRA_UNION
    assert decision.basis == EXTRA_UNION_REFERENCE
    assert "2016/681" in decision.basis
    assert (decision.route.origin, decision.route.destination) == airports


def test_route_names_airports_and_countries() -> None:
    decision = decide(flight("JFK", "FRA", "VIE"), BUILTIN, TODAY)
    route = decision.route
    assert (route.origin, route.stops, route.destination) == ("JFK", ("FRA",), "VIE")
    assert (route.origin_country, route.destination_country) == ("USA", "AUT")
    assert str(route) == "JFK-FRA-VIE (USA-AUT)"
    assert decision.flight == "XY123/-"


def test_a_stop_over_outside_the_union_makes_the_flight_extra_union() -> None:
    # Directive 2016/681 Art. 3(3): intra-EU only "without any stop-overs" in a third country.
    decision = decide(flight("VIE", "IST", "CDG"), BUILTIN, TODAY)
    assert decision.in_scope and decision.kind is RouteKind.EXTRA_UNION


def test_extra_union_scope_can_be_switched_off_or_expire() -> None:
    off = scope(extra="extra_union:\n  in_scope: false\n")
    decision = decide(flight("JFK", "VIE"), off, TODAY)
    assert not decision.in_scope and "not in scope" in decision.basis
    ending = scope(
        extra="extra_union:\n  legal_reference: Act X (synthetic)\n  expires: 2025-03-31\n"
    )
    assert decide(flight("JFK", "VIE"), ending, date(2025, 3, 31)).in_scope
    late = decide(flight("JFK", "VIE"), ending, TODAY)
    assert not late.in_scope and "expired on 2025-03-31" in late.basis


# -- intra-union flights and selections -----------------------------------------------------


def test_intra_union_is_out_of_scope_without_a_selection() -> None:
    decision = decide(flight("VIE", "CDG"), BUILTIN, TODAY)
    assert not decision.in_scope
    assert decision.kind is RouteKind.INTRA_UNION
    assert decision.basis == "intra-union flight with no selection in force"


def test_outermost_regions_count_as_union_territory() -> None:
    decision = decide(flight("CDG", "RUN"), BUILTIN, TODAY)
    assert decision.kind is RouteKind.INTRA_UNION and not decision.in_scope


def test_a_selection_puts_its_route_in_scope_until_its_expiry() -> None:
    config = scope(selection("routes: [VIE-CDG]", expires="2025-06-30", starts="2025-03-01"))
    before = decide(flight("VIE", "CDG"), config, date(2025, 2, 28))
    assert not before.in_scope and "from 2025-03-01 until 2025-06-30" in before.basis
    for day in (date(2025, 3, 1), date(2025, 6, 30)):
        decision = decide(flight("VIE", "CDG"), config, day)
        assert decision.in_scope
        assert decision.basis == "National PNR Act s. 2(3) (synthetic)"
        assert decision.expires == date(2025, 6, 30)
        assert decision.selection == "VIE-CDG"
    after = decide(flight("VIE", "CDG"), config, date(2025, 7, 1))
    assert not after.in_scope
    assert "not in force today, 2025-07-01" in after.basis
    # the selection is directed and names only its route
    assert not decide(flight("CDG", "VIE"), config, TODAY).in_scope
    assert not decide(flight("VIE", "NCE"), config, TODAY).in_scope


def test_a_selection_matches_a_leg_of_a_longer_flight() -> None:
    config = scope(selection("routes: [FRA-CDG]"))
    assert decide(flight("VIE", "FRA", "CDG"), config, TODAY).in_scope
    assert not decide(flight("VIE", "FRA", "MUC"), config, TODAY).in_scope


def test_wildcard_selection() -> None:
    config = scope(selection("routes: ['*-CDG']"))
    assert decide(flight("VIE", "CDG"), config, TODAY).in_scope
    assert decide(flight("SZG", "CDG"), config, TODAY).in_scope
    assert not decide(flight("CDG", "VIE"), config, TODAY).in_scope
    assert not decide(flight("VIE", "NCE"), config, TODAY).in_scope
    every = scope(selection("country_pairs: ['*-*']"))
    assert decide(flight("CDG", "VIE"), every, TODAY).in_scope
    assert decide(flight("VIE", "INN"), every, TODAY).in_scope
    assert not decide(flight("VIE", "QQQ"), every, TODAY).in_scope


def test_country_pair_selection() -> None:
    config = scope(selection("country_pairs: [AUT-FRA]"))
    assert decide(flight("VIE", "CDG"), config, TODAY).in_scope
    assert decide(flight("GRZ", "NCE"), config, TODAY).in_scope
    assert not decide(flight("CDG", "VIE"), config, TODAY).in_scope
    assert not decide(flight("VIE", "FRA"), config, TODAY).in_scope


def test_domestic_flights_need_a_selection_too() -> None:
    assert decide(flight("VIE", "INN"), BUILTIN, TODAY).kind is RouteKind.DOMESTIC
    assert not decide(flight("VIE", "INN"), scope(), TODAY).in_scope
    assert decide(
        flight("VIE", "INN"), scope(selection("country_pairs: [AUT-AUT]")), TODAY
    ).in_scope


def test_a_flight_outside_the_node_state_is_out() -> None:
    decision = decide(flight("JFK", "CDG"), scope(), TODAY)
    assert not decision.in_scope
    assert decision.basis.startswith("the flight neither departs from nor lands in AUT")
    assert decide(flight("JFK", "VIE"), scope(), TODAY).in_scope
    assert decide(flight("JFK", "CDG"), BUILTIN, TODAY).in_scope  # built-in: no node check


# -- unknown airports -----------------------------------------------------------------------


def test_unknown_airport_is_out_with_its_reason() -> None:
    decision = decide(flight("JFK", "QQQ"), BUILTIN, TODAY)
    assert not decision.in_scope
    assert decision.kind is RouteKind.UNKNOWN
    assert decision.basis == f"{UNKNOWN_AIRPORT}: QQQ"
    assert decision.route.destination_country is None
    missing = decide(flight("VIE", None), BUILTIN, TODAY)
    assert not missing.in_scope
    assert missing.basis == f"{UNKNOWN_AIRPORT}: no airport for leg 1 arrival"
    legless = decide(Flight("XY", "1"), BUILTIN, TODAY)
    assert not legless.in_scope and legless.basis.startswith(UNKNOWN_AIRPORT)


def test_unknown_airport_is_never_in_even_under_a_wildcard_selection() -> None:
    config = scope(selection("routes: ['VIE-*']"))
    assert not decide(flight("VIE", "QQQ"), config, TODAY).in_scope


# -- messages and the flag ------------------------------------------------------------------


def test_message_decision_and_its_warning() -> None:
    message = ParsedMessage(Format.PAXLST, flights=[flight("VIE", "CDG")])
    message.travellers.append(Traveller("SAMPLE"))
    decision = decide_message(message, BUILTIN, TODAY)
    assert decision is not None and not decision.in_scope
    warning = decision.warning()
    assert warning.location == "flight XY123/-"
    assert "VIE-CDG (AUT-FRA)" in warning.reason and "no selection in force" in warning.reason
    assert "SAMPLE" not in str(warning)
    assert decide_message(ParsedMessage(Format.MRZ), BUILTIN, TODAY) is None


def test_a_message_is_in_scope_only_when_all_its_flights_are() -> None:
    both = ParsedMessage(Format.PAXLST, flights=[flight("JFK", "VIE"), flight("VIE", "CDG")])
    decision = decide_message(both, BUILTIN, TODAY)
    assert decision is not None and not decision.in_scope
    assert decision.route.destination == "CDG"
    one = ParsedMessage(Format.PAXLST, flights=[flight("JFK", "VIE")])
    decided = decide_message(one, BUILTIN, TODAY)
    assert decided is not None and decided.in_scope


# -- configuration --------------------------------------------------------------------------


def test_builtin_default() -> None:
    config = ScopeConfig.load(None)
    assert config == ScopeConfig.builtin()
    assert config.node_country is None
    assert config.selections == ()
    assert config.extra_union.in_scope and config.extra_union.expires is None
    assert config.extra_union.legal_reference == EXTRA_UNION_REFERENCE
    assert set(EU_MEMBER_STATES) <= config.union and len(EU_MEMBER_STATES) == 27
    assert "GBR" not in config.union and "CHE" not in config.union


def test_example_file_loads_and_describes_without_personal_data() -> None:
    config = ScopeConfig.load(EXAMPLE)
    assert config.node_country == "AUT" and config.source == "scope.yaml"
    assert config.union == frozenset(DEFAULT_UNION)
    assert [s.name for s in config.selections] == ["vienna-paris-example", "to-germany-example"]
    assert all("EXAMPLE" in s.legal_reference for s in config.selections)
    assert decide(flight("VIE", "CDG"), config, date(2025, 8, 31)).in_scope
    assert not decide(flight("VIE", "CDG"), config, date(2025, 9, 1)).in_scope
    entries = describe(config, today=date(2025, 6, 1))
    assert [e["scope"] for e in entries] == ["extra-union", *["intra-union selection"] * 2]
    assert entries[1]["routes"] == ["VIE-CDG", "CDG-VIE"]
    assert entries[1]["expires"] == "2025-08-31" and entries[1]["in_force"] is True
    assert entries[2]["country_pairs"] == ["AUT-DEU"] and entries[2]["in_force"] is False
    assert json.loads(json.dumps(entries)) == entries
    assert "in_force" not in describe(config)[0]


def test_an_explicit_union() -> None:
    config = scope(extra="union: [AUT, DEU]\n")
    assert decide(flight("VIE", "FRA"), config, TODAY).kind is RouteKind.INTRA_UNION
    assert decide(flight("VIE", "CDG"), config, TODAY).in_scope  # France is outside this union


def _refusal(text: str) -> RefusedError:
    with pytest.raises(RefusedError) as caught:
        ScopeConfig.parse(text, source="scope.yaml")
    return caught.value


SELECTION_HEAD = "node_country: AUT\nselections:\n  - routes: [VIE-CDG]\n"


@pytest.mark.parametrize(
    ("text", "location", "reason"),
    [
        (
            SELECTION_HEAD + "    reason: assessment\n    expires: 2025-06-30\n",
            "scope.yaml:3 selections[0]",
            "'legal_reference' is required",
        ),
        (
            SELECTION_HEAD + "    legal_reference: Act\n    reason: assessment\n",
            "scope.yaml:3 selections[0]",
            "'expires' is required",
        ),
        (
            SELECTION_HEAD + "    legal_reference: Act\n    reason: r\n    expires: 2025-13-01\n",
            "scope.yaml:6 selections[0].expires",
            "expected a date YYYY-MM-DD, not '2025-13-01'",
        ),
        (
            SELECTION_HEAD + "    legal_reference: Act\n    reason: r\n    expires:\n",
            "scope.yaml:6 selections[0].expires",
            "expected a value",
        ),
        (
            "node_country: XYZ\n",
            "scope.yaml:1 node_country",
            "unknown country code 'XYZ'",
        ),
        (
            "node_country: AUT\nunion:\n  - AUT\n  - EUR\n",
            "scope.yaml:4 union[1]",
            "unknown country code 'EUR'",
        ),
        (
            "node_country: AUT\nselections:\n  - country_pairs: [AUT-XYZ]\n"
            "    legal_reference: Act\n    reason: r\n    expires: 2025-06-30\n",
            "scope.yaml:3 selections[0].country_pairs[0]",
            "unknown country code 'XYZ'",
        ),
        (
            "node_country: AUT\nselections:\n  - routes: [VIE-QQQ]\n"
            "    legal_reference: Act\n    reason: r\n    expires: 2025-06-30\n",
            "scope.yaml:3 selections[0].routes[0]",
            "unknown airport 'QQQ'",
        ),
        (
            "node_country: AUT\nselections:\n  - routes: [VIE-JFK]\n"
            "    legal_reference: Act\n    reason: r\n    expires: 2025-06-30\n",
            "scope.yaml:3 selections[0].routes[0]",
            "JFK is in USA, outside the union",
        ),
        (
            "node_country: AUT\nselections:\n  - routes: [VIE]\n"
            "    legal_reference: Act\n    reason: r\n    expires: 2025-06-30\n",
            "scope.yaml:3 selections[0].routes[0]",
            "expected a pair FROM-TO",
        ),
        (
            "node_country: AUT\nextra_union:\n  in_scope: true\n",
            "scope.yaml:2 extra_union",
            "'legal_reference' is required",
        ),
        (
            "node_country: AUT\nextra_union:\n  in_scope: maybe\n",
            "scope.yaml:3 extra_union.in_scope",
            "expected true or false",
        ),
        ("node_country: AUT\nroutes: []\n", "scope.yaml:2 routes", "unknown key 'routes'"),
        ("union: [AUT]\n", "scope.yaml:1", "'node_country' is required"),
    ],
)
def test_config_errors_name_the_place(text: str, location: str, reason: str) -> None:
    refusal = _refusal(text)
    assert refusal.location == location
    assert refusal.reason.startswith(reason), refusal.reason


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RefusedError) as caught:
        ScopeConfig.load(tmp_path / "missing.yaml")
    assert caught.value.location == str(tmp_path / "missing.yaml")
    bad = tmp_path / "scope.yaml"
    bad.write_text("node_country: [AUT\n")
    with pytest.raises(RefusedError) as caught:
        ScopeConfig.load(bad)
    assert caught.value.location.startswith("scope.yaml:")
