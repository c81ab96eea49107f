"""Every export format on the demo workshop: contents, escaping, de-identification,
withdrawal, and the REFI-QDA project against its schema."""

import codecs
import csv
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import delete, select

from codesign import exports, store
from codesign.access import ADMIN
from codesign.analysis.tables import TABLES
from codesign.demo import workshop as demo
from codesign.methods.printable import printable
from codesign.store.models import Contribution, Participant
from codesign.workshop import contributions, sessions

SCHEMA = Path(__file__).parents[1].parent / "shared" / "spec" / "refi-qda" / "Project.xsd"
DEMO = json.loads(demo.DEMO_FILE.read_text(encoding="utf-8"))
PSEUDONYMS = [p["pseudonym"] for p in DEMO["participants"]]


def _export(
    url: str, fmt: str, out: Path, code: str | None = None, deidentified: bool = False
) -> Path:
    return exports.export(
        code, fmt, out / f"export.{fmt}", actor=ADMIN, url=url, deidentified=deidentified
    )


def _text_of(path: Path) -> str:
    """Everything readable inside an export, for searching."""
    if path.suffix in (".zip", ".qdpx"):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("fmt", ["zip", "xlsx", "qdpx"])
def test_programme_export_holds_every_contribution(
    demo_sqlite: str, tmp_path: Path, fmt: str
) -> None:
    text = _text_of(_export(demo_sqlite, fmt, tmp_path))
    assert all(raw["text"] in text for raw in DEMO["contributions"])


def test_html_report_has_its_sections(demo_sqlite: str, tmp_path: Path) -> None:
    html = _export(demo_sqlite, "html", tmp_path).read_text(encoding="utf-8")
    for heading in ("Across the Co-Design Groups", "Participation balance", "Theme table",
                    "What the review team still does by hand"):  # fmt: skip
        assert heading in html
    assert html.count("data:image/svg+xml;base64,") == 3
    assert f"{len(DEMO['contributions'])} contributions" in html


def test_html_report_sets_each_proposals_language_and_keeps_rtl_bullets_in_their_cell(
    demo_sqlite: str, tmp_path: Path
) -> None:
    """Issue 13: consensus and divisive quotes had no `lang`, and an Urdu list item's
    bullet hung past the table cell's border."""
    html = _export(demo_sqlite, "html", tmp_path).read_text(encoding="utf-8")
    tree = etree.HTML(html)
    quoted = tree.xpath("//h3[. = 'Consensus proposals']/following-sibling::blockquote")
    assert quoted and all(q.get("lang") for q in quoted)
    assert all(q.get("lang") == "ur" for q in quoted if q.get("dir") == "rtl")
    assert tree.xpath("//ul[@class = 'contribs']/li[@dir = 'rtl']")
    assert "ul.contribs { margin: 0; padding: 0; list-style-position: inside; }" in html


def test_an_empty_sessions_report_says_no_participation_yet(
    demo_sqlite: str, tmp_path: Path
) -> None:
    """Issue 13: "Only 0 people took part", "1 sessions" and an empty chart."""
    info = sessions.create("advisory", "Nobody came", actor=ADMIN, url=demo_sqlite)
    html = _export(demo_sqlite, "html", tmp_path, info.code).read_text(encoding="utf-8")
    assert "0 contributions, 0 votes, 0 participants, 1 session." in html
    participation = html.split('<section id="participation">')[1].split("</section>")[0]
    assert "No participation yet." in participation
    assert "<img" not in participation and "Only 0" not in participation


def test_zip_has_every_table_and_the_csv_contract(demo_sqlite: str, tmp_path: Path) -> None:
    path = _export(demo_sqlite, "zip", tmp_path)
    single = _export(demo_sqlite, "csv", tmp_path / "single")
    with zipfile.ZipFile(path) as archive:
        assert {f"{t}.csv" for t in TABLES} <= set(archive.namelist())
        inside = archive.read("contributions.csv").decode("utf-8-sig")
    assert inside.splitlines()[0] == single.read_text(encoding="utf-8-sig").splitlines()[0]
    assert len(list(csv.DictReader(io.StringIO(inside)))) == len(DEMO["contributions"])


def test_pdf_is_a_pdf(demo_sqlite: str, tmp_path: Path) -> None:
    path = _export(demo_sqlite, "pdf", tmp_path, code=demo.demo_code("sa-2"))
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 20_000


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_session_export_on_both_backends(demo_url: str, tmp_path: Path, fmt: str) -> None:
    code = demo.demo_code("bc-2")
    text = _text_of(_export(demo_url, fmt, tmp_path, code=code))
    bc2 = [c for c in DEMO["contributions"] if c["session"] == "bc-2"]
    assert all(c["ref"] in text for c in bc2)
    assert not any(c["ref"] in text for c in DEMO["contributions"] if c["session"] == "sa-2")


def test_xlsx_has_one_sheet_per_table_and_no_formulas(demo_sqlite: str, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://example.invalid")'
    _plant(demo_sqlite, formula)
    book = load_workbook(_export(demo_sqlite, "xlsx", tmp_path))
    assert book.sheetnames == list(TABLES)
    assert book.properties.title == "codesign export: Whole programme"
    planted = next(c for c in book["contributions"]["I"] if c.value == formula)
    assert planted.data_type == "s" and planted.quotePrefix
    shown = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    written = {raw["text"] for raw in DEMO["contributions"]}
    added = [v for v in shown if isinstance(v, str) and v.startswith("'") and v not in written]
    assert added == []


def test_xlsx_reads_as_an_analyst_expects(demo_sqlite: str, tmp_path: Path) -> None:
    path = _export(demo_sqlite, "xlsx", tmp_path)
    book = load_workbook(path)
    sheet = book["contributions"]
    headers = [c.value for c in sheet[1]]
    assert "Entered by facilitator" in headers and "Merged into (ID)" in headers
    assert not [h for h in headers if "_" in h]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    written = sheet.cell(row=2, column=headers.index("Written at (UTC)") + 1)
    assert isinstance(written.value, datetime) and written.is_date
    text = sheet.cell(row=2, column=headers.index("Text") + 1)
    assert text.alignment.wrap_text and sheet.column_dimensions["I"].width == 60
    frames = pd.read_excel(path, sheet_name=None)
    assert list(frames) == list(TABLES)
    assert pd.api.types.is_datetime64_any_dtype(frames["contributions"]["Written at (UTC)"])
    assert pd.api.types.is_datetime64_any_dtype(frames["sessions"]["Held on"])
    votes = frames["votes"]
    agree = votes[votes["Kind"] == "agree"]["Vote (or dots)"]
    assert set(agree) == {"agree", "disagree", "pass"}
    dots = votes[votes["Kind"] == "dot"]["Vote (or dots)"]
    assert len(dots) and all(isinstance(v, int) and v > 0 for v in dots)


HOSTILE = "Line one\x0bline two\x0cthree \x1f unit \x08 back \ufffe end"


@pytest.mark.parametrize("fmt", ["csv", "zip", "xlsx", "html", "pdf", "qdpx"])
def test_control_characters_never_break_an_export(
    demo_sqlite: str, tmp_path: Path, fmt: str
) -> None:
    """Text as stored, control characters and all, comes out by the one `printable` rule."""
    _plant(demo_sqlite, HOSTILE)
    path = _export(demo_sqlite, fmt, tmp_path, code=demo.demo_code("bc-live"))
    shown = printable(HOSTILE)
    assert shown == "Line one\nline two\nthree \ufffd unit \ufffd back \ufffd end"
    if fmt == "pdf":
        assert path.read_bytes().startswith(b"%PDF-")
    elif fmt in ("csv", "zip"):
        assert HOSTILE in _text_of(path)  # CSV keeps the text exactly as stored
    elif fmt == "html":
        assert shown in path.read_text(encoding="utf-8")
    else:
        assert shown in _text_of(path)


@pytest.mark.parametrize(("encoding", "bom"), [("utf-8-sig", True), ("utf-8", False)])
def test_csv_encoding(demo_sqlite: str, tmp_path: Path, encoding: str, bom: bool) -> None:
    path = exports.export(
        None, "csv", tmp_path / "c.csv", url=demo_sqlite, encoding=encoding, actor=ADMIN
    )
    assert path.read_bytes().startswith(codecs.BOM_UTF8) is bom
    with zipfile.ZipFile(exports.export(None, "zip", tmp_path / "z.zip", url=demo_sqlite,
                                        encoding=encoding, actor=ADMIN)) as archive:  # fmt: skip
        assert archive.read("votes.csv").startswith(codecs.BOM_UTF8) is bom
    with path.open(encoding="utf-8", newline="") as handle:  # as R's read.csv reads it
        assert next(csv.reader(handle))[0] == ("\ufeffid" if bom else "id")


def _plant(url: str, text: str) -> int:
    info = sessions.by_code(demo.demo_code("bc-live"), url)  # open for contributions

    def add(db):
        pid = db.scalar(select(Participant.id).where(Participant.pseudonym == PSEUDONYMS[0]))
        draft = contributions.Draft(session_id=info.id, participant_id=pid, text=text, kind="idea")
        return contributions.add(db, draft, actor=ADMIN).id

    return store.write(add, url)


def test_html_escapes_participant_text(demo_sqlite: str, tmp_path: Path) -> None:
    _plant(demo_sqlite, "<script>alert('x')</script> faith and church")
    html = _export(demo_sqlite, "html", tmp_path).read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("fmt", ["zip", "xlsx", "html", "qdpx"])
def test_deidentified_exports_name_nobody(demo_sqlite: str, tmp_path: Path, fmt: str) -> None:
    planted = "Call me on 07700 900123"
    _plant(demo_sqlite, planted)
    text = _text_of(_export(demo_sqlite, fmt, tmp_path, deidentified=True))
    assert [p for p in PSEUDONYMS if p in text] == []
    assert "07700 900123" not in text
    identified = _text_of(_export(demo_sqlite, fmt, tmp_path / "named"))
    assert PSEUDONYMS[0] in identified or fmt in ("html", "qdpx")


@pytest.mark.parametrize("fmt", ["csv", "zip", "xlsx", "html", "qdpx"])
def test_withdrawn_contributions_are_gone(demo_sqlite: str, tmp_path: Path, fmt: str) -> None:
    name = "Jade Falcon"
    mine = [c["text"] for c in DEMO["contributions"] if c["participant"] == name]
    before = _text_of(_export(demo_sqlite, fmt, tmp_path / "before"))
    assert fmt == "html" or all(text in before for text in mine)

    def erase(db):
        pid = db.scalar(select(Participant.id).where(Participant.pseudonym == name))
        db.execute(delete(Contribution).where(Contribution.participant_id == pid))

    store.write(erase, demo_sqlite)
    after = _text_of(_export(demo_sqlite, fmt, tmp_path / "after"))
    assert [text for text in mine if text in after] == []
    assert fmt != "html" or f"{len(DEMO['contributions']) - len(mine)} contributions" in after


def test_qdpx_validates_against_the_refi_qda_schema(demo_sqlite: str, tmp_path: Path) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"REFI-QDA schema not found at {SCHEMA} (../shared is absent)")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    for deidentified in (False, True):
        path = _export(demo_sqlite, "qdpx", tmp_path / str(int(deidentified)), None, deidentified)
        with zipfile.ZipFile(path) as archive:
            project = etree.fromstring(archive.read("project.qde"))
            names = set(archive.namelist())
        schema.assertValid(project)
        ns = {"q": "urn:QDA-XML:project:1.0"}
        sources = project.findall(".//q:TextSource", ns)
        assert len(sources) == len(DEMO["contributions"])
        assert all(
            s.get("plainTextPath").replace("internal://", "sources/") in names for s in sources
        )
        assert project.findall(".//q:PlainTextSelection/q:Coding/q:CodeRef", ns)
        assert {c.get("name") for c in project.findall(".//q:Case", ns)} >= {"Black communities"}
