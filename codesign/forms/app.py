"""The participant app: one state machine over the form steps, following the facilitator.

join → consent → withdrawal code → whatever the session's current phase calls for
(contribute, vote, give feedback, rate the toolkit in an open Delphi round, or wait).
A daemon thread polls `sessions.state` every couple of seconds and swaps the view when
the facilitator moves on (or the coordinator opens or closes a round), so nobody reloads.
Widget changes from that thread and from button callbacks are serialised by the
context's lock. The thread is a daemon, so it ends with the kernel.

A reload or a second tab carries on as the same person. After consent the app hands
the page a resume token (`participants.resume`), which the page's script keeps in the
tab's session storage and offers to other open tabs; a new page hands it back through a
hidden input. Nothing is kept once every tab is closed, and "Exit this page" clears it
in every open tab.
"""

import html
import json
import logging
import threading
from collections.abc import Callable
from typing import Protocol

import ipywidgets as widgets

from codesign.advisory import rounds
from codesign.errors import NotFound
from codesign.forms import safety
from codesign.forms.consent import ConsentView, WithdrawalCodeView
from codesign.forms.context import Context
from codesign.forms.contribute import ContributeView
from codesign.forms.feedback import FeedbackView
from codesign.forms.guard import Status, run_guarded
from codesign.forms.i18n import LANGUAGES, N_, Translator
from codesign.forms.join import JoinView
from codesign.forms.parts import FULL_WIDTH, paragraph
from codesign.forms.rating import RatingView
from codesign.forms.vote import VoteView
from codesign.forms.withdraw import WithdrawView
from codesign.people import participants
from codesign.store import Store
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import sessions
from codesign.workshop.sessions import current_phase

LANGUAGE_LABEL = N_("Language")
WAITING = N_("Thank you. Please wait — the facilitator will start the next part soon.")
CLOSED = N_("This session has closed. Thank you for taking part.")

log = logging.getLogger("codesign.forms")


class View(Protocol):
    widget: widgets.Widget

    def translate(self) -> None: ...


class NoticeView:
    """A message with nothing to fill in: waiting for the facilitator, or closed."""

    def __init__(self, ctx: Context, message: str) -> None:
        self.ctx, self.message = ctx, message
        self.widget = widgets.HTML(layout=FULL_WIDTH)

    def translate(self) -> None:
        self.widget.value = paragraph(self.ctx.tr(self.message), "cs-notice")

    def enter(self, _state: WorkshopSession | None = None) -> None:
        self.translate()


def phase_step(state: WorkshopSession, rating_open: bool = False) -> str:
    """Which view the session's state calls for; a rating phase shows the Delphi round's
    form while one is open (`rating_open`), else the feedback form with its own rating."""
    phase = current_phase(state)
    kind = phase.kind if phase else "info"
    if state.closed:
        return "closed"
    if state.voting_open or (kind == "vote" and state.results_revealed):
        return "vote"
    if kind in ("collect", "cluster"):
        return "contribute"
    if kind == "feedback":
        return "rate" if rating_open and phase and phase.rating else "feedback"
    return "waiting"


def _rating_round(state: WorkshopSession, url: str | None) -> int | None:
    """The open Delphi round, asked only in a rating phase (the only one it changes)."""
    phase = current_phase(state)
    return rounds.open_number(url) if phase and phase.rating else None


def _signature(state: WorkshopSession, rating_round: int | None) -> tuple[object, ...]:
    return (state.current_phase, state.phase_open, state.voting_open, state.results_revealed,
            state.closed, rating_round)  # fmt: skip


class ParticipantApp:
    """Everything a participant sees; display `app.widget` in the participant notebook."""

    def __init__(
        self, url: str | None = None, language: str = "en", poll_seconds: float | None = 2.0
    ) -> None:
        self.poll_seconds = poll_seconds
        self.ctx = Context(url=url, tr=Translator(language), go=self.go, remember=self.remember)
        self.status = Status()
        self.safety = safety.SafetyBanner()
        self.notices = widgets.HTML(layout=FULL_WIDTH)
        self.language = widgets.Dropdown(
            options=[(lang.native_name, code) for code, lang in LANGUAGES.items()],
            value=self.ctx.tr.code,
            style={"description_width": "initial"},
        )
        self.language.add_class("cs-language")
        self.language.observe(self._language_changed, names="value")
        self.body = widgets.VBox(layout=FULL_WIDTH)
        self.resume_input = widgets.Text(layout=widgets.Layout(display="none"))
        self.resume_input.add_class("cs-resume-input")
        self.resume_input.observe(self._resume_offered, names="value")
        self.resume_bridge = widgets.HTML()
        self.widget = widgets.VBox(
            [self.language, self.notices, self.body, self.status.widget, self.safety.widget,
             self.resume_input, self.resume_bridge],
            layout=FULL_WIDTH,
        )  # fmt: skip
        self.views: dict[str, View] = {}
        self.step = ""
        self.synthetic = False
        self._seen: tuple[object, ...] = ()
        self._stop = threading.Event()
        self._poller: threading.Thread | None = None
        self._apply_language()
        self.go("join")

    # --- views ------------------------------------------------------------------------

    def view(self, step: str) -> View:
        """Build a step's view on first use, so a page load only creates the join form."""
        if step not in self.views:
            self.views[step] = self._make(step)
            self.views[step].translate()
        return self.views[step]

    def _make(self, step: str) -> View:
        ctx = self.ctx
        makers: dict[str, Callable[[Context], View]] = {
            "join": JoinView, "consent": ConsentView, "code": WithdrawalCodeView,
            "withdraw": WithdrawView, "contribute": ContributeView, "vote": VoteView,
            "feedback": FeedbackView, "rate": RatingView,
        }  # fmt: skip
        if step in makers:
            return makers[step](ctx)
        return NoticeView(ctx, CLOSED if step == "closed" else WAITING)

    def go(self, step: str) -> None:
        """Show a step; "phase" means whatever the session's state calls for."""
        with self.ctx.lock:
            if step == "back":
                step = "phase" if self.ctx.enrolment else "join"
            if step == "phase":
                self._show_phase(sessions.state(self.ctx.session_id, self.ctx.url))
                self.start_polling()
                return
            self._show(step)

    def _show(self, step: str, state: WorkshopSession | None = None) -> None:
        view = self.view(step)
        enter = getattr(view, "enter", None)
        if enter is not None:
            enter(state) if state is not None else enter()
        self.step = step
        self.body.children = [view.widget]

    def _show_phase(self, state: WorkshopSession) -> None:
        rating_round = _rating_round(state, self.ctx.url)
        self._seen = _signature(state, rating_round)
        self.synthetic = bool(state.synthetic)
        self._show(phase_step(state, rating_round is not None), state)
        self._render_notices()

    # --- following the facilitator --------------------------------------------------

    def poll_once(self) -> bool:
        """Check the session's state and switch views if it changed; True if it did.

        When nothing changed, the view on screen may refresh itself (`poll`): the grouping
        phase shows the facilitator's latest groups.
        """
        if self.ctx.session is None or self.ctx.enrolment is None or self.step in (
            "join", "consent", "code", "withdraw",
        ):  # fmt: skip
            return False
        state = sessions.state(self.ctx.session.id, self.ctx.url)
        with self.ctx.lock:
            if _signature(state, _rating_round(state, self.ctx.url)) == self._seen:
                refresh = getattr(self.views.get(self.step), "poll", None)
                if refresh is not None:
                    refresh()
                return False
            self._show_phase(state)
            return True

    def start_polling(self) -> None:
        """Follow the facilitator from a daemon thread (not when `poll_seconds` is None)."""
        if self._poller is not None or self.poll_seconds is None:
            return
        self._poller = threading.Thread(
            target=self._poll, args=(self.poll_seconds,), name="codesign-phase-poll", daemon=True
        )
        self._poller.start()

    def stop_polling(self) -> None:
        self._stop.set()

    def _poll(self, seconds: float) -> None:
        while not self._stop.wait(seconds):
            try:
                self.poll_once()
            except Exception:
                log.exception("Following the session's phase failed; trying again")

    # --- carrying on after a reload or in a second tab -------------------------------

    def remember(self) -> None:
        """Hand the page this tab's resume token (or tell it to forget the one it holds)."""
        e, joined = self.ctx.enrolment, self.ctx.session
        if e is None or joined is None or not e.resume_token:
            self.resume_bridge.value = '<span hidden class="cs-resume" data-forget="1"></span>'
            return
        saved = json.dumps({"code": joined.code, "token": e.resume_token, "lang": self.ctx.tr.code})
        self.resume_bridge.value = (
            f'<span hidden class="cs-resume" data-value="{html.escape(saved)}"></span>'
        )

    def _resume_offered(self, change: dict[str, object]) -> None:
        run_guarded(self.ctx, self.status, lambda: self.resume(str(change["new"])))

    def resume(self, saved: str) -> None:
        """Carry on as the person this browser already joined as: same pseudonym, their
        own contributions still theirs to edit, no second consent or withdrawal code."""
        if self.ctx.enrolment is not None:
            return
        try:
            fields = json.loads(saved)
            code, token, lang = str(fields["code"]), str(fields["token"]), str(fields["lang"])
        except (ValueError, KeyError, TypeError):
            return  # not something this app wrote: stay on the join page
        joined = sessions.open_by_code(code, self.ctx.url)
        try:
            enrolment = participants.resume(Store.open(self.ctx.url), token, joined.group_id)
        except NotFound:
            self.remember()  # withdrawn or unknown: the page forgets it
            raise
        self.ctx.session, self.ctx.enrolment = joined, enrolment
        if lang in LANGUAGES:
            self.language.value = lang
        self.remember()
        self.go("phase")

    # --- language ---------------------------------------------------------------------

    def _language_changed(self, _change: dict[str, object]) -> None:
        run_guarded(self.ctx, self.status, self._apply_language)

    def _apply_language(self) -> None:
        tr = self.ctx.tr = Translator(str(self.language.value))
        for css in [c for c in self.widget._dom_classes if c.startswith("cs-")]:
            self.widget.remove_class(css)
        self.widget.add_class("cs-app").add_class(f"cs-lang-{tr.code}")
        if tr.language.rtl:
            self.widget.add_class("cs-rtl")
        label = tr(LANGUAGE_LABEL)
        self.language.description = label if tr.code == "en" else f"{label} (Language)"
        self.safety.translate(tr)
        self._render_notices()
        self.status.translate(tr)
        for view in self.views.values():
            view.translate()
        if self.ctx.enrolment is not None:
            self.remember()  # a reload comes back in this language

    def _render_notices(self) -> None:
        self.notices.value = safety.notices(self.ctx.tr, self.synthetic)

    # --- the link ---------------------------------------------------------------------

    def join_from_link(self, query: str) -> None:
        """Join straight away when the page's link carried `?code=…`."""
        view = self.view("join")
        assert isinstance(view, JoinView)
        view.join_from_link(query)

    def join_when_requested(self, read_query: Callable[[], str]) -> None:
        """Join from the link once the page request's query arrives, on a thread of its own.

        A preheated kernel learns the query only when someone asks for the page. Waiting
        in a cell would leave the notebook unfinished until then; waiting here lets the
        notebook finish, so the pool kernel is warm (and `codesign serve` can say when all
        of them are) before anyone arrives.
        """

        def run() -> None:
            try:
                query = read_query()
                with self.ctx.lock:
                    self.join_from_link(query)
            except Exception:
                log.exception("Joining from the page's link failed")

        threading.Thread(target=run, name="codesign-link-join", daemon=True).start()
