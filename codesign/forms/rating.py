"""A Delphi rating round on a member's phone: each section and criterion the coordinator
chose, rated 1 to 5 or "can't judge". Beside each, the member sees their own rating from
the last round that asked and the group's median and middle half from that round
(`codesign.advisory.rounds.ballot`), as a Delphi panel expects; the group's figures are
left out when too few rated. Answers can be changed until the round closes.
"""

import ipywidgets as widgets

from codesign.advisory import delphi, rounds
from codesign.advisory.rounds import BallotLine
from codesign.forms.context import Context
from codesign.forms.guard import Status, guarded
from codesign.forms.i18n import N_, Translator
from codesign.forms.parts import FULL_WIDTH, button, heading, hidden, paragraph
from codesign.store.models import Session as WorkshopSession

TITLE = N_("Rate each section")
CRITERION_NAMES = {
    "relevance": N_("Relevance"),
    "clarity": N_("Clarity"),
    "actionability": N_("How actionable it is"),
}
NO_ANSWER = N_("No answer")
CANT_JUDGE = N_("Can't judge")
GROUP_LAST_ROUND = N_(
    "Last round the group's median was {median} (middle half {low} to {high}, {count} ratings)."
)
YOURS_LAST_ROUND = N_("Your rating last round: {rating}.")
SEND = N_("Send ratings")
SAVED = N_("Thank you — your ratings are saved. You can change them until the round closes.")
NO_ROUND = N_("No rating round is open right now.")


def _score(tr: Translator, value: int) -> str:
    return tr(CANT_JUDGE) if value == delphi.CANT_JUDGE else str(value)


def _figure(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def last_round(tr: Translator, line: BallotLine) -> str:
    """What the member is shown from the last round about one section and criterion."""
    shown = []
    if line.group is not None:
        s = line.group
        shown.append(
            tr(GROUP_LAST_ROUND, median=_figure(s.median), low=_figure(s.q1),
               high=_figure(s.q3), count=s.n)
        )  # fmt: skip
    if line.previous_mine is not None:
        shown.append(tr(YOURS_LAST_ROUND, rating=_score(tr, line.previous_mine)))
    return " ".join(shown)


class RatingView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.lines: list[BallotLine] = []
        self.choices: list[widgets.Dropdown] = []
        self.title = widgets.HTML(layout=FULL_WIDTH)
        self.body = widgets.VBox(layout=FULL_WIDTH)
        self.send = button("primary")
        self.status = Status()
        guarded(
            ctx, self.send, self.status, self.submit,
            form_state=lambda: [c.value for c in self.choices],
        )  # fmt: skip
        self.widget = widgets.VBox([self.title, self.body, self.send, self.status.widget])

    def enter(self, _state: WorkshopSession | None = None) -> None:
        """Load the open round's ballot afresh: the round or the member's answers may have
        changed since this view was last shown."""
        pid = self.ctx.actor.participant_id
        found = rounds.ballot(pid, actor=self.ctx.actor, url=self.ctx.url) if pid else None
        self.lines = found.lines if found else []
        self.choices = [
            widgets.Dropdown(style={"description_width": "initial"}) for _ in self.lines
        ]
        for choice, line in zip(self.choices, self.lines, strict=True):
            choice.add_class(f"cs-rate-{line.section}-{line.criterion}")
        self.translate()

    def translate(self) -> None:
        tr = self.ctx.tr
        self.title.value = heading(tr(TITLE))
        hidden(self.send, not self.lines)
        self.send.description = tr(SEND)
        self.status.translate(tr)
        if not self.lines:
            self.body.children = [widgets.HTML(paragraph(tr(NO_ROUND), "cs-notice"))]
            return
        parts: list[widgets.Widget] = []
        section = None
        for choice, line in zip(self.choices, self.lines, strict=True):
            if line.section != section:
                section = line.section
                parts.append(widgets.HTML(heading(line.title, 3), layout=FULL_WIDTH))
            kept = choice.value if choice.options else line.mine
            choice.description = tr(CRITERION_NAMES[line.criterion])
            choice.options = [
                (tr(NO_ANSWER), None),
                *((str(n), n) for n in range(1, 6)),
                (tr(CANT_JUDGE), delphi.CANT_JUDGE),
            ]
            choice.value = kept
            parts.append(choice)
            before = last_round(tr, line)
            if before:
                parts.append(widgets.HTML(paragraph(before, "cs-hint"), layout=FULL_WIDTH))
        self.body.children = parts

    def submit(self) -> None:
        pid = self.ctx.actor.participant_id
        assert pid is not None, "a consented participant has an id"
        by_section: dict[str, dict[str, int | None]] = {}
        for choice, line in zip(self.choices, self.lines, strict=True):
            by_section.setdefault(line.section, {})[line.criterion] = choice.value
        for section, scores in by_section.items():
            rounds.rate(
                pid, section, scores, actor=self.ctx.actor, session_id=self.ctx.session_id,
                url=self.ctx.url,
            )  # fmt: skip
        self.status.show(self.ctx.tr, SAVED)
