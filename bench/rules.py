"""Micro-benchmark of the rule engine: traveller x rule evaluations per second on one core.

    .venv/bin/python -m bench.rules --travellers 20000 --repeats 5

Facts come from a synthetic day of traffic (``interlock.generate``), built once; the timed
part is :meth:`RuleSet.evaluate` of the example rules (``examples/rules/*.yaml``) on every
traveller, as ingest runs it. Target (issue 4): at least 50,000 evaluations/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from interlock.generate.traffic import generate_traffic
from interlock.model import Format, ParsedMessage, Role
from interlock.rules import CompiledRule, RuleSet, facts_for_message, parse_rule

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "rules"
RESULTS = Path(__file__).resolve().parent / "results"


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
    parsed = messages(args.travellers, args.seed)
    now = datetime.now(UTC)
    building: list[float] = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        facts = facts_for_message(parsed, now=now)
        building.append(len(facts) / (time.perf_counter() - start))
    rates, hits = [], 0
    for _ in range(args.repeats):
        start = time.perf_counter()
        hits = sum(len(ruleset.evaluate(f)) for f in facts)
        rates.append(len(facts) * len(ruleset) / (time.perf_counter() - start))
    line = (
        f"{len(facts)} travellers x {len(ruleset)} rules, {hits} hits: "
        f"{statistics.median(rates):,.0f} evaluations/s, facts built at "
        f"{statistics.median(building):,.0f} travellers/s (medians of {args.repeats})"
    )
    print(line)
    write_results(args, line, statistics.median(rates), statistics.median(building))


def write_results(args: argparse.Namespace, line: str, rate: float, building: float) -> None:
    """``bench/results/rules.md``: the figures, the command and the machine."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    (RESULTS / "rules.md").write_text(
        "# Rule engine benchmark\n\n"
        f"Run {when} on {machine}.\n\n"
        f"Command: `python -m bench.rules --travellers {args.travellers} --repeats "
        f"{args.repeats} --seed {args.seed}`\n\n"
        "| measure | value | target |\n|---|---:|---|\n"
        f"| traveller x rule evaluations/s, one core (example rules) | {rate:,.0f} | >= 50,000 |\n"
        f"| facts built from parsed messages, travellers/s | {building:,.0f} | |\n\n"
        f"{line}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
