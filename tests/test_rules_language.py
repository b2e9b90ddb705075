"""The rule language: validation refusals with their place (SG-10, SG-11, SG-12), compiled
rules and their explanations, facts from parsed messages, and a fuzzed YAML loader."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from interlock.errors import RefusedError
from interlock.model import (
    Booking,
    Flight,
    FlightLeg,
    Format,
    ParsedMessage,
    Payment,
    Role,
    Sex,
    TravelDocument,
    Traveller,
)
from interlock.rules import CompiledRule, RuleInvalidError, facts_for_message, parse_rule
from interlock.rules.facts import TravellerFacts
from interlock.rules.fields import FIELDS, OPERATORS
from interlock.rules.language import Condition, Group

EXAMPLES = Path(__file__).parent.parent / "examples" / "rules"


def rule(**changes: Any) -> str:
    """A valid rule's YAML with ``changes`` (None removes a key)."""
    data: dict[str, Any] = {
        "name": "cash-late",
        "title": "Cash, booked late",
        "category": "travel-pattern",
        "severity": "medium",
        "purpose": "serious-crime",
        "legal_basis": "Directive (EU) 2016/681 Art. 6(2)(a)",
        "review_by": "2027-06-30",
        "when": {
            "all": [
                {"field": "booking.payment_types", "op": "contains", "value": "cash"},
                {"field": "booking.booked_hours_before_departure", "op": "lt", "value": 48},
            ]
        },
        "unless": {"any": [{"field": "traveller.role", "op": "eq", "value": "crew"}]},
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return yaml.safe_dump(data, sort_keys=False)


def refusal(source: str) -> RuleInvalidError:
    with pytest.raises(RuleInvalidError) as caught:
        parse_rule(source)
    return caught.value


JUSTIFIED = "Age is used only to protect children travelling with a listed person, never alone."
CASH = {"field": "booking.payment_types", "op": "contains", "value": "cash"}
NAT = {"field": "traveller.nationality", "op": "eq", "value": "DE"}


def test_a_valid_rule_reads_with_normalised_values() -> None:
    parsed = parse_rule(
        rule(
            when={
                "all": [
                    CASH,
                    {"field": "route.countries", "op": "intersects", "value": ["tr", "JOR"]},
                ]
            }
        )
    )
    assert parsed.name == "cash-late" and parsed.review_by == date(2027, 6, 30)
    assert isinstance(parsed.when, Group)
    countries = parsed.when.children[1]
    assert isinstance(countries, Condition) and countries.value == frozenset({"TUR", "JOR"})


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_example_rules_are_valid(path: Path) -> None:
    assert parse_rule(path.read_text()).name


@pytest.mark.safeguard("SG-10")
@pytest.mark.parametrize(
    ("field", "word"),
    [
        ("traveller.religion", "religion"),
        ("traveller.ethnicity", "ethnicity"),
        ("booking.meal_code", "meal"),
        ("traveller.health_status", "health"),
        ("traveller.sex_life", "sex_life"),
        ("traveller.political_party", "political"),
        ("booking.ssr_codes", "ssr"),
    ],
)
def test_sensitive_fields_are_refused_with_the_sg10_message(field: str, word: str) -> None:
    when = {"all": [CASH, {"field": field, "op": "eq", "value": "x"}]}
    error = refusal(rule(when=when))
    assert error.location == "when.all[1].field"
    assert "SG-10" in error.reason and word in error.reason


@pytest.mark.safeguard("SG-10")
def test_an_sg06_code_as_a_value_is_refused() -> None:
    when = {"all": [CASH, {"field": "booking.travel_agent", "op": "eq", "value": "MOML"}]}
    error = refusal(rule(when=when))
    assert error.location == "when.all[1].value" and "SG-10" in error.reason


def test_an_unknown_field_names_its_place() -> None:
    when = {"all": [CASH, CASH, {"field": "booking.colour", "op": "eq", "value": "x"}]}
    error = refusal(rule(when=when))
    assert error.location == "when.all[2].field" and "unknown field" in error.reason


@pytest.mark.parametrize(
    ("condition", "where", "words"),
    [
        ({"field": "booking.one_way", "op": "eq", "value": True}, "op", "takes is"),
        ({"field": "booking.legs", "op": "gt", "value": "two"}, "value", "a number"),
        ({"field": "booking.legs", "op": "between", "value": [5, 1]}, "value", "low is above"),
        ({"field": "route.airports", "op": "intersects", "value": []}, "value", "non-empty"),
        ({"field": "booking.legs", "op": "like", "value": 1}, "op", "one of"),
    ],
)
def test_operator_and_value_errors_name_their_place(
    condition: dict[str, Any], where: str, words: str
) -> None:
    error = refusal(rule(when={"all": [CASH, condition]}))
    assert error.location == f"when.all[1].{where}" and words in error.reason


@pytest.mark.safeguard("SG-11")
@pytest.mark.parametrize(
    ("when", "location"),
    [
        (NAT, "when"),
        ({"all": [NAT, {"field": "traveller.sex", "op": "eq", "value": "M"}]}, "when"),
        (
            {
                "any": [
                    {"all": [NAT, CASH]},
                    {"field": "traveller.age_years", "op": "lt", "value": 30},
                ]
            },
            "when.any[1]",
        ),
        ({"all": [NAT, {"not": CASH}]}, None),
        ({"not": {"any": [NAT, {"not": CASH}]}}, None),
        ({"not": {"all": [NAT, CASH]}}, "when.not.all[0]"),
        # a descriptive fact does not anchor a protected one
        ({"all": [NAT, {"field": "document.type", "op": "eq", "value": "P"}]}, "when"),
    ],
)
def test_protected_fields_need_a_behavioural_condition_in_an_all(
    when: dict[str, Any], location: str | None
) -> None:
    source = rule(when=when, justification=JUSTIFIED)
    if location is None:
        assert parse_rule(source).protected_fields == {"traveller.nationality"}
        return
    error = refusal(source)
    assert error.location == location and "SG-11" in error.reason


@pytest.mark.safeguard("SG-11")
def test_protected_fields_need_a_written_justification() -> None:
    error = refusal(rule(when={"all": [NAT, CASH]}))
    assert error.location == "justification" and "SG-11" in error.reason
    short = refusal(rule(when={"all": [NAT, CASH]}, justification="because"))
    assert short.location == "justification"
    assert parse_rule(rule(when={"all": [NAT, CASH]}, justification=JUSTIFIED))


def test_a_rule_without_any_behavioural_condition_is_refused() -> None:
    when = {"all": [{"field": "document.type", "op": "eq", "value": "V"}]}
    error = refusal(rule(when=when))
    assert error.location == "when" and "behavioural" in error.reason


@pytest.mark.safeguard("SG-12")
def test_a_rule_needs_exonerating_conditions_or_a_reasoned_waiver() -> None:
    error = refusal(rule(unless=None))
    assert error.location == "unless" and "SG-12" in error.reason
    short = refusal(rule(unless=None, waiver={"reason": "none"}))
    assert short.location == "waiver.reason" and "SG-12" in short.reason
    reason = "No fact available to the unit can exonerate this pattern; reviewers decide each."
    waived = parse_rule(rule(unless=None, waiver={"reason": reason}))
    assert waived.waiver == reason and waived.unless is None


@pytest.mark.safeguard("SG-14")
@pytest.mark.parametrize("key", ["legal_basis", "review_by", "purpose", "severity", "name"])
def test_metadata_is_required(key: str) -> None:
    assert refusal(rule(**{key: None})).location == key


def test_every_problem_is_reported_at_once() -> None:
    error = refusal(rule(severity="urgent", unless=None))
    assert [p.location for p in error.problems] == ["severity", "unless"]


def test_unreadable_yaml_names_the_line() -> None:
    with pytest.raises(RefusedError) as caught:
        parse_rule("name: x\nwhen: [unclosed\n")
    assert caught.value.location.startswith("line ")


# -- engine ----------------------------------------------------------------------------


def compiled(source: str) -> CompiledRule:
    return CompiledRule(parse_rule(source), version=3, author="alice")


LATE_CASH = TravellerFacts(
    role="passenger", payment_types=frozenset({"cash", "card"}), booked_hours_before_departure=10.0
)


def test_a_hit_explains_its_conditions_and_exonerating_checks() -> None:
    hit = compiled(rule()).hit(LATE_CASH)
    assert hit is not None and (hit.rule_name, hit.rule_version, hit.author) == (
        "cash-late",
        3,
        "alice",
    )
    explanation = hit.explanation()
    assert explanation["conditions"] == [
        {
            "field": "booking.payment_types",
            "op": "contains",
            "expected": "cash",
            "actual": ["card", "cash"],
            "met": True,
        },
        {
            "field": "booking.booked_hours_before_departure",
            "op": "lt",
            "expected": 48,
            "actual": 10.0,
            "met": True,
        },
    ]
    assert explanation["exonerating"] == [
        {
            "field": "traveller.role",
            "op": "eq",
            "expected": "crew",
            "actual": "passenger",
            "met": False,
        }
    ]


def test_exonerating_conditions_and_unknown_facts_stop_a_hit() -> None:
    engine = compiled(rule())
    crew = TravellerFacts(
        role="crew", payment_types=frozenset({"cash"}), booked_hours_before_departure=1.0
    )
    assert engine.hit(crew) is None
    assert engine.hit(TravellerFacts(payment_types=frozenset({"cash"}))) is None  # hours unknown
    assert (
        engine.hit(
            TravellerFacts(
                role="passenger",
                payment_types=frozenset({"card"}),
                booked_hours_before_departure=1.0,
            )
        )
        is None
    )


@pytest.mark.parametrize(
    ("condition", "facts", "fires"),
    [
        ({"field": "booking.legs", "op": "between", "value": [2, 3]}, {"legs": 3}, True),
        ({"field": "booking.legs", "op": "between", "value": [2, 3]}, {"legs": 4}, False),
        ({"field": "route.origin", "op": "in", "value": ["ist", "SAW"]}, {"origin": "IST"}, True),
        ({"field": "route.origin", "op": "not_in", "value": ["IST"]}, {"origin": "IST"}, False),
        ({"field": "route.origin", "op": "ne", "value": "IST"}, {}, False),
        (
            {
                "field": "route.departure_date",
                "op": "between",
                "value": ["2026-06-01", "2026-06-30"],
            },
            {"departure_date": date(2026, 6, 2)},
            True,
        ),
        (
            {"field": "booking.travel_agent", "op": "contains", "value": "123"},
            {"travel_agent": "00123"},
            True,
        ),
        (
            {"field": "co_travel_with_match", "op": "is", "value": True},
            {"co_travel_with_match": False},
            False,
        ),
        (
            {"not": {"field": "booking.one_way", "op": "is", "value": True}},
            {"one_way": False},
            True,
        ),
    ],
)
def test_operators(condition: dict[str, Any], facts: dict[str, Any], fires: bool) -> None:
    engine = compiled(rule(when={"all": [condition]}))
    assert engine.fires(TravellerFacts(role="passenger", **facts)) is fires


def test_not_is_explained_with_its_operator_negated() -> None:
    engine = compiled(
        rule(when={"all": [CASH, {"not": {"field": "booking.one_way", "op": "is", "value": True}}]})
    )
    hit = engine.hit(
        TravellerFacts(role="passenger", payment_types=frozenset({"cash"}), one_way=False)
    )
    assert hit is not None
    assert hit.conditions[1].op == "not is" and hit.conditions[1].met is True


def test_every_field_maps_to_a_fact() -> None:
    attrs = set(TravellerFacts.__slots__)
    assert {spec.attr for spec in FIELDS.values()} <= attrs


# -- facts from parsed messages -----------------------------------------------------------


def _message() -> list[ParsedMessage]:
    out = datetime(2026, 6, 1, 10, 0)
    legs = [
        FlightLeg("LH", "400", "FRA", "IST", out, datetime(2026, 6, 1, 14, 0)),
        FlightLeg("TK", "800", "SAW", "AMM", datetime(2026, 6, 2, 9), None),
    ]
    flight = Flight("LH", "400", legs[:1])
    doc = TravelDocument("P", "X1", "DE", date(2026, 6, 11))
    people = [
        Traveller(
            "ALPHA",
            birth_date=date(2010, 6, 2),
            sex=Sex.FEMALE,
            nationality="DEU",
            record_locator="AAA111",
            documents=[doc],
        ),
        Traveller("BRAVO", nationality="FRA", record_locator="AAA111"),
        Traveller("CHARLIE", nationality="ITA", record_locator="BBB222"),
    ]
    bookings = [
        Booking(
            "AAA111",
            "LH",
            created=date(2026, 5, 31),
            traveller_count=2,
            itinerary=legs,
            payments=[Payment("CA")],
            travel_agent="IATA1",
        ),
        Booking(
            "BBB222",
            "LH",
            created=date(2026, 3, 1),
            traveller_count=1,
            itinerary=[legs[0]],
            payments=[Payment("CC")],
        ),
    ]
    pnr = ParsedMessage(Format.PNRGOV, flights=[flight], travellers=people, bookings=bookings)
    crew = ParsedMessage(
        Format.PAXLST,
        flights=[flight],
        manifest=Role.CREW,
        travellers=[Traveller("DELTA", role=Role.CREW), Traveller("ECHO", role=Role.CREW)],
    )
    return [pnr, crew]


def test_facts_for_message_derive_booking_and_route_facts() -> None:
    facts = facts_for_message(_message(), now=datetime(2026, 5, 31, 12))
    assert len(facts) == 5
    first = facts[0]
    assert (first.age_years, first.nationality, first.document_issuing_country) == (
        15,
        "DEU",
        "DEU",
    )
    assert first.document_expires_in_days == 10
    assert first.booked_hours_before_departure == 34.0
    assert first.payment_types == frozenset({"cash"}) and first.one_way is True and first.legs == 2
    assert first.broken_itinerary is True and first.group_size == 2
    assert first.countries == frozenset({"DEU", "TUR", "JOR"}) and first.destination == "AMM"
    third = facts[2]
    assert third.payment_types == frozenset({"card"}) and third.broken_itinerary is False
    assert facts[3].role == "crew" and facts[3].payment_types is None
    assert facts[3].origin == "FRA" and facts[3].destination == "IST"


def test_co_travel_is_someone_else_on_the_booking_not_the_flight() -> None:
    # position 1 (BRAVO, booking AAA111) and 4 (ECHO, crew manifest) had matches: ALPHA shares
    # BRAVO's booking; the crew member beside ECHO shares only the flight, which is not co-travel
    facts = facts_for_message(_message(), matched=frozenset({1, 4}), now=datetime(2026, 5, 31))
    assert [f.co_travel_with_match for f in facts] == [True, False, False, False, False]


# -- fuzz ------------------------------------------------------------------------------------

_leaf = st.fixed_dictionaries(
    {
        "field": st.sampled_from([*FIELDS, "traveller.religion", "x", ""]),
        "op": st.sampled_from(["eq", "ne", "lt", "in", "between", "is", "contains", "zz"]),
        "value": st.one_of(
            st.text(max_size=5),
            st.integers(),
            st.booleans(),
            st.none(),
            st.lists(st.integers(), max_size=3),
            st.floats(),
        ),
    }
)
_tree = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(lambda xs: {"all": xs}, st.lists(inner, max_size=3)),
        st.builds(lambda xs: {"any": xs}, st.lists(inner, max_size=3)),
        st.builds(lambda x: {"not": x}, inner),
    ),
    max_leaves=6,
)


@given(_tree, st.one_of(st.none(), _tree))
def test_fuzzed_rules_are_accepted_or_refused_never_crash(when: Any, unless: Any) -> None:
    source = rule(when=when, unless=unless if unless is not None else None)
    try:
        parsed = parse_rule(source)
    except RefusedError as err:
        assert err.location
        return
    CompiledRule(parsed, version=1, author="a").fires(TravellerFacts())


@given(st.text(max_size=200))
def test_fuzzed_text_is_refused_with_a_typed_error(text: str) -> None:
    with pytest.raises(RefusedError):
        parse_rule(text)


def test_the_docs_list_every_field_and_operator() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "rules.md").read_text()
    for name, spec in FIELDS.items():
        assert f"| `{name}` | {spec.kind.value} | {spec.cls.value} |" in docs, name
    for operators in OPERATORS.values():
        for op in operators:
            assert f"`{op}`" in docs, op
