"""Step 2: plain-language consent before anything is stored, then the withdrawal code.

The consent text comes from `templates/consent/consent.toml` in the participant's
language (English, visibly marked, where a language has no table yet); what they ticked
is recorded with the text's version by `participants.enrol`. The withdrawal code is
shown once, here, and never again.
"""

import html
from typing import Any

import ipywidgets as widgets

from codesign import templates
from codesign.forms.context import Context
from codesign.forms.guard import Status, guarded
from codesign.forms.i18n import MISSING_MARKER, N_
from codesign.forms.parts import FULL_WIDTH, button, heading, markdown_html, paragraph
from codesign.people import participants

CONTINUE = N_("Continue")
CODE_TITLE = N_("Your withdrawal code")
CODE_ADVICE = N_(
    "Write this code down and keep it somewhere safe and private. If you change your mind, "
    "this code lets us delete everything you wrote. We cannot show it to you again."
)
CODE_NOTED = N_("I have noted my code — continue")


def consent_for(language: str) -> tuple[str, dict[str, Any], bool]:
    """The consent version, the table for `language` (else English) and whether it fell back."""
    raw = templates.consent_text()
    table = raw.get(language)
    return str(raw["version"]), table or raw["en"], table is None and language != "en"


class ConsentView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.text = widgets.HTML(layout=FULL_WIDTH)
        self.text.add_class("cs-consent")
        self.contribute, self.quote, self.contact = (
            widgets.Checkbox(indent=False, layout=FULL_WIDTH) for _ in range(3)
        )
        self.continue_button = button("primary")
        self.status = Status()
        self.version = ""
        guarded(ctx, self.continue_button, self.status, self.agree)
        self.widget = widgets.VBox(
            [self.text, self.contribute, self.quote, self.contact, self.continue_button,
             self.status.widget]
        )  # fmt: skip

    def translate(self) -> None:
        tr = self.ctx.tr
        self.version, table, fell_back = consent_for(tr.code)
        marker = MISSING_MARKER if fell_back else ""
        lang = ' lang="en"' if fell_back else ""
        self.text.value = (
            f'<div dir="auto"{lang}>{heading(marker + table["title"])}'
            f"{markdown_html(table['body'])}</div>"
        )
        self.contribute.description = marker + table["agree_contribute"]
        self.quote.description = marker + table["agree_quote"]
        self.contact.description = marker + table["agree_contact"]
        self.continue_button.description = tr(CONTINUE)
        self.status.translate(tr)

    def enter(self) -> None:
        self.translate()

    def agree(self) -> None:
        session = self.ctx.session
        if session is None:
            self.ctx.go("join")
            return
        choice = participants.ConsentChoice(
            self.version, self.contribute.value, self.quote.value, self.contact.value
        )
        self.ctx.enrolment = participants.enrol(
            session.group_id, choice, language=self.ctx.tr.code, url=self.ctx.url
        )
        self.ctx.remember()
        self.ctx.go("code")


class WithdrawalCodeView:
    """The withdrawal code, shown once, large, with advice to note it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.text = widgets.HTML(layout=FULL_WIDTH)
        self.done = button("primary")
        self.status = Status()
        guarded(ctx, self.done, self.status, lambda: ctx.go("phase"))
        self.widget = widgets.VBox([self.text, self.done, self.status.widget])

    def translate(self) -> None:
        tr = self.ctx.tr
        code = self.ctx.enrolment.withdrawal_code if self.ctx.enrolment else ""
        self.text.value = (
            heading(tr(CODE_TITLE))
            + f'<p class="cs-withdrawal-code" dir="ltr" lang="en">{html.escape(code)}</p>'
            + paragraph(tr(CODE_ADVICE))
        )
        self.done.description = tr(CODE_NOTED)

    def enter(self) -> None:
        self.translate()
