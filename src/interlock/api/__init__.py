"""The node's HTTP API (FastAPI): ``create_app`` builds it."""

from interlock.api.app import create_app

__all__ = ["create_app"]
