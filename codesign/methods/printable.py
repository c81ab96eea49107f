"""Putting participants' text into files: one rule for characters a format cannot hold,
and which way the text runs.

Participants paste from other apps, and a vertical tab (Word's manual line break) or a
stray NUL arrives inside their words. XML 1.0 forbids most C0 control characters, so
lxml refuses them (the .qdpx project, every .docx part and every .xlsx sheet are XML),
and HTML renders them as nothing at all. The text is stored as written; only output
changes, in one way for every format:

- vertical tab and form feed become a line break, which is what the writer meant;
- every other character XML 1.0 forbids becomes U+FFFD, the replacement character, so a
  reader sees that something was there instead of losing it silently.

Each replacement is one character for one, so offsets into the text (the .qdpx
selections) still point at the same words.
"""

import re
import unicodedata

from markupsafe import Markup

LINE_BREAKS = "\x0b\x0c"
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
REPLACEMENT = "\ufffd"


def _replace(match: re.Match[str]) -> str:
    return "\n" if match.group() in LINE_BREAKS else REPLACEMENT


def printable(text: str) -> str:
    """`text` with every character XML 1.0 cannot hold replaced, one for one."""
    return FORBIDDEN.sub(_replace, text)


def finalize(value: object) -> object:
    """Jinja2's `finalize` hook: whatever a template prints passes through `printable`.

    Markup stays markup (its tags are the template's own), so autoescaping still
    escapes only what was plain text.
    """
    if isinstance(value, Markup):
        return Markup(printable(str(value)))
    return printable(value) if isinstance(value, str) else value


def direction(text: str) -> str:
    """ "rtl" or "ltr" by the first letter with a direction, as HTML's dir="auto" decides.

    Reports set it themselves because WeasyPrint ignores dir="auto", and an Urdu
    sentence laid out left to right copies out of the PDF with its halves swapped.
    """
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
