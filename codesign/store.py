"""Connections to the database, and the one write path.

Voilà runs one kernel process per participant, so writers are separate processes. On
SQLite that means WAL, a busy timeout, `synchronous=FULL` (an acknowledged row survives a
power cut) and short `BEGIN IMMEDIATE` write transactions retried when the file is busy;
readers use plain deferred transactions and never block writers. PostgreSQL needs none of
this: the same code runs there by changing the URL.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from codesign.config import database_url

BUSY_TIMEOUT_MS = 30_000
WRITE_RETRIES = 8


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" hook below issues BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA secure_delete = ON")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


_engines: dict[str, Engine] = {}


def _create(resolved: str) -> Engine:
    if resolved.startswith("sqlite"):
        eng = create_engine(resolved, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(eng, "connect", _sqlite_pragmas)
        event.listen(eng, "begin", _sqlite_begin)
        return eng
    return create_engine(resolved, pool_pre_ping=True)


def engine(url: str | None = None) -> Engine:
    """One engine per URL per process, configured for its dialect."""
    resolved = database_url(url)
    if resolved not in _engines:
        _engines[resolved] = _create(resolved)
    return _engines[resolved]


def dispose(url: str | None = None) -> None:
    """Close an engine's connections (tests and `erase` use it to release the file)."""
    found = _engines.pop(database_url(url), None)
    if found is not None:
        found.dispose()


def is_sqlite(eng: Engine) -> bool:
    return eng.dialect.name == "sqlite"


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


@contextmanager
def _transaction(url: str | None = None) -> Iterator[Session]:
    """A short write transaction, committed on exit; retried from the start when SQLite is busy.

    The body may run more than once, so it must only touch the database (no side effects
    outside it) — every caller in codesign follows that rule.
    """
    eng = engine(url)
    bind = eng.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(eng) else eng
    factory = sessionmaker(bind=bind, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def write(fn: Any, url: str | None = None) -> Any:
    """Run `fn(session)` in a write transaction, retrying while SQLite reports busy."""
    delay = 0.05
    for attempt in range(WRITE_RETRIES):
        try:
            with _transaction(url) as session:
                return fn(session)
        except OperationalError as exc:
            if not _is_busy(exc) or attempt == WRITE_RETRIES - 1:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")


@contextmanager
def reading(url: str | None = None) -> Iterator[Session]:
    """A read-only view of the database; nothing done inside it is committed.

    Closing (not rolling back) keeps loaded rows readable after the block ends.
    """
    session = Session(bind=engine(url), expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
