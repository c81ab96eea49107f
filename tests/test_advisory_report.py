"""The "you said, we did" report: content, escaping, attribution, its .docx and PDF."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import docx
import lxml.html
import pytest
from docx.oxml.ns import qn
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import select, update

from codesign import store
from codesign.access import ADMIN, Actor, Role
from codesign.advisory import feedback, lifecycle
from codesign.advisory import report as advisory_report
from codesign.demo import advisory as advisory_demo
from codesign.errors import AccessDenied, Invalid
from codesign.methods.printable import printable
from codesign.store.models import FeedbackItem, FeedbackStatusChange, Participant
from tests.pdf_text import missing, pdf_text

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).parents[1] / "docs" / "images" / "you-said-we-did.png"


def _decided(url: str) -> list[tuple[FeedbackItem, str]]:
    with store.reading(url) as db:
        items = db.scalars(
            select(FeedbackItem).where(FeedbackItem.status.in_(lifecycle.CLOSED))
        ).all()
        return [(i, lifecycle.history(i.id, url=url, actor=ADMIN)[-1].rationale) for i in items]


def test_html_has_every_decision_and_rationale(advisory_url: str, tmp_path: Path) -> None:
    page = advisory_report.write(tmp_path / "r.html", "html", advisory_url, actor=ADMIN).read_text(
        "utf-8"
    )
    decided = _decided(advisory_url)
    assert len(decided) == 19
    for item, rationale in decided:
        assert str(escape(rationale)) in page
        assert str(escape(item.text)) in page
    assert "Partly accepted" in page and "Not taken up" in page and "Deferred" in page
    assert "<ins>" in page and "<del>" in page  # the text changes are shown
    assert "Comments still being considered: " in page


def test_pseudonyms_only_with_consent_to_quote(advisory_url: str, tmp_path: Path) -> None:
    page = advisory_report.write(tmp_path / "r.html", "html", advisory_url, actor=ADMIN).read_text(
        "utf-8"
    )
    with store.reading(advisory_url) as db:
        authors = {
            p.pseudonym
            for p in db.scalars(
                select(Participant)
                .join(FeedbackItem)
                .where(FeedbackItem.status.in_(lifecycle.CLOSED))
            )
        }
    assert {"Birch Otter", "Granite Badger"} <= authors  # quote: yes / no in the demo
    assert "Birch Otter, by-and-for organisation" in page
    assert "Granite Badger" not in page
    assert "a by-and-for organisation" in page


def _decide_hostile_item(url: str) -> None:
    text = "<script>alert('x')</script> Call me on 07700 900123."
    item = feedback.submit(feedback.FeedbackDraft("rights", "concern", text), url, actor=ADMIN)
    lifecycle.move_item(item.id, "under_review", "", url=url, actor=ADMIN)
    lifecycle.move_item(
        item.id, "declined", "<script>no()</script> & <b>why</b>", url=url, actor=ADMIN
    )


def test_text_is_escaped_and_redacted(store_url: str, tmp_path: Path) -> None:
    _decide_hostile_item(store_url)
    page = advisory_report.write(tmp_path / "r.html", "html", store_url, actor=ADMIN).read_text(
        "utf-8"
    )
    assert "<script>" not in page and "<b>why" not in page
    assert "&lt;script&gt;alert(" in page and "&lt;script&gt;no()" in page
    assert "07700 900123" not in page


def _html_blocks(page: str) -> list[str]:
    """The report's text, block by block, as a reader of the HTML sees it."""
    tree = lxml.html.fromstring(page)
    blocks = tree.xpath("//h1 | //p | //blockquote | //h2 | //h3 | //footer")
    return [" ".join(b.text_content().split()) for b in blocks]


def test_docx_lays_an_urdu_comment_right_to_left() -> None:
    """Issue 13: the HTML sets dir="rtl" on Urdu, the Word report laid it out left to right."""
    document = docx.Document()
    urdu = document.add_paragraph("پروگرام میں خاندان کو شامل کریں۔")
    english = document.add_paragraph("Involve the family.")
    for paragraph in (urdu, english):
        advisory_report._docx_direction(paragraph, paragraph.text)
    paragraph_properties, run_properties = urdu._p.pPr, urdu.runs[0]._r.rPr
    assert paragraph_properties is not None and run_properties is not None
    assert paragraph_properties.find(qn("w:bidi")) is not None
    assert run_properties.find(qn("w:rtl")) is not None
    assert english._p.pPr is None or english._p.pPr.find(qn("w:bidi")) is None


def test_docx_says_what_the_html_says(advisory_url: str, tmp_path: Path) -> None:
    page = advisory_report.write(tmp_path / "r.html", "html", advisory_url, actor=ADMIN).read_text(
        "utf-8"
    )
    out = advisory_report.write(tmp_path / "r.docx", "docx", advisory_url, actor=ADMIN)
    document = docx.Document(str(out))
    paragraphs = [" ".join(p.text.split()) for p in document.paragraphs]
    assert paragraphs[0] == "You said, we did"
    blocks = _html_blocks(page)
    assert [b for b in blocks if not any(b in p for p in paragraphs)] == []
    props = document.core_properties
    assert props.title == advisory_report.TITLE and props.subject
    assert props.author == props.last_modified_by == "codesign" and not props.comments
    assert props.created is not None and props.created.year >= 2026  # not python-docx's 2013
    assert paragraphs[-1] == advisory_report.PRIVACY_NOTE
    dated = [p for p in paragraphs if re.search(r", on version \d+, \d\d \w+ 20\d\d$", p)]
    assert len(dated) == len(_decided(advisory_url))
    assert "Granite Badger" not in "\n".join(paragraphs)


def test_pdf_copies_the_report(advisory_url: str, tmp_path: Path) -> None:
    out = advisory_report.write(tmp_path / "r.pdf", "pdf", advisory_url, actor=ADMIN)
    rationales = [rationale for _, rationale in _decided(advisory_url)]
    assert missing([*rationales, advisory_report.PRIVACY_NOTE], pdf_text(out)) == []
    metadata = PdfReader(out).metadata
    assert metadata is not None and metadata.title == advisory_report.TITLE


def test_control_characters_in_a_comment(store_url: str, tmp_path: Path) -> None:
    text = "Line one\x0bline two \x1f end"  # stored before the intake rule cleaned text
    item = feedback.submit(feedback.FeedbackDraft("rights", "concern", "x"), store_url, actor=ADMIN)
    store.write(
        lambda db: db.execute(
            update(FeedbackItem).where(FeedbackItem.id == item.id).values(text=text)
        ),
        store_url,
    )
    lifecycle.move_item(item.id, "under_review", "", url=store_url, actor=ADMIN)
    lifecycle.move_item(item.id, "declined", "Because\x0cnot now", url=store_url, actor=ADMIN)
    shown = printable(text)
    for fmt in advisory_report.FORMATS:
        advisory_report.write(tmp_path / f"r.{fmt}", fmt, store_url, actor=ADMIN)
    assert shown in (tmp_path / "r.html").read_text("utf-8")
    assert any(shown == p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "Line one line two" in pdf_text(tmp_path / "r.pdf")


def test_report_needs_read_access_and_a_known_format(store_url: str, tmp_path: Path) -> None:
    with pytest.raises(AccessDenied):
        advisory_report.build(
            store_url, actor=Actor(Role.PARTICIPANT, frozenset({1}), participant_id=1)
        )
    with pytest.raises(Invalid, match="use html, docx, pdf"):
        advisory_report.write(tmp_path / "r.rtf", "rtf", store_url, actor=ADMIN)


def test_an_empty_report_still_renders(store_url: str) -> None:
    report = advisory_report.build(store_url, actor=ADMIN)
    assert (report.decided, report.still_open, report.sections) == (0, 0, [])
    assert "0</strong> comments answered" in advisory_report.render_html(report)


def test_decision_history_is_kept_behind_the_report(advisory_url: str) -> None:
    with store.reading(advisory_url) as db:
        moves = db.scalars(select(FeedbackStatusChange.to_status)).all()
    assert moves.count("under_review") == 23  # every decided or reviewed demo item


@pytest.mark.browser
def test_screenshot_of_the_report(demo_sqlite: str, tmp_path: Path) -> None:
    """Renders the demo's report in headless Chromium and saves it for docs/advisory.md."""
    if not CHROMIUM.exists():
        message = "Chromium is not installed; run scripts/setup"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    advisory_demo.load(demo_sqlite)
    page = advisory_report.write(tmp_path / "report.html", "html", demo_sqlite, actor=ADMIN)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            "--window-size=1000,1400",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, SCREENSHOT)
