"""Small widget helpers the panels share: safe HTML, a status line, guarded button actions."""

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from codesign.errors import CodesignError


def esc(text: object) -> str:
    """Participants' words are shown exactly as written, so always escaped."""
    return html.escape(str(text))


def status_line() -> widgets.HTML:
    return widgets.HTML(value="", layout=widgets.Layout(min_height="1.5em"))


def button(label: str, style: str = "", tooltip: str = "") -> widgets.Button:
    return widgets.Button(description=label, button_style=style, tooltip=tooltip or label)


def on_click(
    btn: widgets.Button, status: widgets.HTML, action: Callable[[], str | None],
    after: Callable[[], None] | None = None,
) -> None:  # fmt: skip
    """Run `action` on click; show its message, or a CodesignError's, in `status`."""

    def handler(_btn: Any) -> None:
        try:
            message = action()
        except CodesignError as exc:
            status.value = f"<span style='color:#b00020'>{esc(exc.message)}</span>"
            return
        status.value = esc(message or "Done.")
        if after is not None:
            after()

    btn.on_click(handler)


def choices(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Dropdown options, labels shortened so a long contribution fits on one line."""
    return [(label if len(label) <= 70 else label[:69] + "…", value) for label, value in pairs]
