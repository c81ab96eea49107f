"""XLSX: one sheet per table, header row frozen and bold.

openpyxl would store a text starting with "=" as a formula, so cells are defused the same
way as in the CSV exports, and control characters Excel refuses are removed.
"""

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope
from codesign.analysis.tables import columns
from codesign.exports.csv_file import safe_cell


def cell(value: Any) -> Any:
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write(scope: Scope, out: Path) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in build(scope).items():
        sheet = book.create_sheet(name)
        header = columns(name, rows)
        sheet.append(header)
        for row in rows:
            sheet.append([cell(row.get(key)) for key in header])
        for item in sheet[1]:
            item.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    book.save(out)
