"""Synthetic data for demos, tests and benchmarks: synthetic people only (DESIGN.md §7)."""
