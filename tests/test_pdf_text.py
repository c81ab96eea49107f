"""PDFs copy and search as written in every script the forms support, and emoji render."""

import logging
from pathlib import Path

import lxml.html
import pytest

from codesign import exports
from codesign.access import ADMIN
from codesign.demo import workshop as demo
from codesign.methods.pdf import write_pdf
from tests.pdf_text import missing, pdf_text

SENTENCES = {
    "ur": "ہمیں ایسی جگہ چاہیے جہاں ہم اپنی زبان میں بات کر سکیں",
    "bn": "পরিবারের সবাইকে নিয়ে কাজ করতে হবে, শুধু একজনকে নয়",
    "pa": "ਸਾਨੂੰ ਆਪਣੀ ਬੋਲੀ ਵਿੱਚ ਗੱਲ ਕਰਨ ਦੀ ਥਾਂ ਚਾਹੀਦੀ ਹੈ",
    "gu": "કુટુંબના વડીલો સાથે વાત કરવી જોઈએ, કિંમત સમજવી",
    "hi": "भरोसा तभी बढ़ेगा जब हमारी बात सुनी जाएगी, क्षमा और श्रद्धा के साथ",
    "en": "Thank you for listening 🙏 see you on the bus 🚌 🎉 🙂 👶",
}


def _page(sentences: dict[str, str]) -> str:
    from codesign.exports.review_report import environment

    css = environment().get_template("fonts.css").render()
    body = "".join(f'<p lang="{lang}">{text}</p>' for lang, text in sentences.items())
    return f"<html><head><style>{css}</style></head><body>{body}</body></html>"


def test_every_script_copies_word_for_word(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        path = write_pdf(_page(SENTENCES), tmp_path / "scripts.pdf")
    assert missing(list(SENTENCES.values()), pdf_text(path)) == []
    assert [r.getMessage() for r in caplog.records if ".notdef" in r.getMessage()] == []


def test_the_review_report_copies_its_contributions(demo_sqlite: str, tmp_path: Path) -> None:
    """Every non-English text the South Asian session's report shows is in its PDF."""
    code = demo.demo_code("sa-2")
    html = exports.export(code, "html", tmp_path / "r.html", url=demo_sqlite, actor=ADMIN)
    shown = [
        " ".join((element.text or "").split())
        for element in lxml.html.parse(str(html)).iter()
        if element.get("lang") not in (None, "en")
    ]
    shown_languages = {e.get("lang") for e in lxml.html.parse(str(html)).iter()}
    # which quotes a component shows follows the clustering; every script is checked above
    assert "ur" in shown_languages and len(shown_languages & {"bn", "pa", "gu", "hi"}) >= 1
    pdf = exports.export(code, "pdf", tmp_path / "r.pdf", url=demo_sqlite, actor=ADMIN)
    assert missing(shown, pdf_text(pdf)) == []


def test_mixed_script_text_copies_each_script_as_written(tmp_path: Path) -> None:
    """One note in Latin, Urdu and four Indic scripts: each run copies as written."""
    mixed = "support خاندان پرواہ পরিবারের ਪਰਿਵਾਰ પરિવાર परिवार"
    extracted = pdf_text(write_pdf(_page({"und": mixed}), tmp_path / "mixed.pdf"))
    assert "পরিবারের ਪਰਿਵਾਰ પરિવાર परिवार" in extracted
    assert "خاندان پرواہ" in extracted and "support" in extracted
