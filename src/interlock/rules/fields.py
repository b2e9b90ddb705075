"""The facts a risk rule may look at, declared once as data (SG-10, SG-11).

A rule can only name a field listed in :data:`FIELDS`; anything else fails validation. Each
field has a kind (which fixes the operators it takes), the attribute of
:class:`interlock.rules.facts.TravellerFacts` it reads, and its class:

- **protected** (nationality, sex, age, place of birth): allowed only inside an ``all`` with a
  behavioural or travel condition and with a written justification (SG-11);
- **descriptive** (role, document type and issuer): who someone is or what they carry, not
  what they did; they do not make a rule behavioural on their own either;
- **behavioural**: booking, route and co-travel facts. Every way a rule can fire must include
  at least one of these.

:data:`SENSITIVE_WORDS` are the special categories of data (LED Art. 10) and what SG-06
deletes on receipt: a field naming any of them is refused with an SG-10 message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from interlock.ingest.pnr_minimise import SENSITIVE_CODES
from interlock.model.countries import to_alpha3


class Kind(StrEnum):
    """What a field holds; it decides the operators the field accepts."""

    TEXT = "text"
    NUMBER = "number"
    BOOL = "bool"
    SET = "set"
    DATE = "date"


class FieldClass(StrEnum):
    PROTECTED = "protected"
    DESCRIPTIVE = "descriptive"
    BEHAVIOURAL = "behavioural"


def _upper(value: str) -> str:
    return value.strip().upper()


def _lower(value: str) -> str:
    return value.strip().lower()


def _country(value: str) -> str:
    """Countries are compared as alpha-3 codes; a rule may write alpha-2 or alpha-3."""
    return to_alpha3(value) or value.strip().upper()


def _as_is(value: str) -> str:
    return value.strip()


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One allowlisted field: its name in rules, the facts attribute, kind, class, and how a
    rule's text values are normalised before they are compared with the facts."""

    name: str
    attr: str
    kind: Kind
    cls: FieldClass
    description: str
    normalise: Callable[[str], str] = _upper

    @property
    def protected(self) -> bool:
        return self.cls is FieldClass.PROTECTED

    @property
    def anchors(self) -> bool:
        """Whether a condition on this field makes a rule rest on behaviour or travel."""
        return self.cls is FieldClass.BEHAVIOURAL


_P, _D, _B = FieldClass.PROTECTED, FieldClass.DESCRIPTIVE, FieldClass.BEHAVIOURAL
_SPECS = (
    FieldSpec("traveller.role", "role", Kind.TEXT, _D, "passenger or crew", _lower),
    FieldSpec("traveller.nationality", "nationality", Kind.TEXT, _P,
              "nationality, alpha-3 (alpha-2 accepted in rules)", _country),
    FieldSpec("traveller.sex", "sex", Kind.TEXT, _P, "M, F or X as on the document"),
    FieldSpec("traveller.age_years", "age_years", Kind.NUMBER, _P,
              "age in whole years on the day of departure"),
    FieldSpec("traveller.birth_place", "birth_place", Kind.TEXT, _P, "place of birth as sent"),
    FieldSpec("document.type", "document_type", Kind.TEXT, _D,
              "ICAO code of the first document: P passport, I identity card, V visa"),
    FieldSpec("document.issuing_country", "document_issuing_country", Kind.TEXT, _D,
              "issuing state of the first document, alpha-3", _country),
    FieldSpec("document.expires_in_days", "document_expires_in_days", Kind.NUMBER, _B,
              "days from departure to the first document's expiry (negative: expired)"),
    FieldSpec("booking.booked_hours_before_departure", "booked_hours_before_departure",
              Kind.NUMBER, _B, "hours from the booking's creation day (00:00) to departure"),
    FieldSpec("booking.payment_types", "payment_types", Kind.SET, _B,
              "forms of payment: cash, card, cheque, invoice, miscellaneous, other", _lower),
    FieldSpec("booking.one_way", "one_way", Kind.BOOL, _B,
              "the itinerary does not return to where it starts"),
    FieldSpec("booking.travel_agent", "travel_agent", Kind.TEXT, _B,
              "travel agent identifier as sent", _as_is),
    FieldSpec("booking.legs", "legs", Kind.NUMBER, _B, "number of legs in the itinerary"),
    FieldSpec("booking.group_size", "group_size", Kind.NUMBER, _B,
              "number of travellers on the booking"),
    FieldSpec("booking.broken_itinerary", "broken_itinerary", Kind.BOOL, _B,
              "two consecutive legs do not connect (arrive at one airport, leave from another)"),
    FieldSpec("route.origin", "origin", Kind.TEXT, _B, "first departure airport (IATA)"),
    FieldSpec("route.destination", "destination", Kind.TEXT, _B, "last arrival airport (IATA)"),
    FieldSpec("route.airports", "airports", Kind.SET, _B, "every airport of the itinerary"),
    FieldSpec("route.countries", "countries", Kind.SET, _B,
              "countries (alpha-3) of every airport of the itinerary", _country),
    FieldSpec("route.departure_date", "departure_date", Kind.DATE, _B,
              "local date of the first departure"),
    FieldSpec("co_travel_with_match", "co_travel_with_match", Kind.BOOL, _B,
              "someone else on the same booking (or, without one, the same flight) had a "
              "watchlist match"),
)  # fmt: skip

FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in _SPECS}
PROTECTED_FIELDS = frozenset(name for name, spec in FIELDS.items() if spec.protected)

OPERATORS: dict[Kind, frozenset[str]] = {
    Kind.TEXT: frozenset({"eq", "ne", "in", "not_in", "contains"}),
    Kind.NUMBER: frozenset({"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "between"}),
    Kind.BOOL: frozenset({"is"}),
    Kind.SET: frozenset({"contains", "intersects"}),
    Kind.DATE: frozenset({"eq", "ne", "lt", "le", "gt", "ge", "between"}),
}
ALL_OPERATORS = frozenset().union(*OPERATORS.values())

SENSITIVE_WORDS = frozenset(
    {
        "religion", "religious", "belief", "beliefs", "philosophical", "faith", "ethnic",
        "ethnicity", "race", "racial", "origin_ethnic", "health", "medical", "disability",
        "disabled", "illness", "pregnancy", "meal", "meals", "diet", "dietary", "ssr",
        "special_service", "assistance", "wheelchair", "political", "politics", "opinion",
        "party", "union", "trade_union", "sexual", "orientation", "sex_life", "gender_identity",
        "genetic", "biometric", "biometrics",
    }
)  # fmt: skip
"""Words that mark a special category of data (LED Art. 10; SG-06 codes): refused (SG-10)."""


def sensitive_word(field: str) -> str | None:
    """The special-category word a field name uses, if any (``traveller.religion`` →
    ``religion``; ``booking.meal_code`` → ``meal``)."""
    lowered = field.strip().lower()
    for phrase in ("sex_life", "special_service", "trade_union", "gender_identity"):
        if phrase in lowered:
            return phrase
    tokens = [t for t in lowered.replace("-", "_").replace(".", "_").split("_") if t]
    return next((t for t in tokens if t in SENSITIVE_WORDS), None)


def sensitive_code(value: str) -> bool:
    """True when a rule's value is a code SG-06 deletes on receipt (e.g. MOML, WCHR)."""
    return value.strip().upper() in SENSITIVE_CODES
