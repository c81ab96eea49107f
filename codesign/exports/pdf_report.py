"""PDF: the HTML review report laid out by `codesign.methods.pdf` (WeasyPrint), whose
docstring says how text in every script stays copyable and searchable.
"""

from pathlib import Path

from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope
from codesign.methods.pdf import write_pdf


def write(scope: Scope, out: Path) -> None:
    from codesign.exports import (
        review_report as report,  # matplotlib and Jinja2 load only for a report
    )

    write_pdf(report.render_html(scope, build(scope)), out)
