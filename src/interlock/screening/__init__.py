"""Screening: travellers and other queries against watchlist entries, with explanations."""

from interlock.screening.model import Band, Explanation, Match, Query
from interlock.screening.screen import DEFAULT_THRESHOLD, Screener, band_for, score_entry

__all__ = [
    "DEFAULT_THRESHOLD",
    "Band",
    "Explanation",
    "Match",
    "Query",
    "Screener",
    "band_for",
    "score_entry",
]
