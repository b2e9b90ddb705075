"""Tables of the subject_requests part (migration, see store/migrations/versions)."""

from __future__ import annotations
