"""Tables of the TAXII 2.1 interface (migration 0014): the STIX objects each API root serves,
and the status resources of the objects partners added.

One row per object *version* in a collection of an API root (an API root per partner). The
version is the object's ``modified`` (or ``created``) as a fixed-width UTC string with
microseconds, so versions sort as text and one version is stored once. ``added_at`` is the
TAXII ``date_added`` in microseconds since 1970 (UTC): an integer, so paging compares exactly
on every engine; it is strictly increasing within a collection, in commit order (writers take
the collection's lock first: see :mod:`interlock.sharing.taxii_store`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from interlock.store.schema import Base, UtcDateTime


class TaxiiObjectRow(Base):
    """One version of a STIX object in a collection of an API root."""

    __tablename__ = "taxii_objects"
    __table_args__ = (
        UniqueConstraint("api_root", "collection", "stix_id", "version"),
        Index("ix_taxii_objects_page", "api_root", "collection", "added_at", "id"),
        Index("ix_taxii_objects_stix_id", "api_root", "collection", "stix_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_root: Mapped[str] = mapped_column(String)
    collection: Mapped[str] = mapped_column(String(64))
    stix_id: Mapped[str] = mapped_column(String)
    stix_type: Mapped[str] = mapped_column(String(250))
    version: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[int] = mapped_column(BigInteger)
    stix_object: Mapped[dict[str, Any]] = mapped_column("object", JSON)


class TaxiiStatusRow(Base):
    """The status resource of one Add Objects request (TAXII 2.1 section 4.3.1)."""

    __tablename__ = "taxii_status"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    api_root: Mapped[str] = mapped_column(String, index=True)
    collection: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resource: Mapped[dict[str, Any]] = mapped_column(JSON)
