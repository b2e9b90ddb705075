"""Running the active rules over travellers' facts at ingest.

:func:`load_ruleset` reads the active versions from the store once per message batch (only
those whose review-by date has not passed, SG-14, and not suspended by the stop switch,
SG-55) and compiles them. :meth:`RuleSet.evaluate` is pure: it reads facts and returns hits;
nothing here writes rules or weights (SG-13).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from interlock.rules.facts import TravellerFacts
from interlock.rules.language import (
    ConditionResult,
    Predicate,
    Rule,
    compile_node,
    evaluate_leaf,
    explain_node,
    leaves,
)
from interlock.rules.validate import parse_rule
from interlock.store.schema_rules import RuleRow, RuleVersionRow

if TYPE_CHECKING:
    from interlock.stopswitch import SwitchState

__all__ = ["CompiledRule", "ConditionResult", "RuleHit", "RuleSet", "load_ruleset"]


def json_value(value: Any) -> Any:
    """A fact or expected value as JSON: sets as sorted lists, dates as ISO text."""
    if isinstance(value, frozenset | set | tuple | list):
        items = [json_value(v) for v in value]
        return items if isinstance(value, tuple | list) else sorted(items, key=str)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _result_dict(result: ConditionResult) -> dict[str, Any]:
    return {
        "field": result.field,
        "op": result.op,
        "expected": json_value(result.expected),
        "actual": json_value(result.actual),
        "met": result.met,
    }


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule version that fired for a traveller, with the conditions that made it fire and
    the exonerating conditions that were checked and not met (SG-12, SG-21)."""

    rule_name: str
    rule_version: int
    title: str
    category: str
    severity: str
    author: str
    conditions: tuple[ConditionResult, ...]
    exonerating: tuple[ConditionResult, ...]

    def explanation(self) -> dict[str, Any]:
        """JSON-ready: the rule and version, each condition's expected and actual value."""
        return {
            "rule": self.rule_name,
            "version": self.rule_version,
            "title": self.title,
            "category": self.category,
            "severity": self.severity,
            "author": self.author,
            "conditions": [_result_dict(r) for r in self.conditions],
            "exonerating": [_result_dict(r) for r in self.exonerating],
        }


class CompiledRule:
    """One rule version ready to run: ``when`` and ``unless`` as plain functions."""

    __slots__ = ("_unless", "_when", "author", "rule", "version")

    def __init__(self, rule: Rule, *, version: int, author: str) -> None:
        self.rule = rule
        self.version = version
        self.author = author
        self._when: Predicate = compile_node(rule.when)
        self._unless: Predicate | None = compile_node(rule.unless) if rule.unless else None

    def fires(self, facts: TravellerFacts) -> bool:
        """True when ``when`` holds and no exonerating condition does."""
        return self._when(facts) and not (self._unless is not None and self._unless(facts))

    def hit(self, facts: TravellerFacts) -> RuleHit | None:
        """The explained hit, or None when the rule does not fire."""
        if not self.fires(facts):
            return None
        _, conditions = explain_node(self.rule.when, facts)
        exonerating = tuple(evaluate_leaf(c, facts) for c in leaves(self.rule.unless))
        rule = self.rule
        return RuleHit(
            rule.name,
            self.version,
            rule.title,
            rule.category,
            rule.severity,
            self.author,
            tuple(conditions),
            exonerating,
        )


class RuleSet:
    """The compiled rules that run at ingest."""

    def __init__(self, rules: list[CompiledRule]) -> None:
        self._rules = tuple(rules)

    def evaluate(self, facts: TravellerFacts) -> list[RuleHit]:
        """The hits of every rule on one traveller, in rule-name order."""
        hits = []
        for rule in self._rules:
            if rule.fires(facts):
                hit = rule.hit(facts)
                if hit is not None:
                    hits.append(hit)
        return hits

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[CompiledRule]:
        return iter(self._rules)

    @property
    def names(self) -> list[str]:
        return [r.rule.name for r in self._rules]


def load_ruleset(session: Session, *, today: date, state: SwitchState | None = None) -> RuleSet:
    """The active rule versions with a review-by date of ``today`` or later (SG-14), minus the
    rules the stop switch suspends (SG-55), compiled."""
    rows = session.execute(
        select(RuleRow.name, RuleVersionRow)
        .join(RuleVersionRow, RuleVersionRow.rule_id == RuleRow.id)
        .where(
            RuleVersionRow.status == "active",
            RuleVersionRow.version == RuleRow.active_version,
            RuleVersionRow.review_by >= today,
        )
        .order_by(RuleRow.name)
    ).all()
    compiled = []
    for name, version in rows:
        if state is not None and state.rule_suspended(name):
            continue
        compiled.append(
            CompiledRule(parse_rule(version.source), version=version.version, author=version.author)
        )
    return RuleSet(compiled)
