"""Running the `codesign` command in-process, as the attack tests' public surface."""

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from codesign.cli import main


def invoke(*args: str) -> Result:
    """Run `codesign ARGS` and return the result, whatever its exit code."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run(*args: str) -> str:
    """Run `codesign ARGS`, insist it succeeded, and return what it printed."""
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result.output


def run_json(*args: str) -> Any:
    return json.loads(run(*args, "--json"))


def new_session(url: str, group: str = "black-communities", title: str = "Attack") -> str:
    """Create a session through the CLI and return its join code."""
    made = run_json("session", "new", "--group", group, "--title", title, "--db", url)
    return str(made["code"])


def import_notes(url: str, code: str, folder: Path, rows: list[tuple[str, str]]) -> None:
    """Import (participant, text) notes into a session from a CSV file, as a facilitator would."""
    path = folder / f"notes-{len(list(folder.glob('notes-*.csv')))}.csv"
    lines = ["participant,text", *(f"{who},{what}" for who, what in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("import", "contributions", str(path), "--session", code, "--db", url)
