"""The two screens: the facilitator's notebook and the projector, each kept live by one poller.

`FacilitatorApp(ctx).widget` is the whole facilitator screen; `ProjectorApp(ctx).widget`
shows only what the room should see. `start()` begins polling (every half second, in a
background thread) so neither needs a cell re-run; `tick()` is one poll, for tests.
"""

import ipywidgets as widgets

from codesign.analysis import results
from codesign.analysis.charts import png
from codesign.facilitator.components_panel import ComponentsPanel, components_html
from codesign.facilitator.context import Context
from codesign.facilitator.feed_panel import FeedPanel
from codesign.facilitator.imports_panel import ImportsPanel
from codesign.facilitator.moderation_panel import ModerationPanel
from codesign.facilitator.results_panel import ResultsPanel, chart
from codesign.facilitator.session_panel import (
    SessionPanel,
    join_code_html,
    join_link,
    qr_svg,
    timer_html,
)
from codesign.facilitator.ui import esc
from codesign.workshop import components, sessions
from codesign.workshop.feed import Poller


class _Live:
    """Polling shared by both screens."""

    def __init__(self) -> None:
        self.poller = Poller(self.tick)

    def tick(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self.poller.start()

    def stop(self) -> None:
        self.poller.stop()


class FacilitatorApp(_Live):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.session = SessionPanel(ctx)
        self.feed = FeedPanel(ctx)
        self.moderation = ModerationPanel(ctx)
        self.components = ComponentsPanel(ctx)
        self.results = ResultsPanel(ctx)
        self.imports = ImportsPanel(ctx)
        panels = (self.feed, self.moderation, self.components, self.results, self.imports)
        tabs = widgets.Tab(children=[p.widget for p in panels])
        for n, title in enumerate(("Live feed", "Moderate", "Components", "Results", "Imported")):
            tabs.set_title(n, title)
        self.widget = widgets.VBox([self.session.widget, tabs])

    def tick(self) -> None:
        before = self.feed.feed.last_event_id
        self.session.refresh()
        self.feed.refresh()
        if self.feed.feed.last_event_id != before:
            self.moderation.refresh()


class ProjectorApp(_Live):
    """Read-only: join code, prompt, timer, reviewed contributions, components, revealed results."""

    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.feed = FeedPanel(ctx, shared=True)
        self.heading = widgets.HTML()
        self.timer = widgets.HTML()
        self.components = widgets.HTML()
        self.chart = widgets.Image(format="png")
        self.chart.layout.display = "none"
        code = widgets.HTML(join_code_html(ctx.info.code, "6em"))
        qr = widgets.HTML(f"<div style='width:200px'>{qr_svg(join_link(ctx.info.code))}</div>")
        self.widget = widgets.VBox(
            [
                widgets.HBox([widgets.VBox([widgets.HTML("<h2>Join with code</h2>"), code]), qr]),
                self.heading,
                self.timer,
                self.chart,
                self.components,
                self.feed.widget,
            ]
        )
        self._seen_event = -1
        self.tick()

    def tick(self) -> None:
        self.timer.value = timer_html(self.ctx, "3em")
        self.feed.refresh()
        if self.feed.feed.last_event_id != self._seen_event:
            self._seen_event = self.feed.feed.last_event_id
            self.render()

    def render(self) -> None:
        """Everything that changes only when something happens in the session."""
        s = sessions.state(self.ctx.session_id, self.ctx.url)
        phase = sessions.current_phase(s)
        prompt = f"<p style='font-size:1.6em'>{esc(phase.prompt)}</p>" if phase else ""
        self.heading.value = f"<h1>{esc(self.ctx.info.title)}</h1>{prompt}"
        views = components.listing(
            self.ctx.session_id, self.ctx.actor, shared=True, url=self.ctx.url
        )
        self.components.value = components_html(views, facilitator=False) if views else ""
        if s.results_revealed:
            found = results.results(self.ctx.session_id, self.ctx.actor, self.ctx.url)
            self.chart.value = png(chart(found))
            self.chart.layout.display = None
