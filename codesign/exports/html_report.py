"""HTML: the review report, one self-contained file (charts inline, no network)."""

from pathlib import Path

from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope


def write(scope: Scope, out: Path) -> None:
    from codesign.exports import (
        review_report as report,  # matplotlib and Jinja2 load only for a report
    )

    out.write_text(report.render_html(scope, build(scope)), encoding="utf-8")
