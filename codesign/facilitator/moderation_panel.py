"""Moderation controls: hide and restore, merge duplicates, correct a typo, mark a flagged
contribution reviewed, and type in a contribution on a participant's behalf."""

from collections.abc import Callable
from functools import partial
from typing import Protocol

import ipywidgets as widgets

from codesign.access import Actor
from codesign.errors import NotFound
from codesign.facilitator.context import Context
from codesign.facilitator.ui import button, choices, status_line, wire
from codesign.store.models import Contribution
from codesign.workshop import contributions, feed, moderation

NOBODY = -1
HIDE = (
    lambda c: c.status == "hidden",
    moderation.hide,
    "#{id} was already hidden: nothing changed.",
    "Hid #{id}: it has left every view. Nothing is deleted; Restore brings it back.",
)
RESTORE = (
    lambda c: c.status == "visible",
    moderation.restore,
    "#{id} is already visible: nothing changed.",
    "Restored #{id}: it is visible again.",
)
REVIEW = (
    lambda c: not c.needs_review,
    moderation.mark_reviewed,
    "#{id} has no flag waiting for review: nothing changed.",
    "Marked #{id} reviewed: the room can see it now (its flags stay on record).",
)


class _Act(Protocol):
    """A one-click moderation (`moderation.hide`, `restore`, `mark_reviewed`)."""

    def __call__(self, contribution_id: int, url: str | None = None, *, actor: Actor) -> None: ...


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
        wire(self.status, self.refresh, [
            (self.hide, partial(self._moderate, *HIDE)),
            (self.restore, partial(self._moderate, *RESTORE)),
            (self.review, partial(self._moderate, *REVIEW)),
            (self.merge, self._merge),
            (self.correct, self._correct),
            (self.enter, self._enter),
        ], [self.chosen, self.into, self.text, self.person, self.kind, self.spoken])  # fmt: skip

    def _chosen(self) -> Contribution:
        found = next((c for c in self._rows if c.id == self.chosen.value), None)
        if found is None:
            raise NotFound(moderation.GONE)
        return found

    def _moderate(
        self,
        already: Callable[[Contribution], bool],
        act: _Act,
        unchanged: str,
        changed: str,
    ) -> str:
        """Apply a one-click moderation unless it would change nothing; say which it was."""
        c = self._chosen()
        if already(c):
            return unchanged.format(id=c.id)
        act(c.id, self.ctx.url, actor=self.ctx.actor)
        return changed.format(id=c.id)

    def _merge(self) -> str:
        c = self._chosen()
        moderation.merge(c.id, self.into.value, self.ctx.url, actor=self.ctx.actor)
        return (
            f"Merged #{c.id} into #{self.into.value}: its votes count towards #{self.into.value}."
        )

    def _correct(self) -> str:
        c = self._chosen()
        if self.text.value.strip() == c.text:
            return f"The text of #{c.id} is unchanged: nothing saved."
        moderation.correct(c.id, self.text.value, self.ctx.url, actor=self.ctx.actor)
        return f"Saved the correction to #{c.id}; the earlier text stays in its history."

    def _enter(self) -> str:
        who = None if self.person.value in (None, NOBODY) else self.person.value
        moderation.enter_on_behalf(
            self.ctx.session_id, who, self.spoken.value, kind=self.kind.value,
            url=self.ctx.url, actor=self.ctx.actor,
        )  # fmt: skip
        self.spoken.value = ""
        return "Added, marked as entered by the facilitator."

    def _fill_correction(self) -> None:
        found = next((c for c in self._rows if c.id == self.chosen.value), None)
        self.text.value = found.text if found else ""

    def refresh(self) -> None:
        """Reload the contribution and participant lists, keeping the current choices."""
        self._rows = contributions.for_session(
            self.ctx.session_id,
            statuses=contributions.STATUSES,
            url=self.ctx.url,
            actor=self.ctx.actor,
        )
        newest = list(reversed(self._rows))
        _update(self.chosen, choices([(_label(c), c.id) for c in newest]))
        _update(self.into, choices([(_label(c), c.id) for c in newest if c.status == "visible"]))
        people = feed.counts(self.ctx.session_id, self.ctx.url, actor=self.ctx.actor)
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
