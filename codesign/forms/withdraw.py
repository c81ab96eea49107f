"""Withdrawing from the study with the withdrawal code: everything the participant wrote,
their votes and feedback are erased by `codesign.safety.erasure.erase_by_withdrawal_code`.
"""

import ipywidgets as widgets

from codesign.errors import Invalid
from codesign.forms.context import Context
from codesign.forms.guard import Status, guarded
from codesign.forms.i18n import N_
from codesign.forms.parts import FULL_WIDTH, button, heading, hidden, paragraph

TITLE = N_("Withdraw from the study")
INTRO = N_(
    "Type your withdrawal code. We will delete everything you wrote, your votes and your "
    "feedback. This cannot be undone. You do not need to give a reason."
)
CODE_LABEL = N_("Withdrawal code")
CONFIRM = N_("I understand that this deletes everything I wrote")
DELETE = N_("Delete everything I wrote")
BACK = N_("Go back")
NO_CODE = N_("Please type your withdrawal code.")
NOT_CONFIRMED = N_("Please tick the box to confirm.")
DONE = N_("Everything you wrote has been deleted. Thank you for taking part.")
FAILED = N_("That did not work — please try again, or ask a facilitator.")


class WithdrawView:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.title = widgets.HTML()
        self.intro = widgets.HTML()
        self.code = widgets.Text(
            layout=FULL_WIDTH, style={"description_width": "initial"}, continuous_update=False
        )
        self.confirm = widgets.Checkbox(indent=False, layout=FULL_WIDTH)
        self.delete_button = button("danger")
        self.back_button = button()
        self.status = Status()
        self.form = widgets.VBox([self.intro, self.code, self.confirm, self.delete_button])
        guarded(ctx, self.delete_button, self.status, self.withdraw, failure=FAILED)
        guarded(ctx, self.back_button, self.status, lambda: ctx.go("back"))
        self.widget = widgets.VBox([self.title, self.form, self.status.widget, self.back_button])

    def translate(self) -> None:
        tr = self.ctx.tr
        self.title.value = heading(tr(TITLE))
        self.intro.value = paragraph(tr(INTRO))
        self.code.description = tr(CODE_LABEL)
        self.confirm.description = tr(CONFIRM)
        self.delete_button.description = tr(DELETE)
        self.back_button.description = tr(BACK)
        self.status.translate(tr)

    def enter(self) -> None:
        enrolment = self.ctx.enrolment
        if enrolment is not None and not self.code.value:
            self.code.value = enrolment.withdrawal_code
        hidden(self.form, False)

    def withdraw(self) -> None:
        if not self.code.value.strip():
            raise Invalid(NO_CODE)
        if not self.confirm.value:
            raise Invalid(NOT_CONFIRMED)
        from codesign.safety import erasure  # imported only when someone withdraws

        erasure.erase_by_withdrawal_code(self.code.value, self.ctx.url)
        self.ctx.enrolment = None
        self.ctx.remember()
        self.code.value = ""
        hidden(self.form, True)
        self.status.show(self.ctx.tr, DONE)
