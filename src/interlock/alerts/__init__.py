"""Alerts from screening matches, document hits and rule hits; human review; cases; actions."""

from interlock.alerts.cases import CaseDesk
from interlock.alerts.desk import ActionKind, AlertDesk, Basis, HumanitarianFlag, QueueFilter
from interlock.alerts.pack import explanation_pack, render_pack_html
from interlock.alerts.policy import CHECKLISTS, AlertStatus, CauseKind, Decision, Severity

__all__ = [
    "CHECKLISTS",
    "ActionKind",
    "AlertDesk",
    "AlertStatus",
    "Basis",
    "CaseDesk",
    "CauseKind",
    "Decision",
    "HumanitarianFlag",
    "QueueFilter",
    "Severity",
    "explanation_pack",
    "render_pack_html",
]
