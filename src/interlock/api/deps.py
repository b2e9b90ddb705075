"""Request dependencies: the store and settings the app was built with."""

from __future__ import annotations

from typing import cast

from fastapi import Request

from interlock.settings import Settings
from interlock.store import Store


def get_store(request: Request) -> Store:
    """The node's store."""
    return cast(Store, request.app.state.store)


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return cast(Settings, request.app.state.settings)
