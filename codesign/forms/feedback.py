"""Advisory Group feedback on a toolkit section: read its current text, then comment,
choose a type and (optionally) rate it from 1 to 5.

Sections are offered as radio buttons rather than a drop-down: a phone's closed
drop-down cuts a long section name off, where a radio label wraps onto more lines.
The section's text is the toolkit's Markdown, rendered (safely) rather than shown raw.
"""

import html

import ipywidgets as widgets

from codesign.advisory import feedback, toolkit
from codesign.forms.context import Context
from codesign.forms.guard import Status, guarded, run_guarded
from codesign.forms.i18n import N_
from codesign.forms.parts import (
    FULL_WIDTH,
    TextBox,
    button,
    heading,
    markdown_html,
    new_client_id,
    text_html,
)
from codesign.store.models import Session as WorkshopSession
from codesign.workshop.sessions import current_phase

SECTION_LABEL = N_("Toolkit section")
READ = N_("Read this section")
TEXT_LABEL = N_("Your comment")
TYPE_LABEL = N_("Type of feedback")
TYPE_NAMES = {
    "suggestion": N_("Suggestion"),
    "concern": N_("Concern"),
    "question": N_("Question"),
    "endorsement": N_("Endorsement"),
}
RATING_LABEL = N_("Rating (1 = poor, 5 = very good)")
NO_RATING = N_("No rating")
SEND = N_("Send feedback")
SAVED = N_("Thank you — your feedback is saved. You can add more.")
IN_ENGLISH = N_("(in English)")


class FeedbackView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.client_id = new_client_id()
        self.state: WorkshopSession | None = None
        self.prompt = widgets.HTML(layout=FULL_WIDTH)
        style = {"description_width": "initial"}
        self.section = widgets.RadioButtons(style=style, layout=FULL_WIDTH)
        self.section.add_class("cs-sections")
        self.section_text = widgets.HTML(layout=FULL_WIDTH)
        self.box = TextBox(TEXT_LABEL)
        self.type = widgets.Dropdown(style=style)
        self.rating = widgets.Dropdown(style=style)
        self.send = button("primary")
        self.status = Status()
        guarded(ctx, self.send, self.status, self.submit, form_state=lambda: self.box.value)
        self.section.observe(
            lambda _change: run_guarded(ctx, self.status, self._show_section), names="value"
        )
        self.widget = widgets.VBox(
            [self.prompt, self.section, self.section_text, self.box.widget, self.type,
             self.rating, self.send, self.status.widget]
        )  # fmt: skip

    def enter(self, state: WorkshopSession) -> None:
        self.state = state
        if not self.section.options:
            found = toolkit.sections(self.ctx.url)
            self.section.options = [(s.title, s.key) for s in found]
            self.section.value = found[0].key if found else None
        self.translate()

    def translate(self) -> None:
        tr = self.ctx.tr
        phase = current_phase(self.state) if self.state else None
        if phase is not None:
            prompt = text_html(tr(phase.prompt), css_class="cs-prompt") if phase.prompt else ""
            self.prompt.value = heading(tr(phase.name)) + prompt
        self.section.description = tr(SECTION_LABEL)
        self.box.translate(tr)
        self.type.description, self.rating.description = tr(TYPE_LABEL), tr(RATING_LABEL)
        chosen_type, chosen_rating = self.type.value or "suggestion", self.rating.value
        self.type.options = [(tr(name), key) for key, name in TYPE_NAMES.items()]
        self.rating.options = [(tr(NO_RATING), None), *((str(n), n) for n in range(1, 6))]
        self.type.value, self.rating.value = chosen_type, chosen_rating
        self.send.description = tr(SEND)
        self.status.translate(tr)
        self._show_section()

    def _show_section(self) -> None:
        if not self.section.value:
            self.section_text.value = ""
            return
        tr = self.ctx.tr
        version = toolkit.current_text(self.section.value, self.ctx.url)
        note = "" if tr.code == "en" else f" {html.escape(tr(IN_ENGLISH))}"
        self.section_text.value = (
            f"<details class='cs-section'><summary dir='auto'>{html.escape(tr(READ))}{note}"
            f"</summary><div class='cs-text' dir='auto' lang='en'>{markdown_html(version.text)}"
            "</div></details>"
        )

    def submit(self) -> None:
        draft = feedback.FeedbackDraft(
            section_key=str(self.section.value),
            type=str(self.type.value),
            text=self.box.value,
            participant_id=self.ctx.participant_id,
            session_id=self.ctx.session_id,
            rating=self.rating.value,
            client_id=self.client_id,
        )
        feedback.submit(draft, self.ctx.url, actor=self.ctx.actor)
        self.box.value = ""
        self.rating.value = None
        self.client_id = new_client_id()
        self.status.show(self.ctx.tr, SAVED)
