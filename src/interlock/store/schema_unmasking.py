"""Tables of the unmasking part (migration, see store/migrations/versions)."""

from __future__ import annotations
