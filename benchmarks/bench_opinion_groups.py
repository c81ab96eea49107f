"""Pol.is conversations in codesign: opinion groups against Pol.is's own, and import and
analysis times, on the two shared conversations.

Run: .venv/bin/python benchmarks/bench_opinion_groups.py

1. **Groups.** ARI between `codesign.methods.opinion_groups` and the `group-id` Pol.is
   gave each voter in participants-votes.csv, over the voters Pol.is grouped, beside the
   plain baseline the issue measured (PCA(2) of the mean-imputed matrix + k-means with
   k = 2), and the k codesign chose with its reason.
2. **Speed.** Each conversation imported with `codesign import polis`'s function into a
   fresh SQLite database (parsing, checks, safeguarding, language detection, one audit
   event), beside a bare sqlite3 `executemany` of the same rows (people, statements,
   votes) in one transaction, in the same process; then `codesign opinion-groups` and
   `codesign results` on it. Goals: import ≤ 10 s for 30k votes, each command ≤ 3 s.
3. **What a facilitator reads.** The consensus, divisive and representative statements
   of the first conversation, as `results` finds them. Printed only: the statements are
   the conversation's own words and are never copied into the project.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import docs_figures
from click.testing import CliRunner

from codesign import cli, store
from codesign.access import ADMIN
from codesign.analysis import results
from codesign.cli import core
from codesign.intake import polis, polis_import
from codesign.methods.opinion_groups import opinion_map
from codesign.store import migrations
from codesign.workshop import sessions
from tests import polis_shared

SHOWN = 60
LISTED = 5
IMPORT_GOAL = 10.0  # seconds, for 30k votes
COMMAND_GOAL = 3.0
T = TypeVar("T")


@dataclass(frozen=True)
class Took:
    """Wall-clock seconds, and the CPU seconds of this process: on 2 cores shared with
    other work the first can be several times the second, which is the work itself."""

    wall: float
    cpu: float


def timed(work: Callable[[], T]) -> tuple[T, Took]:
    wall, cpu = time.perf_counter(), time.process_time()
    done = work()
    return done, Took(time.perf_counter() - wall, time.process_time() - cpu)


def groups_row(c: polis_shared.Conversation) -> docs_figures.Row:
    """ARI of codesign and of the baseline against Pol.is, and the k codesign chose."""
    found, took = timed(lambda: opinion_map(c.votes, c.moderated_out))
    ours = polis_shared.ari(c.truth, polis_shared.labels_of(found.groups))
    plain = polis_shared.ari(c.truth, polis_shared.baseline(c.votes, c.moderated_out))
    reason = found.choice.reason if found.choice else "one group"
    print(f"\n{c.name}: k = {len(found.groups)} (Pol.is: {len(set(c.truth.values()))}). {reason}")
    return {
        "conversation": c.name,
        "grouped voters": len(c.truth),
        "Pol.is k": len(set(c.truth.values())),
        "codesign k": len(found.groups),
        "codesign ARI": ours,
        "baseline ARI": plain,
        "seconds": took.wall,
    }


def bare_insert(folder: Path, export: polis.PolisExport) -> Took:
    """The same people, statements and votes, inserted by sqlite3 alone in one transaction."""
    conn = sqlite3.connect(folder / "bare.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, ref TEXT UNIQUE)")
    conn.execute(
        "CREATE TABLE statements (id INTEGER PRIMARY KEY, ref TEXT, author TEXT, body TEXT)"
    )
    conn.execute(
        "CREATE TABLE votes (id INTEGER PRIMARY KEY, person TEXT, statement TEXT, value INT,"
        " created_at TEXT)"
    )
    people = {str(c.author_ref) for c in export.comments} | {str(v.voter_ref) for v in export.votes}

    def insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO people (ref) VALUES (?)", [(p,) for p in sorted(people)])
        conn.executemany(
            "INSERT INTO statements (ref, author, body) VALUES (?, ?, ?)",
            [(str(c.ref), str(c.author_ref), c.text) for c in export.comments],
        )
        conn.executemany(
            "INSERT INTO votes (person, statement, value, created_at) VALUES (?, ?, ?, ?)",
            [(str(v.voter_ref), str(v.comment_ref), v.value, v.created_at.isoformat())
             for v in export.votes],
        )  # fmt: skip
        conn.execute("COMMIT")

    _, took = timed(insert)
    conn.close()
    return took


def command(*args: str) -> Took:
    """The time one CLI command takes, run in this process as a facilitator would type it."""
    outcome, took = timed(lambda: CliRunner().invoke(cli.main, list(args)))
    if outcome.exit_code != 0:
        raise SystemExit(f"codesign {' '.join(args)} failed: {outcome.output}")
    return took


def speed_rows(
    c: polis_shared.Conversation, folder: Path
) -> tuple[list[docs_figures.Row], str, str]:
    """Import beside the bare insert, then the two commands; the session's code and URL."""
    url = f"sqlite:///{folder}/codesign.sqlite"
    migrations.upgrade(url)
    store.write(core.seed, url)
    code = sessions.create("south-asian-communities", c.name, url=url, actor=ADMIN).code
    report, imported = timed(
        lambda: polis_import.import_polis(c.folder, code, actor=ADMIN, url=url)
    )
    steps = [
        ("codesign import polis", imported, IMPORT_GOAL),
        ("bare sqlite3 executemany", bare_insert(folder, polis.read_export(c.folder)), None),
        *(
            (
                f"codesign {name}",
                command(name, "--session", code, "--json", "--db", url),
                COMMAND_GOAL,
            )
            for name in ("opinion-groups", "results")
        ),
    ]
    rows: list[docs_figures.Row] = [
        {"conversation": c.name, "votes": report.votes_added, "step": step,
         "wall s": took.wall, "CPU s": took.cpu, "goal s": goal}
        for step, took, goal in steps
    ]  # fmt: skip
    print(f"\n{c.name}: {report.summary} {report.held} held for review.")
    return rows, code, url


def show_statements(name: str, code: str, url: str) -> None:
    """The consensus, divisive and representative statements a facilitator reads."""
    found = results.results(sessions.by_code(code, url).id, url, actor=ADMIN)
    o = found.opinions
    print(f"\n{name}, judged across the {found.judged_by} ({o.k_reason.split(':')[0]}):")
    for title, keys in (("consensus", o.consensus), ("divisive", o.divisive)):
        print(f"  {title} ({len(keys)}):")
        for key in keys[:LISTED]:
            print(f"    {found.proposal(key).text[:SHOWN]}")
    for group in o.groups:
        print(f"  representative of {group.name} ({len(group.participants)} people):")
        for r in group.representative[:LISTED]:
            share = f"{r.repful_for} {r.n_success}/{r.n_trials}"
            print(f"    {share:<16} {found.proposal(r.statement).text[:SHOWN]}")


def print_table(rows: list[docs_figures.Row]) -> None:
    """Text left-aligned, numbers right-aligned, each column as wide as its widest cell."""
    cells = [list(rows[0]), *([_cell(v) for v in row.values()] for row in rows)]
    widths = [max(len(line[n]) for line in cells) for n in range(len(cells[0]))]
    left = [isinstance(v, str) for v in rows[0].values()]
    for line in cells:
        laid = zip(line, widths, left, strict=True)
        print("  ".join(c.ljust(w) if text else c.rjust(w) for c, w, text in laid))


def _cell(value: object) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    present = [n for n in polis_shared.CONVERSATIONS if (polis_shared.POLIS / n).is_dir()]
    if len(present) < len(polis_shared.CONVERSATIONS):
        print(f"skipped: the shared conversations are absent from {polis_shared.POLIS}")
        return
    conversations = [polis_shared.conversation(n) for n in present]
    groups = [groups_row(c) for c in conversations]
    speed: list[docs_figures.Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in conversations:
            folder = Path(tmp) / c.name
            folder.mkdir()
            rows, code, url = speed_rows(c, folder)
            speed += rows
            if c is conversations[0]:
                show_statements(c.name, code, url)
            store.dispose(url)
    print("\nOpinion groups against Pol.is's own (ARI over the voters Pol.is grouped):")
    print_table(groups)
    print("\nImport and analysis of each conversation, in a fresh SQLite database:")
    print_table(speed)
    docs_figures.record("opinion_groups", groups)
    docs_figures.record("polis_import", speed)


if __name__ == "__main__":
    main()
