"""Small widget helpers the panels share: safe HTML, a status line, guarded button actions.

Buttons run through `codesign.widgets.guard`, the same guard as the participant forms: a
refused action shows why, and a failure of any other kind (the database went away) shows
`FAILED` instead of leaving a dead button.
"""

import html
from collections.abc import Callable

import ipywidgets as widgets

from codesign.widgets import guard

FAILED = "Not done: something went wrong (it is logged). Nothing was changed; try again."
NOT_REFRESHED = "Done, but this panel could not refresh (it is logged); it catches up next time."


def esc(text: object) -> str:
    """Participants' words are shown exactly as written, so always escaped."""
    return html.escape(str(text))


def status_line() -> widgets.HTML:
    return widgets.HTML(value="", layout=widgets.Layout(min_height="1.5em"))


def button(label: str, style: str = "", tooltip: str = "") -> widgets.Button:
    return widgets.Button(description=label, button_style=style, tooltip=tooltip or label)


def on_click(
    btn: widgets.Button,
    status: widgets.HTML,
    action: Callable[[], str | None],
    after: Callable[[], None] | None = None,
) -> None:
    """Run `action` on click through the guard; show its message, or why it failed."""

    def report(message: str, _values: object) -> None:
        status.value = f"<span style='color:#b00020'>{esc(message)}</span>"

    def act() -> None:
        status.value = esc(action() or "Done.")
        if after is not None:
            guard.run(after, report, failure=NOT_REFRESHED)

    guard.attach(btn, act, report, failure=FAILED)


def choices(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Dropdown options, labels shortened so a long contribution fits on one line."""
    return [(label if len(label) <= 70 else label[:69] + "…", value) for label, value in pairs]
