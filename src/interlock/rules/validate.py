"""Reading and validating a rule's YAML: every problem names its place (``when.all[2].field``).

Refused (all at once, the first one's place on the error):

- a field outside the allowlist; one naming a special category of data, or a value that is
  an SG-06 code, with the SG-10 message;
- a rule that could fire without a behavioural or travel condition, e.g. on nationality, sex,
  age or birth place alone, or any use of those without a written justification (SG-11);
- a rule with neither exonerating conditions (``unless``) nor a reasoned ``waiver`` (SG-12);
- missing or malformed metadata: severity, purpose, legal basis, review-by date (SG-14).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from interlock.access.purpose import Purpose
from interlock.errors import RefusedError
from interlock.model.travel import Issue
from interlock.rules.fields import (
    ALL_OPERATORS,
    FIELDS,
    OPERATORS,
    FieldSpec,
    Kind,
    sensitive_code,
    sensitive_word,
)
from interlock.rules.language import Condition, Group, Node, Rule

NAME = re.compile(r"^[a-z][a-z0-9-]{2,63}$")
SEVERITIES = ("high", "medium", "low")
MIN_JUSTIFICATION = 40
"""Characters a justification or waiver reason needs: a sentence, not a word."""
MAX_SOURCE = 64_000
KEYS = frozenset(
    {
        "name",
        "title",
        "category",
        "severity",
        "purpose",
        "legal_basis",
        "review_by",
        "when",
        "unless",
        "waiver",
        "justification",
        "description",
    }
)
SG10 = (
    "SG-10: rules may not use special categories of data (religion, ethnic origin, health, "
    "political opinion, sex life) or anything derived from SSR/meal codes"
)


class RuleInvalidError(RefusedError):
    """A rule that fails validation; ``problems`` lists every place and reason."""

    def __init__(self, problems: list[Issue]) -> None:
        first = problems[0]
        text = "; ".join(str(p) for p in problems)
        super().__init__(text if len(problems) > 1 else first.reason, location=first.location)
        self.problems = problems


@dataclass(slots=True)
class _Reader:
    problems: list[Issue] = field(default_factory=list)

    def fail(self, location: str, reason: str) -> None:
        self.problems.append(Issue(location, reason))


def load_yaml(source: str) -> dict[str, Any]:
    """The YAML mapping of a rule; refused (with the line) when it is not one."""
    if len(source) > MAX_SOURCE:
        raise RefusedError(f"rule source longer than {MAX_SOURCE} characters", location="source")
    try:
        data = yaml.safe_load(source)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f"line {mark.line + 1}" if mark is not None else "source"
        raise RefusedError(f"unreadable YAML: {err.problem or err}", location=where) from None
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as err:
        raise RefusedError(f"unreadable YAML: {type(err).__name__}", location="source") from None
    if not isinstance(data, dict):
        raise RefusedError("a rule is a YAML mapping (name:, when:, …)", location="source")
    return {str(k): v for k, v in data.items()}


def parse_rule(source: str) -> Rule:
    """A validated :class:`Rule` from YAML, or :class:`RuleInvalidError` naming every problem."""
    data = load_yaml(source)
    reader = _Reader()
    for key in sorted(set(data) - KEYS):
        reader.fail(key, f"unknown key; allowed: {', '.join(sorted(KEYS))}")
    meta = _metadata(reader, data)
    when = _node(reader, data.get("when"), "when") if "when" in data else None
    if when is None and "when" not in data:
        reader.fail("when", "a rule needs conditions under 'when'")
    unless = _node(reader, data["unless"], "unless") if data.get("unless") is not None else None
    waiver = _waiver(reader, data)
    if unless is None and waiver is None and not _mentions(reader, "waiver"):
        reader.fail(
            "unless", "SG-12: declare exonerating conditions ('unless') or a 'waiver' with a reason"
        )
    justification = _text(data.get("justification"))
    if when is not None:
        _check_anchored(reader, when, justification)
    if reader.problems:
        raise RuleInvalidError(reader.problems)
    assert when is not None
    return Rule(
        when=when, unless=unless, waiver=waiver, justification=justification, source=source, **meta
    )


def _mentions(reader: _Reader, location: str) -> bool:
    return any(p.location.startswith(location) for p in reader.problems)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _metadata(reader: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    name = data.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        reader.fail("name", "a name of 3-64 lower-case letters, digits and hyphens is required")
    category = data.get("category")
    if not isinstance(category, str) or not NAME.match(category):
        reader.fail(
            "category", "one lower-case word (letters, digits, hyphens), e.g. travel-pattern"
        )
    severity = data.get("severity")
    if severity not in SEVERITIES:
        reader.fail("severity", f"one of {', '.join(SEVERITIES)}")
    purpose = data.get("purpose")
    if purpose not in {p.value for p in Purpose}:
        reader.fail("purpose", "one of " + ", ".join(p.value for p in Purpose))
    for key in ("title", "legal_basis"):
        if _text(data.get(key)) is None:
            reader.fail(key, "required (SG-14)" if key == "legal_basis" else "required")
    review_by = _date(data.get("review_by"))
    if review_by is None:
        reader.fail("review_by", "a review-by date (YYYY-MM-DD) is required (SG-14)")
    return {
        "name": name if isinstance(name, str) else "",
        "title": _text(data.get("title")) or "",
        "category": category if isinstance(category, str) else "",
        "severity": severity if isinstance(severity, str) else "",
        "purpose": purpose if isinstance(purpose, str) else "",
        "legal_basis": _text(data.get("legal_basis")) or "",
        "review_by": review_by or date.min,
        "description": _text(data.get("description")) or "",
    }


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _waiver(reader: _Reader, data: dict[str, Any]) -> str | None:
    waiver = data.get("waiver")
    if waiver is None:
        return None
    reason = _text(waiver.get("reason")) if isinstance(waiver, dict) else None
    if reason is None or len(reason) < MIN_JUSTIFICATION:
        reader.fail(
            "waiver.reason",
            f"SG-12: a waiver needs a reason of at least {MIN_JUSTIFICATION} characters",
        )
        return None
    return reason


def _node(reader: _Reader, value: Any, at: str) -> Node | None:
    if isinstance(value, list):
        return _group(reader, "all", value, at)
    if not isinstance(value, dict):
        reader.fail(at, "a condition ({field, op, value}) or one of all/any/not")
        return None
    keys = set(value)
    combinators = keys & {"all", "any", "not"}
    if len(combinators) == 1 and len(keys) == 1:
        kind = combinators.pop()
        inner = value[kind]
        if kind == "not":
            child = _node(reader, inner, f"{at}.not")
            return Group("not", (child,), at) if child is not None else None
        if not isinstance(inner, list) or not inner:
            reader.fail(f"{at}.{kind}", "a non-empty list of conditions")
            return None
        return _group(reader, kind, inner, f"{at}.{kind}")
    if combinators:
        reader.fail(at, "all/any/not stand alone, one per mapping")
        return None
    return _condition(reader, value, at)


def _group(reader: _Reader, kind: Any, items: list[Any], at: str) -> Node | None:
    children = [_node(reader, item, f"{at}[{i}]") for i, item in enumerate(items)]
    if any(c is None for c in children) or not children:
        if not children:
            reader.fail(at, "a non-empty list of conditions")
        return None
    location = at.rsplit(".", 1)[0] if at.endswith(("all", "any")) else at
    return Group(kind, tuple(c for c in children if c is not None), location)


def _condition(reader: _Reader, value: dict[Any, Any], at: str) -> Condition | None:
    extra = set(value) - {"field", "op", "value"}
    if extra:
        reader.fail(at, f"unknown keys {sorted(map(str, extra))}; a condition has field, op, value")
        return None
    name, op = value.get("field"), value.get("op")
    spec = _field(reader, name, f"{at}.field")
    if not isinstance(op, str) or op not in ALL_OPERATORS:
        reader.fail(f"{at}.op", "one of " + ", ".join(sorted(ALL_OPERATORS)))
        return None
    if spec is None:
        return None
    if op not in OPERATORS[spec.kind]:
        allowed = ", ".join(sorted(OPERATORS[spec.kind]))
        reader.fail(f"{at}.op", f"{spec.name} ({spec.kind.value}) takes {allowed}, not {op}")
        return None
    normalised = _value(reader, spec, op, value.get("value"), f"{at}.value")
    if normalised is None:
        return None
    return Condition(spec.name, op, normalised, spec, at)


def _field(reader: _Reader, name: Any, at: str) -> FieldSpec | None:
    if not isinstance(name, str) or not name.strip():
        reader.fail(at, "a field name is required")
        return None
    spec = FIELDS.get(name.strip())
    if spec is not None:
        return spec
    word = sensitive_word(name)
    if word is not None:
        reader.fail(at, f"{SG10}: '{name}' ({word})")
    else:
        reader.fail(at, f"unknown field '{name}'; allowed: {', '.join(FIELDS)}")
    return None


def _value(reader: _Reader, spec: FieldSpec, op: str, value: Any, at: str) -> Any:
    texts = [value] if not isinstance(value, list) else value
    if any(isinstance(v, str) and sensitive_code(v) for v in texts):
        reader.fail(at, f"{SG10}: value is an SG-06 code")
        return None
    try:
        return _coerce(spec, op, value)
    except ValueError as err:
        reader.fail(at, str(err))
        return None


def _coerce(spec: FieldSpec, op: str, value: Any) -> Any:
    if op == "is":
        if not isinstance(value, bool):
            raise ValueError("true or false")
        return value
    if op in ("in", "not_in", "intersects"):
        if not isinstance(value, list) or not value:
            raise ValueError(f"{op} takes a non-empty list")
        return frozenset(_scalar(spec, item) for item in value)
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            raise ValueError("between takes [low, high]")
        low, high = (_scalar(spec, item) for item in value)
        if low > high:
            raise ValueError("between: low is above high")
        return (low, high)
    return _scalar(spec, value)


def _scalar(spec: FieldSpec, value: Any) -> Any:
    kind = Kind.TEXT if spec.kind is Kind.SET else spec.kind
    if kind is Kind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("a number")
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("a finite number")
        return value
    if kind is Kind.DATE:
        day = _date(value)
        if day is None:
            raise ValueError("a date (YYYY-MM-DD)")
        return day
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise ValueError("a text value")
    return spec.normalise(str(value))


def _check_anchored(reader: _Reader, when: Node, justification: str | None) -> None:
    """SG-11: every way the rule can fire includes a behavioural or travel condition;
    protected fields come with a written justification."""
    where = _unanchored(when, negated=False)
    uses_protected = _uses_protected(when)
    if where is not None:
        reason = (
            "SG-11: nationality, sex, age or birth place may only be used combined (in an "
            "'all') with a behavioural or travel condition"
            if uses_protected
            else "the rule could fire without any behavioural or travel condition (booking, "
            "route, document expiry, co-travel)"
        )
        reader.fail(where, reason)
    if uses_protected and (justification is None or len(justification) < MIN_JUSTIFICATION):
        reader.fail(
            "justification",
            f"SG-11: a rule using nationality, sex, age or birth place "
            f"needs a written justification of at least {MIN_JUSTIFICATION} "
            "characters",
        )


def _uses_protected(node: Node) -> bool:
    if isinstance(node, Condition):
        return node.spec.protected
    return any(_uses_protected(child) for child in node.children)


def _unanchored(node: Node, *, negated: bool) -> str | None:
    """The place of a way ``node`` can hold without a behavioural condition, or None.
    Under ``not`` an ``all`` behaves as an ``any`` and the reverse (De Morgan)."""
    if isinstance(node, Condition):
        return None if node.spec.anchors else node.location
    if node.kind == "not":
        return _unanchored(node.children[0], negated=not negated)
    found = [_unanchored(child, negated=negated) for child in node.children]
    conjunctive = (node.kind == "all") != negated
    if conjunctive:
        return None if any(f is None for f in found) else node.location
    return next((f for f in found if f is not None), None)
