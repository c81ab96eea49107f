"""HTML: the review report, one self-contained file (charts inline, no network)."""

from pathlib import Path

from codesign.exports.rows import Scope
from codesign.exports.tables import build


def write(scope: Scope, out: Path) -> None:
    from codesign import report  # matplotlib and Jinja2 load only for a report

    out.write_text(report.render_html(scope, build(scope)), encoding="utf-8")
