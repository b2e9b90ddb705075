"""The rule language as typed values, and its compilation to closures.

A validated rule (:func:`interlock.rules.validate.parse_rule`) is a :class:`Rule` whose
``when`` and ``unless`` are trees of :class:`Group` (``all``, ``any``, ``not``) over
:class:`Condition` leaves. :func:`compile_node` turns a tree into one plain function of
:class:`~interlock.rules.facts.TravellerFacts` (no interpretation per traveller: rules run on
every ingested traveller); :func:`explain_node` walks the same tree again for the rare
traveller a rule fires on, to say which conditions made it true.

An unknown fact (``None``) satisfies no condition, ``ne`` and ``not_in`` included: a rule
never fires, and never exonerates, on data that is missing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from interlock.rules.facts import TravellerFacts
from interlock.rules.fields import FieldSpec, Kind

Predicate = Callable[[TravellerFacts], bool]


@dataclass(frozen=True, slots=True)
class Condition:
    """One test of one field; ``value`` is already normalised (see ``validate``)."""

    field: str
    op: str
    value: Any
    spec: FieldSpec
    location: str


@dataclass(frozen=True, slots=True)
class Group:
    kind: Literal["all", "any", "not"]
    children: tuple[Node, ...]
    location: str


Node = Condition | Group


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One condition as evaluated for one traveller: what was expected, what was found."""

    field: str
    op: str
    expected: Any
    actual: Any
    met: bool


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule. ``source`` is the YAML it was read from, kept verbatim."""

    name: str
    title: str
    category: str
    severity: str
    purpose: str
    legal_basis: str
    review_by: date
    when: Node
    unless: Node | None
    waiver: str | None
    justification: str | None
    description: str
    source: str

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(c.field for c in leaves(self.when))

    @property
    def protected_fields(self) -> frozenset[str]:
        return frozenset(c.field for c in leaves(self.when) if c.spec.protected)


def leaves(node: Node | None) -> list[Condition]:
    """Every condition of a tree, in order."""
    if node is None:
        return []
    if isinstance(node, Condition):
        return [node]
    return [leaf for child in node.children for leaf in leaves(child)]


def _between(actual: Any, bounds: tuple[Any, Any]) -> bool:
    return bool(bounds[0] <= actual <= bounds[1])


def _text_contains(actual: str, needle: str) -> bool:
    return needle in actual


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "in": lambda actual, options: actual in options,
    "not_in": lambda actual, options: actual not in options,
    "is": operator.is_,
    "between": _between,
    "intersects": lambda actual, options: not actual.isdisjoint(options),
}


def comparison_for(condition: Condition) -> Callable[[Any, Any], bool]:
    """The comparison of ``condition`` as ``test(actual, expected)``."""
    if condition.op == "contains":
        if condition.spec.kind is Kind.SET:
            return operator.contains
        return _text_contains
    return _TESTS[condition.op]


def _leaf(condition: Condition) -> Predicate:
    get = operator.attrgetter(condition.spec.attr)
    test, expected = comparison_for(condition), condition.value

    def leaf(facts: TravellerFacts) -> bool:
        actual = get(facts)
        return actual is not None and test(actual, expected)

    return leaf


def compile_node(node: Node) -> Predicate:
    """One function answering whether ``node`` holds for a traveller's facts."""
    if isinstance(node, Condition):
        return _leaf(node)
    parts = tuple(compile_node(child) for child in node.children)
    if node.kind == "not":
        (inner,) = parts
        return lambda facts: not inner(facts)
    if len(parts) == 1:
        return parts[0]
    if node.kind == "all":
        return lambda facts: all(part(facts) for part in parts)
    return lambda facts: any(part(facts) for part in parts)


def evaluate_leaf(condition: Condition, facts: TravellerFacts) -> ConditionResult:
    actual = getattr(facts, condition.spec.attr)
    met = actual is not None and comparison_for(condition)(actual, condition.value)
    return ConditionResult(condition.field, condition.op, condition.value, actual, met)


def explain_node(node: Node, facts: TravellerFacts) -> tuple[bool, list[ConditionResult]]:
    """Whether ``node`` holds, and the conditions that decided it: for ``all`` every member,
    for ``any`` the members that held, under ``not`` the inner conditions with ``not`` in
    front of their operator."""
    if isinstance(node, Condition):
        result = evaluate_leaf(node, facts)
        return result.met, [result]
    outcomes = [explain_node(child, facts) for child in node.children]
    if node.kind == "not":
        held, results = outcomes[0]
        negated = [
            ConditionResult(r.field, f"not {r.op}", r.expected, r.actual, not r.met)
            for r in results
        ]
        return not held, negated
    if node.kind == "all":
        return all(h for h, _ in outcomes), [r for _, rs in outcomes for r in rs]
    held_any = [rs for h, rs in outcomes if h]
    if held_any:
        return True, [r for rs in held_any for r in rs]
    return False, [r for _, rs in outcomes for r in rs]
