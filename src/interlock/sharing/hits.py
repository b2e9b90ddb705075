"""Sharing hits: the hit notification to the listing partner when a person confirms an alert
on its entry (:mod:`interlock.sharing.hit_notification`), the listing partner's answer
(source confirmation, SG-19, :mod:`interlock.sharing.source_confirmation`), and sightings to
other partners, which wait for that answer (:mod:`interlock.sharing.sightings`).
:class:`interlock.sharing.service.SharingService` offers these with the list operations."""

from __future__ import annotations

from interlock.sharing.context import SharingContext
from interlock.sharing.hit_notification import HitNotification
from interlock.sharing.sightings import Sightings
from interlock.sharing.source_confirmation import SourceConfirmation


class HitSharing(HitNotification, SourceConfirmation, Sightings):
    """Hit notifications, source confirmations and sightings of one node."""

    def __init__(self, ctx: SharingContext) -> None:
        self.ctx = ctx
