"""The live feed: new contributions as they arrive, who has not contributed yet, and (for the
facilitator only) flagged contributions with their categories.

The same panel in `shared` mode is the projector's wall of contributions: only visible,
reviewed ones, with no counts and no flags.
"""

import ipywidgets as widgets

from codesign.facilitator.context import Context
from codesign.facilitator.ui import esc
from codesign.workshop import feed

SHOWN = 40


def item_html(item: feed.FeedItem, shared: bool) -> str:
    """One contribution; the facilitator also sees its state and flag categories."""
    text = f"<span style='font-size:1.15em'>{esc(item.text)}</span>"
    if shared:
        return f"<li>{text}</li>"
    notes = [item.kind, item.pseudonym or "no participant"]
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

    def __init__(self, ctx: Context, shared: bool = False) -> None:
        self.ctx = ctx
        self.shared = shared
        self.feed = feed.Feed(ctx.session_id, ctx.actor, shared=shared, url=ctx.url)
        self.flagged = widgets.HTML()
        self.counts = widgets.HTML()
        self.items = widgets.HTML()
        parts = [self.items] if shared else [self.flagged, self.counts, self.items]
        self.widget = widgets.VBox(parts)
        self.render()

    def refresh(self) -> None:
        """Poll the event log; redraw only what changed (widgets cost a message per change)."""
        changed = self.feed.poll()
        if changed or not self.shared:
            self.render()

    def render(self) -> None:
        items = self.feed.items()
        listing = "".join(item_html(i, self.shared) for i in items[:SHOWN])
        _set(self.items, f"<p><b>{len(items)} contributions</b></p><ul>{listing}</ul>")
        if self.shared:
            return
        flagged = "".join(item_html(i, False) for i in self.feed.flagged())
        _set(
            self.flagged,
            f"<div style='border-left:4px solid #b00020;padding-left:8px'><b>Flagged for you"
            f" only, kept off the projector until reviewed:</b><ul>{flagged}</ul></div>"
            if flagged
            else "",
        )
        _set(self.counts, counts_html(self.feed.counts()))


def _set(widget: widgets.HTML, value: str) -> None:
    if widget.value != value:
        widget.value = value
