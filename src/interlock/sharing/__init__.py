"""Sharing with partner nodes: identity, partners and agreements, policy, STIX content, DSSE
envelopes, the outbox and inbox, and TAXII 2.1."""
