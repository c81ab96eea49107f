"""Running the session: the join code (large, and as a QR code), phases from the template's
agenda, voting, revealing results, closing, and a timer for the current phase.

The QR code carries the participant page's link with the code filled in when
`CODESIGN_JOIN_URL` names that page (e.g. `http://192.168.1.20:8866/`), else the code.
"""

import os
from datetime import UTC, datetime

import ipywidgets as widgets
import qrcode
from qrcode.image.svg import SvgPathImage
from sqlalchemy import select

from codesign import store
from codesign.facilitator.context import Context
from codesign.facilitator.ui import button, esc, on_click, status_line
from codesign.people.codes import display_join_code
from codesign.store.models import Event
from codesign.workshop import sessions

JOIN_URL_VAR = "CODESIGN_JOIN_URL"
PHASE_ACTIONS = ("create", "phase")


def join_link(code: str) -> str:
    base = os.environ.get(JOIN_URL_VAR, "").strip()
    return f"{base}?code={code}" if base else code


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no image files, so it works the same in Voilà and JupyterLab)."""
    maker = qrcode.QRCode(box_size=10, border=2, image_factory=SvgPathImage)
    maker.add_data(data)
    svg = maker.make_image().to_string(encoding="unicode")
    text = svg if isinstance(svg, str) else svg.decode()
    return text.replace("<svg ", "<svg style='width:100%;height:auto' ", 1)


def join_code_html(code: str, size: str = "5em") -> str:
    return (
        f"<div style='font-size:{size};font-weight:700;letter-spacing:0.1em;line-height:1.1;"
        f"font-family:monospace'>{esc(display_join_code(code))}</div>"
    )


def phase_started(session_id: int, url: str | None) -> datetime | None:
    """When the current phase was opened: the session's last phase change in the event log."""
    with store.reading(url) as db:
        at = db.scalar(
            select(Event.at)
            .where(Event.session_id == session_id, Event.action.in_(PHASE_ACTIONS))
            .order_by(Event.id.desc())
            .limit(1)
        )
    if at is None:
        return None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def clock(minutes: int, started: datetime | None, now: datetime | None = None) -> str:
    """Time left in the phase as m:ss, or how far over it has run as +m:ss."""
    if not minutes or started is None:
        return ""
    elapsed = ((now or datetime.now(UTC)) - started).total_seconds()
    left = int(minutes * 60 - elapsed)
    sign, left = ("", left) if left >= 0 else ("+", -left)
    return f"{sign}{left // 60}:{left % 60:02d}"


def timer_html(ctx: Context, size: str = "2.5em") -> str:
    """The current phase's name and clock, as the projector and facilitator show it."""
    s = sessions.state(ctx.session_id, ctx.url)
    phase = sessions.current_phase(s)
    if s.closed:
        return f"<div style='font-size:{size}'>Session closed</div>"
    if phase is None:
        return ""
    time_left = clock(phase.minutes, phase_started(ctx.session_id, ctx.url))
    state = "" if s.phase_open else " (closed)"
    return (
        f"<div style='font-size:{size}'>{esc(phase.name)}{state}"
        f" <span style='font-family:monospace'>{esc(time_left)}</span></div>"
    )


class SessionPanel:
    """Join code, QR code, agenda controls and timer for one session."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        phases = sessions.phases(ctx.session_id, ctx.url)
        self.phase = widgets.Dropdown(
            options=[(f"{p.position + 1}. {p.name} ({p.kind})", p.key) for p in phases],
            description="Phase",
            layout=widgets.Layout(width="32em"),
        )
        self.phase.value = sessions.state(ctx.session_id, ctx.url).current_phase
        self.open_phase = button("Open phase", "primary")
        self.close_phase = button("Close phase")
        self.open_voting = button("Open voting", "success")
        self.close_voting = button("Close voting")
        self.reveal = button("Reveal results", "info")
        self.close = button("Close session", "danger")
        self.status = status_line()
        self.state = widgets.HTML()
        self.timer = widgets.HTML()
        self.code = widgets.HTML(join_code_html(ctx.info.code))
        self.qr = widgets.HTML(f"<div style='width:220px'>{qr_svg(join_link(ctx.info.code))}</div>")
        self._wire()
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [widgets.VBox([widgets.HTML("<b>Join code</b>"), self.code]), self.qr]
                ),
                self.timer,
                self.state,
                widgets.HBox([self.phase, self.open_phase, self.close_phase]),
                widgets.HBox([self.open_voting, self.close_voting, self.reveal, self.close]),
                self.status,
            ]
        )
        self.refresh()

    def _wire(self) -> None:
        sid, actor, url = self.ctx.session_id, self.ctx.actor, self.ctx.url
        actions = [
            (self.open_phase, lambda: sessions.set_phase(sid, self.phase.value, actor, url)),
            (self.close_phase, lambda: sessions.close_phase(sid, actor, url)),
            (self.open_voting, lambda: sessions.set_voting(sid, True, actor, url)),
            (self.close_voting, lambda: sessions.set_voting(sid, False, actor, url)),
            (self.reveal, lambda: sessions.reveal_results(sid, actor, url)),
            (self.close, lambda: sessions.close(sid, actor, url)),
        ]
        for btn, act in actions:
            on_click(btn, self.status, act, self.refresh)

    def refresh(self) -> None:
        s = sessions.state(self.ctx.session_id, self.ctx.url)
        flags = [
            "phase open" if s.phase_open else "phase closed",
            "voting open" if s.voting_open else "voting closed",
            "results revealed" if s.results_revealed else "results hidden",
        ]
        if s.closed:
            flags = ["session closed"]
        self.state.value = f"<b>{esc(self.ctx.info.title)}</b> · {esc(' · '.join(flags))}"
        self.timer.value = timer_html(self.ctx)
