"""Driving the participant app in-process, as a browser would, for the form tests."""

from codesign.demo import workshop as demo
from codesign.forms.app import ParticipantApp
from codesign.forms.consent import ConsentView
from codesign.forms.contribute import ContributeView
from codesign.forms.join import JoinView


def new_app(url: str, language: str = "en") -> ParticipantApp:
    """An app with no polling thread: tests call `poll_once()` themselves."""
    return ParticipantApp(url, language, poll_seconds=None)


def join_view(app: ParticipantApp) -> JoinView:
    view = app.view("join")
    assert isinstance(view, JoinView)
    return view


def consent_view(app: ParticipantApp) -> ConsentView:
    view = app.view("consent")
    assert isinstance(view, ConsentView)
    return view


def contribute_view(app: ParticipantApp) -> ContributeView:
    view = app.view("contribute")
    assert isinstance(view, ContributeView)
    return view


def join(app: ParticipantApp, key: str, *, quote: bool = False) -> None:
    """Join demo session `key`, consent, and go past the withdrawal code."""
    joining = join_view(app)
    joining.code.value = demo.demo_code(key)
    joining.join_button.click()
    assert app.step == "consent", joining.status.text
    consenting = consent_view(app)
    consenting.contribute.value = True
    consenting.quote.value = quote
    consenting.continue_button.click()
    assert app.step == "code", consenting.status.text
    app.go("phase")
