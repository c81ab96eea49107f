"""HTML to PDF with WeasyPrint, so that text copies and searches as it was written.

WeasyPrint shapes text with Pango and HarfBuzz, so Urdu, Bengali and Gurmukhi print
joined and in order (xhtml2pdf and fpdf2 do not shape complex scripts). What it does not
do is say which words the glyphs spell in a way that survives copying: its ToUnicode map
gives each glyph the text of the first cluster it appeared in. In Bengali, Gurmukhi,
Gujarati and Devanagari a vowel sign is drawn *before* the consonant it follows, and one
glyph serves in several clusters, so "পরিবারের" came out of the PDF as "প7রিবা=রিরি".

The PDF standard's answer is `/ActualText`: a marked-content span that says which text
the glyphs inside it stand for. Every left-to-right text box is wrapped in one, carrying
the box's text exactly. Boxes holding right-to-left letters (Urdu) are left alone: their
glyphs already map one to one, and readers reverse an ActualText they take for visual
order (a box's CSS direction is no guide: `dir="auto"` leaves it left-to-right).

One text box can hold both: "support خاندان পরিবারের" is one run of one paragraph. Before
layout, each run of right-to-left letters in mixed text is put in a `<span dir="rtl">`
of its own, so WeasyPrint gives it a box of its own and the left-to-right rest keeps
its ActualText (`isolate_right_to_left`).

Readers that follow the standard (Acrobat, Chromium's and Edge's viewers, Poppler's
Evince, Okular and pdftotext) copy and search the text as written; pypdf ignores
ActualText and MuPDF 1.28 repeats a word whose first glyph is a vowel sign
(docs/review.md). Fonts are the system's Noto families (fonts-noto-core) and Noto Color
Emoji (fonts-noto-color-emoji), named per language in `templates/reports/fonts.css`.
"""

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import lxml.html
from lxml.html import HtmlElement

_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc"
RTL_RUN = re.compile(f"[{_RTL}]+(?:[\\s\u060c\u061b\u061f\u06d4]+[{_RTL}]+)*")
"""Right-to-left letters, with the spaces and Arabic punctuation between them."""


def right_to_left(text: str) -> bool:
    """True when `text` holds a right-to-left letter (Arabic script, Hebrew …)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def _mixed(text: str) -> bool:
    """Right-to-left letters and left-to-right letters in one piece of text."""
    return right_to_left(text) and any(unicodedata.bidirectional(c) == "L" for c in text)


def _split(text: str) -> tuple[str, list[HtmlElement]]:
    """The text before the first right-to-left run, then one span per run (its tail the
    left-to-right text after it)."""
    lead, at = "", 0
    spans: list[HtmlElement] = []
    for run in RTL_RUN.finditer(text):
        before = text[at : run.start()]
        if spans:
            spans[-1].tail = before
        else:
            lead = before
        span = HtmlElement("span", dir="rtl")
        span.text, at = run.group(0), run.end()
        spans.append(span)
    spans[-1].tail = text[at:]
    return lead, spans


def isolate_right_to_left(html: str) -> str:
    """`html` with every right-to-left run of mixed text in a `<span dir="rtl">`."""
    root = lxml.html.document_fromstring(html)
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        if element.text and _mixed(element.text):
            element.text, spans = _split(element.text)
            for position, span in enumerate(spans):
                element.insert(position, span)
        parent = element.getparent()
        if parent is not None and element.tail and _mixed(element.tail):
            element.tail, spans = _split(element.tail)
            for offset, span in enumerate(spans, start=parent.index(element) + 1):
                parent.insert(offset, span)
    return str(lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>"))


def _with_actual_text(draw_text: Any) -> Any:
    """WeasyPrint's `draw_text`, wrapped so each LTR text box carries its text."""
    import pydyf

    def draw(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        if right_to_left(textbox.text):
            return draw_text(stream, textbox, *args, **kwargs)
        span = pydyf.Dictionary({"ActualText": pydyf.String(textbox.text)})
        stream.begin_marked_content("Span", span)
        try:
            return draw_text(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    return draw


@contextmanager
def actual_text() -> Iterator[None]:
    """While rendering, every left-to-right text box is drawn inside an ActualText span."""
    from weasyprint import draw

    original = draw.draw_text
    draw.draw_text = _with_actual_text(original)
    try:
        yield
    finally:
        draw.draw_text = original


def write_pdf(html: str, out: Path) -> Path:
    """Lay `html` out as a PDF at `out`; its <title> becomes the document's title."""
    from weasyprint import HTML

    with actual_text():
        HTML(string=isolate_right_to_left(html)).write_pdf(out)
    return out
