"""The baseline: a bare one-widget Voilà notebook that writes to SQLite.

A Text, a Button and a Label; the click INSERTs a row, commits, and says what it saved.
It is what any Voilà form costs, so the participant form's figures are read against it
(the notebook measured in /work/shared/voila-stack.md §3). Generated at run time only.
"""

import sqlite3
from pathlib import Path

import nbformat

SETUP = """\
import os, sqlite3
db = sqlite3.connect(os.environ["CODESIGN_DB"].removeprefix("sqlite:///"), timeout=10,
                     isolation_level=None, check_same_thread=False)"""

FORM = """\
import ipywidgets as widgets
text = widgets.Text(description="Your idea", placeholder="Your idea")
button = widgets.Button(description="Submit")
status = widgets.Label()

def save(_):
    db.execute("INSERT INTO sub (text) VALUES (?)", (text.value,))
    status.value = f"Saved: {text.value}"

button.on_click(save)
widgets.VBox([text, button, status])"""


def create(folder: Path) -> tuple[Path, str]:
    """Write the notebook and its database into `folder`; returns (notebook, database URL)."""
    path = folder / "bare.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE sub (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(FORM)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}},
    )  # fmt: skip
    nb_path = folder / "bare.ipynb"
    nbformat.write(notebook, nb_path)
    return nb_path, f"sqlite:///{path}"
