"""STIX 2.1 content of what a node shares, as plain STIX dicts. Pure: no I/O. This module is
the public surface; each part lives in a module of its own and is re-exported here.

- **Markings** (:mod:`interlock.sharing.stix_markings`). The five official TLP 2.0 marking
  definitions (FIRST TLP 2.0 as published by OASIS in cti-stix-common-objects); STIX 2.1
  itself predefines only the TLP 1.0 ones. :func:`tlp_of` reads an object's level.
- **Extension and ids** (:mod:`interlock.sharing.stix_extension`). Travel-document and
  watchlist fields ride in a property extension (:data:`EXTENSION_ID`) of ``identity`` and
  ``sighting`` objects; its ``record`` field tells what an object stands for:
  ``watchlist-entry``, ``traveller`` or ``hit``. Ids are UUIDv5 over node, kind and local id
  (:func:`object_id`): a record sent again keeps its id, and a new version of it (a
  correction, a revocation) has the same id and a later ``modified``.
- **Syntax** (:mod:`interlock.sharing.stix_syntax`). STIX identifiers and timestamps.
- **Builders.** Identities of listed people and of travellers
  (:mod:`interlock.sharing.stix_identities`), sightings and airport locations
  (:mod:`interlock.sharing.stix_sightings`), corrections and revocations
  (:mod:`interlock.sharing.stix_versions`), bundles (:mod:`interlock.sharing.stix_bundles`).
- **Reader.** :mod:`interlock.sharing.stix_read` turns a bundle into typed views.
"""

from __future__ import annotations

from interlock.sharing.stix_bundles import bundle as bundle
from interlock.sharing.stix_extension import EXTENSION_DEFINITION as EXTENSION_DEFINITION
from interlock.sharing.stix_extension import EXTENSION_ID as EXTENSION_ID
from interlock.sharing.stix_extension import EXTENSION_SCHEMA as EXTENSION_SCHEMA
from interlock.sharing.stix_extension import INTERLOCK_IDENTITY as INTERLOCK_IDENTITY
from interlock.sharing.stix_extension import INTERLOCK_IDENTITY_ID as INTERLOCK_IDENTITY_ID
from interlock.sharing.stix_extension import NAMESPACE as NAMESPACE
from interlock.sharing.stix_extension import Record as Record
from interlock.sharing.stix_extension import entry_identity_id as entry_identity_id
from interlock.sharing.stix_extension import node_identity_id as node_identity_id
from interlock.sharing.stix_extension import node_identity_object as node_identity_object
from interlock.sharing.stix_extension import object_id as object_id
from interlock.sharing.stix_identities import entry_identity as entry_identity
from interlock.sharing.stix_identities import traveller_identity as traveller_identity
from interlock.sharing.stix_markings import TLP1_IDS as TLP1_IDS
from interlock.sharing.stix_markings import TLP2_CREATED as TLP2_CREATED
from interlock.sharing.stix_markings import TLP2_EXTENSION_ID as TLP2_EXTENSION_ID
from interlock.sharing.stix_markings import TLP2_IDS as TLP2_IDS
from interlock.sharing.stix_markings import TLP_MARKINGS as TLP_MARKINGS
from interlock.sharing.stix_markings import marking_ref as marking_ref
from interlock.sharing.stix_markings import tlp_marking as tlp_marking
from interlock.sharing.stix_markings import tlp_of as tlp_of
from interlock.sharing.stix_sightings import airport_location as airport_location
from interlock.sharing.stix_sightings import sighting as sighting
from interlock.sharing.stix_syntax import StixObject as StixObject
from interlock.sharing.stix_syntax import parse_timestamp as parse_timestamp
from interlock.sharing.stix_syntax import timestamp as timestamp
from interlock.sharing.stix_versions import correction as correction
from interlock.sharing.stix_versions import revocation as revocation
