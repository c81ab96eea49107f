"""Connections to the database, and the one write path.

Voilà runs one kernel process per participant, so writers are separate processes. On
SQLite that means WAL, a busy timeout, `synchronous=FULL` (an acknowledged row survives a
power cut) and short `BEGIN IMMEDIATE` write transactions retried when the file is busy;
readers use plain deferred transactions and never block writers. PostgreSQL needs none of
this: the same code runs there by changing the URL.
"""

import fnmatch
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from codesign.config import database_url
from codesign.errors import Invalid, NotInitialised

BUSY_TIMEOUT_MS = 30_000
WRITE_RETRIES = 8
T = TypeVar("T")


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


SIDE_FILES = ("-wal", "-shm", "-journal")
BACKUP_PATTERN = "{name}.*.bak"


def sqlite_file(url: str | None = None) -> Path | None:
    """The file an SQLite URL names (None for PostgreSQL or an in-memory database)."""
    resolved = make_url(database_url(url))
    name = resolved.database
    if resolved.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name)


def backup_files(url: str | None = None) -> list[Path]:
    """Copies `codesign init` made before migrations, beside the database file."""
    source = sqlite_file(url)
    if source is None:
        return []
    return sorted(source.parent.glob(BACKUP_PATTERN.format(name=source.name)))


def refuse_database_files(out: Path, url: str | None = None) -> None:
    """Refuse to write a file onto the database, its -wal/-shm/-journal or its backups.

    An export or report written there would destroy the data (or, as a -wal file, be
    replayed into it); no `--force` makes that right, so this is checked in every writer.
    """
    source = sqlite_file(url)
    if source is None:
        return
    target, home = out.resolve(), source.resolve()
    protected = {home, *(home.with_name(home.name + side) for side in SIDE_FILES)}
    backup = target.parent == home.parent and fnmatch.fnmatch(
        target.name, BACKUP_PATTERN.format(name=home.name)
    )
    same = out.exists() and any(p.exists() and out.samefile(p) for p in protected)
    if target in protected or backup or same:
        raise Invalid(f"{out} is the database or one of its files; write somewhere else.")


def _refuse_missing_file(url: str) -> Callable[..., None]:
    """A connect hook: SQLite would create a missing file, empty, and the command would then
    fail on a missing table; naming the fix is kinder, and leaves nothing behind."""
    home = sqlite_file(url)

    def check(*_args: Any) -> None:
        if home is not None and not home.exists():
            raise NotInitialised(f"No database at {home}; run `codesign init` first.")

    return check


def create_sqlite_file(url: str) -> None:
    """Create the (empty) SQLite file a URL names, with its folder: `codesign init`'s job."""
    home = sqlite_file(url)
    if home is not None and not home.exists():
        home.parent.mkdir(parents=True, exist_ok=True)
        sqlite3.connect(home).close()


def _create(resolved: str) -> Engine:
    if resolved.startswith("sqlite"):
        eng = create_engine(resolved, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(eng, "do_connect", _refuse_missing_file(resolved))
        event.listen(eng, "connect", _sqlite_pragmas)
        event.listen(eng, "begin", _sqlite_begin)
        return eng
    return create_engine(resolved, pool_pre_ping=True)


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


class Store:
    """One database, as every layer above this one sees it: open it once, pass it down.

    Like sqlite-utils' `Database` or datasette's `Datasette`, the handle owns the engine,
    so a URL is resolved once (in the CLI, a notebook's first cell or a form's start-up)
    instead of in every function. `write` is the one write path; `reading` is one read
    transaction, so an operation that reads several tables sees one consistent state.
    """

    _open: ClassVar[dict[str, "Store"]] = {}

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _create(url)

    @classmethod
    def open(cls, url: str | None = None) -> "Store":
        """The handle for `url` (default: `CODESIGN_DB`, then the embedded SQLite file).

        One per URL per process, so every kernel shares one connection pool.
        """
        resolved = database_url(url)
        if resolved not in cls._open:
            cls._open[resolved] = cls(resolved)
        return cls._open[resolved]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        """Close every connection and forget the handle (tests, and `erase` to free the file)."""
        self._open.pop(self.url, None)
        self.engine.dispose()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """A short write transaction, committed on exit.

        `write` may run the body more than once, so it must only touch the database (no
        side effects outside it); every caller in codesign follows that rule.
        """
        eng = self.engine
        bind = eng.execution_options(sqlite_begin="IMMEDIATE") if self.is_sqlite else eng
        session = sessionmaker(bind=bind, expire_on_commit=False)()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run `fn(session)` in a write transaction, retrying while SQLite reports busy."""
        delay = 0.05
        for attempt in range(WRITE_RETRIES):
            try:
                with self._transaction() as session:
                    return fn(session)
            except OperationalError as exc:
                if not _is_busy(exc) or attempt == WRITE_RETRIES - 1:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
        raise AssertionError("unreachable")

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One read transaction: every statement inside sees the same state of the database.

        SQLite keeps one WAL snapshot from the first read to the end of the transaction;
        PostgreSQL is asked for REPEATABLE READ, READ ONLY. Nothing is committed, and
        closing (not rolling back) keeps loaded rows readable after the block ends.
        """
        bind = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(
                isolation_level="REPEATABLE READ", postgresql_readonly=True
            )
        )
        session = Session(bind=bind, expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()


# Transitional: the module functions below take a URL and open the handle for it. They go
# once every caller holds a `Store` (issue 15's move from URL strings to one handle).


def engine(url: str | None = None) -> Engine:
    return Store.open(url).engine


def dispose(url: str | None = None) -> None:
    resolved = database_url(url)
    if resolved in Store._open:
        Store._open[resolved].dispose()


def is_sqlite(eng: Engine) -> bool:
    return eng.dialect.name == "sqlite"


def write(fn: Callable[[Session], T], url: str | None = None) -> T:
    return Store.open(url).write(fn)


@contextmanager
def reading(url: str | None = None) -> Iterator[Session]:
    with Store.open(url).reading() as session:
        yield session
