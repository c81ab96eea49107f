"""Contributing to the facilitator's current prompt: write, pass, edit or withdraw.

The text box keeps what was typed across language switches and phase refreshes; a new
client submission id is drawn only after a successful send, so resending the same
words after "not saved" can never store them twice.
"""

import ipywidgets as widgets

from codesign.forms.context import Context
from codesign.forms.guard import Status, guarded
from codesign.forms.i18n import LANGUAGES, N_
from codesign.forms.parts import (
    FULL_WIDTH,
    TextBox,
    button,
    close_tree,
    heading,
    hidden,
    new_client_id,
    paragraph,
    text_html,
)
from codesign.store.models import Contribution
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import contributions
from codesign.workshop.sessions import current_phase

TEXT_LABEL = N_("Your idea or comment")
KIND_LABEL = N_("What is it? (optional)")
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
EDITING = N_("Change your words below, then choose Save changes.")


class ContributeView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.client_id = new_client_id()
        self.editing: int | None = None
        self.draft = ""
        self.open = False
        self.prompt = widgets.HTML(layout=FULL_WIDTH)
        self.box = TextBox(TEXT_LABEL)
        self.kind = widgets.Dropdown(style={"description_width": "initial"})
        self.language = widgets.Dropdown(style={"description_width": "initial"})
        self.send, self.pass_, self.cancel = button("primary"), button(), button()
        self.status = Status()
        guarded(ctx, self.send, self.status, self.submit,
                form_state=lambda: (self.editing, self.box.value))  # fmt: skip
        guarded(ctx, self.pass_, self.status, self.pass_turn, ignore_double_click=False)
        guarded(ctx, self.cancel, self.status, self.stop_editing, ignore_double_click=False)
        self.form = widgets.VBox(
            [self.box.widget, self.kind, self.language,
             widgets.HBox([self.send, self.pass_, self.cancel]).add_class("cs-actions")]
        )  # fmt: skip
        self.closed_note = widgets.HTML()
        self.yours = widgets.HTML()
        self.rows = widgets.VBox()
        self._shown: dict[Look, widgets.Widget] = {}
        self.widget = widgets.VBox(
            [self.prompt, self.form, self.closed_note, self.status.widget, self.yours, self.rows]
        )
        self.state: WorkshopSession | None = None

    def translate(self) -> None:
        tr = self.ctx.tr
        self.box.translate(tr)
        self.kind.description = tr(KIND_LABEL)
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
        self.refresh_list()

    def _render_mode(self) -> None:
        """Send, or Save changes and Cancel while an earlier contribution is being edited."""
        self.send.description = self.ctx.tr(SAVE if self.editing else SEND)
        hidden(self.pass_, self.editing is not None)
        hidden(self.cancel, self.editing is None)

    def enter(self, state: WorkshopSession) -> None:
        self.state = state
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

    def submit(self) -> None:
        tr = self.ctx.tr
        if self.editing is not None:
            contributions.edit_own(self.editing, self.box.value, self.ctx.actor, self.ctx.url)
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
            self.draft = self.box.value
        self.editing = item.id
        self.box.value = item.text
        self.status.show(self.ctx.tr, EDITING, "info")
        self._render_mode()

    def stop_editing(self) -> None:
        if self.editing is not None:
            self.editing = None
            self.box.value, self.draft = self.draft, ""
            self._render_mode()

    def withdraw(self, item: Contribution) -> None:
        contributions.withdraw_own(item.id, self.ctx.actor, self.ctx.url)
        if self.editing == item.id:
            self.stop_editing()
        self.status.show(self.ctx.tr, WITHDRAWN)
        self.refresh_list()

    def refresh_list(self) -> None:
        if self.ctx.enrolment is None or self.state is None:
            return
        tr = self.ctx.tr
        mine = contributions.own(self.state.id, self.ctx.participant_id, self.ctx.url)
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
        kind = widgets.HTML(paragraph(tr(KIND_NAMES.get(item.kind, item.kind)), "cs-kind"))
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
