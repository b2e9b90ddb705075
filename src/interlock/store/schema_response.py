"""Tables of the response part (migration, see store/migrations/versions)."""

from __future__ import annotations
