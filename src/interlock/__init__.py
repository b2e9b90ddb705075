"""Interlock: an open node for counter-terrorism cooperation and border security."""

__version__ = "0.1.0"
