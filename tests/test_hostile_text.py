"""Hostile text, as a participant could paste it and an import could carry it: one rule at
every intake (`contributions.clean`), and every output survives text stored before it.

Intake: the participant form, the contributions CSV, the advisory feedback CSV and
Pol.is imports. Output: csv, zip, xlsx, html, pdf and qdpx exports, the advisory report's
docx, the review charts and the facilitator's results chart.
"""

import csv
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from codesign import exports, store
from codesign.access import ADMIN
from codesign.advisory import feedback, feedback_csv, lifecycle
from codesign.advisory import report as advisory_report
from codesign.analysis import charts, comparison, results
from codesign.demo import workshop as demo
from codesign.errors import Invalid
from codesign.facilitator import results_panel
from codesign.forms.i18n import MISSING_MARKER, Translator
from codesign.intake import importers, polis_import
from codesign.store.models import Contribution, FeedbackItem
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import contributions, sessions
from tests.forms_helpers import contribute_view, join, new_app
from tests.pdf_text import pdf_text

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "txt.exe" shown as "exe.txt"
DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
MATH = "$^{$"  # crashed matplotlib's mathtext in every chart it reached
STORED_BEFORE = f"Line one\x0bline two {MATH} \x1f unit {OVERRIDE}gnp.exe end"
LIVE = demo.demo_code("bc-live")
COMMENTS_HEADER = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
VOTES_HEADER = "timestamp,datetime,comment-id,voter-id,vote"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Cafe\u0301 in the evening", "Café in the evening"),  # NFC
        ("Line one\x0bline two\x0cthree", "Line one\nline two\nthree"),  # Word's line break
        ("a\r\nb\rc\u2028d\x85e", "a\nb\nc\nd\ne"),
        ("tab\tkept, bell\x07 escape\x1b[31m gone\x9b", "tab\tkept, bell escape[31m gone"),
        ("  \x00 padded \x7f ", "padded"),
        (f"{MATH} costs $5", f"{MATH} costs $5"),
        ("\u200fمیرا\u200e نام", "\u200fمیرا\u200e نام"),  # direction *marks* are kept
    ],
)
def test_one_rule_normalises_what_is_typed(typed: str, stored: str) -> None:
    assert contributions.clean(typed) == stored


@pytest.mark.parametrize("control", list(DIRECTION_CONTROLS))
def test_direction_overrides_and_isolates_are_refused(control: str) -> None:
    with pytest.raises(Invalid, match="changes the direction of writing"):
        contributions.clean(f"my {control}gnp.exe")


def test_controls_do_not_hide_the_length_limit() -> None:
    assert contributions.clean("x" * 2000 + "\x00" * 50) == "x" * 2000
    with pytest.raises(Invalid, match="longer than 2,000"):
        contributions.clean("x" * 2001)


@pytest.mark.parametrize("language", ["en", "ur", "bn"])
def test_the_form_refuses_an_override_in_the_participants_language(
    demo_sqlite: str, language: str
) -> None:
    app = new_app(demo_sqlite, language)
    join(app, "bc-live")
    writing = contribute_view(app)
    writing.box.value = f"{OVERRIDE}evil"
    writing.send.click()
    wanted = Translator(language)(contributions.HIDDEN_DIRECTION)
    assert writing.status.text == wanted and not wanted.startswith(MISSING_MARKER)
    assert writing.box.value == f"{OVERRIDE}evil"  # kept in the box to be retyped
    writing.box.value = "Evening\x0bsessions"
    writing.send.click()
    with store.reading(demo_sqlite) as db:
        newest = db.scalars(select(Contribution.text).order_by(Contribution.id.desc())).first()
    assert newest == "Evening\nsessions"


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def test_contribution_csv_rows_go_through_the_rule(demo_sqlite: str, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "c.csv",
        ["text"],
        [["Pasted\x0bfrom Word"], [f"{OVERRIDE}reversed"], ["x" * 2001], ["\x07\x1b"]],
    )
    report = importers.import_contributions(path, LIVE, demo_sqlite, actor=ADMIN)
    assert report.added == 1
    assert [line for line, _ in report.problems] == [3, 4, 5]
    assert "direction of writing" in report.problems[0][1]
    with store.reading(demo_sqlite) as db:
        assert "Pasted\nfrom Word" in set(db.scalars(select(Contribution.text)))


def test_feedback_csv_rows_go_through_the_rule(demo_sqlite: str, tmp_path: Path) -> None:
    key = "rights"
    path = _csv(
        tmp_path / "f.csv",
        ["section", "type", "text"],
        [[key, "concern", f"Clear\x0cenough {MATH}"], [key, "concern", f"{OVERRIDE}no"]],
    )
    report = feedback_csv.import_feedback(path, None, demo_sqlite, actor=ADMIN)
    assert report.added == 1 and [line for line, _ in report.problems] == [3]
    with store.reading(demo_sqlite) as db:
        assert f"Clear\nenough {MATH}" in set(db.scalars(select(FeedbackItem.text)))


def _polis(folder: Path, bodies: list[str]) -> Path:
    folder.mkdir()
    comments = [
        ["1700000000000", "x", str(n), "0", "0", "0", "1", body] for n, body in enumerate(bodies)
    ]
    _csv(folder / "comments.csv", COMMENTS_HEADER.split(","), comments)
    _csv(folder / "votes.csv", VOTES_HEADER.split(","), [["1700000000000", "x", "0", "1", "1"]])
    return folder


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("x" * 5000, "comment-id 1: That is longer than 2,000 characters"),
        (f"{OVERRIDE}gnp.exe", "comment-id 1: The text contains a hidden character"),
        ("\x07 \x1b", "comment-id 1: Please write something"),
    ],
)
def test_a_polis_comment_that_breaks_the_rule_stops_the_import(
    demo_sqlite: str, tmp_path: Path, body: str, reason: str
) -> None:
    folder = _polis(tmp_path / "export", ["A fine statement", body])
    with store.reading(demo_sqlite) as db:
        before = len(db.scalars(select(Contribution.id)).all())
    with pytest.raises(Invalid, match=reason):
        polis_import.import_polis(folder, LIVE, demo_sqlite, actor=ADMIN)
    with store.reading(demo_sqlite) as db:
        assert len(db.scalars(select(Contribution.id)).all()) == before


def test_polis_comments_are_stored_by_the_rule(demo_sqlite: str, tmp_path: Path) -> None:
    folder = _polis(tmp_path / "export", ["Cafe\u0301\x0bopen late", "Another"])
    polis_import.import_polis(folder, LIVE, demo_sqlite, actor=ADMIN)
    with store.reading(demo_sqlite) as db:
        assert "Café\nopen late" in set(db.scalars(select(Contribution.text)))


def _plant_everywhere(url: str) -> None:
    """Hostile text in stored words, feedback and every session title, as data written
    before the intake rule (or by a facilitator) would hold it."""

    def apply(db: Session) -> None:
        db.execute(update(Contribution).values(text=STORED_BEFORE))
        db.execute(update(FeedbackItem).values(text=STORED_BEFORE))
        db.execute(update(WorkshopSession).values(title=f"{MATH} {OVERRIDE}title\x0b"))

    store.write(apply, url)


@pytest.mark.parametrize("fmt", ["csv", "zip", "xlsx", "html", "pdf", "qdpx"])
def test_every_export_survives_stored_hostile_text(
    demo_sqlite: str, tmp_path: Path, fmt: str
) -> None:
    _plant_everywhere(demo_sqlite)
    path = exports.export(None, fmt, tmp_path / f"all.{fmt}", url=demo_sqlite, actor=ADMIN)
    if fmt == "pdf":
        assert MATH in pdf_text(path)
    elif fmt in ("zip", "qdpx", "xlsx"):
        with zipfile.ZipFile(path) as archive:
            assert any(MATH in archive.read(n).decode("utf-8-sig") for n in archive.namelist())
    else:
        assert MATH in path.read_text(encoding="utf-8-sig")


def test_advisory_report_docx_survives_stored_hostile_text(
    demo_sqlite: str, tmp_path: Path
) -> None:
    item = feedback.submit(
        feedback.FeedbackDraft("rights", "concern", "plain"), demo_sqlite, actor=ADMIN
    )
    lifecycle.move_item(item.id, "under_review", "", url=demo_sqlite, actor=ADMIN)
    lifecycle.move_item(item.id, "declined", f"Because {MATH}", url=demo_sqlite, actor=ADMIN)
    _plant_everywhere(demo_sqlite)
    for fmt in advisory_report.FORMATS:
        advisory_report.write(tmp_path / f"r.{fmt}", fmt, demo_sqlite, actor=ADMIN)
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs]
    assert any(MATH in p for p in paragraphs)


def test_charts_draw_dollars_as_text() -> None:
    label = f"{MATH} {OVERRIDE}\x0b component"
    programme = comparison.ProgrammeComponent("k", label, None)
    support = {"black-communities": comparison.support_from_stances([1, 1, -1, 1, 1, 1])}
    found = [comparison.Comparison(programme, support, label, {})]
    drawn = charts.svg(charts.support_chart(found))
    assert drawn.startswith("<?xml") and "$" in drawn


def test_results_chart_draws_a_proposal_with_dollars(demo_sqlite: str) -> None:
    info = sessions.by_code(demo.demo_code("bc-3"), demo_sqlite)  # the demo's ballot
    _plant_everywhere(demo_sqlite)
    found = results.results(info.id, demo_sqlite, actor=ADMIN)
    assert found.proposals and all(MATH in p.text for p in found.proposals)
    assert charts.png(results_panel.chart(found)).startswith(b"\x89PNG")
