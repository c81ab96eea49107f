"""A careless operator runs a command before `codesign init`, or with a mistyped `--db`: one
line naming the fix, and no empty database file left behind (issue 10, finding 11)."""

from pathlib import Path

import pytest

from codesign.store.database import sqlite_file
from tests.cli import invoke, run

COMMANDS = [
    ("session", "list"),
    ("export", "--all", "--format", "csv", "--out", "{tmp}/out.csv"),
    ("audit", "verify"),
    ("audit", "anchor"),
    ("erase", "--participant", "1"),
    ("subject-access", "--participant", "1", "--out", "{tmp}/sar.json"),
    ("retention", "run", "--dry-run"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_command_before_init_says_run_init(
    db_url: str, tmp_path: Path, command: tuple[str, ...]
) -> None:
    args = [part.format(tmp=tmp_path) for part in command]
    result = invoke(*args, "--db", db_url)
    assert result.exit_code == 1, result.output
    assert "run `codesign init` first" in result.output
    assert len(result.output.strip().splitlines()) == 1
    home = sqlite_file(db_url)
    if home is not None:
        assert sorted(home.parent.glob(f"{home.name}*")) == []
    assert not list(tmp_path.glob("out.csv*")) and not list(tmp_path.glob("sar.json"))


def test_init_then_the_same_command_works(db_url: str) -> None:
    run("init", "--db", db_url)
    assert "intact" in run("audit", "verify", "--db", db_url)
