"""ZIP: every table of the export as a CSV file, plus a short README naming the scope.

Each CSV is written like the single-table `csv` export (UTF-8, with a byte-order mark
unless `--encoding utf-8`; formula-looking cells defused), and `contributions.csv` is
exactly that export's shape.
"""

import csv
import io
import zipfile
from pathlib import Path

from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Row, columns
from codesign.exports.csv_file import safe_cell

README = """codesign export
scope: {scope}
de-identified: {deidentified}
tables: {tables}

contributions.csv has the same columns as `codesign export --format csv`.
Components marked suggested=True were grouped by codesign, not saved by a facilitator.
"""


def table_csv(rows: list[Row], header: tuple[str, ...], encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: safe_cell(value) for key, value in row.items()})
    return buffer.getvalue().encode(encoding)


def write(scope: Scope, out: Path) -> None:
    tables = build(scope)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.items():
            archive.writestr(f"{name}.csv", table_csv(rows, columns(name, rows), scope.encoding))
        archive.writestr(
            "README.txt",
            README.format(
                scope="programme" if scope.session_id is None else f"session {scope.session_id}",
                deidentified=scope.deidentified,
                tables=", ".join(tables),
            ),
        )
