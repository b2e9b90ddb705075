"""What people (and the alert desk) ask of sharing, in one class: publish list entries
(:mod:`interlock.sharing.publishing`), revoke them (:mod:`interlock.sharing.revocations`),
correct what was shared (:mod:`interlock.sharing.corrections`), and (from
:mod:`interlock.sharing.hits`) notify the listing partner of a confirmed hit, answer such a
notification, send a sighting. Every operation checks the permission, builds the STIX content
and the terms, and queues the messages through :func:`outbox.enqueue` (policy, signature,
ledger, audit) in one transaction.
"""

from __future__ import annotations

from interlock.sharing.corrections import Corrections
from interlock.sharing.hits import HitSharing
from interlock.sharing.publishing import ListPublishing
from interlock.sharing.revocations import EntryRevocations


class SharingService(ListPublishing, EntryRevocations, Corrections, HitSharing):
    """Sharing operations of one node."""
