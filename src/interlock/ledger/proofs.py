"""What the ledger hands out: stored checkpoints with their cosignatures, and inclusion and
consistency proofs in the form the HTTP interface and the command line serve them (hashes
in base64)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A stored checkpoint: the log-signed note and the witnesses' cosignature lines."""

    size: int
    root: bytes
    note: str
    at: datetime
    cosignatures: tuple[str, ...] = ()

    def render(self) -> str:
        """The note with every cosignature line appended (what ``/checkpoint`` serves)."""
        return self.note + "".join(self.cosignatures)


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Leaf ``index`` is in the tree of ``size`` leaves whose root is ``root``."""

    index: int
    size: int
    leaf_hash: bytes
    proof: list[bytes]
    root: bytes

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, hashes in base64."""
        return {
            "index": self.index,
            "size": self.size,
            "leaf_hash": b64(self.leaf_hash),
            "proof": [b64(h) for h in self.proof],
            "root": b64(self.root),
        }


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    """The tree of ``second`` leaves extends the tree of ``first`` leaves."""

    first: int
    second: int
    proof: list[bytes]
    first_root: bytes
    second_root: bytes

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, hashes in base64."""
        return {
            "first": self.first,
            "second": self.second,
            "proof": [b64(h) for h in self.proof],
            "first_root": b64(self.first_root),
            "second_root": b64(self.second_root),
        }
