"""The review report as HTML, from `templates/reports/report.html.j2`, charts inline.

Jinja2 autoescapes every value, so a participant's `<script>` arrives as text; charts are
embedded as `data:` image URIs (an SVG in an <img> cannot run script), so nothing in the
template needs `|safe`. The PDF export renders this same HTML.
"""

import base64
from datetime import UTC, datetime
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from codesign.analysis import charts, comparison, participation, review, themes
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Tables, scope_title
from codesign.config import TEMPLATES
from codesign.methods.printable import direction, finalize

QUOTES_PER_THEME = 3


def _image(fig: Any) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(charts.svg(fig).encode()).decode()


def context(scope: Scope, tables: Tables) -> dict[str, Any]:
    """Everything the template shows, computed once."""
    found = comparison.compare(tables)
    balance = participation.balance(tables)
    proposals = review.proposals(tables)
    activity = review.timeline(tables)
    sessions = tables["sessions"]
    return {
        "title": scope_title(scope, tables),
        "generated": datetime.now(UTC).strftime("%d %B %Y"),
        "deidentified": scope.deidentified,
        "synthetic": any(s["synthetic"] for s in sessions),
        "sessions": sessions,
        "counts": {name: len(rows) for name, rows in tables.items()},
        "comparisons": found,
        "balance": balance,
        "components": review.component_results(tables),
        "consensus": review.consensus(proposals)[:10],
        "divisive": review.divisive(proposals)[:10],
        "theme_rows": tables["themes"],
        "quotes": tables["quotes"],
        "group_names": comparison.GROUP_NAMES,
        "role_names": participation.ROLE_NAMES,
        "charts": {
            "support": _image(charts.support_chart(found)) if found else None,
            "participation": _image(charts.participation_chart(balance)),
            "timeline": _image(charts.timeline_chart(activity)) if activity else None,
        },
        "scope_key": themes.scope_key(scope, tables),
    }


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / "reports"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    env.filters["direction"] = direction
    env.filters["counted"] = counted
    return env


def counted(number: int, noun: str) -> str:
    """A count with its noun, singular for one: a newcomer's first report (one session,
    few people) should not read "1 sessions"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def render_html(scope: Scope, tables: Tables) -> str:
    return environment().get_template("report.html.j2").render(context(scope, tables))
