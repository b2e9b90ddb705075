"""Screening quality and speed against reference matchers (BENCHMARKS.md §1).

Run: ``python -m bench.screening [--quick] [--suites S1,S2,...] [--scale N]``.
"""
