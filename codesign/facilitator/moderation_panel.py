"""Moderation controls: hide and restore, merge duplicates, correct a typo, mark a flagged
contribution reviewed, and type in a contribution on a participant's behalf."""

import ipywidgets as widgets

from codesign.facilitator.context import Context
from codesign.facilitator.ui import button, choices, on_click, status_line
from codesign.store.models import Contribution
from codesign.workshop import contributions, feed, moderation

NOBODY = -1


class ModerationPanel:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        wide = widgets.Layout(width="40em")
        self.chosen = widgets.Dropdown(description="Contribution", layout=wide)
        self.into = widgets.Dropdown(description="Merge into", layout=wide)
        self.text = widgets.Textarea(description="Correction", layout=wide)
        self.hide = button("Hide", "warning")
        self.restore = button("Restore")
        self.review = button("Mark reviewed", "info")
        self.merge = button("Merge")
        self.correct = button("Save correction")
        self.person = widgets.Dropdown(description="For", layout=wide)
        self.kind = widgets.Dropdown(options=contributions.KINDS, value="idea", description="Kind")
        self.spoken = widgets.Textarea(description="Their words", layout=wide)
        self.enter = button("Add for them", "primary")
        self.status = status_line()
        self.chosen.observe(lambda _change: self._fill_correction(), names="value")
        self._wire()
        self.widget = widgets.VBox(
            [
                self.chosen,
                widgets.HBox([self.hide, self.restore, self.review]),
                widgets.HBox([self.into, self.merge]),
                widgets.HBox([self.text, self.correct]),
                widgets.HTML("<b>Enter a contribution on a participant's behalf</b>"),
                self.person,
                self.kind,
                widgets.HBox([self.spoken, self.enter]),
                self.status,
            ]
        )
        self.refresh()

    def _wire(self) -> None:
        actor, url = self.ctx.actor, self.ctx.url
        chosen = self.chosen
        on_click(self.hide, self.status, lambda: moderation.hide(chosen.value, actor, url),
                 self.refresh)  # fmt: skip
        on_click(self.restore, self.status,
                 lambda: moderation.restore(chosen.value, actor, url), self.refresh)  # fmt: skip
        on_click(self.review, self.status,
                 lambda: moderation.mark_reviewed(chosen.value, actor, url),
                 self.refresh)  # fmt: skip
        on_click(self.merge, self.status,
                 lambda: moderation.merge(chosen.value, self.into.value, actor, url),
                 self.refresh)  # fmt: skip
        on_click(self.correct, self.status,
                 lambda: moderation.correct(chosen.value, self.text.value, actor, url),
                 self.refresh)  # fmt: skip
        on_click(self.enter, self.status, self._enter, self.refresh)

    def _enter(self) -> str:
        who = None if self.person.value in (None, NOBODY) else self.person.value
        moderation.enter_on_behalf(
            self.ctx.session_id, who, self.spoken.value, self.ctx.actor, kind=self.kind.value,
            url=self.ctx.url,
        )  # fmt: skip
        self.spoken.value = ""
        return "Added, marked as entered by the facilitator."

    def _fill_correction(self) -> None:
        found = next((c for c in self._rows if c.id == self.chosen.value), None)
        self.text.value = found.text if found else ""

    def refresh(self) -> None:
        """Reload the contribution and participant lists, keeping the current choices."""
        self._rows = contributions.for_session(
            self.ctx.session_id, self.ctx.actor, statuses=contributions.STATUSES, url=self.ctx.url
        )
        newest = list(reversed(self._rows))
        _update(self.chosen, choices([(_label(c), c.id) for c in newest]))
        _update(self.into, choices([(_label(c), c.id) for c in newest if c.status == "visible"]))
        people = feed.counts(self.ctx.session_id, self.ctx.actor, self.ctx.url)
        names = sorted((c.pseudonym, c.participant_id) for c in people)
        _update(self.person, [("(no participant: the facilitator's own note)", NOBODY), *names])


def _label(c: Contribution) -> str:
    return f"#{c.id} {'⚑ ' if c.needs_review else ''}[{c.status}] {c.text}"


def _update(dropdown: widgets.Dropdown, options: list[tuple[str, int]]) -> None:
    """Replace a dropdown's options, keeping its value when it is still offered."""
    if list(dropdown.options) == options:
        return
    keep = dropdown.value
    dropdown.options = options
    if keep in {value for _, value in options}:
        dropdown.value = keep
