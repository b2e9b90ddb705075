"""Rapid response: when a person confirms an alert, the playbook of its category notifies the
configured recipients through a durable outbox, with retries, acknowledgement and escalation.
When a partner's hit on one of this node's entries opens a case, the ``partner-hit`` playbook
notifies of the case the same way.

- :mod:`~interlock.response.playbooks`: who is told, by which channel, and who next.
- :mod:`~interlock.response.outbox`: the notifications written with the confirmation.
- :mod:`~interlock.response.delivery`: sending due notifications, with back-off.
- :mod:`~interlock.response.escalation`: telling the next people when nobody acknowledges.
- :mod:`~interlock.response.notifications`: listing and acknowledging.
- :mod:`~interlock.response.subject`: what a notification is of: an alert or a case.
"""

# The store first: interlock.audit.log and interlock.store import each other, and only this
# order resolves.
import interlock.store  # noqa: F401
from interlock.response.delivery import DeliveryReport, deliver_due
from interlock.response.escalation import escalate_due
from interlock.response.notifications import Acknowledgement, NotificationInfo, Notifications
from interlock.response.outbox import (
    NotificationStatus,
    enqueue_for_confirmed,
    enqueue_for_partner_hit,
)
from interlock.response.playbooks import (
    Playbooks,
    builtin_playbooks,
    load_playbooks,
    parse_playbooks,
)

__all__ = [
    "Acknowledgement",
    "DeliveryReport",
    "NotificationInfo",
    "NotificationStatus",
    "Notifications",
    "Playbooks",
    "builtin_playbooks",
    "deliver_due",
    "enqueue_for_confirmed",
    "enqueue_for_partner_hit",
    "escalate_due",
    "load_playbooks",
    "parse_playbooks",
]
