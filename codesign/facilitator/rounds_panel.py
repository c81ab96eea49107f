"""The coordinator's Delphi rounds in the Advisory tracker: open a round on chosen
sections and criteria, close it, and see every round so far. The same moves as
`codesign delphi open|close|list` (`codesign.advisory.rounds`)."""

import ipywidgets as widgets

from codesign.access import Actor
from codesign.advisory import delphi, rounds, toolkit
from codesign.facilitator.ui import button, esc, status_line, wire


def rounds_html(found: list[rounds.RoundInfo]) -> str:
    if not found:
        return "<p>No rating round has been opened from codesign yet.</p>"
    rows = "".join(
        f"<tr><td>{r.number}</td><td>{'open' if r.is_open else 'closed'}</td>"
        f"<td>{esc(', '.join(r.sections))}</td><td>{esc(', '.join(r.criteria))}</td></tr>"
        for r in found
    )
    return (
        f"<table><tr><th>round</th><th></th><th>sections</th><th>criteria</th></tr>{rows}</table>"
    )


class RoundsPanel:
    def __init__(self, actor: Actor, url: str | None = None) -> None:
        self.actor, self.url = actor, url
        self.table = widgets.HTML()
        self.sections = widgets.SelectMultiple(
            options=[(s.title, s.key) for s in toolkit.sections(url)],
            description="Sections",
            layout=widgets.Layout(width="40em", height="10em"),
        )
        self.criteria = widgets.SelectMultiple(
            options=list(delphi.CRITERIA), value=list(delphi.CRITERIA), description="Criteria"
        )
        self.open = button("Open round", "primary")
        self.close = button("Close round", "warning")
        self.status = status_line()
        wire(
            self.status, self.refresh,
            [(self.open, self._open), (self.close, self._close)],
            [self.sections, self.criteria],
        )  # fmt: skip
        self.widget = widgets.VBox(
            [self.table, self.sections, self.criteria,
             widgets.HBox([self.open, self.close]), self.status]
        )  # fmt: skip
        self.refresh()

    def refresh(self) -> None:
        self.table.value = rounds_html(rounds.rounds(actor=self.actor, url=self.url))

    def _open(self) -> str:
        found = rounds.open_round(
            self.sections.value, self.criteria.value, actor=self.actor, url=self.url
        )
        return (
            f"Opened round {found.number} on {len(found.sections)} section(s) and "
            f"{', '.join(found.criteria)}. Members rate in the session's rating phase."
        )

    def _close(self) -> str:
        return f"Closed round {rounds.close_round(actor=self.actor, url=self.url).number}."
