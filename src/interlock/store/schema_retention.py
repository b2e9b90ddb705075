"""Tables of the retention part (migration, see store/migrations/versions)."""

from __future__ import annotations
