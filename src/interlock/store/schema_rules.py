"""Tables of the rules part (migration, see store/migrations/versions)."""

from __future__ import annotations
