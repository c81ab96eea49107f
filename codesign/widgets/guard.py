"""The one guard every widget callback runs under, in the participant forms and the
facilitator panels alike.

An exception in an ipywidgets callback shows nothing in the page: the button just seems
dead, and whoever pressed it presses again or gives up. So every callback runs inside
`run`: a `CodesignError` reports its own message (a msgid, translated by the caller); any
other failure (a database that went away, a bug) is logged server-side by type and
frames only, never its message, which can quote a participant's words, and reports the
caller's `failure` message instead. `attach` adds what a button needs on top: disabled
while its action runs, and the second half of a double click ignored.
"""

import logging
import time
import traceback
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext

import ipywidgets as widgets

from codesign.errors import CodesignError

DOUBLE_CLICK_SECONDS = 1.5

Report = Callable[[str, Mapping[str, object]], None]
"""Shows a message (a msgid) with its values to the person who pressed the button."""

log = logging.getLogger("codesign.widgets")


def run(
    action: Callable[[], object],
    report: Report,
    *,
    failure: str,
    lock: AbstractContextManager[object] | None = None,
) -> bool:
    """Run `action` (under `lock`, if given); report any failure; True if it worked."""
    try:
        with lock or nullcontext():
            action()
        return True
    except CodesignError as exc:
        report(exc.message, getattr(exc, "values", {}))
    except Exception as exc:
        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("A widget action failed: %s\n%s", type(exc).__name__, frames)
        report(failure, {})
    return False


def attach(
    button: widgets.Button,
    action: Callable[[], object],
    report: Report,
    *,
    failure: str,
    lock: AbstractContextManager[object] | None = None,
    ignore_double_click: bool = True,
    form_state: Callable[[], object] = lambda: None,
    started: Callable[[], None] = lambda: None,
    succeeded: Callable[[], None] = lambda: None,
) -> None:
    """Attach `action` to `button` through `run`, disabling the button while it runs.

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
        started()
        try:
            if run(action, report, failure=failure, lock=lock):
                last_success, state_then = time.monotonic(), form_state()
                succeeded()
        finally:
            busy, button.disabled = False, False

    button.on_click(on_click)
