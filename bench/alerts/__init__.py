"""Receipt → alerts stored, and a day ingested, screened and alerted (BENCHMARKS.md §2).

Run ``python -m bench.alerts`` (see :mod:`bench.alerts.run`).
"""
