"""Importing a Pol.is conversation into the session, and its statements held out of results:
what Pol.is did with each, why safeguarding held it, and releasing the chosen ones (or
all) in one step. The opinion groups, consensus, divisive and representative statements
of what was imported are on the Results tab, like those of a live vote."""

from pathlib import Path

import ipywidgets as widgets

from codesign.facilitator.context import Context
from codesign.facilitator.ui import button, esc, on_click, status_line, wire
from codesign.intake import polis_import, polis_review
from codesign.store import Store


def held_html(found: list[polis_review.Held]) -> str:
    """A table a facilitator can decide from: the words, Pol.is's moderation, the reasons."""
    if not found:
        return "<p>No imported statements are held.</p>"
    rows = "".join(
        f"<tr><td>{esc(h.ref)}</td><td>{esc(h.in_polis)}</td>"
        f"<td>{esc('; '.join(reason for _, reason in h.reasons) or '—')}</td>"
        f"<td>{h.votes}</td><td>{esc(h.text)}</td></tr>"
        for h in found
    )
    head = (
        "<tr><th>ref</th><th>in Pol.is</th><th>safeguarding</th><th>votes</th>"
        "<th>statement</th></tr>"
    )
    return (
        "<p>These were moderated once already, in Pol.is. Read each; release the ones the"
        " room may see. Releasing keeps the flags on record and logs an event.</p>"
        f"<table>{head}{rows}</table>"
    )


class ImportsPanel:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = Store.open(ctx.url)
        self.folder = widgets.Text(
            description="Export folder",
            placeholder="the folder holding comments.csv and votes.csv",
            layout=widgets.Layout(width="40em"),
        )
        self.run = button("Import Pol.is export", "primary")
        self.table = widgets.HTML()
        self.chosen = widgets.SelectMultiple(
            description="Choose", layout=widgets.Layout(width="40em", height="10em")
        )
        self.release = button("Release chosen", "primary")
        self.release_all = button("Release all", "warning")
        self.status = status_line()
        wire(self.status, self.refresh, [(self.run, self._import)], [self.folder])
        on_click(self.release, self.status, lambda: self._release(set(self.chosen.value)),
                 self.refresh)  # fmt: skip
        on_click(self.release_all, self.status, lambda: self._release(None), self.refresh)
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.folder, self.run]),
                self.table,
                self.chosen,
                widgets.HBox([self.release, self.release_all]),
                self.status,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        found = polis_review.held(self.store, self.ctx.session_id, actor=self.ctx.actor)
        self.table.value = held_html(found)
        self.chosen.options = [(f"[{h.ref}] {h.text[:80]}", h.ref) for h in found]

    def _import(self) -> str:
        if not self.folder.value.strip():
            return "Type the folder of the Pol.is export first."
        folder = Path(self.folder.value.strip()).expanduser()
        report = polis_import.import_polis(
            folder, self.ctx.info.code, actor=self.ctx.actor, url=self.ctx.url
        )
        held = f" {report.held} statements are held for review below." if report.held else ""
        return f"{report.summary}{held} The Results tab shows the opinion groups."

    def _release(self, refs: set[str] | None) -> str:
        if refs is not None and not refs:
            return "Choose one or more statements first, or press Release all."
        done = polis_review.release(self.store, self.ctx.session_id, refs, actor=self.ctx.actor)
        return f"Released {len(done)} statements into results."
