"""Oversight: statistics of the node's work (SG-60, SG-15) and the public transparency page
(SG-48). Aggregates and registries only; nothing here names a person."""

from interlock.oversight.config import OversightConfig
from interlock.oversight.stats import Figures, Statistics, StatsPeriod, compute
from interlock.oversight.suppression import MIN_COUNT, SUPPRESSED
from interlock.oversight.transparency import render_html, transparency_document

__all__ = [
    "MIN_COUNT",
    "SUPPRESSED",
    "Figures",
    "OversightConfig",
    "Statistics",
    "StatsPeriod",
    "compute",
    "render_html",
    "transparency_document",
]
