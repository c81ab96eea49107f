"""CSV: one row per contribution, in UTF-8.

By default the file starts with a byte-order mark, so Excel opens Urdu and Bengali
correctly; `--encoding utf-8` leaves it out for pandas and R (`Scope.encoding`).

Cells that a spreadsheet would run as a formula (starting = + - @) are prefixed with an
apostrophe: a participant's text must never execute in an analyst's Excel.
"""

import csv
from pathlib import Path
from typing import Any

from codesign.analysis.rows import CONTRIBUTION_COLUMNS, Scope, contribution_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write(scope: Scope, out: Path) -> None:
    with out.open("w", encoding=scope.encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CONTRIBUTION_COLUMNS)
        writer.writeheader()
        for row in contribution_rows(scope):
            writer.writerow({key: safe_cell(value) for key, value in row.items()})
