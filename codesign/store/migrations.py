"""Recorded, re-runnable schema migrations, with a backup first.

Each migration runs once and is recorded in `schema_migrations`; `codesign init` on an
up-to-date database is a no-op. Before an SQLite file with data is migrated it is copied
with SQLite's online backup API. On PostgreSQL the operator's `pg_dump` is the backup
(see docs/operations.md).
"""

import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, Connection, Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateColumn, CreateIndex

from codesign import store
from codesign.store.database import create_sqlite_file
from codesign.store.events import GENESIS
from codesign.store.models import Base

SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
]
POSTGRES_APPEND_ONLY = [
    """CREATE OR REPLACE FUNCTION codesign_events_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'events are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
       FOR EACH ROW EXECUTE FUNCTION codesign_events_append_only()""",
]


def _initial_schema(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    statements = SQLITE_APPEND_ONLY if conn.dialect.name == "sqlite" else POSTGRES_APPEND_ONLY
    for statement in statements:
        conn.exec_driver_sql(statement)
    conn.execute(
        text("INSERT INTO chain_head (id, last_hash) VALUES (1, :genesis)"), {"genesis": GENESIS}
    )


def _theme_tables(conn: Connection) -> None:
    tables = [Base.metadata.tables[name] for name in ("themes", "theme_quotes")]
    Base.metadata.create_all(conn, tables=tables)


RESUME_INDEX = "ix_participants_resume_hash"


def _add_column(conn: Connection, column: Column[object]) -> bool:
    """Add a model's column to its table unless it is there (a fresh database has it from
    migration 1, which builds today's tables); True when it was added."""
    table = column.table.name
    if column.name in {c["name"] for c in inspect(conn).get_columns(table)}:
        return False
    conn.exec_driver_sql(
        f"ALTER TABLE {table} ADD COLUMN {CreateColumn(column).compile(dialect=conn.dialect)}"
    )
    return True


def _workshop_day(conn: Connection) -> None:
    """Vote method per phase, the facilitator's ballot, and the participant's resume token.

    Existing rows keep their meaning: a vote phase asks what its prompt said (agree /
    disagree / pass when the prompt mentions agreeing, else dots), and proposals stay
    on the ballot as they always were.
    """
    tables = Base.metadata.tables
    if _add_column(conn, tables["phases"].c.vote):
        conn.execute(
            text(
                "UPDATE phases SET vote = CASE WHEN lower(prompt) LIKE '%agree%' "
                "THEN 'agree' ELSE 'dots' END WHERE kind = 'vote'"
            )
        )
    if _add_column(conn, tables["contributions"].c.on_ballot):
        conn.execute(
            text("UPDATE contributions SET on_ballot = :yes WHERE kind = 'proposal'"), {"yes": True}
        )
    if _add_column(conn, tables["participants"].c.resume_hash):
        (index,) = (i for i in tables["participants"].indexes if i.name == RESUME_INDEX)
        conn.execute(CreateIndex(index))


def _import_source(conn: Connection) -> None:
    """participants.import_source, unique with ref: imported people keyed by source and session.

    A database created by migration 1 from today's models has both already.
    """
    if "import_source" not in {c["name"] for c in inspect(conn).get_columns("participants")}:
        conn.exec_driver_sql("ALTER TABLE participants ADD COLUMN import_source VARCHAR(80)")
    conn.exec_driver_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS uq_participants_import"
        " ON participants (import_source, ref)"
    )


def _embedding_cache(conn: Connection) -> None:
    Base.metadata.create_all(conn, tables=[Base.metadata.tables["contribution_embeddings"]])


def _rating_rounds(conn: Connection) -> None:
    Base.metadata.create_all(conn, tables=[Base.metadata.tables["rating_rounds"]])


def _numbered_tables() -> list[str]:
    return [
        t.name for t in Base.metadata.sorted_tables if t.dialect_options["sqlite"]["autoincrement"]
    ]


def _with_autoincrement(create_sql: str, name: str) -> str:
    """The stored CREATE TABLE of `name`, as `_new_<name>` with `id … AUTOINCREMENT`."""
    renamed = re.sub(rf'^CREATE TABLE "?{name}"? ', f"CREATE TABLE _new_{name} ", create_sql)
    without_clause = re.sub(r",\s*PRIMARY KEY \(id\)", "", renamed)
    return re.sub(
        r"\bid INTEGER NOT NULL,",
        "id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,",
        without_clause,
        count=1,
    )


def _rebuild_with_autoincrement(conn: Connection, name: str) -> None:
    """SQLite's documented table rebuild: new table, copy, drop, rename, indexes, triggers."""
    schema = conn.exec_driver_sql(
        "SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL", (name,)
    ).all()
    create = next(sql for kind, sql in schema if kind == "table")
    if "AUTOINCREMENT" in create:
        return
    conn.exec_driver_sql(_with_autoincrement(create, name))
    conn.exec_driver_sql(f"INSERT INTO _new_{name} SELECT * FROM {name}")
    conn.exec_driver_sql(f"DROP TABLE {name}")
    conn.exec_driver_sql(f"ALTER TABLE _new_{name} RENAME TO {name}")
    for kind, sql in schema:
        if kind in ("index", "trigger"):
            conn.exec_driver_sql(sql)


def _raise_sequence(conn: Connection, name: str, floor: int) -> None:
    """Make SQLite's next id for `name` higher than `floor` and than any id it holds."""
    high = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {name}").scalar_one()
    seq = max(int(high), floor)
    updated = conn.exec_driver_sql(
        "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", (seq, name)
    )
    if updated.rowcount == 0:
        conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))


def _ids_never_reused(conn: Connection) -> None:
    """Rebuild SQLite tables with AUTOINCREMENT, starting past every id the audit trail names.

    Rows erased before this migration left their ids only in `events`; starting each
    table's sequence above the highest id any event names means none of them comes back.
    PostgreSQL's sequences never reuse a number, so there is nothing to do there.
    """
    if conn.dialect.name != "sqlite":
        return
    floor = conn.exec_driver_sql(
        "SELECT MAX(COALESCE(MAX(target_id), 0), COALESCE(MAX(group_id), 0), "
        "COALESCE(MAX(session_id), 0), COALESCE(MAX(id), 0)) FROM events"
    ).scalar_one()
    for name in _numbered_tables():
        _rebuild_with_autoincrement(conn, name)
        _raise_sequence(conn, name, int(floor))


MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "initial schema, append-only events, hash-chain head", _initial_schema),
    (2, "theme tables and their chosen quotes", _theme_tables),
    (3, "vote method per phase, ballot choice, resume token", _workshop_day),
    (4, "imported participants keyed by import source and session", _import_source),
    (5, "sentence vectors cached per contribution", _embedding_cache),
    (
        6,
        "ids are never reused (SQLite AUTOINCREMENT past every id the audit trail names)",
        _ids_never_reused,
    ),
    (7, "Delphi rating rounds opened on chosen sections and criteria", _rating_rounds),
]


def _applied(conn: Connection) -> set[int]:
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return {row[0] for row in conn.exec_driver_sql("SELECT version FROM schema_migrations")}


def _backup_sqlite(url: str) -> Path | None:
    """Copy an SQLite file that already holds tables before touching its schema."""
    database = make_url(url).database
    if not database or database == ":memory:" or not Path(database).exists():
        return None
    source = Path(database)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = source.with_name(f"{source.name}.{stamp}.bak")
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def pending(url: str | None = None) -> list[int]:
    eng = store.engine(url)
    with eng.begin() as conn:
        done = _applied(conn)
    return [version for version, _, _ in MIGRATIONS if version not in done]


def upgrade(url: str | None = None) -> list[int]:
    """Apply every pending migration in order; return the versions applied (empty: no-op)."""
    eng = store.engine(url)
    if eng.dialect.name == "sqlite":
        create_sqlite_file(str(eng.url))
    todo = pending(url)
    if not todo:
        return []
    if eng.dialect.name == "sqlite" and inspect(eng).has_table("groups"):
        _backup_sqlite(str(eng.url))
    names = {version: (name, step) for version, name, step in MIGRATIONS}
    for version in todo:
        name, step = names[version]
        with _schema_change(eng) as conn:
            step(conn)
            conn.execute(
                text("INSERT INTO schema_migrations VALUES (:v, :n, :t)"),
                {"v": version, "n": name, "t": datetime.now(UTC).isoformat()},
            )
    return todo


def _sqlite_foreign_keys(conn: Connection, on: bool) -> None:
    """Set SQLite's foreign-key switch on the raw connection: it is ignored inside a transaction."""
    raw = conn.connection.driver_connection
    assert raw is not None, "an open connection has a driver connection"
    raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


@contextmanager
def _schema_change(eng: Engine) -> Iterator[Connection]:
    """One migration's transaction; on SQLite with foreign keys off and checked before commit.

    Rebuilding a table means dropping the old one, and with foreign keys on SQLite would
    first delete its rows and cascade that to every table pointing at it.
    """
    with eng.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(conn, on=False)
        try:
            with conn.begin():
                yield conn
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration left rows pointing at missing rows")
        finally:
            if sqlite:
                _sqlite_foreign_keys(conn, on=True)
