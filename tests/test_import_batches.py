"""A big import never holds the write lock for long: rows go in short batches, each its own
transaction, and importing the file again adds nothing (issue 10, finding 11)."""

from pathlib import Path
from typing import Any

from sqlalchemy import event

from codesign import store
from codesign.intake.importers import BATCH_ROWS
from tests.cli import new_session, run_json

ROWS = 2 * BATCH_ROWS + 50


def _import(url: str, code: str, path: Path) -> dict[str, Any]:
    result: dict[str, Any] = run_json("import", "contributions", str(path), "--session", code,
                                      "--db", url)  # fmt: skip
    return result


def test_a_big_import_commits_in_short_batches(store_url: str, tmp_path: Path) -> None:
    code = new_session(store_url)
    path = tmp_path / "notes.csv"
    lines = ["participant,text", *(f"P{n % 7},note number {n}" for n in range(ROWS))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    commits: list[int] = []

    def count(_conn: object) -> None:
        commits.append(1)

    engine = store.engine(store_url)
    event.listen(engine, "commit", count)
    try:
        first = _import(store_url, code, path)
    finally:
        event.remove(engine, "commit", count)
    assert first["added"] == ROWS
    assert len(commits) >= -(-ROWS // BATCH_ROWS)
    again = _import(store_url, code, path)
    assert (again["added"], again["unchanged"]) == (0, ROWS)
