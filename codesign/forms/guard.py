"""The one wrapper every button callback goes through, and the status line it writes to.

An exception in an ipywidgets callback shows nothing in the page: the button just seems
dead. So every callback runs inside `guarded`: a `CodesignError` shows its (translated)
message; anything else is logged server-side and shown as "Not saved — please try again",
and the participant's text is left where it was. The button is disabled while its action
runs, and a second click arriving just after a successful one (a double click whose
second message the kernel receives once the first is done) is ignored.
"""

import html
import logging
import time
import traceback
from collections.abc import Callable
from typing import Literal

import ipywidgets as widgets

from codesign.errors import CodesignError, Invalid
from codesign.forms.context import Context
from codesign.forms.i18n import N_, Translator

NOT_SAVED = N_("Not saved — please try again. Your text is still in the box.")
SENDING = N_("Sending…")
DOUBLE_CLICK_SECONDS = 1.5

log = logging.getLogger("codesign.forms")

Kind = Literal["ok", "error", "info"]


class Refused(Invalid):
    """A form-side refusal whose message takes values, translated when shown."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.values = values


class Status:
    """One message under a form; kept as a message id so a language switch re-translates it."""

    def __init__(self) -> None:
        self.widget = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.widget.add_class("cs-status")
        self.message = ""
        self.kind: Kind = "info"
        self._values: dict[str, object] = {}
        self.text = ""

    def show(self, tr: Translator, message: str, kind: Kind = "ok", **values: object) -> None:
        self.message, self.kind, self._values = message, kind, values
        self.translate(tr)

    def clear(self) -> None:
        self.message, self.text, self.widget.value = "", "", ""

    def translate(self, tr: Translator) -> None:
        if not self.message:
            return
        self.text = tr(self.message, **self._values)
        role = "alert" if self.kind == "error" else "status"
        self.widget.value = (
            f'<p class="cs-msg cs-msg-{self.kind}" role="{role}" dir="auto">'
            f"{html.escape(self.text)}</p>"
        )


def run_guarded(
    ctx: Context, status: Status, action: Callable[[], None], failure: str = NOT_SAVED
) -> bool:
    """Run one participant action under the lock; report any failure; True if it worked."""
    try:
        with ctx.lock:
            action()
        return True
    except CodesignError as exc:
        status.show(ctx.tr, exc.message, "error", **getattr(exc, "values", {}))
    except Exception as exc:
        # The type and the frames only: a database error's message can quote the
        # participant's words, and the server log is no place for them.
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("A participant form action failed: %s\n%s", type(exc).__name__, frames)
        status.show(ctx.tr, failure, "error")
    return False


def guarded(
    ctx: Context,
    button: widgets.Button,
    status: Status,
    action: Callable[[], None],
    *,
    ignore_double_click: bool = True,
    form_state: Callable[[], object] = lambda: None,
    failure: str = NOT_SAVED,
) -> None:
    """Attach `action` to `button` through `run_guarded`, disabling it while it runs.

    A click that arrives within `DOUBLE_CLICK_SECONDS` of a success while `form_state()`
    is unchanged since then is the second half of a double click, and is ignored; a
    changed form (say, an edit started just after a send) goes through.
    """
    last_success = -DOUBLE_CLICK_SECONDS
    state_then: object = None
    busy = False

    def on_click(_button: widgets.Button) -> None:
        nonlocal last_success, state_then, busy
        recent = time.monotonic() - last_success < DOUBLE_CLICK_SECONDS
        if busy or (ignore_double_click and recent and form_state() == state_then):
            return
        busy, button.disabled = True, True
        status.show(ctx.tr, SENDING, "info")
        try:
            if run_guarded(ctx, status, action, failure):
                last_success, state_then = time.monotonic(), form_state()
                if status.message == SENDING:
                    status.clear()
        finally:
            busy, button.disabled = False, False

    button.on_click(on_click)
