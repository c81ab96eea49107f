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

Readers that follow the standard (Acrobat, Chromium's and Edge's viewers, Poppler's
Evince, Okular and pdftotext) copy and search the text as written; pypdf ignores
ActualText and MuPDF 1.28 repeats a word whose first glyph is a vowel sign
(docs/review.md). Fonts are the system's Noto families (fonts-noto-core) and Noto Color
Emoji (fonts-noto-color-emoji), named per language in `templates/reports/fonts.css`.
"""

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def right_to_left(text: str) -> bool:
    """True when `text` holds a right-to-left letter (Arabic script, Hebrew …)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


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
        HTML(string=html).write_pdf(out)
    return out
