"""Reading a PDF back as a reader's copy and search would, and comparing it word for word.

Poppler's pdftotext (Debian's poppler-utils) is the reader: it follows the PDF
standard's /ActualText, which is how codesign's PDFs say what Bengali, Gurmukhi,
Gujarati and Devanagari glyphs spell. pypdf ignores ActualText and MuPDF repeats words
that start with a vowel sign (docs/review.md), so neither can judge these files.
"""

import re
import subprocess
from pathlib import Path

from codesign.methods.printable import direction

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e]")
CLAUSE = re.compile("[،,.;:؛]")


def pdf_text(path: Path) -> str:
    """The PDF's text with bidi controls removed and all white space made single spaces."""
    found = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(BIDI_CONTROLS.sub("", found).split())


def pieces(text: str) -> list[str]:
    """What must appear unbroken: a left-to-right text whole; a right-to-left one word by
    word, because Poppler lays out each clause of an Urdu sentence on its own around an
    Arabic comma, and a clause wrapped onto a second line comes out after the clause
    that follows it (each word still copies as written; docs/review.md)."""
    if direction(text) == "ltr":
        return [" ".join(text.split())]
    return [word for part in CLAUSE.split(text) for word in part.split()]


def missing(texts: list[str], extracted: str) -> list[str]:
    """The pieces of `texts` that do not appear word for word in `extracted`.

    Hyphens are left out of the comparison: Poppler joins a line that ends in one to the
    next and drops it ("by-and-" / "for" becomes "by-andfor"), as it would a soft hyphen.
    """
    flat = extracted.replace("-", "")
    return [p for text in texts for p in pieces(text) if p.replace("-", "") not in flat]
