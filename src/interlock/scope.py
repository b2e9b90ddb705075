"""Route scope (SG-03): which flights the node screens, as configuration that cites its law.

A PNR system may process only the flights its law covers. The EU profile is the default:
Directive 2016/681 applies to *extra-EU flights* (Art. 1(1), 2; Art. 3(2): from a third country
to a Member State or back, stop-overs included). *Intra-EU flights* (Art. 3(3): between Member
States without a stop-over in a third country) are covered only where a Member State selected
them (Art. 2(1), (3)), and the Court of Justice (C-817/19 *Ligue des droits humains*, 21 June
2022, paras. 163-174) narrowed that selection: all intra-EU flights only on a genuine and
present or foreseeable terrorist threat and for a period limited to what is strictly
necessary; otherwise only routes, travel patterns or airports that an assessment shows
warrant it, reviewed regularly. So every intra-union selection here carries a legal
reference, a reason (the assessment) and an expiry date; past its expiry it selects nothing.

A flight whose scope cannot be decided (an airport missing or not in the airport table) is
out of scope with the reason "airport country unknown": it is stored and flagged for a person
to decide, never screened by default. Ingest asks :func:`decide_message` for each message and
screens the travellers of in-scope messages only; :meth:`ScopeDecision.warning` is the flag.

Configuration (:meth:`ScopeConfig.load`, YAML, docs/route-scope.md) is validated with errors
that name the file, line and key, e.g. ``scope.yaml:14 selections[0].expires``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from interlock.errors import RefusedError
from interlock.model import Flight, Issue, ParsedMessage
from interlock.model.countries import ISO_3166

if TYPE_CHECKING:
    from interlock.response.playbook_file import Located

    _SideReader = Callable[[Located, str, frozenset[str]], str]
    """Reads one side of a pair: an airport or a country code, or ``*``."""

DEFAULT_SCOPE_FILE: Path | None = None
"""Where the node reads its route scope (None: the built-in EU default). The setting
``Settings.route_scope_file`` is meant to take its place."""

EU_MEMBER_STATES: tuple[str, ...] = (
    "AUT",
    "BEL",
    "BGR",
    "CYP",
    "CZE",
    "DEU",
    "DNK",
    "ESP",
    "EST",
    "FIN",
    "FRA",
    "GRC",
    "HRV",
    "HUN",
    "IRL",
    "ITA",
    "LTU",
    "LUX",
    "LVA",
    "MLT",
    "NLD",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "SWE",
)
"""The 27 Member States of the European Union (TEU Art. 52(1), as of 1 February 2020)."""

EU_TERRITORIES: tuple[str, ...] = ("ALA", "GLP", "GUF", "MAF", "MTQ", "MYT", "REU")
"""Parts of Member States' territory with an ISO 3166 code of their own to which the Treaties
apply: the French outermost regions (TFEU Art. 349, 355(1)) and the Åland Islands (TFEU
Art. 355(4)). Without them a flight Paris-Réunion would count as extra-union. Overseas
countries and territories (Greenland, Aruba, Saint-Barthélemy, ...) are not Union territory
(TFEU Art. 355(2), Annex II) and are not listed."""

DEFAULT_UNION: tuple[str, ...] = EU_MEMBER_STATES + EU_TERRITORIES
"""The states whose flights between each other are intra-union, by default."""

UNION_SOURCE = "EU Member States (TEU Art. 52) and their territories under TFEU Art. 349, 355"

EXTRA_UNION_REFERENCE = (
    "EU PNR Directive 2016/681 Art. 1(1) and 2: PNR data of extra-EU flights (Art. 3(2)), "
    "as read by the Court of Justice in C-817/19 Ligue des droits humains (21 June 2022)"
)

UNKNOWN_AIRPORT = "airport country unknown"
"""The start of the reason of every decision that could not place an airport."""

WILDCARD = "*"


class RouteKind(StrEnum):
    """Where a flight goes, as the law distinguishes it."""

    EXTRA_UNION = "extra-union"
    INTRA_UNION = "intra-union"
    DOMESTIC = "domestic"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ExtraUnion:
    """Whether flights to or from a state outside the union are in scope, and on which law."""

    in_scope: bool = True
    legal_reference: str = EXTRA_UNION_REFERENCE
    expires: date | None = None

    def in_force(self, today: date) -> bool:
        return self.in_scope and (self.expires is None or today <= self.expires)


@dataclass(frozen=True, slots=True)
class Selection:
    """Intra-union flights a Member State selected (Directive 2016/681 Art. 2(3)), in force
    from ``starts`` (if given) to ``expires`` inclusive.

    ``routes`` are airport pairs ``(departure, arrival)``, ``country_pairs`` country pairs
    (alpha-3); either side may be ``*``. Pairs are directed: ``FRA-CDG`` is not ``CDG-FRA``.
    """

    legal_reference: str
    reason: str
    expires: date
    routes: tuple[tuple[str, str], ...] = ()
    country_pairs: tuple[tuple[str, str], ...] = ()
    starts: date | None = None
    name: str | None = None

    def in_force(self, today: date) -> bool:
        return (self.starts is None or self.starts <= today) and today <= self.expires

    def matches(
        self, airports: Sequence[tuple[str, str]], countries: Sequence[tuple[str, str]]
    ) -> bool:
        """Whether one of the pairs covers one of the flight's legs or its whole route."""
        return _covers(self.routes, airports) or _covers(self.country_pairs, countries)

    def label(self) -> str:
        pairs = [f"{a}-{b}" for a, b in self.routes + self.country_pairs]
        return self.name or ", ".join(pairs)


def _covers(patterns: Sequence[tuple[str, str]], pairs: Sequence[tuple[str, str]]) -> bool:
    return any(
        (want_from in (WILDCARD, got_from)) and (want_to in (WILDCARD, got_to))
        for want_from, want_to in patterns
        for got_from, got_to in pairs
    )


@dataclass(frozen=True, slots=True)
class ScopeConfig:
    """The node's route scope. ``node_country``: the node's state (None: not checked; when set,
    a flight must depart from or land in it, Directive 2016/681 Art. 8(1)). ``union``: states
    whose flights between each other are intra-union. ``source``: the file it came from."""

    node_country: str | None = None
    union: frozenset[str] = frozenset(DEFAULT_UNION)
    extra_union: ExtraUnion = field(default_factory=ExtraUnion)
    selections: tuple[Selection, ...] = ()
    source: str = "built-in"

    @classmethod
    def builtin(cls) -> ScopeConfig:
        """The EU default: extra-union flights in scope under Directive 2016/681 Art. 1(1) and
        2; no intra-union selection."""
        return cls()

    @classmethod
    def load(cls, path: Path | None = DEFAULT_SCOPE_FILE) -> ScopeConfig:
        """The scope in the YAML file at ``path``; the built-in default when ``path`` is None."""
        if path is None:
            return cls.builtin()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as err:
            reason = f"cannot read the route scope file: {err.strerror}"
            raise RefusedError(reason, location=str(path)) from None
        return cls.parse(text, source=path.name)

    @classmethod
    def parse(cls, text: str, *, source: str = "scope") -> ScopeConfig:
        """Validate and read a route scope file (errors name file, line and key)."""
        # Imported here: the response package loads the store, which ingest must not need.
        from interlock.response.playbook_file import read_located

        return _parse(read_located(text, source=source))


@dataclass(frozen=True, slots=True)
class Route:
    """A flight's route: first departure, last arrival, the stops between, and their countries
    (None where unknown)."""

    origin: str | None
    destination: str | None
    origin_country: str | None
    destination_country: str | None
    stops: tuple[str, ...] = ()

    def __str__(self) -> str:
        airports = "-".join([self.origin or "?", *self.stops, self.destination or "?"])
        countries = f"{self.origin_country or '?'}-{self.destination_country or '?'}"
        return f"{airports} ({countries})"

    def to_dict(self) -> dict[str, object]:
        return {
            "origin": self.origin,
            "destination": self.destination,
            "origin_country": self.origin_country,
            "destination_country": self.destination_country,
            "stops": list(self.stops),
        }


@dataclass(frozen=True, slots=True)
class ScopeDecision:
    """Whether a flight is in scope. ``basis``: the legal reference it is in scope under, or
    the reason it is out. ``expires``: when that basis ends (None: no end date)."""

    in_scope: bool
    basis: str
    route: Route
    kind: RouteKind
    flight: str = ""
    expires: date | None = None
    selection: str | None = None

    def warning(self) -> Issue:
        """The flag ingest adds to an out-of-scope message: names the route and the reason."""
        where = f"flight {self.flight}" if self.flight else "route scope"
        return Issue(where, f"not in route scope (SG-03): {self.route}: {self.basis}")

    def to_dict(self) -> dict[str, object]:
        return {
            "in_scope": self.in_scope,
            "basis": self.basis,
            "kind": self.kind.value,
            "route": self.route.to_dict(),
            "flight": self.flight,
            "expires": self.expires.isoformat() if self.expires else None,
            "selection": self.selection,
        }


def decide(flight: Flight, config: ScopeConfig, today: date) -> ScopeDecision:
    """Whether ``flight`` is in the node's route scope on ``today``.

    In order: a flight with an airport missing or not in the airport table is out ("airport
    country unknown"); one that neither departs from nor lands in ``node_country`` is out; one
    with any airport outside the union (origin, destination or a stop-over) is extra-union and
    in scope while that scope is in force; the others (intra-union or domestic) are in scope
    only while a selection matching one of their legs or their whole route is in force.
    """
    from interlock.rules.facts import airport_country  # the rules' own table; import is heavy

    airports = _airports(flight)
    countries = {code: airport_country(code) for code in airports if code}
    route = _route(airports, countries)

    def out(kind: RouteKind, reason: str) -> ScopeDecision:
        return ScopeDecision(False, reason, route, kind, flight.key)

    if not flight.legs:
        return out(RouteKind.UNKNOWN, f"{UNKNOWN_AIRPORT}: the flight has no legs")
    missing = [
        f"leg {n} {side}"
        for n, leg in enumerate(flight.legs, 1)
        for side, code in (("departure", leg.departure_airport), ("arrival", leg.arrival_airport))
        if not _code(code)
    ]
    if missing:
        return out(RouteKind.UNKNOWN, f"{UNKNOWN_AIRPORT}: no airport for {', '.join(missing)}")
    unplaced = sorted({code for code, country in countries.items() if country is None})
    if unplaced:
        return out(RouteKind.UNKNOWN, f"{UNKNOWN_AIRPORT}: {', '.join(unplaced)}")
    placed = {code: country for code, country in countries.items() if country}
    states = set(placed.values())
    kind = _kind(states, config.union)
    if config.node_country is not None and config.node_country not in states:
        return out(
            kind,
            f"the flight neither departs from nor lands in {config.node_country} "
            "(Directive 2016/681 Art. 8(1))",
        )
    if kind is RouteKind.EXTRA_UNION:
        extra = config.extra_union
        if extra.in_force(today):
            return ScopeDecision(
                True, extra.legal_reference, route, kind, flight.key, extra.expires
            )
        if not extra.in_scope:
            return out(kind, "extra-union flights are not in scope (node configuration)")
        return out(kind, f"the extra-union scope expired on {extra.expires}")
    legs = [(_code(leg.departure_airport), _code(leg.arrival_airport)) for leg in flight.legs]
    airport_pairs = [*legs, (legs[0][0], legs[-1][1])]
    country_pairs = [(placed[a], placed[b]) for a, b in airport_pairs]
    expired: list[Selection] = []
    for selection in config.selections:
        if not selection.matches(airport_pairs, country_pairs):
            continue
        if selection.in_force(today):
            return ScopeDecision(
                True,
                selection.legal_reference,
                route,
                kind,
                flight.key,
                selection.expires,
                selection.label(),
            )
        expired.append(selection)
    reason = f"{kind.value} flight with no selection in force"
    if expired:
        spans = "; ".join(f"{s.label()}: {_span(s)}" for s in expired)
        reason += f" (matching selection not in force today, {today}: {spans})"
    return out(kind, reason)


def decide_message(
    message: ParsedMessage, config: ScopeConfig, today: date
) -> ScopeDecision | None:
    """The scope of a received message: None when it names no flight (e.g. a document scan,
    route scope does not apply); else in scope only when every flight it names is, and the
    decision returned is the first flight's or the first out-of-scope one's."""
    if not message.flights:
        return None
    decisions = [decide(flight, config, today) for flight in message.flights]
    return next((d for d in decisions if not d.in_scope), decisions[0])


def describe(config: ScopeConfig, *, today: date | None = None) -> list[dict[str, object]]:
    """What the transparency page shows (SG-48): the union, the extra-union scope and every
    selection with its legal reference, reason and dates; no personal data. With ``today``,
    each entry also says whether it is in force."""
    entries: list[dict[str, object]] = [
        {
            "scope": "extra-union",
            "in_scope": config.extra_union.in_scope,
            "legal_reference": config.extra_union.legal_reference,
            "expires": _iso(config.extra_union.expires),
            "union": sorted(config.union),
            "node_country": config.node_country,
        }
    ]
    for selection in config.selections:
        entries.append(
            {
                "scope": "intra-union selection",
                "name": selection.name,
                "routes": [f"{a}-{b}" for a, b in selection.routes],
                "country_pairs": [f"{a}-{b}" for a, b in selection.country_pairs],
                "legal_reference": selection.legal_reference,
                "reason": selection.reason,
                "starts": _iso(selection.starts),
                "expires": selection.expires.isoformat(),
            }
        )
    if today is not None:
        entries[0]["in_force"] = config.extra_union.in_force(today)
        for entry, selection in zip(entries[1:], config.selections, strict=True):
            entry["in_force"] = selection.in_force(today)
    return entries


# -- deciding -------------------------------------------------------------------------------


def _code(value: str | None) -> str:
    return value.strip().upper() if value else ""


def _airports(flight: Flight) -> list[str]:
    """Every airport of the flight in order: each leg's departure, then the last arrival (an
    arrival differing from the next departure is kept too)."""
    found: list[str] = []
    for leg in flight.legs:
        for code in (_code(leg.departure_airport), _code(leg.arrival_airport)):
            if code and (not found or found[-1] != code):
                found.append(code)
    return found


def _route(airports: list[str], countries: dict[str, str | None]) -> Route:
    if not airports:
        return Route(None, None, None, None)
    first, last = airports[0], airports[-1]
    return Route(first, last, countries.get(first), countries.get(last), tuple(airports[1:-1]))


def _kind(states: set[str], union: frozenset[str]) -> RouteKind:
    if any(state not in union for state in states):
        return RouteKind.EXTRA_UNION
    return RouteKind.DOMESTIC if len(states) == 1 else RouteKind.INTRA_UNION


def _span(selection: Selection) -> str:
    start = f"from {selection.starts} " if selection.starts else ""
    return f"{start}until {selection.expires}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# -- reading the file -----------------------------------------------------------------------

_TOP = ("node_country", "union", "extra_union", "selections")
_EXTRA = ("in_scope", "legal_reference", "expires")
_SELECTION = ("name", "routes", "country_pairs", "legal_reference", "reason", "starts", "expires")
_NULL = "tag:yaml.org,2002:null"


def _parse(root: Located) -> ScopeConfig:
    top = root.mapping(allowed=_TOP)
    if "node_country" not in top:
        raise root.error("'node_country' is required: the node's state, ISO 3166 alpha-3")
    node_country = _country(top["node_country"])
    union = frozenset(DEFAULT_UNION)
    if "union" in top:
        union = frozenset(_country(item) for item in top["union"].sequence())
    extra = _extra_union(top["extra_union"]) if "extra_union" in top else ExtraUnion()
    selections: tuple[Selection, ...] = ()
    if "selections" in top and not _is_null(top["selections"]):
        selections = tuple(_selection(item, union) for item in top["selections"].sequence())
    return ScopeConfig(node_country, union, extra, selections, root.source)


def _extra_union(node: Located) -> ExtraUnion:
    keys = node.mapping(allowed=_EXTRA)
    in_scope = _boolean(keys["in_scope"]) if "in_scope" in keys else True
    if "legal_reference" in keys:
        reference = keys["legal_reference"].text()
    elif in_scope:
        raise node.error("'legal_reference' is required when extra-union flights are in scope")
    else:
        reference = ""
    expires = None
    if "expires" in keys and not _is_null(keys["expires"]):
        expires = _date(keys["expires"])
    return ExtraUnion(in_scope, reference, expires)


def _selection(node: Located, union: frozenset[str]) -> Selection:
    keys = node.mapping(allowed=_SELECTION)
    for required in ("legal_reference", "reason", "expires"):
        if required not in keys:
            raise node.error(
                f"{required!r} is required: an intra-union selection cites its law, "
                "states its reason and ends on a date (C-817/19, paras. 163-174)"
            )
    if "routes" not in keys and "country_pairs" not in keys:
        raise node.error("a selection names 'routes' (airport pairs) or 'country_pairs'")
    routes = (
        tuple(_pair(i, _airport, union) for i in keys["routes"].sequence())
        if "routes" in keys
        else ()
    )
    pairs = (
        tuple(_pair(i, _union_country, union) for i in keys["country_pairs"].sequence())
        if "country_pairs" in keys
        else ()
    )
    if not routes and not pairs:
        raise node.error("a selection names at least one route or country pair")
    expires = _date(keys["expires"])
    starts = _date(keys["starts"]) if "starts" in keys and not _is_null(keys["starts"]) else None
    if starts is not None and starts > expires:
        raise keys["starts"].error(f"the selection starts ({starts}) after it expires ({expires})")
    return Selection(
        legal_reference=keys["legal_reference"].text(),
        reason=keys["reason"].text(),
        expires=expires,
        routes=routes,
        country_pairs=pairs,
        starts=starts,
        name=keys["name"].text() if "name" in keys else None,
    )


def _pair(node: Located, side: _SideReader, union: frozenset[str]) -> tuple[str, str]:
    text = node.text().upper()
    parts = [part.strip() for part in text.split("-")]
    if len(parts) != 2 or not all(parts):
        raise node.error(f"expected a pair FROM-TO (e.g. FRA-CDG, DEU-FRA, *-CDG), not {text!r}")
    return side(node, parts[0], union), side(node, parts[1], union)


def _airport(node: Located, code: str, union: frozenset[str]) -> str:
    if code == WILDCARD:
        return code
    from interlock.rules.facts import airport_country

    country = airport_country(code) if len(code) == 3 and code.isalpha() else None
    if country is None:
        raise node.error(f"unknown airport {code!r}: expected an IATA airport code or '*'")
    if country not in union:
        raise node.error(
            f"{code} is in {country}, outside the union: its flights are "
            "extra-union and need no selection"
        )
    return code


def _union_country(node: Located, code: str, union: frozenset[str]) -> str:
    if code == WILDCARD:
        return code
    if code not in ISO_3166:
        raise node.error(f"unknown country code {code!r}: expected ISO 3166 alpha-3 or '*'")
    if code not in union:
        raise node.error(
            f"{code} is outside the union: its flights are extra-union and need no selection"
        )
    return code


def _country(node: Located) -> str:
    code = node.text().upper()
    if code not in ISO_3166:
        raise node.error(f"unknown country code {code!r}: expected ISO 3166 alpha-3 (e.g. AUT)")
    return code


def _date(node: Located) -> date:
    text = node.text()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise node.error(f"expected a date YYYY-MM-DD, not {text!r}") from None


def _boolean(node: Located) -> bool:
    text = node.text().lower()
    if text in ("true", "yes"):
        return True
    if text in ("false", "no"):
        return False
    raise node.error(f"expected true or false, not {text!r}")


def _is_null(node: Located) -> bool:
    return isinstance(node.node, yaml.ScalarNode) and node.node.tag == _NULL
