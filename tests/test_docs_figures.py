"""The docs' measured figures are generated from benchmarks/figures/*.json, never pasted.

A doc whose figures differ from what `make figures` would write, a doc naming figures that
were never recorded, and a recorded figures file no doc quotes all fail here. Each way of
failing is shown on a copy of the docs, so the check is known to bite.
"""

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import docs_figures

ROOT = docs_figures.ROOT
STARTUP = "<!-- figure: startup | 50 | pool warm (s) -->"


def copy_of_docs(root: Path) -> Path:
    """README, ARCHITECTURE, docs/ and the figures files as they are, under `root`."""
    for name in ("README.md", "ARCHITECTURE.md"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("images"))
    shutil.copytree(ROOT / docs_figures.FOLDER, root / docs_figures.FOLDER)
    return root


def change_figure(root: Path, name: str, row: str, column: str, value: float) -> None:
    """Set one recorded figure, the row named by its first column as the docs name it."""
    path = root / docs_figures.FOLDER / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    named = next(r for r in data["rows"] if docs_figures.cell(next(iter(r.values()))) == row)
    named[column] = value
    path.write_text(json.dumps(data), encoding="utf-8")


def test_every_docs_figure_is_current_and_every_figures_file_is_quoted() -> None:
    assert docs_figures.problems(ROOT) == []


def test_the_script_behind_make_figures_finds_nothing_to_do() -> None:
    check = [sys.executable, str(ROOT / "scripts" / "docs-figures"), "--check"]
    result = subprocess.run(check, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_changed_number_makes_its_doc_stale_until_figures_are_written(tmp_path: Path) -> None:
    root = copy_of_docs(tmp_path)
    change_figure(root, "exports", "csv", "seconds", 12345.0)
    assert docs_figures.problems(root) == ["docs/review.md: figures are stale (run `make figures`)"]
    assert docs_figures.write(root) == [root / "docs" / "review.md"]
    assert "| 12,345 |" in (root / "docs" / "review.md").read_text(encoding="utf-8")
    assert docs_figures.problems(root) == []


def test_every_doc_that_says_how_early_to_start_quotes_the_one_start_up_figure(
    tmp_path: Path,
) -> None:
    advising = ["README.md", "docs/facilitators.md", "docs/serving.md"]
    assert all(STARTUP in (ROOT / doc).read_text(encoding="utf-8") for doc in advising)
    root = copy_of_docs(tmp_path)
    change_figure(root, "startup", "50", "pool warm (s)", 999.0)
    stale = [f"{doc}: figures are stale (run `make figures`)" for doc in advising]
    assert docs_figures.problems(root) == stale
    docs_figures.write(root)
    assert all(f"{STARTUP}999<!-- /figure -->" in (root / doc).read_text() for doc in advising)


def test_a_doc_naming_a_figures_file_never_recorded_fails(tmp_path: Path) -> None:
    root = copy_of_docs(tmp_path)
    with (root / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\n<!-- figures: nowhere -->\n<!-- /figures -->\n")
    assert docs_figures.problems(root) == [
        "README.md: names benchmarks/figures/nowhere.json, which does not exist"
    ]


def test_a_doc_naming_a_row_never_recorded_fails(tmp_path: Path) -> None:
    root = copy_of_docs(tmp_path)
    with (root / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("<!-- figure: startup | 7 | pool warm (s) -->1<!-- /figure -->\n")
    assert docs_figures.problems(root) == [
        "README.md: names row '7', column 'pool warm (s)' of startup, which is absent"
    ]


def test_a_marker_that_does_not_parse_fails(tmp_path: Path) -> None:
    root = copy_of_docs(tmp_path)
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace(STARTUP, STARTUP.replace(" | pool", "\n| pool")), "utf-8")
    assert docs_figures.problems(root) == [
        "README.md: has a figures marker that is not closed, or not on one line"
    ]


def test_a_figures_file_no_doc_quotes_fails(tmp_path: Path) -> None:
    root = copy_of_docs(tmp_path)
    shutil.copy(
        root / docs_figures.FOLDER / "store.json", root / docs_figures.FOLDER / "orphan.json"
    )
    assert docs_figures.problems(root) == ["benchmarks/figures/orphan.json: quoted by no doc"]


def test_record_keeps_what_was_printed_with_its_machine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docs_figures, "ROOT", tmp_path)
    machine = docs_figures.Machine("2026-12-01", "abc123", 2, (1.5, 1.0, 0.5))
    rows: list[dict[str, object]] = [
        {"pool": np.int64(10), "seconds": np.float64(12.5)},
        {"pool": 50, "seconds": math.nan},
    ]
    docs_figures.record("startup", rows, machine)
    kept = docs_figures.load(tmp_path, "startup")
    assert kept.machine == machine
    assert kept.rows == [{"pool": 10, "seconds": 12.5}, {"pool": 50, "seconds": None}]
    assert docs_figures.value(kept, "50", "seconds") == "–"


def test_record_refuses_rows_whose_columns_differ() -> None:
    with pytest.raises(docs_figures.FiguresError, match="same columns"):
        docs_figures.record("uneven", [{"a": 1}, {"b": 2}])


CELLS = [(None, "–"), ("auto", "auto"), (1234, "1,234"), (0.0, "0"), (0.04481, "0.0448")]
CELLS += [(6.5, "6.50"), (121.7, "122"), (4321.2, "4,321"), ("a|b", "a\\|b")]


@pytest.mark.parametrize(("value", "shown"), CELLS)
def test_cells_show_three_significant_figures(value: docs_figures.Value, shown: str) -> None:
    assert docs_figures.cell(value) == shown
