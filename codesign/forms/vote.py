"""Voting when the facilitator opens it: agree / disagree / pass on one proposal at a time,
or spending a budget of dots (with a cap per proposal), as the current phase says (its
prompt describes the same method). Results stay hidden until the facilitator reveals them.

Every answer appears next to the control that caused it: each ballot item has its own
status line (a live region, so screen readers announce it), which after each dot also
says how many are left; a phone's screen never has to scroll to find out what happened.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import ipywidgets as widgets

from codesign.forms.context import Context
from codesign.forms.guard import Refused, Status, guarded
from codesign.forms.i18n import N_
from codesign.forms.parts import (
    FULL_WIDTH,
    button,
    heading,
    hidden,
    paragraph,
    text_html,
)
from codesign.store.models import Contribution
from codesign.store.models import Session as WorkshopSession
from codesign.widgets.tree import close_tree
from codesign.workshop import votes
from codesign.workshop.sessions import current_phase

ANSWERS = {1: N_("Agree"), -1: N_("Disagree"), 0: N_("Pass")}
PROGRESS = N_("Proposal {number} of {total}")
YOUR_ANSWER = N_("Your answer: {answer}")
ALL_DONE = N_("You have answered every proposal. Thank you. You can go back and change an answer.")
PREVIOUS, NEXT = N_("Previous"), N_("Next")
DOTS_LEFT = N_("You have {left} of {budget} dots left. You can put up to {cap} on one proposal.")
DOTS_ON = N_("Your dots here: {dots}")
ADD, REMOVE = N_("Add a dot"), N_("Remove a dot")
CAP = N_("You can put at most {cap} dots on one proposal.")
BUDGET = N_("You have used all {budget} of your dots. Take one back from another proposal first.")
NOTHING = N_("There is nothing to vote on yet.")
RESULTS = N_("Results")
RESULT_DOTS = N_("{dots} dots")
RESULT_AGREE = N_("{agree} agree, {disagree} disagree, {passed} passed")
NOT_YET = N_("Voting is not open right now. Please wait for the facilitator.")


@dataclass
class DotRow:
    """One ballot item's dot controls, with the status line that answers them."""

    add: widgets.Button
    remove: widgets.Button
    count: widgets.HTML
    status: Status


class VoteView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.state: WorkshopSession | None = None
        self.ballot: list[Contribution] = []
        self.mine: dict[tuple[int, str], int] = {}
        self.index = 0
        self.header = widgets.HTML(layout=FULL_WIDTH)
        self.body = widgets.VBox(layout=FULL_WIDTH)
        self.results = widgets.HTML(layout=FULL_WIDTH)
        self.status = Status()
        self.widget = widgets.VBox([self.header, self.body, self.results])

    @property
    def agree_mode(self) -> bool:
        return self.state is not None and votes.method(self.state) == "agree"

    def enter(self, state: WorkshopSession) -> None:
        self.state = state
        self.ballot = (
            votes.ballot(state.id, self.ctx.url, actor=self.ctx.actor) if state.voting_open else []
        )
        self.mine = votes.own(state.id, self.ctx.participant_id, self.ctx.url, actor=self.ctx.actor)
        self.index = self._first_unanswered()
        self.translate()

    def translate(self) -> None:
        tr = self.ctx.tr
        phase = current_phase(self.state) if self.state else None
        title = heading(tr(phase.name)) if phase else ""
        prompt = (
            text_html(tr(phase.prompt), css_class="cs-prompt") if phase and phase.prompt else ""
        )
        self.header.value = title + prompt
        self.status.translate(tr)
        self._render()

    def _render(self) -> None:
        """Build the voting controls once per phase or language; clicks then update in place."""
        tr = self.ctx.tr
        old = list(self.body.children)
        if self.state is None or not self.state.voting_open:
            self.body.children = [widgets.HTML(paragraph(tr(NOT_YET))), self.status.widget]
        elif not self.ballot:
            self.body.children = [widgets.HTML(paragraph(tr(NOTHING))), self.status.widget]
        elif self.agree_mode:
            self.body.children = self._agree_controls()
            self._show_proposal()
        else:
            self.body.children = self._dot_controls()
            self._show_dots()
        for child in old:
            if child is not self.status.widget:  # kept: every layout reuses it
                close_tree(child)
        self.results.value = self._results_html()

    def _first_unanswered(self) -> int:
        answered = {cid for cid, kind in self.mine if kind == "agree"}
        return next((i for i, c in enumerate(self.ballot) if c.id not in answered), 0)

    def _all_answered(self) -> bool:
        return all((c.id, "agree") in self.mine for c in self.ballot)

    def _agree_controls(self) -> list[widgets.Widget]:
        tr = self.ctx.tr
        self.proposal = widgets.HTML(layout=FULL_WIDTH)
        self.answers: dict[int, widgets.Button] = {}
        for value, name in ANSWERS.items():
            self.answers[value] = b = button()
            b.description = tr(name)
            self._on(b, partial(self.answer, value))
        self.previous, self.following = button(), button()
        self.previous.description, self.following.description = tr(PREVIOUS), tr(NEXT)
        self._on(self.previous, lambda: self.move(-1))
        self._on(self.following, lambda: self.move(1))
        return [
            self.proposal,
            widgets.HBox(list(self.answers.values())).add_class("cs-actions"),
            self.status.widget,
            widgets.HBox([self.previous, self.following]).add_class("cs-actions"),
        ]

    def _on(
        self, control: widgets.Button, action: Callable[[], None], status: Status | None = None
    ) -> None:
        guarded(self.ctx, control, status or self.status, action, ignore_double_click=False)

    def _show_proposal(self) -> None:
        tr = self.ctx.tr
        item = self.ballot[self.index]
        answer = self.mine.get((item.id, "agree"))
        lines = paragraph(tr(PROGRESS, number=self.index + 1, total=len(self.ballot)), "cs-note")
        lines += text_html(item.text, item.language, "cs-text cs-proposal")
        if answer is not None:
            lines += paragraph(tr(YOUR_ANSWER, answer=tr(ANSWERS[answer])), "cs-note")
        if self._all_answered():
            lines += paragraph(tr(ALL_DONE), "cs-note")
        self.proposal.value = lines
        for value, b in self.answers.items():
            b.button_style = "primary" if answer == value else ""
        hidden(self.previous, self.index == 0)
        hidden(self.following, self.index >= len(self.ballot) - 1)

    def answer(self, value: int) -> None:
        item = self.ballot[self.index]
        votes.agree(self.ctx.session_id, self.ctx.participant_id, item.id, value,
                    actor=self.ctx.actor, url=self.ctx.url)  # fmt: skip
        self.mine[(item.id, "agree")] = value
        if not self._all_answered():
            self.index = min(self.index + 1, len(self.ballot) - 1)
        self._show_proposal()

    def move(self, step: int) -> None:
        self.index = max(0, min(len(self.ballot) - 1, self.index + step))
        self._show_proposal()

    def _spent(self) -> int:
        return sum(v for (_, kind), v in self.mine.items() if kind == "dot")

    def _dot_controls(self) -> list[widgets.Widget]:
        tr = self.ctx.tr
        self.left = widgets.HTML(layout=FULL_WIDTH)
        self.dot_rows: dict[int, DotRow] = {}
        rows: list[widgets.Widget] = [self.left]
        for item in self.ballot:
            row = DotRow(button("primary"), button(), widgets.HTML(), Status())
            row.add.description, row.remove.description = tr(ADD), tr(REMOVE)
            self._on(row.add, partial(self.dots, item, 1), row.status)
            self._on(row.remove, partial(self.dots, item, -1), row.status)
            self.dot_rows[item.id] = row
            text = widgets.HTML(text_html(item.text, item.language), layout=FULL_WIDTH)
            actions = widgets.HBox([row.add, row.remove]).add_class("cs-actions")
            rows.append(
                widgets.VBox([text, row.count, actions, row.status.widget]).add_class("cs-item")
            )
        return rows

    def _left(self) -> dict[str, int]:
        """The values of `DOTS_LEFT`: dots left, the budget and the cap per item."""
        assert self.state is not None
        budget = self.state.dot_budget
        return {"left": budget - self._spent(), "budget": budget, "cap": self.state.dot_cap}

    def _show_dots(self) -> None:
        tr = self.ctx.tr
        self.left.value = paragraph(tr(DOTS_LEFT, **self._left()), "cs-note")
        for cid, row in self.dot_rows.items():
            dots = self.mine.get((cid, "dot"), 0)
            row.count.value = paragraph(tr(DOTS_ON, dots=dots), "cs-dots")
            hidden(row.remove, dots == 0)

    def dots(self, item: Contribution, change: int) -> None:
        """Add or take back a dot; the answer (or the refusal) shows in this item's row."""
        assert self.state is not None
        for row in self.dot_rows.values():
            row.status.clear()
        now = self.mine.get((item.id, "dot"), 0)
        wanted = max(0, now + change)
        if wanted > self.state.dot_cap:
            raise Refused(CAP, cap=self.state.dot_cap)
        if self._spent() - now + wanted > self.state.dot_budget:
            raise Refused(BUDGET, budget=self.state.dot_budget)
        votes.place_dots(self.ctx.session_id, self.ctx.participant_id, item.id, wanted,
                         actor=self.ctx.actor, url=self.ctx.url)  # fmt: skip
        self.mine[(item.id, "dot")] = wanted
        self._show_dots()
        self.dot_rows[item.id].status.show(self.ctx.tr, DOTS_LEFT, "ok", **self._left())

    def _results_html(self) -> str:
        if self.state is None or not self.state.results_revealed:
            return ""
        tr = self.ctx.tr
        texts = {c.id: c for c in votes.ballot(self.state.id, self.ctx.url, actor=self.ctx.actor)}
        parts = [heading(tr(RESULTS), 3)]
        for tally in votes.tallies(self.state.id, self.ctx.url, actor=self.ctx.actor):
            item = texts.get(tally.contribution_id)
            if item is None:
                continue
            counts = (
                tr(RESULT_DOTS, dots=tally.dots)
                if tally.dots
                else tr(
                    RESULT_AGREE, agree=tally.agree, disagree=tally.disagree, passed=tally.passed
                )
            )
            parts.append(f'<div class="cs-item">{text_html(item.text, item.language)}'
                         f"{paragraph(counts, 'cs-note')}</div>")  # fmt: skip
        return "".join(parts)
