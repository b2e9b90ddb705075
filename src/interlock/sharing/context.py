"""What the sharing code of one node works with: its store, settings, identity, ledger,
partner registry and TAXII collections, made once per process."""

from __future__ import annotations

from dataclasses import dataclass

from interlock.ledger.log import Ledger
from interlock.settings import Settings
from interlock.sharing.identity import NodeIdentity, node_identity
from interlock.sharing.partners import PartnerRegistry
from interlock.sharing.taxii_store import TaxiiRepository
from interlock.store import Store


@dataclass(slots=True)
class SharingContext:
    store: Store
    settings: Settings
    identity: NodeIdentity
    ledger: Ledger
    registry: PartnerRegistry
    taxii: TaxiiRepository
    cosigned_size: int = 0  # the log size every partner witness last cosigned

    @classmethod
    def of(cls, store: Store, settings: Settings) -> SharingContext:
        identity = node_identity(settings)
        ledger = Ledger(store.sessions, identity.log)
        return cls(
            store=store,
            settings=settings,
            identity=identity,
            ledger=ledger,
            registry=PartnerRegistry(store.sessions, identity, ledger),
            taxii=TaxiiRepository(store.sessions),
        )

    @property
    def name(self) -> str:
        return self.identity.name
