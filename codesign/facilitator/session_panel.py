"""Running the session: the join code (large, and as a QR code), phases from the template's
agenda, voting, revealing results, closing, and a timer for the current phase.

The QR code carries the participant page's link with the code filled in when
`CODESIGN_JOIN_URL` names that page (e.g. `http://192.168.1.20:8866/`), else the code.

Every control says what really happened, read back from the database: "nothing changed"
when the click changed nothing, and a closed session greys every control out, since
closing cannot be undone. Closing asks for confirmation and sits apart from the others.
"""

import os
from datetime import UTC, datetime

import ipywidgets as widgets
import qrcode
from qrcode.image.svg import SvgPathImage
from sqlalchemy import select

from codesign import store
from codesign.facilitator.context import Context
from codesign.facilitator.ui import Confirm, button, esc, status_line, wire
from codesign.people.codes import display_join_code
from codesign.store.models import Event, Phase
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import sessions, votes

JOIN_URL_VAR = "CODESIGN_JOIN_URL"
PHASE_ACTIONS = ("create", "phase")
PROJECTOR_PAGE = "/voila/render/projector.ipynb"
HOW_PEOPLE_VOTE = {"agree": "agree / disagree / pass", "dots": "dots"}
CLOSE_QUESTION = (
    "Close the session for everyone? Nobody can add anything or vote any more, "
    "and a closed session cannot be reopened."
)


def join_link(code: str) -> str:
    base = os.environ.get(JOIN_URL_VAR, "").strip()
    return f"{base}?code={code}" if base else code


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no image files, so it works the same in Voilà and JupyterLab)."""
    maker = qrcode.QRCode(box_size=10, border=2, image_factory=SvgPathImage)
    maker.add_data(data)
    svg = maker.make_image().to_string(encoding="unicode")
    text = svg if isinstance(svg, str) else svg.decode()
    labelled = "<svg role='img' aria-label='QR code' style='width:100%;height:auto' "
    return text.replace("<svg ", labelled, 1)


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


def phase_label(p: Phase) -> str:
    """How the agenda reads in the phase picker: a vote phase says how people vote."""
    kind = f"vote: {HOW_PEOPLE_VOTE[p.vote]}" if p.vote else p.kind
    return f"{p.position + 1}. {p.name} ({kind})"


def voting_summary(s: WorkshopSession, ballot_size: int) -> str:
    """What opening voting did, in the words the phones use."""
    phase = sessions.current_phase(s)
    how = (
        f"{s.dot_budget} dots each, at most {s.dot_cap} on one item"
        if phase is not None and phase.vote == "dots"
        else "agree / disagree / pass on each item"
    )
    summary = f"Voting is open: {how}, {ballot_size} items on the ballot."
    if not ballot_size:
        summary += " The ballot is empty: put contributions on it in the Ballot tab."
    return summary


class SessionPanel:
    """Join code, QR code, agenda controls and timer for one session."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.phases = sessions.phases(ctx.session_id, ctx.url)
        self.phase = widgets.Dropdown(
            options=[(phase_label(p), p.key) for p in self.phases],
            description="Phase",
            layout=widgets.Layout(width="36em"),
        )
        self.phase.value = sessions.state(ctx.session_id, ctx.url).current_phase
        self.open_phase = button("Open phase", "primary")
        self.close_phase = button("Close phase")
        self.open_voting = button("Open voting", "success")
        self.close_voting = button("Close voting")
        self.reveal = button("Reveal results", "info")
        self.status = status_line()
        self.close = Confirm(
            "Close session…", CLOSE_QUESTION, "Yes, close the session", self._close, self.status,
            self.refresh,
        )  # fmt: skip
        self.state = widgets.HTML()
        self.timer = widgets.HTML()
        self.code = widgets.HTML(join_code_html(ctx.info.code))
        self.qr = widgets.HTML(f"<div style='width:220px'>{qr_svg(join_link(ctx.info.code))}</div>")
        projector = f"{PROJECTOR_PAGE}?session={ctx.info.code}"
        self.projector = widgets.HTML(
            f"<a href='{esc(projector)}' target='_blank' rel='noopener'>Projector for this"
            " session only</a> (the projector link <code>codesign serve</code> prints follows"
            " the session chosen above)"
        )
        self._wire()
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [widgets.VBox([widgets.HTML("<b>Join code</b>"), self.code]), self.qr]
                ),
                self.timer,
                self.state,
                widgets.HBox([self.phase, self.open_phase, self.close_phase]),
                widgets.HBox([self.open_voting, self.close_voting, self.reveal]),
                self.status,
                self.close.widget,
                self.projector,
            ]
        )
        self.refresh()

    @property
    def controls(self) -> list[widgets.Button]:
        return [self.open_phase, self.close_phase, self.open_voting, self.close_voting,
                self.reveal, self.close.ask]  # fmt: skip

    def _wire(self) -> None:
        wire(self.status, self.refresh, [
            (self.open_phase, self._open_phase), (self.close_phase, self._close_phase),
            (self.open_voting, self._open_voting), (self.close_voting, self._close_voting),
            (self.reveal, self._reveal),
        ], [self.phase])  # fmt: skip

    def _now(self) -> WorkshopSession:
        return sessions.state(self.ctx.session_id, self.ctx.url)

    def _name(self, key: str | None) -> str:
        return next((p.name for p in self.phases if p.key == key), "the phase")

    def _open_phase(self) -> str:
        sid, actor, url = self.ctx.session_id, self.ctx.actor, self.ctx.url
        key, was_voting = self.phase.value, self._now().voting_open
        name = self._name(key)
        if not sessions.set_phase(sid, key, url, actor=actor):
            return f"“{name}” was already the open phase: nothing changed."
        now = self._now()
        phase = sessions.current_phase(now)
        if was_voting and not now.voting_open:
            return f"“{name}” is open on the phones. Voting closed with the move."
        if phase is not None and phase.vote and now.voting_open:
            ballot = votes.ballot(sid, url, actor=actor)
            return f"“{name}” is open on the phones. {voting_summary(now, len(ballot))}"
        if phase is not None and phase.vote and not now.voting_open:
            return f"“{name}” is open on the phones. Press Open voting when the room is ready."
        return f"“{name}” is open on the phones."

    def _close_phase(self) -> str:
        name = self._name(self._now().current_phase)
        if not sessions.close_phase(self.ctx.session_id, self.ctx.url, actor=self.ctx.actor):
            return f"“{name}” was already closed: nothing changed."
        return f"“{name}” is closed: people can read what they wrote but not change it."

    def _open_voting(self) -> str:
        sid, actor, url = self.ctx.session_id, self.ctx.actor, self.ctx.url
        if not sessions.set_voting(sid, True, url, actor=actor):
            return "Voting was already open: nothing changed."
        return voting_summary(self._now(), len(votes.ballot(sid, url, actor=actor)))

    def _close_voting(self) -> str:
        if not sessions.set_voting(self.ctx.session_id, False, self.ctx.url, actor=self.ctx.actor):
            return "Voting was not open: nothing changed."
        return "Voting is closed: phones no longer take votes."

    def _reveal(self) -> str:
        if not sessions.reveal_results(self.ctx.session_id, self.ctx.url, actor=self.ctx.actor):
            return "Results were already revealed: nothing changed."
        return "Results are on the projector and the phones."

    def _close(self) -> str:
        if not sessions.close(self.ctx.session_id, self.ctx.url, actor=self.ctx.actor):
            return "The session was already closed: nothing changed."
        return "Session closed: nobody can add anything or vote any more."

    def refresh(self) -> None:
        s = self._now()
        flags = [
            "phase open" if s.phase_open else "phase closed",
            "voting open" if s.voting_open else "voting closed",
            "results revealed" if s.results_revealed else "results hidden",
        ]
        if s.closed:
            flags = ["session closed: it cannot be reopened"]
        self.state.value = f"<b>{esc(self.ctx.info.title)}</b> · {esc(' · '.join(flags))}"
        self.timer.value = timer_html(self.ctx)
        for control in self.controls:
            control.disabled = s.closed
