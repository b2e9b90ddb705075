"""Risk rules: pre-determined criteria in YAML over an allowlist of travel facts (SG-10..15).

- :mod:`~interlock.rules.fields`: the facts a rule may use, and which are protected;
- :mod:`~interlock.rules.validate`: reading YAML, refusing what the safeguards forbid;
- :mod:`~interlock.rules.language` / :mod:`~interlock.rules.engine`: compiled rules, hits
  that explain themselves, :func:`load_ruleset` for ingest;
- :mod:`~interlock.rules.facts` / :mod:`~interlock.rules.stored`: facts from messages and
  from the store;
- :mod:`~interlock.rules.workflow`, :mod:`~interlock.rules.backtest`,
  :mod:`~interlock.rules.quality`: versions, approval by a second person, disparate impact,
  false-positive figures.
"""

from interlock.rules.engine import CompiledRule, RuleHit, RuleSet, load_ruleset
from interlock.rules.facts import TravellerFacts, facts_for_message
from interlock.rules.language import ConditionResult, Rule
from interlock.rules.stored import facts_for_stored
from interlock.rules.validate import RuleInvalidError, parse_rule

__all__ = [
    "CompiledRule",
    "ConditionResult",
    "Rule",
    "RuleHit",
    "RuleInvalidError",
    "RuleSet",
    "TravellerFacts",
    "facts_for_message",
    "facts_for_stored",
    "load_ruleset",
    "parse_rule",
]
