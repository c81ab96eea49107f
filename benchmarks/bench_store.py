"""Submissions per second with 1 and 20 concurrent writer processes, on SQLite and PostgreSQL.

Each writer submits through `contributions.submit` — the same path as the participant
form — so the figures include validation, safeguarding screening and the event log.
A baseline of bare `INSERT … COMMIT` through sqlite3 in one process is printed beside
them, so a figure means something on a noisy machine.

Run: .venv/bin/python benchmarks/bench_store.py
"""

import multiprocessing
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from codesign.access import ADMIN

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docs_figures

from codesign import store
from codesign.store import migrations
from codesign.workshop import sessions
from tests import pgserver, writers

PER_WRITER = 50


def bare_sqlite_baseline(folder: Path, count: int = 1000) -> float:
    conn = sqlite3.connect(folder / "bare.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)")
    start = time.perf_counter()
    for n in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (text) VALUES (?)", (f"note {n}",))
        conn.execute("COMMIT")
    conn.close()
    return count / (time.perf_counter() - start)


def submissions_per_second(url: str, writer_count: int) -> float:
    migrations.upgrade(url)
    s = sessions.create("black-communities", f"bench {writer_count}", url=url, actor=ADMIN)
    store.dispose(url)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(writer_count) as pool:
        pool.apply(writers.write_many, (url, s.id, 999, 1))  # warm one worker's imports
        jobs = [(url, s.id, w, PER_WRITER) for w in range(writer_count)]
        start = time.perf_counter()
        errors = pool.starmap(writers.write_many, jobs)
        elapsed = time.perf_counter() - start
    if any(errors):
        raise SystemExit(f"errors reached a writer: {errors}")
    return writer_count * PER_WRITER / elapsed


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="codesign-bench-"))
    baseline = bare_sqlite_baseline(folder)
    print(f"baseline: bare sqlite3 INSERT+COMMIT, 1 process: {baseline:8.0f}/s")
    rows: list[docs_figures.Row] = [
        {"what": "baseline: bare sqlite3 INSERT + COMMIT", "processes": 1, "per second": baseline}
    ]
    targets = [("sqlite", lambda n: f"sqlite:///{folder}/bench-{n}.sqlite")]
    server = None
    try:
        server = pgserver.start()
        targets.append(("postgresql", lambda n: _pg_url(server, n)))
    except pgserver.PostgresUnavailable as exc:
        print(f"postgresql: not measured ({exc})")
    try:
        for name, make_url in targets:
            for count in (1, 20):
                rate = submissions_per_second(make_url(count), count)
                print(f"{name:<10} {count:>2} writer(s) x {PER_WRITER}: {rate:8.0f} submissions/s")
                rows.append({"what": f"{name}: submit", "processes": count, "per second": rate})
    finally:
        if server is not None:
            server.stop()
    docs_figures.record("store", rows)


def _pg_url(server: pgserver.PostgresServer, n: int) -> str:
    server.create_database(f"bench_{n}")
    return server.url(f"bench_{n}")


if __name__ == "__main__":
    main()
