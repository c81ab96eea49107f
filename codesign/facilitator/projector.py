"""The projector: what the room sees, readable from the back of a hall.

`codesign serve` prints its link (JupyterLab's Voilà renders `notebooks/projector.ipynb`).
It shows the session a facilitator last chose in the notebook's picker, and follows
when they choose another, so it is set up once; `?session=CODE` pins one session.

Nothing but the room's content: the join code and QR code (until the session is
closed), the phase and its prompt, a timer, and what the phase is about (the newest
contributions while collecting, the groups while grouping, turnout while voting,
results once revealed, a thank-you once closed). At 1280×720 no text is smaller than
32 px; text wraps within the width, and what does not fit is cut at the bottom rather
than scrolled: nobody scrolls a projector.

Deliberately light (no pandas, scikit-learn or matplotlib): results are HTML bars built
from the same tallies the phones show, so the page is up within seconds.
"""

from dataclasses import dataclass

import ipywidgets as widgets

from codesign.facilitator.context import Context, open_session
from codesign.facilitator.session_panel import clock, join_link, phase_started, qr_svg
from codesign.facilitator.ui import esc, set_value
from codesign.people.codes import display_join_code
from codesign.store import Store
from codesign.store.models import Contribution
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import components, feed, sessions, votes
from codesign.workshop.feed import FeedItem, Poller

SHOWN_ITEMS = 6
SHOWN_RESULTS = 5
STYLE = """<style>
body, #rendered_cells, .jp-Notebook, .jp-Cell, .jp-OutputArea-output { background: #fff !important;
  padding: 0 !important; margin: 0 !important; }
.jp-OutputPrompt, .jp-InputPrompt, .jp-Cell-inputWrapper { display: none !important; }
.cs-room-host { width: 100%; height: 100vh; overflow: hidden; }
.cs-room-host .widget-html, .cs-room-host .widget-html-content { width: 100%; min-width: 0;
  max-width: 100%; }
.cs-room-host .widget-html-content { font-size: 34px; line-height: 1.3; white-space: normal;
  overflow-wrap: anywhere; }
.cs-room, .cs-room * { min-width: 0; max-width: 100%; white-space: normal;
  overflow-wrap: anywhere; word-break: break-word; }
.cs-room { box-sizing: border-box; width: 100%; height: 100vh; padding: 20px 32px; overflow: hidden;
  font-family: system-ui, "Noto Sans", "Noto Naskh Arabic", "Noto Sans Bengali",
  "Noto Sans Gurmukhi", "Noto Sans Gujarati", "Noto Sans Devanagari", sans-serif;
  color: #0b0c0c; font-size: 34px; display: flex; flex-direction: column; gap: 10px; }
.cs-room header { display: flex; align-items: center; gap: 28px; }
.cs-room .r-join { flex: 1; }
.cs-room .r-label, .cs-room .r-url, .cs-room .r-title { font-size: 32px; color: #333; }
.cs-room .r-code { font: 700 80px/1 ui-monospace, monospace; letter-spacing: 0.08em; }
.cs-room .r-qr { width: 150px; flex: none; }
.cs-room-host .r-clock { position: fixed; top: 36px; right: 210px; z-index: 2;
  font: 700 56px/1 ui-monospace, monospace; }
.cs-room h1 { font-size: 48px; line-height: 1.15; margin: 0; }
.cs-room .r-prompt { font-size: 34px; margin: 0; border-inline-start: 8px solid #1d70b8;
  padding-inline-start: 16px; display: -webkit-box; -webkit-line-clamp: 3;
  -webkit-box-orient: vertical; overflow: hidden; }
.cs-room .r-body { flex: 1; min-height: 0; overflow: hidden; }
.cs-room .r-cards { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.cs-room .r-card { border: 3px solid #b1b4b6; border-radius: 8px; padding: 8px 16px;
  font-size: 34px; display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical;
  overflow: hidden; }
.cs-room .r-card b { font-size: 36px; }
.cs-room .r-note { font-size: 32px; color: #333; margin: 6px 0; }
.cs-room .r-big { font-size: 56px; font-weight: 700; margin: 24px 0; }
.cs-room .r-bar { display: flex; align-items: center; gap: 16px; font-size: 34px;
  margin: 6px 0; }
.cs-room .r-bar span { flex: none; width: 200px; font-weight: 700; }
.cs-room .r-bar div { flex: 1; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; padding: 2px 8px;
  background: linear-gradient(90deg, #cfe3f5 var(--w), transparent var(--w)); }
</style>"""


@dataclass(frozen=True)
class Room:
    """Everything the projector shows about a session at one moment."""

    code: str
    title: str
    state: WorkshopSession
    items: list[FeedItem]
    groups: list[components.ComponentView]
    ballot: list[Contribution]
    turnout: int
    tallies: list[votes.Tally]


def load_room(ctx: Context, items: list[FeedItem]) -> Room:
    """Read what the room sees now (the feed's items are already loaded by its poller)."""
    store, actor = Store.open(ctx.url), ctx.actor
    state = sessions.state(ctx.session_id, ctx.url)
    voting = state.voting_open or state.results_revealed
    return Room(
        ctx.info.code,
        ctx.info.title,
        state,
        items,
        components.for_room(store, ctx.session_id, actor=actor),
        votes.ballot(ctx.session_id, ctx.url, actor=actor) if voting else [],
        votes.turnout(store, ctx.session_id, actor=actor) if voting else 0,
        votes.tallies(ctx.session_id, ctx.url, actor=actor) if state.results_revealed else [],
    )


def _text(text: str, language: str | None = None) -> str:
    lang = f' lang="{esc(language)}"' if language else ""
    return f'<span dir="auto"{lang}>{esc(text)}</span>'


def _header(room: Room) -> str:
    link = join_link(room.code)
    url = f"<div class='r-url'>{esc(link.split('?')[0])}</div>" if link != room.code else ""
    return (
        f"<header><div class='r-join'><div class='r-label'>Join with code</div>"
        f"<div class='r-code'>{esc(display_join_code(room.code))}</div>{url}</div>"
        f"<div class='r-qr'>{qr_svg(link)}</div></header>"
    )


def _cards(room: Room) -> str:
    if room.groups:
        cards = "".join(
            f"<div class='r-card'><b dir='auto'>{esc(g.label)}</b> ({len(g.members)})<br>"
            + " · ".join(_text(m.text) for m in g.members[:3])
            + "</div>"
            for g in room.groups
        )
        return f"<div class='r-cards'>{cards}</div>"
    shown = "".join(
        f"<div class='r-card'>{_text(i.text, i.language)}</div>" for i in room.items[:SHOWN_ITEMS]
    )
    return f"<p class='r-note'>{len(room.items)} contributions so far</p>" + (
        f"<div class='r-cards'>{shown}</div>" if shown else ""
    )


def _voting(room: Room) -> str:
    phase = sessions.current_phase(room.state)
    s = room.state
    how = (
        f"{s.dot_budget} dots each: up to {s.dot_cap} on one item"
        if phase is not None and phase.vote == "dots"
        else "Agree, disagree or pass on each item"
    )
    return (
        f"<p class='r-big'>Voting is open: {esc(how)}</p>"
        f"<p class='r-note'>{len(room.ballot)} items on the ballot · "
        f"{room.turnout} {'person has' if room.turnout == 1 else 'people have'} voted</p>"
    )


def _results(room: Room) -> str:
    texts = {c.id: c for c in room.ballot}
    shown = [t for t in room.tallies if t.contribution_id in texts][:SHOWN_RESULTS]
    top = max((max(t.dots, t.agree + t.disagree + t.passed) for t in shown), default=0) or 1
    rows = []
    for t in shown:
        item = texts[t.contribution_id]
        answered = t.agree + t.disagree + t.passed
        count, size = (
            (f"{t.dots} dots", t.dots)
            if t.dots
            else (f"{round(100 * t.agree / answered) if answered else 0}% agree", answered)
        )
        rows.append(
            f"<div class='r-bar'><span>{esc(count)}</span>"
            f"<div style='--w:{round(100 * size / top)}%'>{_text(item.text, item.language)}</div>"
            "</div>"
        )
    return "<p class='r-note'>Results</p>" + ("".join(rows) or "<p class='r-note'>No votes.</p>")


def room_html(room: Room) -> str:
    """The whole projector page for one moment of the session."""
    s = room.state
    phase = sessions.current_phase(s)
    if s.closed:
        heading, prompt, body = (
            "Session closed",
            "",
            "<p class='r-big'>Thank you for taking part.</p>",
        )
    else:
        heading = phase.name if phase else room.title
        prompt = phase.prompt if phase else ""
        if s.results_revealed:
            body = _results(room)
        elif s.voting_open:
            body = _voting(room)
        elif phase is not None and phase.kind in ("collect", "cluster"):
            body = _cards(room)
        else:
            body = f"<p class='r-title' dir='auto'>{esc(room.title)}</p>"
    prompt_html = f"<p class='r-prompt' dir='auto'>{esc(prompt)}</p>" if prompt else ""
    header = "" if s.closed else _header(room)  # a closed session invites nobody to join
    return (
        f"<div class='cs-room'>{header}"
        f"<h1 dir='auto'>{esc(heading)}</h1>{prompt_html}<div class='r-body'>{body}</div></div>"
    )


class ProjectorApp:
    """The projector page: the session on show, redrawn when something happens in it."""

    def __init__(self, url: str | None = None, code: str | None = None) -> None:
        self.url, self.pinned = url, code
        self.page, self.clock = widgets.HTML(), widgets.HTML()
        self.widget = widgets.VBox([widgets.HTML(STYLE), self.clock, self.page])
        self.widget.add_class("cs-room-host")
        self.ctx: Context | None = None
        self.feed: feed.Feed | None = None
        self.seen = -1
        self.poller = Poller(self.tick)
        self.tick()

    def start(self) -> None:
        self.poller.start()

    def stop(self) -> None:
        self.poller.stop()

    def _chosen_code(self) -> str | None:
        if self.pinned:
            return self.pinned
        chosen = sessions.presented(Store.open(self.url))
        return sessions.state(chosen, self.url).code if chosen is not None else None

    def _follow(self) -> tuple[Context, feed.Feed]:
        """The session to show: pinned, else the facilitator's latest choice."""
        code = self._chosen_code()
        if self.ctx is None or self.feed is None or (code and code != self.ctx.info.code):
            self.ctx = open_session(code, self.url)
            self.feed = feed.Feed(self.ctx.session_id, self.ctx.actor, shared=True, url=self.url)
            self.seen = -1
        return self.ctx, self.feed

    def tick(self) -> None:
        """One poll: the clock every time, the page when something happened in the session."""
        ctx, live = self._follow()
        live.poll()
        s = sessions.state(ctx.session_id, ctx.url)
        phase = sessions.current_phase(s)
        left = clock(phase.minutes, phase_started(ctx.session_id, ctx.url)) if phase else ""
        set_value(self.clock, f"<div class='r-clock'>{esc(left)}</div>" if not s.closed else "")
        if live.last_event_id != self.seen:
            self.seen = live.last_event_id
            set_value(self.page, room_html(load_room(ctx, live.items())))
