"""Step 1: join a session with its code, typed or carried in the link (`?code=HKT479`)."""

import math
from urllib.parse import parse_qs

import ipywidgets as widgets

from codesign.errors import Invalid, NotFound
from codesign.forms.context import Context
from codesign.forms.guard import Refused, Status, guarded
from codesign.forms.i18n import N_
from codesign.forms.parts import FULL_WIDTH, button, heading, paragraph
from codesign.workshop import sessions

TITLE = N_("Join a session")
INTRO = N_("Type the code your facilitator gave you. Capital or small letters are both fine.")
CODE_LABEL = N_("Session code")
JOIN = N_("Join")
WITHDRAW = N_("I want to withdraw and delete what I wrote")
NO_CODE = N_("Please type the session code.")
WAIT = N_(
    "Too many codes that did not work were typed here. Please wait {minutes} min and "
    "try again, or ask your facilitator for the code."
)


def code_from_query(query: str) -> str:
    """The join code carried in a link's query string, or '' when there is none."""
    values = parse_qs(query.lstrip("?")).get("code", [""])
    return values[0].strip()


class JoinView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.title = widgets.HTML()
        self.intro = widgets.HTML()
        self.code = widgets.Text(
            layout=FULL_WIDTH,
            style={"description_width": "initial"},
            placeholder="HKT 479 WXA",
            continuous_update=False,  # see parts.TextBox: a click must not overtake typing
        )
        self.code.add_class("cs-code-input")
        self.join_button = button("primary")
        self.withdraw_button = button()
        self.withdraw_button.add_class("cs-link-button")
        self.status = Status()
        guarded(ctx, self.join_button, self.status, self.join)
        guarded(ctx, self.withdraw_button, self.status, lambda: ctx.go("withdraw"))
        self.widget = widgets.VBox(
            [self.title, self.intro, self.code, self.join_button, self.status.widget,
             self.withdraw_button]
        )  # fmt: skip

    def translate(self) -> None:
        tr = self.ctx.tr
        self.title.value = heading(tr(TITLE))
        self.intro.value = paragraph(tr(INTRO))
        self.code.description = tr(CODE_LABEL)
        self.join_button.description = tr(JOIN)
        self.withdraw_button.description = tr(WITHDRAW)
        self.status.translate(tr)

    def enter(self) -> None:
        """Nothing to refresh: the typed code is kept."""

    def join(self) -> None:
        """Open the session the code names, unless this tab typed too many wrong codes:
        then nothing is looked up until its wait is over (`Context.code_tries`)."""
        if not self.code.value.strip():
            raise Invalid(NO_CODE)
        self._refuse_while_waiting()
        try:
            self.ctx.session = sessions.open_by_code(self.code.value, self.ctx.url)
        except NotFound:
            self.ctx.code_tries.failed()
            self._refuse_while_waiting()
            raise
        self.ctx.go("consent")

    def _refuse_while_waiting(self) -> None:
        wait = self.ctx.code_tries.wait_left()
        if wait > 0:
            raise Refused(WAIT, minutes=math.ceil(wait / 60))

    def join_from_link(self, query: str) -> None:
        """Fill in and submit the code from a link, through the same checks as typing it
        (unless this tab has already carried on as someone who joined)."""
        code = code_from_query(query)
        if code and self.ctx.enrolment is None:
            self.code.value = code
            self.join_button.click()
