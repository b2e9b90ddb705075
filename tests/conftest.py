"""Shared fixtures: the node's store on SQLite and on PostgreSQL, running the same tests.

PostgreSQL is expected at 127.0.0.1:5432 with trust authentication. A throwaway database
``interlock_test_<random>`` is created for the test session and dropped at its end. When the
server is unreachable (another server: env ``INTERLOCK_TEST_POSTGRES_SERVER``, a URL without
database name) the PostgreSQL variants are skipped, except under CI (env ``CI`` set),
where they fail: CI must run them.
"""

from __future__ import annotations

import gc
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from interlock.settings import get_settings
from interlock.store import Store, migrate
from interlock.store.schema import Base

POSTGRES_SERVER = os.environ.get(
    "INTERLOCK_TEST_POSTGRES_SERVER", "postgresql+psycopg://postgres:postgres@127.0.0.1:5432"
).rstrip("/")
# CI machines are shared and noisy: no per-example deadline; a fixed number of examples.
settings.register_profile(
    "ci", deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _admin(statement: str) -> None:
    engine = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated throwaway PostgreSQL database for this test session."""
    name = f"interlock_test_{secrets.token_hex(6)}"
    try:
        _admin(f'CREATE DATABASE "{name}"')
    except OperationalError as err:
        reason = f"PostgreSQL unreachable at {POSTGRES_SERVER}: {err.orig}"
        if _in_ci():
            pytest.fail(f"{reason} (CI is set: the PostgreSQL tests must run)")
        pytest.skip(reason)
    url = f"{POSTGRES_SERVER}/{name}"
    migrate(url)
    yield url
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture
def empty_postgres_url(postgres_url: str) -> str:
    """The session's PostgreSQL database, emptied for this test."""
    _empty_postgres(postgres_url)
    return postgres_url


@pytest.fixture(params=ENGINES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated store: a SQLite file, or the session's PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'node' / 'interlock.db'}"
        migrate(url)
        return url
    postgres: str = request.getfixturevalue("empty_postgres_url")
    return postgres


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An empty store on each engine."""
    opened = Store.open(store_url, migrate=False)
    yield opened
    opened.dispose()


def _cli_env(store_url: str, monkeypatch: pytest.MonkeyPatch, password: str | None) -> None:
    monkeypatch.setenv("INTERLOCK_DATABASE_URL", store_url)
    for name in ("INTERLOCK_USER", "INTERLOCK_PASSWORD", "INTERLOCK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    if password is not None:
        monkeypatch.setenv("INTERLOCK_PASSWORD", password)
    get_settings.cache_clear()


@pytest.fixture
def cli(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A command-line runner on the test store; ``--as USER`` signs in with the password of
    the accounts ``auth_helpers.make_user`` creates."""
    from auth_helpers import PASSWORD

    _cli_env(store_url, monkeypatch, PASSWORD)
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture
def bare_cli(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A command-line runner on the test store with no credentials in the environment."""
    _cli_env(store_url, monkeypatch, None)
    yield CliRunner()
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    """Commands tune the garbage collector for the process (interlock.runtime.settle_heap);
    the test process gets its defaults back after each test."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
