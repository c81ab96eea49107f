"""No identifier held in the database appears in a de-identified export of any format, and
two de-identified exports share no hash to join them on (issue 10, finding 2).

Each format is read back with its own reader, as the person receiving it would: csv,
zip (zipfile), xlsx (openpyxl), html (entities decoded), pdf (Poppler, `pdf_text`) and
qdpx (zipfile and lxml, every attribute and text node).
"""

import csv
import html
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import text

from codesign import exports, store
from codesign.access import ADMIN
from codesign.workshop import sessions
from tests.cli import run
from tests.pdf_text import pdf_text

HASH = re.compile(r"\b[a-z]-[0-9a-f]{12}\b")
IDENTIFIER_COLUMNS = {
    "participants": ("pseudonym", "ref"),
    "contributions": ("ref", "client_id"),
    "sessions": ("code", "title"),
}


def _zip_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def _xlsx_text(path: Path) -> str:
    book = load_workbook(path, read_only=True)
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _qdpx_text(path: Path) -> str:
    parts = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".qde"):
                root = etree.fromstring(archive.read(name))
                parts += [v for el in root.iter() for v in (*el.attrib.values(), el.text or "")]
            else:
                parts.append(archive.read(name).decode("utf-8"))
    return "\n".join(parts)


READERS = {
    "csv": lambda path: path.read_text(encoding="utf-8-sig"),
    "zip": _zip_text,
    "xlsx": _xlsx_text,
    "html": lambda path: html.unescape(path.read_text(encoding="utf-8")),
    "pdf": pdf_text,
    "qdpx": _qdpx_text,
}


def _flat(value: str) -> str:
    return " ".join(value.casefold().split())


def _identifiers(url: str) -> set[str]:
    """Every identifier value the database holds, read with raw SQL."""
    found = set()
    with store.engine(url).connect() as conn:
        for table, names in IDENTIFIER_COLUMNS.items():
            for name in names:
                rows = conn.execute(text(f"SELECT {name} FROM {table} WHERE {name} IS NOT NULL"))
                found |= {str(value) for (value,) in rows if str(value).strip()}
    return found


def _exported(code: str | None, url: str, folder: Path) -> dict[str, str]:
    """Each format's de-identified export of `code` (None: the programme), as read back."""
    read = {}
    for fmt, reader in READERS.items():
        out = folder / f"export.{fmt}"
        exports.export(code, fmt, out, url=url, deidentified=True, actor=ADMIN)
        read[fmt] = reader(out)
    return read


def _survivors(identifiers: set[str], read: dict[str, str]) -> dict[str, list[str]]:
    flat = {fmt: _flat(body) for fmt, body in read.items()}
    return {
        fmt: sorted(value for value in identifiers if _flat(value) in body)
        for fmt, body in flat.items()
        if any(_flat(value) in body for value in identifiers)
    }


def _import(url: str, code: str, folder: Path, rows: list[tuple[str, str]]) -> None:
    """Notes from a paper session: each with the person's and the note's reference."""
    path = folder / "notes.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["participant", "ref", "text"])
        for n, (person, note) in enumerate(rows):
            writer.writerow([person, note, f"Idea number {n} about the programme"])
    run("import", "contributions", str(path), "--session", code, "--db", url)


@pytest.fixture
def planted(store_url: str, tmp_path: Path) -> str:
    """Two groups' sessions whose titles, people and notes are real-looking identifiers."""
    for group, who in (("south-asian-communities", "Amira Khan"), ("advisory", "Nadia Ali")):
        info = sessions.create(group, f"{who} 07700900123 group", url=store_url, actor=ADMIN)
        notes = [(f"{who} 07700900123", f"SHEET-7 row {n}") for n in range(3)]
        _import(store_url, info.code, tmp_path, [*notes, (f"{who} 2", "SHEET-8 row 1")])
    return store_url


def test_no_identifier_of_the_database_survives_any_format(planted: str, tmp_path: Path) -> None:
    identifiers = _identifiers(planted)
    assert {"Amira Khan 07700900123", "SHEET-7 row 2", "Nadia Ali 2"} <= identifiers
    plain = tmp_path / "plain.zip"
    exports.export(None, "zip", plain, url=planted, actor=ADMIN)
    assert "Amira Khan 07700900123" in _zip_text(plain)  # the control: the reader sees them
    assert _survivors(identifiers, _exported(None, planted, tmp_path)) == {}


def test_two_deidentified_exports_share_no_hash(planted: str, tmp_path: Path) -> None:
    first, second = tmp_path / "1", tmp_path / "2"
    first.mkdir()
    second.mkdir()
    hashes = [
        {fmt: set(HASH.findall(body)) for fmt, body in _exported(None, planted, f).items()}
        for f in (first, second)
    ]
    for fmt in READERS:
        assert hashes[0][fmt], f"{fmt} carries no hashed ids at all"
        assert hashes[0][fmt].isdisjoint(hashes[1][fmt]), fmt


NAMES = st.from_regex(r"\A[A-Z][a-z]{2,9} [A-Z][a-z]{2,9}\Z")
PHONES = st.from_regex(r"\A07[0-9]{9}\Z")
PEOPLE = st.builds("{} {}".format, NAMES, PHONES)
NOTES = st.from_regex(r"\A[A-Z]{2,5}-[0-9]{3,6}\Z")


@given(
    title=st.builds("{} family group".format, NAMES),
    rows=st.lists(st.tuples(PEOPLE, NOTES), min_size=1, max_size=4),
)
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_property_no_identifier_survives(
    module_demo_url: str, title: str, rows: list[tuple[str, str]]
) -> None:
    url = module_demo_url
    info = sessions.create("black-communities", title, url=url, actor=ADMIN)
    with tempfile.TemporaryDirectory() as folder:
        _import(url, info.code, Path(folder), rows)
        planted = {title, info.code, *(v for row in rows for v in row)}
        assert planted <= _identifiers(url)
        assert _survivors(_identifiers(url), _exported(info.code, url, Path(folder))) == {}


@pytest.mark.parametrize("fmt", ["csv", "zip"])
def test_the_readers_do_find_identifiers_in_a_plain_export(
    planted: str, tmp_path: Path, fmt: str
) -> None:
    """The control for the property: without --deidentified the same readers find them."""
    out = tmp_path / f"plain.{fmt}"
    exports.export(None, fmt, out, url=planted, actor=ADMIN)
    assert _survivors(_identifiers(planted), {fmt: READERS[fmt](out)})
