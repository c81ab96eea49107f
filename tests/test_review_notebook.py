"""The review notebook is read-only: running it (as Voilà does) changes nothing in the DB."""

import os
import sqlite3
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from codesign import store
from codesign.demo import workshop as demo

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "session_review.ipynb"


def _dump(url: str) -> list[str]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return list(conn.iterdump())


def test_running_the_review_notebook_writes_nothing(demo_sqlite: str, monkeypatch) -> None:
    demo.ensure(demo_sqlite)  # what the first cell does, so the run itself has nothing to add
    store.dispose(demo_sqlite)
    before = _dump(demo_sqlite)
    monkeypatch.setenv("CODESIGN_DB", demo_sqlite)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute(env=dict(os.environ))
    assert _dump(demo_sqlite) == before
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert sum("image/svg+xml" in o.get("data", {}) for o in outputs) == 3
