"""Measured figures, from the benchmark that takes them to the docs that quote them.

A figure pasted into a doc goes stale silently (README said 15 s, serving.md 25 s, and
the benchmark 122 s for the same start-up). So a benchmark `record`s what it printed in
`benchmarks/figures/<name>.json`, with when, on what commit and on how loaded a machine;
`scripts/docs-figures` writes each file into the docs between markers:

    <!-- figures: NAME -->  …a generated table…  <!-- /figures -->
    <!-- figure: NAME | ROW | COLUMN -->…one generated value…<!-- /figure -->

A row is named by its first column's value. `problems` is what the docs test checks.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path("benchmarks") / "figures"
DOCUMENTS = ("README.md", "ARCHITECTURE.md", "docs/*.md")
MEASURED_CODE = ("codesign", "notebooks", "templates", "benchmarks", ":!benchmarks/figures")
NAME = r"(?P<name>[a-z0-9_]+)"  # lower case, so docs can show markers with NAME in them
BLOCK = re.compile(rf"<!-- figures: {NAME} -->\n.*?<!-- /figures -->", re.DOTALL)
INLINE = re.compile(
    rf"<!-- figure: {NAME} \| (?P<row>[^|]+?) \| (?P<column>[^|]+?) -->.*?<!-- /figure -->"
)
OPENING = re.compile(rf"<!-- figures?: {NAME}")

Value = str | int | float | None
Row = dict[str, Value]


@dataclass(frozen=True)
class Machine:
    """When and where figures were taken: on 2 shared cores a figure means little without
    the load it was taken under, and nothing without the code it measured."""

    date: str
    commit: str
    cores: int
    load_average: tuple[float, ...]  # 1, 5 and 15 minutes


@dataclass(frozen=True)
class Figures:
    """One benchmark's printed table, as stored in `benchmarks/figures/<name>.json`."""

    name: str
    benchmark: str
    machine: Machine
    rows: list[Row]


class FiguresError(Exception):
    """A doc names figures that do not exist, or a benchmark recorded an uneven table."""


def this_machine() -> Machine:
    """This machine now, on the commit checked out: marked `-dirty` when the code measured
    (not the docs, not earlier figures files) has changes that are not committed."""
    head = git("rev-parse", "--short=12", "HEAD")
    changed = git("status", "--porcelain", "--untracked-files=no", "--", *MEASURED_CODE)
    load = tuple(round(x, 2) for x in os.getloadavg())
    commit = f"{head}-dirty" if changed else head
    return Machine(date.today().isoformat(), commit, os.cpu_count() or 1, load)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def record(name: str, rows: Sequence[Mapping[str, object]], machine: Machine | None = None) -> Path:
    """Write what a benchmark printed to `benchmarks/figures/<name>.json` (called last in
    its `main`, so the load average includes the benchmark's own work). `machine` defaults
    to this one now; pass another for figures taken elsewhere."""
    if not rows or any(list(row) != list(rows[0]) for row in rows):
        raise FiguresError(f"{name}: every row needs the same columns, in the same order")
    kept = [{column: plain(value) for column, value in row.items()} for row in rows]
    script = Path(sys.argv[0]).resolve()
    benchmark = script.relative_to(ROOT) if script.is_relative_to(ROOT) else Path(script.name)
    figures = Figures(name, benchmark.as_posix(), machine or this_machine(), kept)
    path = ROOT / FOLDER / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(figures), indent=1, ensure_ascii=False) + "\n", "utf-8")
    return path


def plain(value: object) -> Value:
    """A value JSON can hold: numpy's numbers as Python's, and NaN (not taken) as null."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return None if math.isnan(value) else float(value)
    if value is None or isinstance(value, str):
        return value
    raise FiguresError(f"{value!r} is not a figure")


def load(root: Path, name: str) -> Figures:
    """The figures file `name` under `root`; a doc naming a missing one is an error."""
    path = root / FOLDER / f"{name}.json"
    if not path.is_file():
        raise FiguresError(f"names {FOLDER / name}.json, which does not exist")
    data = json.loads(path.read_text(encoding="utf-8"))
    machine = Machine(**{**data["machine"], "load_average": tuple(data["machine"]["load_average"])})
    return Figures(data["name"], data["benchmark"], machine, data["rows"])


# --- rendering -------------------------------------------------------------------------


def cell(value: Value) -> str:
    """Three significant figures with thousands separators; a figure not taken is a dash."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value.replace("|", "\\|")  # a bare | would end the table cell
    if isinstance(value, int) or value == 0:
        return f"{value:,.0f}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


def caption(figures: Figures) -> str:
    """Which benchmark, when, on what code and how loaded a machine (empty: not recorded)."""
    m = figures.machine
    load = " / ".join(f"{x:.2f}" for x in m.load_average)
    loaded = (
        f"load average {load} (1 / 5 / 15 min) when it finished" if load else "load not recorded"
    )
    return f"`{figures.benchmark}`, {m.date}, commit `{m.commit}`, {m.cores} cores, {loaded}."


def table(figures: Figures) -> str:
    """The Markdown table of a figures file, then where and when it was measured."""
    columns = list(figures.rows[0])
    lines = [
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
        *("| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in figures.rows),
    ]
    return "\n".join([*lines, "", caption(figures)])


def value(figures: Figures, row: str, column: str) -> str:
    """One figure for a sentence: the row whose first column reads `row`, at `column`."""
    for candidate in figures.rows:
        if cell(next(iter(candidate.values()))) == row and column in candidate:
            return cell(candidate[column])
    raise FiguresError(f"names row {row!r}, column {column!r} of {figures.name}, which is absent")


# --- the docs --------------------------------------------------------------------------


def documents(root: Path) -> Iterator[Path]:
    for pattern in DOCUMENTS:
        yield from sorted(root.glob(pattern))


def regenerate(text: str, root: Path) -> tuple[str, set[str]]:
    """`text` with every block and inline figure written afresh, and the names it used.

    A marker that does not parse (unclosed, or broken over lines) would otherwise keep
    its pasted figure unchecked, so it is an error.
    """
    if len(OPENING.findall(text)) != len(BLOCK.findall(text)) + len(INLINE.findall(text)):
        raise FiguresError("has a figures marker that is not closed, or not on one line")
    used: set[str] = set()

    def block(match: re.Match[str]) -> str:
        name = match["name"]
        used.add(name)
        return f"<!-- figures: {name} -->\n{table(load(root, name))}\n<!-- /figures -->"

    def inline(match: re.Match[str]) -> str:
        name, row, column = match["name"], match["row"], match["column"]
        used.add(name)
        shown = value(load(root, name), row, column)
        return f"<!-- figure: {name} | {row} | {column} -->{shown}<!-- /figure -->"

    return INLINE.sub(inline, BLOCK.sub(block, text)), used


def refresh(path: Path, root: Path) -> tuple[str, str, set[str]]:
    """A doc's text as it is and as the figures files would write it, and the names used."""
    text = path.read_text(encoding="utf-8")
    try:
        fresh, used = regenerate(text, root)
    except FiguresError as error:
        raise FiguresError(f"{path.relative_to(root)}: {error}") from error
    return text, fresh, used


def problems(root: Path) -> list[str]:
    """Stale or broken figures in the docs, and figures files no doc quotes."""
    found: list[str] = []
    used: set[str] = set()
    for path in documents(root):
        try:
            text, fresh, names = refresh(path, root)
        except FiguresError as error:
            found.append(str(error))
            continue
        used |= names
        if fresh != text:
            found.append(f"{path.relative_to(root)}: figures are stale (run `make figures`)")
    recorded = {path.stem for path in (root / FOLDER).glob("*.json")}
    found += [f"{FOLDER / name}.json: quoted by no doc" for name in sorted(recorded - used)]
    return found


def write(root: Path) -> list[Path]:
    """Rewrite the docs' figures from the figures files; returns the docs that changed."""
    changed = []
    for path in documents(root):
        text, fresh, _ = refresh(path, root)
        if fresh != text:
            path.write_text(fresh, encoding="utf-8")
            changed.append(path)
    return changed
