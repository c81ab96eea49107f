"""PDF: the HTML report laid out by WeasyPrint.

WeasyPrint shapes text with Pango and HarfBuzz, so Urdu, Bengali and Gurmukhi
contributions print joined and in order (xhtml2pdf and fpdf2 do not shape complex
scripts); its system libraries come from Debian (scripts/setup). Fonts come from
fonts-noto-core. It is imported only here: nothing else pays for it.
"""

from pathlib import Path

from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope


def write(scope: Scope, out: Path) -> None:
    from weasyprint import HTML

    from codesign.exports import (
        review_report as report,  # matplotlib and Jinja2 load only for a report
    )

    HTML(string=report.render_html(scope, build(scope))).write_pdf(out)
