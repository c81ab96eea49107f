"""Shared fixtures for the codesign test suite."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from codesign import store
from codesign.cli import core
from codesign.demo import advisory as advisory_demo
from codesign.demo import workshop as demo
from codesign.store import migrations
from tests import pgserver

# --- databases: every storage test runs on SQLite and on PostgreSQL -------------------------


@pytest.fixture(scope="session")
def _stray_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('stray')}/default.sqlite"


@pytest.fixture(autouse=True)
def _tests_keep_off_the_notebooks_database(
    monkeypatch: pytest.MonkeyPatch, _stray_database: str
) -> None:
    """A test that falls back on `CODESIGN_DB` writes to a file of the tests' own: the
    notebooks, checked against their stored outputs later in the same run, read the one
    `make test` names, and must find it as only they left it."""
    monkeypatch.setenv("CODESIGN_DB", _stray_database)


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


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _fresh_database(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """Yield the URL of a new empty database on `request.param`'s backend, then remove it."""
    if request.param == "sqlite":
        url = f"sqlite:///{folder}/codesign.sqlite"
        yield url
        store.dispose(url)
        return
    server: pgserver.PostgresServer = request.getfixturevalue("postgres_server")
    name = f"test_{next(_database_numbers)}"
    server.create_database(name)
    url = server.url(name)
    yield url
    store.dispose(url)
    server.drop_database(name)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLAlchemy URL of a fresh, empty database, once per backend."""
    yield from _fresh_database(request, tmp_path)


@pytest.fixture(scope="module", params=BACKENDS)
def module_demo_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo loaded once per test module and backend: for many read-only checks, and
    for property tests whose examples cannot each pay for a fresh database."""
    for url in _fresh_database(request, tmp_path_factory.mktemp("module")):
        migrations.upgrade(url)
        demo.load(url)
        yield url


# --- codesign databases built on db_url ---------------------------------------------------


@pytest.fixture
def store_url(db_url: str) -> str:
    """A migrated database with the standing groups and toolkit sections, on each backend."""
    migrations.upgrade(db_url)
    store.write(core.seed, db_url)
    return db_url


@pytest.fixture
def demo_url(store_url: str) -> str:
    """The synthetic demo workshop loaded, on each backend."""
    demo.load(store_url)
    return store_url


@pytest.fixture
def advisory_url(demo_url: str) -> str:
    """The demo with its Advisory Group history (redrafts and decisions), on each backend."""
    advisory_demo.load(demo_url)
    return demo_url


@pytest.fixture(scope="session")
def demo_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo loaded once into an SQLite file that tests copy instead of reloading."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    url = f"sqlite:///{path}"
    migrations.upgrade(url)
    demo.load(url)
    store.dispose(url)
    return path


@pytest.fixture
def demo_sqlite(demo_sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """A private copy of the demo database (SQLite only): fast, for read-heavy tests."""
    target = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_sqlite_template, target)
    url = f"sqlite:///{target}"
    yield url
    store.dispose(url)
