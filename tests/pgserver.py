"""A throwaway PostgreSQL server for one test session.

The suite runs every database test on SQLite and on PostgreSQL, and CI machines
have no server running, so the tests start their own: a fresh cluster in a
temporary directory, listening only on 127.0.0.1 and a private socket, with
trust auth and fsync off because its data is thrown away. `initdb` refuses to
run as root, so as root the server runs as the unprivileged system user that
`scripts/setup` creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SYSTEM_USER = "codesign-pg"
SUPERUSER = "codesign"
TEST_DATABASE = "codesign_test"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}


class PostgresUnavailable(RuntimeError):
    """The server could not be started here; the message says why."""


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway server; `stop()` ends it and deletes its files."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = TEST_DATABASE) -> str:
        """SQLAlchemy URL of one database on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> None:
        """Create an empty database from template0, so nothing leaks in from template1."""
        self._admin(sql.SQL("CREATE DATABASE {} TEMPLATE template0"), name)

    def drop_database(self, name: str) -> None:
        """Drop a database even if a test left connections open to it."""
        self._admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)"), name)

    def stop(self) -> None:
        """Stop the server at once (its data is disposable) and delete the cluster."""
        try:
            if (self.datadir / "postmaster.pid").exists():
                _run(self, "pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _admin(self, statement: sql.SQL, database: str) -> None:
        conninfo = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(statement.format(sql.Identifier(database)))


def start() -> PostgresServer:
    """Initialise and start a server with an empty `codesign_test` database."""
    run_as = _system_user()
    server = PostgresServer(find_bindir(), _make_root(run_as), _free_port(), run_as)
    try:
        _initdb(server)
        _start(server)
        server.create_database(TEST_DATABASE)
    except BaseException:
        server.stop()
        raise
    return server


def find_bindir() -> Path:
    """The newest installed server's bin directory (Debian keeps them off PATH)."""
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if candidates:
        return candidates[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    raise PostgresUnavailable("no PostgreSQL server binaries found; run `make setup`")


def _system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root but system user {SYSTEM_USER!r} is missing; run `make setup`"
        ) from None
    return SYSTEM_USER


def _make_root(owner: str | None) -> Path:
    root = Path(tempfile.mkdtemp(prefix="codesign-pg-"))
    (root / "socket").mkdir()
    if owner:
        for path in (root, root / "socket"):
            shutil.chown(path, owner, owner)
    return root


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _initdb(server: PostgresServer) -> None:
    _run(
        server,
        "initdb",
        f"--pgdata={server.datadir}",
        f"--username={SUPERUSER}",
        "--auth=trust",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
    )
    settings = {
        **SETTINGS,
        "port": str(server.port),
        "unix_socket_directories": f"'{server.root / 'socket'}'",
    }
    lines = "".join(f"{key} = {value}\n" for key, value in settings.items())
    with (server.datadir / "postgresql.conf").open("a") as conf:
        conf.write(lines)


def _start(server: PostgresServer) -> None:
    _run(server, "pg_ctl", "-D", str(server.datadir), "-l", str(server.log), "-w", "start")


def _run(server: PostgresServer, program: str, *args: str) -> None:
    """Run a server binary, as the system user when we are root."""
    command = [str(server.bindir / program), *args]
    if server.run_as:
        command = ["runuser", "-u", server.run_as, "--", *command]
    result = subprocess.run(command, cwd=server.root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = server.log.read_text(errors="replace")[-2000:] if server.log.exists() else ""
        raise PostgresUnavailable(
            f"{program} failed with exit code {result.returncode}:\n"
            f"{result.stdout}{result.stderr}{tail}"
        )
