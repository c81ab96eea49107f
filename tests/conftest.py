"""Shared fixtures for the codesign test suite."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from tests import pgserver

# --- databases: every storage test runs on SQLite and on PostgreSQL -------------------------

_database_numbers = itertools.count()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pgserver.PostgresServer]:
    """One throwaway PostgreSQL server for the whole session, started on first use.

    CI must exercise PostgreSQL, so there a server that cannot start fails the test;
    on a developer's machine without one the PostgreSQL leg is skipped instead.
    """
    problem = ""
    try:
        server = pgserver.start()
    except pgserver.PostgresUnavailable as error:
        problem = f"PostgreSQL test server could not start: {error}"
    if problem:  # reported outside the except block so the report is the message alone
        _fail_in_ci_else_skip(problem)
    yield server
    server.stop()


def _fail_in_ci_else_skip(message: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: pgserver.PostgresServer) -> str:
    """SQLAlchemy URL of the session's `codesign_test` database."""
    return postgres_server.url()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database, once per backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/codesign.sqlite"
        return
    server: pgserver.PostgresServer = request.getfixturevalue("postgres_server")
    name = f"test_{next(_database_numbers)}"
    server.create_database(name)
    yield server.url(name)
    server.drop_database(name)
