"""The ballot: what the room votes on, decided by the facilitator.

Proposals go on the ballot when they are written; everything else a participant writes
(most people leave the kind on "idea") waits here until the facilitator puts it on. The
ballot spans the group's sessions up to this one, as `votes.ballot` does, and is fixed
while voting is open, so everyone votes on the same list.
"""

import threading

import ipywidgets as widgets

from codesign.facilitator.context import Context
from codesign.facilitator.ui import button, choices, status_line, wire
from codesign.store import Store
from codesign.store.models import Contribution
from codesign.workshop import contributions, votes

ROWS = 12


def _label(c: Contribution) -> str:
    waiting = "⚑ waits for review · " if c.needs_review else ""
    return f"#{c.id} {waiting}[{c.kind}] {c.text}"


class BallotPanel:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        wide = widgets.Layout(width="48em")
        self.summary = widgets.HTML()
        self.off = widgets.SelectMultiple(description="Not on it", rows=ROWS, layout=wide)
        self.on = widgets.SelectMultiple(description="On the ballot", rows=ROWS, layout=wide)
        self.put = button("Put on the ballot", "primary", "Put the chosen contributions on it")
        self.take = button("Take off the ballot", tooltip="Take the chosen ones off the ballot")
        self.status = status_line()
        wire(self.status, self.refresh, [
            (self.put, lambda: self._change(self.off.value, True)),
            (self.take, lambda: self._change(self.on.value, False)),
        ], [self.off, self.on])  # fmt: skip
        self._lock = threading.Lock()  # the poller's refresh and a click's never interleave
        self.widget = widgets.VBox(
            [
                self.summary,
                widgets.HBox([self.off, self.put]),
                widgets.HBox([self.on, self.take]),
                widgets.HTML("<small>Shift- or Ctrl-click to choose several.</small>"),
                self.status,
            ]
        )
        self._refresh(live=False)

    def _change(self, chosen: tuple[int, ...], on_ballot: bool) -> str:
        if not chosen:
            return "Choose one or more contributions first: nothing changed."
        changed = votes.set_ballot(
            Store.open(self.ctx.url), list(chosen), on_ballot, actor=self.ctx.actor
        )
        where = "on the ballot" if on_ballot else "off the ballot"
        if not changed:
            return f"Those were already {where}: nothing changed."
        return f"Put {changed} {where}." if on_ballot else f"Took {changed} {where}."

    def refresh(self) -> None:
        """Reload both lists now (after an action, whose choice has been used)."""
        self._refresh(live=False)

    def tick(self) -> None:
        """The live refresh (the app's poller): the summary always, but a list the
        facilitator is choosing in keeps its options, so the choice they are about to
        act on is not replaced under them (Voilà sends the choice as positions in the
        list the browser shows); it catches up after the click."""
        self._refresh(live=True)

    def _refresh(self, *, live: bool) -> None:
        with self._lock:
            self._reload(live)

    def _reload(self, live: bool) -> None:
        """Reload both lists: this session's contributions not on the ballot, and the ballot."""
        sid, actor, url = self.ctx.session_id, self.ctx.actor, self.ctx.url
        mine = contributions.for_session(sid, url=url, actor=actor)
        ballot = votes.ballot(sid, url, actor=actor)
        waiting = [c for c in mine if c.on_ballot and c.needs_review]
        off = [c for c in mine if not c.on_ballot]
        for chooser, shown in ((self.off, off), (self.on, [*ballot, *waiting])):
            if not (live and chooser.value):
                _update(chooser, choices([(_label(c), c.id) for c in shown]))
        self.summary.value = (
            f"<p><b>{len(ballot)} on the ballot</b>"
            + (f" (and {len(waiting)} waiting for your review)" if waiting else "")
            + f". {len(off)} contributions from this session are not on it. Proposals go on"
            " when they are written; you decide about everything else. Participants see"
            " “On the ballot” beside what they wrote.</p>"
        )


def _update(chooser: widgets.SelectMultiple, options: list[tuple[str, int]]) -> None:
    """Replace a list's options, keeping what is chosen (the feed refreshes it live)."""
    if list(chooser.options) == options:
        return
    keep = set(chooser.value)
    with chooser.hold_sync():  # the new options and the kept choice reach the browser together
        chooser.options = options
        chooser.value = tuple(value for _, value in options if value in keep)
