"""What the sharing code of one node works with: its store, settings, identity, ledger,
partner registry and TAXII collections, made once per process."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from interlock.ledger.log import Ledger
from interlock.settings import Settings
from interlock.sharing.identity import NodeIdentity, node_identity
from interlock.sharing.partners import PartnerRegistry
from interlock.sharing.taxii_store import TaxiiRepository
from interlock.store import Store

LINK_TIMEOUT = 10.0


@dataclass(slots=True)
class SharingContext:
    store: Store
    settings: Settings
    identity: NodeIdentity
    ledger: Ledger
    registry: PartnerRegistry
    taxii: TaxiiRepository
    cosigned_size: int = 0  # the log size every partner witness last cosigned
    _links: dict[tuple[str, str, str | None], httpx.Client] = field(default_factory=dict)
    _links_lock: threading.Lock = field(default_factory=threading.Lock)

    def link(
        self,
        name: str,
        base_url: str,
        cert: str | None,
        verify: Callable[[], ssl.SSLContext | bool],
    ) -> httpx.Client:
        """The HTTPS client of the link to a partner, kept open between pushes (no new TLS
        handshake per message); a new one when the partner's address or certificate changes."""
        key = (name, base_url, cert)
        with self._links_lock:
            client = self._links.get(key)
            if client is None:
                for old in [k for k in self._links if k[0] == name]:
                    self._links.pop(old).close()
                client = self._links[key] = httpx.Client(verify=verify(), timeout=LINK_TIMEOUT)
            return client

    def close_links(self) -> None:
        """Close every partner link (the node is stopping)."""
        with self._links_lock:
            for client in self._links.values():
                client.close()
            self._links.clear()

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
