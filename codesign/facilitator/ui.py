"""Small widget helpers the panels share: safe HTML, a status line, guarded button actions,
and a confirmation step for actions that cannot be undone.

Buttons run through `codesign.widgets.guard`, the same guard as the participant forms: a
refused action shows why, and a failure of any other kind (the database went away) shows
`FAILED` instead of leaving a dead button. Every action returns the sentence its status
line shows, saying what really happened (including "nothing changed"): there is no
generic "Done." to hide a click that did nothing.
"""

import html
from collections.abc import Callable, Iterable

import ipywidgets as widgets

from codesign.widgets import guard

FAILED = "Not done: something went wrong (it is logged). Nothing was changed; try again."
NOT_REFRESHED = "Done, but this panel could not refresh (it is logged); it catches up next time."


def esc(text: object) -> str:
    """Participants' words are shown exactly as written, so always escaped."""
    return html.escape(str(text))


def set_value(widget: widgets.HTML, value: str) -> None:
    """Send a value only when it changed: each change is a message to the browser."""
    if widget.value != value:
        widget.value = value


def status_line() -> widgets.HTML:
    return widgets.HTML(value="", layout=widgets.Layout(min_height="1.5em"))


def button(label: str, style: str = "", tooltip: str = "") -> widgets.Button:
    return widgets.Button(description=label, button_style=style, tooltip=tooltip or label)


def on_click(
    btn: widgets.Button,
    status: widgets.HTML,
    action: Callable[[], str],
    after: Callable[[], None] | None = None,
    form_state: Callable[[], object] = lambda: None,
) -> None:
    """Run `action` on click through the guard; show the sentence it returns, or why it
    failed. The status line is a polite live region, so a screen reader announces it.

    A second click within the guard's double-click window is ignored unless `form_state`
    (what the panel's choosers hold) changed: choosing another phase and pressing Open
    phase again at once is a new action, not a double click.
    """

    def report(message: str, _values: object) -> None:
        status.value = f"<span role='status' style='color:#b00020'>{esc(message)}</span>"

    def act() -> None:
        status.value = f"<span role='status'>{esc(action())}</span>"
        if after is not None:
            guard.run(after, report, failure=NOT_REFRESHED)

    guard.attach(btn, act, report, failure=FAILED, form_state=form_state)


def wire(
    status: widgets.HTML,
    after: Callable[[], None] | None,
    actions: Iterable[tuple[widgets.Button, Callable[[], str]]],
    choosers: Iterable[widgets.ValueWidget] = (),
) -> None:
    """`on_click` for a panel's buttons, each with its action, sharing one status line;
    `choosers` are the inputs the actions read (see `on_click`'s `form_state`)."""
    inputs = list(choosers)
    for btn, action in actions:
        on_click(btn, status, action, after, lambda: tuple(i.value for i in inputs))


def hidden(widget: widgets.Widget, hide: bool) -> None:
    widget.layout.display = "none" if hide else None


class Confirm:
    """An action that cannot be undone, behind a second, explicit step.

    The first button only asks; the question names the consequence, and the keyboard
    focus moves to Cancel, so a stray Enter or double click changes nothing.
    """

    def __init__(
        self,
        label: str,
        question: str,
        yes: str,
        action: Callable[[], str],
        status: widgets.HTML,
        after: Callable[[], None] | None = None,
    ) -> None:
        self.ask = button(label, "danger")
        self.yes, self.cancel = button(yes, "danger"), button("Cancel")
        self.question = widgets.HTML(f"<b>{esc(question)}</b>")
        self.confirming = widgets.VBox([self.question, widgets.HBox([self.yes, self.cancel])])
        hidden(self.confirming, True)
        on_click(self.ask, status, self._ask)
        on_click(self.yes, status, lambda: self._answer(action()), after)
        on_click(self.cancel, status, lambda: self._answer("Cancelled: nothing changed."))
        self.widget = widgets.VBox([self.ask, self.confirming])

    def _ask(self) -> str:
        hidden(self.confirming, False)
        self.cancel.focus()
        return "Please confirm below, or cancel."

    def _answer(self, message: str) -> str:
        hidden(self.confirming, True)
        return message


def choices(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Dropdown options, labels shortened so a long contribution fits on one line."""
    return [(label if len(label) <= 70 else label[:69] + "…", value) for label, value in pairs]
