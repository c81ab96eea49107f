"""What keeps a participant safe on every page: the helpline and the Exit control's words.

The Exit button itself lives in the Voilà template (`codesign/share/jupyter/voila/
templates/codesign`), so it is on screen before the form loads and works even if the
kernel has died; its script replaces the page with a neutral site so Back does not
return, and clears browser storage. This module gives that bar its words in the chosen
language, through a hidden element the template's script reads, and shows the
helpline in words inside the form.
"""

import html

import ipywidgets as widgets

from codesign.forms.i18n import N_, Translator

HELPLINE_NUMBER = "0808 2000 247"
EMERGENCY_NUMBER = "999"
EXIT_LABEL = N_("Exit this page")
EXIT_HINT = N_("Or press Shift 3 times")
HELPLINE_LABEL = N_("Helpline")
EMERGENCY_LABEL = N_("Emergency")
HELPLINE = N_(
    "Need to talk to someone? National Domestic Abuse Helpline: {helpline} "
    "(free, 24 hours). In an emergency call {emergency}."
)
MACHINE_MADE = N_("This translation was machine-made and is being checked.")
SYNTHETIC = N_("SYNTHETIC DEMO — made-up session for practice, not real people.")


def _tel(number: str) -> str:
    return f'<a href="tel:{number.replace(" ", "")}" dir="ltr">{number}</a>'


class SafetyBanner:
    """The helpline in the participant's language, and the words for the template's bar."""

    def __init__(self) -> None:
        self.helpline = widgets.HTML()
        self.helpline.add_class("cs-helpline")
        self.bridge = widgets.HTML()
        self.bridge.add_class("cs-bridge")
        self.widget = widgets.VBox([self.bridge, self.helpline])

    def translate(self, tr: Translator) -> None:
        words = html.escape(tr(HELPLINE, helpline="\x00", emergency="\x01"))
        words = words.replace("\x00", _tel(HELPLINE_NUMBER)).replace("\x01", _tel(EMERGENCY_NUMBER))
        self.helpline.value = f'<p role="note" dir="auto">{words}</p>'
        lang = tr.language
        self.bridge.value = (
            f'<span hidden class="cs-i18n" data-lang="{lang.code}" '
            f'data-dir="{"rtl" if lang.rtl else "ltr"}" '
            f'data-exit="{html.escape(tr(EXIT_LABEL))}" '
            f'data-hint="{html.escape(tr(EXIT_HINT))}" '
            f'data-helpline="{html.escape(tr(HELPLINE_LABEL))}" '
            f'data-emergency="{html.escape(tr(EMERGENCY_LABEL))}"></span>'
        )


def notices(tr: Translator, synthetic: bool) -> str:
    """Banners above the form: machine-made translation, synthetic demo session."""
    parts = []
    if synthetic:
        parts.append(f'<p class="cs-synthetic" dir="auto">{html.escape(tr(SYNTHETIC))}</p>')
    if tr.machine_made:
        made = html.escape(tr(MACHINE_MADE))
        parts.append(f'<p class="cs-machine" dir="auto">{made} (Machine translation.)</p>')
    return "".join(parts)
