"""Micro-benchmark of the rule engine: traveller x rule evaluations per second on one core.

    .venv/bin/python -m bench.rules --travellers 20000 --repeats 5

Facts come from a synthetic day of traffic (``interlock.generate``), built once; the timed
part is :meth:`RuleSet.evaluate` of the example rules (``examples/rules/*.yaml``) on every
traveller, as ingest runs it. Target (issue 4): at least 50,000 evaluations/s.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from interlock.generate.traffic import generate_traffic
from interlock.model import Format, ParsedMessage, Role
from interlock.rules import CompiledRule, RuleSet, facts_for_message, parse_rule

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "rules"


def messages(travellers: int, seed: int) -> list[ParsedMessage]:
    """The traffic as the messages ingest would parse: a manifest and a PNR push per flight."""
    out = []
    for ft in generate_traffic(travellers, seed=seed).flights:
        out.append(
            ParsedMessage(
                Format.PAXLST,
                flights=[ft.flight],
                manifest=Role.PASSENGER,
                travellers=ft.passengers,
            )
        )
        if ft.bookings:
            out.append(
                ParsedMessage(
                    Format.PNRGOV,
                    flights=[ft.flight],
                    bookings=[b for b, _ in ft.bookings],
                    travellers=[t for _, ts in ft.bookings for t in ts],
                )
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--travellers", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rules = [
        CompiledRule(parse_rule(p.read_text()), version=1, author="bench")
        for p in sorted(EXAMPLES.glob("*.yaml"))
    ]
    ruleset = RuleSet(rules)
    facts = facts_for_message(messages(args.travellers, args.seed), now=datetime.now(UTC))
    rates, hits = [], 0
    for _ in range(args.repeats):
        start = time.perf_counter()
        hits = sum(len(ruleset.evaluate(f)) for f in facts)
        rates.append(len(facts) * len(ruleset) / (time.perf_counter() - start))
    print(
        f"{len(facts)} travellers x {len(ruleset)} rules, {hits} hits: "
        f"{statistics.median(rates):,.0f} evaluations/s (median of {args.repeats})"
    )


if __name__ == "__main__":
    main()
