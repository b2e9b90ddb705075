"""The tamper-evident ledger: RFC 9162 Merkle trees, C2SP checkpoints and cosignatures."""
