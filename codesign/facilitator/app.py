"""The facilitator's notebook: a session picker above the live panels of the chosen session.

`FacilitatorHome().widget` is the whole screen. Choosing a session in the picker opens its
panels (and puts it on the projector, whose page follows the facilitator's choice);
`FacilitatorApp(ctx).widget` is those panels for one session, kept live by one poller
(every half second, in a background thread) so nothing needs a cell re-run. `tick()` is
one poll, for tests.
"""

import ipywidgets as widgets

from codesign.access import ADMIN
from codesign.facilitator.ballot_panel import BallotPanel
from codesign.facilitator.components_panel import ComponentsPanel
from codesign.facilitator.context import Context, open_session
from codesign.facilitator.feed_panel import FeedPanel
from codesign.facilitator.imports_panel import ImportsPanel
from codesign.facilitator.moderation_panel import ModerationPanel
from codesign.facilitator.results_panel import ResultsPanel
from codesign.facilitator.session_panel import SessionPanel
from codesign.facilitator.ui import button, on_click, status_line
from codesign.store import Store
from codesign.widgets.tree import close_tree
from codesign.workshop import sessions
from codesign.workshop.feed import Poller

RELIST_SECONDS = 3.0
TABS = ("Live feed", "Moderate", "Ballot", "Components", "Results", "Imported")


class FacilitatorApp:
    """Every panel for one session."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.session = SessionPanel(ctx)
        self.feed = FeedPanel(ctx)
        self.moderation = ModerationPanel(ctx)
        self.ballot = BallotPanel(ctx)
        self.components = ComponentsPanel(ctx)
        self.results = ResultsPanel(ctx)
        self.imports = ImportsPanel(ctx)
        panels = (
            self.feed,
            self.moderation,
            self.ballot,
            self.components,
            self.results,
            self.imports,
        )
        tabs = widgets.Tab(children=[p.widget for p in panels])
        for n, title in enumerate(TABS):
            tabs.set_title(n, title)
        self.widget = widgets.VBox([self.session.widget, tabs])
        self.poller = Poller(self.tick)

    def tick(self) -> None:
        before = self.feed.feed.last_event_id
        self.session.refresh()
        self.feed.refresh()
        if self.feed.feed.last_event_id != before:
            self.moderation.refresh()
            self.ballot.tick()

    def start(self) -> None:
        self.poller.start()

    def stop(self) -> None:
        self.poller.stop()


def session_label(info: sessions.SessionInfo) -> str:
    state = " (closed)" if info.closed else ""
    return f"{info.display_code} · {info.group} · {info.title}{state}"


class FacilitatorHome:
    """The session picker and, under it, the chosen session's live panels.

    Switching session used to mean editing a code cell or restarting `serve`; here it is
    a choice from every session, newest first. The first one shown is `code`, else
    `$CODESIGN_SESSION`, else the demo's live session, else the newest open session.
    """

    def __init__(self, url: str | None = None, code: str | None = None) -> None:
        self.url = url
        self.picker = widgets.Dropdown(description="Session", layout=widgets.Layout(width="48em"))
        self.open = button("Open this session", "primary")
        self.status = status_line()
        self.holder = widgets.VBox()
        on_click(
            self.open, self.status, lambda: self.show(str(self.picker.value)),
            form_state=lambda: self.picker.value,
        )  # fmt: skip
        self.widget = widgets.VBox(
            [widgets.HBox([self.picker, self.open]), self.status, self.holder]
        )
        self.app: FacilitatorApp | None = None
        self.show(code)
        self.lister = Poller(self.relist, interval=RELIST_SECONDS)
        self.lister.start()

    def _fill(self, chosen: str) -> None:
        found = sessions.listing(self.url, actor=ADMIN)
        self.picker.options = [(session_label(info), info.code) for info in found]
        self.picker.value = chosen

    def stop(self) -> None:
        """Stop polling (the session's panels and the picker's list)."""
        self.lister.stop()
        if self.app is not None:
            self.app.stop()

    def relist(self) -> None:
        """Offer sessions created since the picker was filled (say, by `codesign session
        new` during the day), keeping the one chosen; called every few seconds."""
        found = [
            (session_label(info), info.code) for info in sessions.listing(self.url, actor=ADMIN)
        ]
        if found != list(self.picker.options):
            chosen = self.picker.value
            self.picker.options = found
            self.picker.value = chosen if chosen in {code for _, code in found} else None

    def show(self, code: str | None) -> str:
        """Open a session's panels in place of the current ones, and put it on the projector."""
        ctx = open_session(code, self.url)
        if self.app is not None:
            self.app.stop()
            close_tree(self.app.widget)
        self.app = FacilitatorApp(ctx)
        self.holder.children = [self.app.widget]
        self.app.start()
        sessions.present(Store.open(self.url), ctx.session_id, actor=ctx.actor)
        self._fill(ctx.info.code)
        return f"Opened {session_label(ctx.info)}; the projector shows it too."
