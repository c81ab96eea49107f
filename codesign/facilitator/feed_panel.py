"""The live feed: new contributions as they arrive, who has not contributed yet, and (for the
facilitator only) flagged contributions with their categories. The projector has its own
page (`projector`), which shows only what the room may see.
"""

import ipywidgets as widgets

from codesign.facilitator.context import Context
from codesign.facilitator.ui import esc, set_value
from codesign.workshop import feed

SHOWN = 40


def item_html(item: feed.FeedItem) -> str:
    """One contribution with its state and flag categories."""
    text = f"<span style='font-size:1.15em'>{esc(item.text)}</span>"
    notes = [item.kind, item.pseudonym or "no participant"]
    if item.on_ballot:
        notes.append("on the ballot")
    if item.entered_by_facilitator:
        notes.append("entered by facilitator")
    if item.status != "visible":
        notes.append(item.status)
    if item.needs_review:
        notes.append("NEEDS REVIEW: " + ", ".join(item.flags))
    elif item.flags:
        notes.append("reviewed: " + ", ".join(item.flags))
    return f"<li>#{item.id} {text} <small>({esc(' · '.join(notes))})</small></li>"


def counts_html(counts: list[feed.Count]) -> str:
    silent = [c.pseudonym for c in counts if c.contributions == 0]
    spoken = ", ".join(f"{esc(c.pseudonym)} {c.contributions}" for c in counts if c.contributions)
    return (
        f"<p><b>Not contributed yet ({len(silent)}):</b> {esc(', '.join(silent)) or '—'}</p>"
        f"<p><b>Contributions:</b> {spoken or '—'}</p>"
    )


class FeedPanel:
    """A live list of a session's contributions, refreshed by the app's poller."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.feed = feed.Feed(ctx.session_id, ctx.actor, url=ctx.url)
        self.flagged = widgets.HTML()
        self.counts = widgets.HTML()
        self.items = widgets.HTML()
        self.widget = widgets.VBox([self.flagged, self.counts, self.items])
        self.render()

    def refresh(self) -> None:
        """Poll the event log and redraw (`set_value` sends only what changed)."""
        self.feed.poll()
        self.render()

    def render(self) -> None:
        items = self.feed.items()
        listing = "".join(item_html(i) for i in items[:SHOWN])
        set_value(self.items, f"<p><b>{len(items)} contributions</b></p><ul>{listing}</ul>")
        flagged = "".join(item_html(i) for i in self.feed.flagged())
        set_value(
            self.flagged,
            f"<div style='border-left:4px solid #b00020;padding-left:8px'><b>Flagged for you"
            f" only, kept off the projector until reviewed:</b><ul>{flagged}</ul></div>"
            if flagged
            else "",
        )
        set_value(self.counts, counts_html(self.feed.counts()))
