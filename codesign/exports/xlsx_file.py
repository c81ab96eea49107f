"""XLSX: one sheet per table, laid out for someone opening it in Excel.

The tables are the same as the ZIP's CSV files; only their presentation changes here:

- headers are words ("Entered by facilitator", not `entered_by_facilitator`), in bold,
  frozen above a filter;
- `created_at` and `held_on` are Excel dates and times, so they sort and filter as dates;
- an agree vote's value is a word (agree, disagree, pass); a dot vote's stays a number;
- text that Excel would run as a formula (= + - @ …) is stored as text with Excel's own
  quote prefix: the cell shows the words as written, with no apostrophe, and never runs;
- columns are as wide as their contents up to a limit, beyond which text wraps; a
  printed sheet is landscape and one page wide;
- characters XML cannot hold go through `printable`, like every other format.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from codesign.analysis.readmodel import build
from codesign.analysis.rows import VOTE_WORDS, Scope
from codesign.analysis.tables import Row, columns, scope_title
from codesign.exports.csv_file import FORMULA_STARTS
from codesign.methods.printable import printable

HEADERS = {
    "id": "ID",
    "ref": "Reference",
    "merged_into": "Merged into (ID)",
    "participant_ref": "Participant reference",
    "created_at": "Written at (UTC)",
    "held_on": "Held on",
    "current_phase": "Phase now",
    "seed_key": "Candidate component",
    "may_quote": "May be quoted",
    "value": "Vote (or dots)",
    "pass": "Passes",
    "dots": "Dots",
}
DATE_FORMATS = {"created_at": "yyyy-mm-dd hh:mm", "held_on": "yyyy-mm-dd"}
MIN_WIDTH, MAX_WIDTH = 8, 60


def header(column: str) -> str:
    """A column's header as a reader would write it."""
    return HEADERS.get(column) or column.replace("_", " ").capitalize()


def _moment(text: str) -> datetime:
    """An ISO timestamp as the naive UTC datetime Excel stores (it has no time zones)."""
    moment = datetime.fromisoformat(text)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "created_at": _moment,
    "held_on": date.fromisoformat,
}


def value(column: str, row: Row) -> Any:
    """The cell value for `column` of `row`: a date, a vote word, or the value itself."""
    raw = row.get(column)
    if raw is None:
        return None
    if column in CONVERTERS:
        return CONVERTERS[column](raw)
    if column == "value" and row.get("kind") == "agree":
        return VOTE_WORDS[raw]
    return printable(raw) if isinstance(raw, str) else raw


def _put(sheet: Worksheet, row: int, column: int, content: Any, name: str) -> int:
    """Write one cell; return how wide its content is, for the column width."""
    cell = sheet.cell(row=row, column=column, value=content)
    if content is None:
        return 0
    if isinstance(content, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = content.startswith(FORMULA_STARTS)
    if name in DATE_FORMATS:
        cell.number_format = DATE_FORMATS[name]
        return len(DATE_FORMATS[name])
    return max((len(line) for line in str(content).splitlines()), default=0)


def _lay_out(sheet: Worksheet, widths: list[int]) -> None:
    """Bold frozen header with a filter; widths from the contents; long text wraps; printed
    landscape, one page wide, the header on every page."""
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, MIN_WIDTH), MAX_WIDTH
        )
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        if width + 2 > MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_col=index, max_col=index, min_row=2):
                cell.alignment = wrap


def fill(sheet: Worksheet, names: tuple[str, ...], rows: list[Row]) -> None:
    """One table on one sheet."""
    widths = [_put(sheet, 1, i, header(name), "") for i, name in enumerate(names, start=1)]
    for r, row in enumerate(rows, start=2):
        for i, name in enumerate(names, start=1):
            widths[i - 1] = max(widths[i - 1], _put(sheet, r, i, value(name, row), name))
    _lay_out(sheet, widths)


def write(scope: Scope, out: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    tables = build(scope)
    book.properties.title = f"codesign export: {scope_title(scope, tables)}"
    book.properties.creator = "codesign"
    for name, rows in tables.items():
        fill(book.create_sheet(name), columns(name, rows), rows)
    book.save(out)
