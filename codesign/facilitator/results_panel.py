"""Voting results for the facilitator: dot totals, agree / disagree / pass by declared group
(or by opinion group when nobody declared one), consensus and divisive proposals, per
component, a chart the room can be shown, and the opinion groups as Pol.is finds them:
why that many, each group's representative statements, and the statements that unite or
divide the groups."""

import ipywidgets as widgets
from matplotlib.figure import Figure

from codesign.analysis import results
from codesign.analysis.charts import png, styled
from codesign.analysis.opinions import Standing
from codesign.facilitator.context import Context
from codesign.facilitator.ui import button, esc, on_click, status_line
from codesign.methods import agreement

TOP = 10
LABEL_CHARS = 45


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


@styled
def chart(found: results.Results) -> Figure:
    """Dots per proposal (left) and the share agreeing in each declared group (right)."""
    fig = Figure(figsize=(11, 0.45 * max(min(len(found.proposals), TOP), 3) + 1.6))
    dots_ax, agree_ax = fig.subplots(1, 2, sharey=True)
    top = found.proposals[:TOP][::-1]
    rows = range(len(top))
    dots_ax.barh(list(rows), [p.dots for p in top], color="#4d4d4d")
    dots_ax.set_yticks(list(rows), [_short(p.text) for p in top])
    dots_ax.set_title("Dots")
    width = 0.8 / max(len(found.groups), 1)
    for n, group in enumerate(found.groups):
        shares = [_share(p.by_group.get(group)) for p in top]
        offsets = [r + (n - (len(found.groups) - 1) / 2) * width for r in rows]
        agree_ax.barh(offsets, shares, height=width, label=group)
    agree_ax.set_xlim(0, 1)
    agree_ax.set_title(f"Share agreeing, by {found.judged_by}")
    if found.groups and top:
        agree_ax.legend(loc="lower right", fontsize="small")
    if not top:
        dots_ax.text(0.5, 0.5, "No votes yet", ha="center", transform=dots_ax.transAxes)
    fig.tight_layout()
    return fig


def _share(tally: agreement.Tally | None) -> float:
    return tally.agree / tally.seen if tally is not None and tally.seen else 0.0


def table_html(found: results.Results) -> str:
    rows = "".join(
        f"<tr><td>{p.dots}</td><td>{p.overall.agree}</td><td>{p.overall.disagree}</td>"
        f"<td>{p.overall.passed}</td><td>{esc(p.verdict)}</td><td>{esc(p.text)}</td></tr>"
        for p in found.proposals
    )
    comps = "".join(
        f"<tr><td>{c.dots}</td><td>{c.overall.agree}</td><td>{c.overall.disagree}</td>"
        f"<td>{c.overall.passed}</td><td>{len(c.proposals)} proposals</td>"
        f"<td>{esc(c.label)}</td></tr>"
        for c in found.components
    )
    head = "<tr><th>dots</th><th>agree</th><th>disagree</th><th>pass</th><th></th><th></th></tr>"
    groups = esc(", ".join(found.groups) or "none yet")
    return (
        f"<p>Consensus and divisive are judged across the {esc(found.judged_by)}: {groups}.</p>"
        f"<table>{head}{rows}</table>"
        + (f"<h4>By component</h4><table>{head}{comps}</table>" if comps else "")
    )


def opinions_html(found: results.Results) -> str:
    """The opinion groups: why that many, what each stands for, what unites and divides them."""
    o = found.opinions
    parts = [f"<h4>Opinion groups</h4><p>{esc(o.k_reason)}</p>"]
    for group in o.groups:
        items = "".join(
            f"<li>{r.repful_for} {r.n_success}/{r.n_trials}:"
            f" {esc(found.proposal(r.statement).text)}</li>"
            for r in group.representative
        )
        parts.append(f"<p><b>{esc(group.name.capitalize())}</b> ({len(group.participants)} people)"
                     f" stands out for</p><ul>{items}</ul>")  # fmt: skip
    for title, keys, figure in (
        ("Consensus across the opinion groups", o.consensus, _consensus),
        ("Divisive across the opinion groups", o.divisive, _extremity),
    ):
        items = "".join(
            f"<li>{figure(o.statements[key])}: {esc(found.proposal(key).text)}</li>"
            for key in keys[:TOP]
        )
        parts.append(f"<h4>{title} ({len(keys)})</h4><ul>{items or '<li>none</li>'}</ul>")
    return "".join(parts)


def _consensus(standing: Standing) -> str:
    return f"group-aware consensus {standing.group_consensus or 0.0:.2f}"


def _extremity(standing: Standing) -> str:
    return f"extremity {standing.extremity:.2f}"


class ResultsPanel:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.update = button("Update results", "primary")
        self.status = status_line()
        self.image = widgets.Image(format="png")
        self.table = widgets.HTML()
        self.opinions = widgets.HTML()
        on_click(self.update, self.status, self.refresh)
        self.widget = widgets.VBox(
            [self.update, self.status, self.image, self.table, self.opinions]
        )
        self.refresh()

    def refresh(self) -> str:
        found = results.results(self.ctx.session_id, self.ctx.url, actor=self.ctx.actor)
        self.image.value = png(chart(found))
        self.table.value = table_html(found)
        self.opinions.value = opinions_html(found)
        return f"{len(found.proposals)} proposals with votes."
