"""Charts people would rather look at than read: support by group, participation, timeline.

matplotlib figures drawn on an Agg canvas (no display, and no change to pyplot's global
backend, so importing this in a notebook leaves its own plots alone), built from the
review's dataclasses. `svg` gives deterministic text (fixed hash salt, no date) so a report or a
notebook output does not change between runs on the same data.
"""

import io
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from codesign.analysis.comparison import GROUP_NAMES, Comparison
from codesign.analysis.participation import Balance
from codesign.analysis.review import SessionActivity

COLOURS = {"black-communities": "#7b3294", "south-asian-communities": "#e66101"}
OTHER = "#4d4d4d"
LABEL_CHARS = 48
# Labels may be Urdu, Bengali, Gurmukhi, Gujarati or Devanagari (fonts-noto-core); matplotlib
# falls back along this list glyph by glyph, but does not join or reorder complex scripts.
FONTS = ["DejaVu Sans", "Noto Sans Arabic", "Noto Sans Bengali", "Noto Sans Gurmukhi",
         "Noto Sans Gujarati", "Noto Sans Devanagari"]  # fmt: skip
STYLE: dict[str, Any] = {
    "font.family": FONTS,
    "svg.hashsalt": "codesign",
    "text.parse_math": False,  # a label like "$^{$" is text, not mathtext that fails to parse
    "text.usetex": False,
}
P = ParamSpec("P")


@contextmanager
def _style() -> Iterator[None]:
    """Our fonts and salt, and no warning per glyph when a script's font is not installed."""
    with matplotlib.rc_context(STYLE), warnings.catch_warnings():  # type: ignore[arg-type]
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
        warnings.filterwarnings("ignore", message=r"findfont: Font family .* not found")
        yield


def styled(fn: Callable[P, Figure]) -> Callable[P, Figure]:
    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with _style():
            return fn(*args, **kwargs)

    return wrapper


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _figure(figsize: tuple[float, float]) -> Figure:
    fig = Figure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig


@styled
def support_chart(comparisons: list[Comparison]) -> Figure:
    """Share of people supporting each component, per group, with 95 % intervals.

    Components on which nobody in any group took a side are left out of the chart.
    """
    comparisons = [c for c in comparisons if any(s.responses for s in c.support.values())]
    fig = _figure((8, 0.45 * max(len(comparisons), 2) + 1.4))
    ax = fig.add_subplot()
    groups = sorted({g for c in comparisons for g in c.support})
    labelled: set[str] = set()  # each group named once, at its first plotted point
    for offset, group in enumerate(groups):
        for row, comparison in enumerate(comparisons):
            found = comparison.support.get(group)
            if found is None or not found.responses:
                continue
            y = row + (offset - (len(groups) - 1) / 2) * 0.25
            low, high = found.interval
            colour = COLOURS.get(group, OTHER)
            hollow = found.share is None or found.responses < found.min_responses
            ax.plot([low, high], [y, y], color=colour, alpha=0.5, linewidth=2)
            ax.plot(
                found.share or 0.5, y, "o", color=colour,
                markerfacecolor="white" if hollow else colour,
                label=None if group in labelled else GROUP_NAMES.get(group, group),
            )  # fmt: skip
            labelled.add(group)
    ax.axvline(0.5, color="#999999", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(comparisons)), [_short(c.component.label) for c in comparisons])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("Share of people supporting (hollow: not enough responses)")
    if labelled:
        ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    return fig


@styled
def participation_chart(balance: Balance) -> Figure:
    """Each role's share of people, contributions and votes, side by side."""
    fig = _figure((8, 0.6 * max(len(balance.roles), 2) + 1.2))
    ax = fig.add_subplot()
    measures = (("share_people", "people"), ("share_contributions", "contributions"),
                ("share_votes", "votes"))  # fmt: skip
    for n, (attribute, label) in enumerate(measures):
        ys = [row + (n - 1) * 0.27 for row in range(len(balance.roles))]
        values = [getattr(r, attribute) for r in balance.roles]
        ax.barh(ys, values, height=0.25, label=f"share of {label}", color=f"C{n}")
    ax.set_yticks(range(len(balance.roles)), [r.name for r in balance.roles])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize="small")
    fig.tight_layout()
    return fig


@styled
def timeline_chart(activity: list[SessionActivity]) -> Figure:
    """Cumulative contributions against minutes into each session."""
    fig = _figure((8, 4))
    ax = fig.add_subplot()
    for session in activity:
        ax.step(
            session.minutes, range(1, len(session.minutes) + 1), where="post",
            color=COLOURS.get(session.group, OTHER), alpha=0.8, label=_short(session.title),
        )  # fmt: skip
    ax.set_xlabel("Minutes after the session's first contribution")
    ax.set_ylabel("Contributions so far")
    if activity:
        ax.legend(fontsize="x-small", loc="upper left")
    fig.tight_layout()
    return fig


def svg(fig: Figure) -> str:
    """The figure as SVG text, without a creation date so reruns are byte-identical."""
    buffer = io.StringIO()
    with _style():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def png(fig: Figure, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    with _style():
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
