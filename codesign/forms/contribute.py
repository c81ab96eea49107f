"""Contributing to the facilitator's current prompt: write, pass, edit or withdraw.

The text box keeps what was typed across language switches and phase refreshes; a new
client submission id is drawn only after a successful send, so resending the same
words after "not saved" can never store them twice.

What the screen says matches what it shows: in a grouping phase the groups are shown
above the box (the prompt asks about them); Edit puts the words back in the box and moves
the focus there, showing the item's own kind; each item says whether it is on the ballot,
and a note by the kind explains who decides that.
"""

import html

import ipywidgets as widgets

from codesign.forms.context import Context
from codesign.forms.guard import Status, guarded
from codesign.forms.i18n import LANGUAGES, N_, Translator
from codesign.forms.parts import (
    FULL_WIDTH,
    TextBox,
    button,
    heading,
    hidden,
    new_client_id,
    paragraph,
    text_html,
)
from codesign.store import Store
from codesign.store.models import Contribution
from codesign.store.models import Session as WorkshopSession
from codesign.widgets.tree import close_tree
from codesign.workshop import components, contributions
from codesign.workshop.sessions import current_phase

TEXT_LABEL = N_("Your idea or comment")
KIND_LABEL = N_("What is it? (optional)")
BALLOT_HINT = N_(
    "Proposals go on the ballot for the vote. The facilitator can put any other note on the "
    "ballot too."
)
ON_BALLOT = N_("On the ballot")
GROUPS = N_("The groups so far")
NO_GROUPS = N_("The facilitator has not grouped the notes yet.")
KIND_NAMES = {
    "idea": N_("Idea"),
    "proposal": N_("Proposal"),
    "concern": N_("Concern"),
    "question": N_("Question"),
}
LANGUAGE_LABEL = N_("Language you wrote in")
SEND, SAVE, CANCEL, PASS = N_("Send"), N_("Save changes"), N_("Cancel"), N_("Pass")
SAVED = N_("Thank you — saved. You can write another one.")
PASSED = N_("That is fine. You can write something later if you want to.")
CLOSED = N_("The facilitator has closed this part. You can still read what you wrote.")
YOURS = N_("What you have written")
NONE_YET = N_("Nothing yet.")


Look = tuple[int, str, str, str, str, bool]  # id, text, language, kind, UI language, editable
EDIT, WITHDRAW = N_("Edit"), N_("Withdraw")
SURE = N_("Withdraw this? It will be deleted.")
YES, NO = N_("Yes, withdraw it"), N_("Keep it")
WITHDRAWN = N_("Withdrawn and deleted.")
EDITING = N_("Change your words in the box, then choose Save changes.")


NO_DRAFT = ("", "idea", "en")
"""What the form held before an edit began: words, kind and language."""


def groups_html(tr: Translator, views: list[components.ComponentView]) -> str:
    """The room's groups, each folded under its name and size (a phone screen is short)."""
    if not views:
        return heading(tr(GROUPS), 3) + paragraph(tr(NO_GROUPS), "cs-note")
    parts = [heading(tr(GROUPS), 3)]
    for view in views:
        items = "".join(f"<li>{text_html(m.text)}</li>" for m in view.members)
        parts.append(
            f"<details class='cs-group'><summary dir='auto'>{html.escape(view.label)} "
            f"({len(view.members)})</summary><ul>{items}</ul></details>"
        )
    return "".join(parts)


class ContributeView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.client_id = new_client_id()
        self.editing: int | None = None
        self.draft = NO_DRAFT
        self.open = False
        self.prompt = widgets.HTML(layout=FULL_WIDTH)
        self.groups = widgets.HTML(layout=FULL_WIDTH)
        self.box = TextBox(TEXT_LABEL)
        self.kind = widgets.Dropdown(style={"description_width": "initial"})
        self.ballot_hint = widgets.HTML(layout=FULL_WIDTH)
        self.language = widgets.Dropdown(style={"description_width": "initial"})
        self.send, self.pass_, self.cancel = button("primary"), button(), button()
        self.status = Status()
        guarded(ctx, self.send, self.status, self.submit,
                form_state=lambda: (self.editing, self.box.value))  # fmt: skip
        guarded(ctx, self.pass_, self.status, self.pass_turn, ignore_double_click=False)
        guarded(ctx, self.cancel, self.status, self.stop_editing, ignore_double_click=False)
        self.form = widgets.VBox(
            [self.box.widget, self.kind, self.ballot_hint, self.language,
             widgets.HBox([self.send, self.pass_, self.cancel]).add_class("cs-actions"),
             self.status.widget]
        )  # fmt: skip
        self.closed_note = widgets.HTML()
        self.yours = widgets.HTML()
        self.rows = widgets.VBox()
        self._shown: dict[Look, widgets.Widget] = {}
        self.widget = widgets.VBox(
            [self.prompt, self.groups, self.form, self.closed_note, self.yours, self.rows]
        )
        self.state: WorkshopSession | None = None
        self.shown_groups: list[components.ComponentView] | None = None

    def translate(self) -> None:
        tr = self.ctx.tr
        self.box.translate(tr)
        self.kind.description = tr(KIND_LABEL)
        self.ballot_hint.value = paragraph(tr(BALLOT_HINT), "cs-note")
        kind = self.kind.value or "idea"
        self.kind.options = [(tr(name), key) for key, name in KIND_NAMES.items()]
        self.kind.value = kind
        self.language.description = tr(LANGUAGE_LABEL)
        written_in = self.language.value or tr.code
        self.language.options = [(lang.native_name, code) for code, lang in LANGUAGES.items()]
        self.language.value = written_in
        self.pass_.description, self.cancel.description = tr(PASS), tr(CANCEL)
        self._render_mode()
        self.closed_note.value = paragraph(tr(CLOSED), "cs-note")
        self.status.translate(tr)
        self._render_prompt()
        self._render_groups()
        self.refresh_list()

    def _render_mode(self) -> None:
        """Send, or Save changes and Cancel while an earlier contribution is being edited
        (its kind and language are shown but fixed: only the words change)."""
        self.send.description = self.ctx.tr(SAVE if self.editing else SEND)
        hidden(self.pass_, self.editing is not None)
        hidden(self.cancel, self.editing is None)
        self.kind.disabled = self.language.disabled = self.editing is not None

    def enter(self, state: WorkshopSession) -> None:
        self.state = state
        self.shown_groups = None
        self.open = bool(state.phase_open and not state.closed)
        hidden(self.form, not self.open)
        hidden(self.closed_note, self.open)
        if not self.open:
            self.stop_editing()
        self.translate()

    def _render_prompt(self) -> None:
        phase = current_phase(self.state) if self.state else None
        if phase is None:
            self.prompt.value = ""
            return
        tr = self.ctx.tr
        self.prompt.value = heading(tr(phase.name)) + text_html(
            tr(phase.prompt), css_class="cs-prompt"
        )

    def _render_groups(self) -> None:
        """In a grouping phase, the groups the prompt asks about, as the projector shows them."""
        phase = current_phase(self.state) if self.state else None
        if phase is None or phase.kind != "cluster":
            self.groups.value = ""
            return
        if self.shown_groups is None:
            self.shown_groups = components.for_room(
                Store.open(self.ctx.url), phase.session_id, actor=self.ctx.actor
            )
        self.groups.value = groups_html(self.ctx.tr, self.shown_groups)

    def poll(self) -> None:
        """Called every few seconds: show the facilitator's latest grouping when it changes."""
        phase = current_phase(self.state) if self.state else None
        if phase is None or phase.kind != "cluster":
            return
        latest = components.for_room(Store.open(self.ctx.url), phase.session_id,
                                     actor=self.ctx.actor)  # fmt: skip
        if latest != self.shown_groups:
            self.shown_groups = latest
            self._render_groups()

    def submit(self) -> None:
        tr = self.ctx.tr
        if self.editing is not None:
            contributions.edit_own(self.editing, self.box.value, self.ctx.url, actor=self.ctx.actor)
            self.stop_editing()
        else:
            contributions.submit(
                self.ctx.session_id, self.ctx.participant_id, self.box.value,
                kind=self.kind.value, language=self.language.value, client_id=self.client_id,
                actor=self.ctx.actor, url=self.ctx.url,
            )  # fmt: skip
            self.box.value = ""
            self.client_id = new_client_id()
        self.status.show(tr, SAVED)
        self.refresh_list()

    def pass_turn(self) -> None:
        self.status.show(self.ctx.tr, PASSED)

    def start_editing(self, item: Contribution) -> None:
        if self.editing is None:
            self.draft = (self.box.value, self.kind.value, self.language.value)
        self.editing = item.id
        self.box.value, self.kind.value = item.text, item.kind
        if item.language in LANGUAGES:
            self.language.value = item.language
        self.status.show(self.ctx.tr, EDITING, "info")
        self._render_mode()
        self.box.area.focus()  # the box is above the list: take the person there

    def stop_editing(self) -> None:
        if self.editing is not None:
            self.editing = None
            self.box.value, self.kind.value, self.language.value = self.draft
            self.draft = NO_DRAFT
            self._render_mode()

    def withdraw(self, item: Contribution) -> None:
        contributions.withdraw_own(item.id, self.ctx.url, actor=self.ctx.actor)
        if self.editing == item.id:
            self.stop_editing()
        self.status.show(self.ctx.tr, WITHDRAWN)
        self.refresh_list()

    def refresh_list(self) -> None:
        if self.ctx.enrolment is None or self.state is None:
            return
        tr = self.ctx.tr
        mine = contributions.own(
            self.state.id, self.ctx.participant_id, self.ctx.url, actor=self.ctx.actor
        )
        self.yours.value = heading(tr(YOURS), 3) + ("" if mine else paragraph(tr(NONE_YET)))
        # Rows are kept by what they show: a submit adds one row instead of rebuilding
        # every row (a dozen widgets each), which made each send slower than the last.
        kept, self._shown = self._shown, {}
        for item in mine:
            look = self._look(item)
            self._shown[look] = kept.pop(look, None) or self._row(item, look)
        self.rows.children = list(self._shown.values())
        for row in kept.values():
            close_tree(row)

    def _look(self, item: Contribution) -> Look:
        """Everything a row shows: the same look means the same row can stay."""
        editable = bool(
            self.open and self.state is not None and item.phase_key == self.state.current_phase
        )
        return (item.id, item.text, item.language, item.kind, self.ctx.tr.code, editable)

    def _row(self, item: Contribution, look: Look) -> widgets.Widget:
        tr = self.ctx.tr
        text = widgets.HTML(text_html(item.text, item.language), layout=FULL_WIDTH)
        about = tr(KIND_NAMES.get(item.kind, item.kind))
        if item.on_ballot:
            about += " · " + tr(ON_BALLOT)
        kind = widgets.HTML(paragraph(about, "cs-kind"))
        children: list[widgets.Widget] = [kind, text]
        if look[-1]:
            children.append(self._row_actions(item))
        row = widgets.VBox(children, layout=FULL_WIDTH)
        row.add_class("cs-item")
        return row

    def _row_actions(self, item: Contribution) -> widgets.Widget:
        tr = self.ctx.tr
        edit, withdraw, yes, no = button(), button(), button("danger"), button()
        edit.description, withdraw.description = tr(EDIT), tr(WITHDRAW)
        yes.description, no.description = tr(YES), tr(NO)
        sure = widgets.HTML(paragraph(tr(SURE)))
        confirm = widgets.VBox([sure, widgets.HBox([yes, no]).add_class("cs-actions")])
        hidden(confirm, True)
        for control, action in (
            (edit, lambda: self.start_editing(item)),
            (withdraw, lambda: hidden(confirm, False)),
            (no, lambda: hidden(confirm, True)),
        ):
            guarded(self.ctx, control, self.status, action, ignore_double_click=False)
        guarded(self.ctx, yes, self.status, lambda: self.withdraw(item))
        return widgets.VBox([widgets.HBox([edit, withdraw]).add_class("cs-actions"), confirm])
