"""The participant forms' status line, and their use of the one callback guard.

Every button runs through `codesign.widgets.guard` (shared with the facilitator panels):
a `CodesignError` shows its message translated into the participant's language; any
other failure shows "Not saved — please try again" and leaves the participant's text where
it was. Here the guard is given the form's lock, its "Sending…" line and translation.
"""

import html
from collections.abc import Callable
from typing import Literal

import ipywidgets as widgets

from codesign.errors import Invalid
from codesign.forms.context import Context
from codesign.forms.i18n import N_, Translator
from codesign.widgets import guard

NOT_SAVED = N_("Not saved — please try again. Your text is still in the box.")
SENDING = N_("Sending…")
Kind = Literal["ok", "error", "info"]


class Refused(Invalid):
    """A form-side refusal whose message takes values, translated when shown."""

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.values = values


class Status:
    """One message beside the control that caused it; kept as a message id so a language
    switch re-translates it.

    The page's script (`codesign.js`) makes every `.cs-status` a polite live region when
    it first appears, empty: a screen reader then announces each message put into it,
    which it would not do for a live region inserted together with its text.
    """

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
        self.widget.value = (
            f'<p class="cs-msg cs-msg-{self.kind}" dir="auto">{html.escape(self.text)}</p>'
        )


def _reporter(ctx: Context, status: Status) -> guard.Report:
    return lambda message, values: status.show(ctx.tr, message, "error", **values)


def run_guarded(
    ctx: Context, status: Status, action: Callable[[], None], failure: str = NOT_SAVED
) -> bool:
    """Run one participant action under the form's lock; report any failure in `status`."""
    return guard.run(action, _reporter(ctx, status), failure=failure, lock=ctx.lock)


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
    """Attach `action` to `button` through `codesign.widgets.guard`, with "Sending…" shown."""

    def sent() -> None:
        if status.message == SENDING:
            status.clear()

    guard.attach(
        button,
        action,
        _reporter(ctx, status),
        failure=failure,
        lock=ctx.lock,
        ignore_double_click=ignore_double_click,
        form_state=form_state,
        started=lambda: status.show(ctx.tr, SENDING, "info"),
        succeeded=sent,
    )
