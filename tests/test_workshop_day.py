"""A workshop day that works in the room (issue 12), rule by rule: the vote follows the
phase, the facilitator decides the ballot, a reload resumes the same person, controls say
what really happened, groups are not created by typos, and the screens say what they show.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from codesign import store, templates
from codesign.access import ADMIN
from codesign.access import participant as participant_actor
from codesign.cli import main
from codesign.errors import Closed, Invalid, NotFound
from codesign.facilitator import projector
from codesign.facilitator.app import FacilitatorApp, FacilitatorHome
from codesign.facilitator.context import open_session, query_session
from codesign.facilitator.projector import ProjectorApp
from codesign.forms.contribute import EDITING
from codesign.forms.feedback import FeedbackView
from codesign.forms.parts import markdown_html
from codesign.people import groups, participants
from codesign.people.codes import display_join_code
from codesign.safety import erasure
from codesign.store import Store, migrations
from codesign.workshop import contributions, sessions, votes
from tests import workshop
from tests.forms_helpers import contribute_view, join, new_app
from tests.test_forms_i18n import _extracted
from tests.workshop import say

AGREED = participants.ConsentChoice("test", contribute=True)

# --- 1. the vote follows the phase ------------------------------------------------------


def test_every_vote_phase_names_its_method_and_its_prompt_says_the_same() -> None:
    words = {"agree": re.compile(r"\bagree\b", re.I), "dots": re.compile(r"\bdots?\b", re.I)}
    for plan in templates.session_plans():
        for phase in plan.phases:
            if phase.kind == "vote":
                assert phase.vote in words, (plan.slug, phase.key)
                assert words[phase.vote].search(phase.prompt), (plan.slug, phase.key)
                other = "dots" if phase.vote == "agree" else "agree"
                assert not words[other].search(phase.prompt), (plan.slug, phase.key)


def test_a_vote_phase_without_a_method_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sessions").mkdir()
    plan = '[[phases]]\nkey = "v"\nname = "V"\nkind = "vote"\n'
    (tmp_path / "sessions" / "bad.toml").write_text(f'title = "Bad"\n{plan}')
    with pytest.raises(Invalid, match="give vote"):
        templates.session_plan("bad", tmp_path)
    (tmp_path / "sessions" / "odd.toml").write_text(
        'title = "Odd"\n[[phases]]\nkey = "c"\nname = "C"\nkind = "collect"\nvote = "dots"\n'
    )
    with pytest.raises(Invalid, match="not a vote"):
        templates.session_plan("odd", tmp_path)


def _prioritising(url: str) -> tuple[int, int, list[int]]:
    s = sessions.create(
        "south-asian-communities", "Day", template="prioritising", url=url, actor=ADMIN
    )
    sessions.set_phase(s.id, "discuss", url=url, actor=ADMIN)
    me = participants.enrol(s.group_id, AGREED, url=url).participant_id
    ids = [say(s.id, me, f"Proposal {n}", kind="proposal", url=url).id for n in range(2)]
    return s.id, me, ids


def test_only_the_phase_s_kind_of_vote_is_taken(store_url: str) -> None:
    sid, me, (a, _) = _prioritising(store_url)
    actor = participant_actor(me, sessions.state(sid, store_url).group_id)
    with pytest.raises(Invalid, match="not a vote"):
        sessions.set_voting(
            sid, True, url=store_url, actor=ADMIN
        )  # "discuss" collects; it is no vote
    sessions.set_phase(sid, "agree", url=store_url, actor=ADMIN)
    sessions.set_voting(sid, True, url=store_url, actor=ADMIN)
    votes.agree(sid, me, a, 1, actor=actor, url=store_url)
    with pytest.raises(Closed):
        votes.place_dots(sid, me, a, 1, actor=actor, url=store_url)
    sessions.set_phase(sid, "dots", url=store_url, actor=ADMIN)  # voting stays open, now with dots
    votes.place_dots(sid, me, a, 1, actor=actor, url=store_url)
    with pytest.raises(Closed):
        votes.agree(sid, me, a, -1, actor=actor, url=store_url)
    sessions.set_phase(sid, "discuss", url=store_url, actor=ADMIN)  # leaving the vote closes it
    assert not sessions.state(sid, store_url).voting_open


def test_the_phone_asks_what_the_phase_says(demo_sqlite: str) -> None:
    info = workshop.live(demo_sqlite, "bc-live")  # programme components: "First reactions"
    sessions.set_phase(info.id, "vote", url=demo_sqlite, actor=ADMIN)
    sessions.set_voting(info.id, True, url=demo_sqlite, actor=ADMIN)
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = app.view("vote")
    assert app.step == "vote" and view.agree_mode  # type: ignore[attr-defined]
    phase = sessions.current_phase(sessions.state(info.id, demo_sqlite))
    assert phase is not None and "agree" in phase.prompt


# --- 2. the facilitator decides the ballot ------------------------------------------------


def test_ideas_reach_the_ballot_when_the_facilitator_puts_them_there(store_url: str) -> None:
    sid, me, proposals = _prioritising(store_url)
    idea = say(sid, me, "An idea left on the default", url=store_url)
    assert not idea.on_ballot
    assert [c.id for c in votes.ballot(sid, store_url, actor=ADMIN)] == proposals
    db = Store.open(store_url)
    assert votes.set_ballot(db, [idea.id, proposals[0]], True, actor=ADMIN) == 1
    assert votes.set_ballot(db, [idea.id], True, actor=ADMIN) == 0  # already there
    assert idea.id in {c.id for c in votes.ballot(sid, store_url, actor=ADMIN)}
    sessions.set_phase(sid, "agree", url=store_url, actor=ADMIN)
    sessions.set_voting(sid, True, url=store_url, actor=ADMIN)
    with pytest.raises(Closed, match="Close voting before changing the ballot"):
        votes.set_ballot(db, [idea.id], False, actor=ADMIN)


def test_the_participant_sees_what_is_on_the_ballot_and_why(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    assert "The facilitator can put any other note on the ballot" in str(view.ballot_hint.value)
    view.box.value = "Proposal from a phone"
    view.kind.value = "proposal"
    view.send.click()
    assert "On the ballot" in str(view.rows.children[-1].children[0].value)


def test_the_ballot_panel_puts_ideas_on_and_says_how_many(demo_sqlite: str) -> None:
    ctx = open_session(url=demo_sqlite)
    pid = workshop.join(demo_sqlite, ctx.info)
    idea = say(ctx.session_id, pid, "Mentors from the community",
                                url=demo_sqlite)  # fmt: skip
    app = FacilitatorApp(ctx)
    panel = app.ballot
    assert idea.id in {value for _, value in panel.off.options}
    panel.off.value = (idea.id,)
    shown = panel.off.options
    later = say(ctx.session_id, pid, "Evening sessions", url=demo_sqlite)
    app.tick()  # a contribution arrives while the facilitator is choosing: the list holds still
    assert panel.off.options == shown and panel.off.value == (idea.id,)
    assert "2 contributions from this session are not on it" in panel.summary.value
    panel.put.click()
    assert "Put 1 on the ballot" in panel.status.value
    assert later.id in {value for _, value in panel.off.options}  # caught up after the click
    assert idea.id not in {value for _, value in panel.off.options}
    assert idea.id in {value for _, value in panel.on.options}
    panel.on.value = (idea.id,)
    panel.take.click()
    assert "Took 1 off the ballot" in panel.status.value


# --- 3. a reload or a second tab resumes the same person ----------------------------------


def _saved(app_value: str) -> str:
    found = re.search(r'data-value="([^"]+)"', app_value)
    assert found, app_value
    return found.group(1).replace("&quot;", '"')


def test_a_second_tab_carries_on_as_the_same_person(demo_sqlite: str) -> None:
    first = new_app(demo_sqlite, "ur")
    join(first, "bc-live")
    mine = contribute_view(first)
    mine.box.value = "پہلی بات"
    mine.send.click()
    saved = _saved(str(first.resume_bridge.value))
    assert json.loads(saved)["lang"] == "ur"
    second = new_app(demo_sqlite)
    second.resume_input.value = saved  # what the page's script does on reload or a new tab
    assert second.step == "contribute" and second.ctx.tr.code == "ur"
    assert second.ctx.enrolment.pseudonym == first.ctx.enrolment.pseudonym  # type: ignore[union-attr]
    again = contribute_view(second)
    assert len(again.rows.children) == 1  # Edit and Withdraw are still theirs
    assert len(again.rows.children[0].children) == 3
    second.join_from_link(f"?code={first.ctx.session.code}")  # type: ignore[union-attr]
    assert second.step == "contribute"  # a link never makes a resumed person consent again


def test_resuming_refuses_another_group_and_forgets_an_erased_person(demo_sqlite: str) -> None:
    first = new_app(demo_sqlite)
    join(first, "bc-live")
    saved = json.loads(_saved(str(first.resume_bridge.value)))
    db = Store.open(demo_sqlite)
    elsewhere = workshop.live(demo_sqlite, "sa-live")
    with pytest.raises(NotFound):
        participants.resume(db, saved["token"], elsewhere.group_id)
    erasure.erase_participant(first.ctx.participant_id, demo_sqlite, actor=ADMIN)
    second = new_app(demo_sqlite)
    second.resume_input.value = json.dumps(saved)
    assert second.step == "join" and "Please join again" in second.status.text
    assert "data-forget" in str(second.resume_bridge.value)


def test_nothing_but_the_tab_holds_the_token(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    token = json.loads(_saved(str(app.resume_bridge.value)))["token"]
    with store.reading(demo_sqlite) as db:
        stored = db.execute(text("SELECT resume_hash FROM participants")).scalars().all()
    assert token not in stored and len(token) >= 32


# --- 4. feedback beside the control; 8. wording that matches the screen -----------------


def test_participant_messages_never_point_at_a_place_on_the_screen() -> None:
    """Layouts differ by screen width and reading direction: 'below' is a guess."""
    where = re.compile(r"\b(below|above|on the (left|right)|at the (top|bottom))\b", re.I)
    assert [m for m in _extracted() if where.search(m)] == []


def test_edit_shows_the_item_s_own_kind_and_puts_the_words_back(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    view.box.value, view.kind.value = "An idea", "idea"
    view.send.click()
    view.kind.value = "proposal"  # the next note would be a proposal
    view.start_editing(contributions.own(app.ctx.session_id, app.ctx.participant_id,
                                         demo_sqlite, actor=ADMIN)[0])  # fmt: skip
    assert (view.box.value, view.kind.value, view.kind.disabled) == ("An idea", "idea", True)
    assert view.status.text == EDITING
    view.stop_editing()
    assert (view.kind.value, view.kind.disabled) == ("proposal", False)


def test_the_grouping_phase_shows_the_groups_it_asks_about(demo_sqlite: str) -> None:
    ctx = open_session(url=demo_sqlite)
    facilitator = FacilitatorApp(ctx)
    facilitator.session.phase.value = "cluster"
    facilitator.session.open_phase.click()
    app = new_app(demo_sqlite)
    join(app, "bc-live")
    view = contribute_view(app)
    assert "The facilitator has not grouped the notes yet" in str(view.groups.value)
    pid = workshop.join(demo_sqlite, ctx.info)
    for words in ("Evening groups", "Weekend groups", "Faith leaders", "Imams and pastors"):
        say(ctx.session_id, pid, words, url=demo_sqlite)
    facilitator.components.k.value = 2
    facilitator.components.run.click()
    app.poll_once()  # the phone follows the new grouping without a reload
    assert str(view.groups.value).count("<details") == 2


# --- 5. destructive actions confirm; every action says what happened ----------------------


def test_controls_say_when_nothing_changed_and_a_closed_session_stays_closed(
    demo_sqlite: str,
) -> None:
    panel = FacilitatorApp(open_session(url=demo_sqlite)).session
    panel.close_voting.click()
    assert "Voting was not open: nothing changed." in panel.status.value
    panel.phase.value = "vote"
    panel.open_phase.click()
    assert "Press Open voting when the room is ready" in panel.status.value
    panel.open_voting.click()
    assert "Voting is open: agree / disagree / pass on each item" in panel.status.value
    panel.close.ask.click()
    assert panel.close.confirming.layout.display is None
    panel.close.cancel.click()
    assert "Cancelled: nothing changed." in panel.status.value
    assert not sessions.state(panel.ctx.session_id, demo_sqlite).closed
    panel.close.ask.click()
    panel.close.yes.click()
    assert "Session closed" in panel.status.value and panel.open_voting.disabled
    with pytest.raises(Closed, match="cannot be reopened"):
        sessions.set_voting(panel.ctx.session_id, True, url=demo_sqlite, actor=ADMIN)


def test_moving_between_vote_phases_says_voting_stays_open_and_how(demo_sqlite: str) -> None:
    made = sessions.create(
        "black-communities", "Day", template="workshop-day", url=demo_sqlite, actor=ADMIN
    )
    panel = FacilitatorApp(open_session(made.code, demo_sqlite)).session
    panel.phase.value = "react"
    panel.open_phase.click()
    panel.open_voting.click()
    panel.phase.value = "dots"
    panel.open_phase.click()
    assert "“Spend your dots” is open on the phones. Voting is open: 5 dots each" in (
        panel.status.value
    )


def test_a_control_that_changes_nothing_writes_no_event(store_url: str) -> None:
    sid, _, _ = _prioritising(store_url)
    assert sessions.set_phase(sid, "agree", url=store_url, actor=ADMIN) is True
    assert sessions.set_phase(sid, "agree", url=store_url, actor=ADMIN) is False
    assert sessions.set_voting(sid, True, url=store_url, actor=ADMIN) is True
    assert sessions.set_voting(sid, True, url=store_url, actor=ADMIN) is False
    with store.reading(store_url) as db:
        kinds = db.execute(text("SELECT action FROM events WHERE session_id = :s"), {"s": sid})
        assert [k for (k,) in kinds].count("voting") == 1


# --- 6. sessions and groups ---------------------------------------------------------------


def test_a_mistyped_group_is_refused_with_the_name_it_probably_meant(store_url: str) -> None:
    with pytest.raises(groups.UnknownGroup) as refused:
        sessions.create("black-comunities", "Typo", url=store_url, actor=ADMIN)
    assert refused.value.suggestion == "black-communities"
    result = CliRunner().invoke(
        main, ["session", "new", "--group", "Black comunities", "--title", "T", "--db", store_url]
    )
    assert result.exit_code == 1
    assert "Did you mean 'black-communities'?" in result.output and "--new-group" in result.output
    made = sessions.create("Family group", "New", new_group=True, url=store_url, actor=ADMIN)
    assert made.group == "family-group"


def test_the_picker_switches_session_and_the_projector_follows(demo_sqlite: str) -> None:
    home = FacilitatorHome(demo_sqlite)
    room = ProjectorApp(demo_sqlite)
    first = home.app.ctx.info.code  # type: ignore[union-attr]
    other = workshop.live(demo_sqlite, "sa-live").code
    assert first != other and other in {value for _, value in home.picker.options}
    home.picker.value = other
    home.open.click()
    assert home.app is not None and home.app.ctx.info.code == other
    assert "the projector shows it too" in home.status.value
    room.tick()
    assert room.ctx is not None and room.ctx.info.code == other
    pinned = ProjectorApp(demo_sqlite, query_session(f"?token=x&session={first}"))
    assert pinned.ctx is not None and pinned.ctx.info.code == first
    home.stop()


def test_the_picker_offers_a_session_created_while_it_is_open(demo_sqlite: str) -> None:
    home = FacilitatorHome(demo_sqlite)
    home.stop()
    chosen = home.picker.value
    made = sessions.create("black-communities", "Made during the day", url=demo_sqlite, actor=ADMIN)
    assert made.code not in {value for _, value in home.picker.options}
    home.relist()
    assert made.code in {value for _, value in home.picker.options}
    assert home.picker.value == chosen


# --- 7. toolkit feedback on the phone ----------------------------------------------------


def test_toolkit_markdown_is_rendered_never_shown_raw_and_never_trusted() -> None:
    for section in templates.toolkit_sections():
        shown = re.sub(r"<[^>]+>", "", markdown_html(section["text"]))
        assert "##" not in shown and "**" not in shown, section["key"]
    assert markdown_html("## A\n\n**B**\n\n- one\n  more\n- two") == (
        "<h3>A</h3><h4>B</h4><ul><li>one more</li><li>two</li></ul>"
    )
    assert "<script>" not in markdown_html("<script>alert(1)</script> **<b>x</b>**")


def test_long_section_names_are_offered_whole(demo_url: str) -> None:
    app = new_app(demo_url)
    join(app, "ag-live")
    view = app.view("feedback")
    assert isinstance(view, FeedbackView)
    titles = [label for label, _ in view.section.options]
    assert max(map(len, titles)) > 60 and not any(t.endswith("…") for t in titles)
    assert "<h3>" in str(view.section_text.value) and "##" not in str(view.section_text.value)


# --- 9. the projector ---------------------------------------------------------------------


def test_the_projector_imports_nothing_heavy() -> None:
    code = (
        "import sys, codesign.facilitator.projector;"
        "print(sorted(m for m in ('pandas', 'sklearn', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_projector_shows_each_phase_and_only_what_the_room_may_see(demo_sqlite: str) -> None:
    ctx = open_session(url=demo_sqlite)
    room = ProjectorApp(demo_sqlite, ctx.info.code)
    pid = workshop.join(demo_sqlite, ctx.info)
    say(ctx.session_id, pid, "Call me on 07700 900123", url=demo_sqlite)
    say(ctx.session_id, pid, "Sessions at the weekend", url=demo_sqlite)
    room.tick()
    assert "Sessions at the weekend" in room.page.value and "07700" not in room.page.value
    assert "Projector" not in room.page.value and "Voil" not in room.page.value
    sessions.set_phase(ctx.session_id, "vote", url=demo_sqlite, actor=ADMIN)
    sessions.set_voting(ctx.session_id, True, url=demo_sqlite, actor=ADMIN)
    room.tick()
    assert "Voting is open: Agree, disagree or pass" in room.page.value
    assert "Join with code" in room.page.value and "<svg" in room.page.value
    sessions.close(ctx.session_id, url=demo_sqlite, actor=ADMIN)
    room.tick()
    assert "Thank you for taking part" in room.page.value and room.clock.value == ""
    closed = str(room.page.value)
    assert "Join with code" not in closed and "<svg" not in closed  # nobody is invited in
    assert display_join_code(ctx.info.code) not in closed


def test_the_projector_wraps_long_text_and_cuts_it_at_the_bottom() -> None:
    rules = dict(
        (selector.strip(), body)
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", projector.STYLE)
    )
    assert "nowrap" not in projector.STYLE and "ellipsis" not in projector.STYLE
    everything = rules[".cs-room, .cs-room *"]
    assert "white-space: normal" in everything and "overflow-wrap: anywhere" in everything
    assert "min-width: 0" in everything and "max-width: 100%" in everything
    for clamped in (".cs-room .r-prompt", ".cs-room .r-card", ".cs-room .r-bar div"):
        assert "-webkit-line-clamp" in rules[clamped] and "overflow: hidden" in rules[clamped]


# --- the schema change ---------------------------------------------------------------------


def test_migration_3_keeps_what_existing_rows_meant(demo_url: str) -> None:
    with store.engine(demo_url).begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_participants_resume_hash")
        for table, column in (("phases", "vote"), ("contributions", "on_ballot"),
                              ("participants", "resume_hash")):  # fmt: skip
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.exec_driver_sql("DELETE FROM schema_migrations WHERE version = 3")
    store.dispose(demo_url)
    assert migrations.upgrade(demo_url) == [3]
    info = workshop.live(demo_url, "sa-live")
    methods = {p.key: p.vote for p in sessions.phases(info.id, demo_url)}
    assert (methods["agree"], methods["dots"], methods["discuss"]) == ("agree", "dots", None)
    with store.reading(demo_url) as db:
        mixed = db.execute(text("SELECT kind, on_ballot FROM contributions")).all()
    assert {kind for kind, on in mixed if on} == {"proposal"}
    assert any(kind == "proposal" for kind, _ in mixed)


def test_the_docs_name_every_line_serve_prints() -> None:
    from codesign.cli import serve as serve_cli

    root = Path(__file__).resolve().parents[1]
    shown = (root / "docs" / "serving.md").read_text()
    for name in ["Participants", "Facilitator", *serve_cli.PAGES]:
        assert f"\n{name}: http" in shown, name
        assert name in (root / "README.md").read_text(), name
    assert "\nReady for " in shown and "?code=" in shown
    for doc in ("README.md", "docs/serving.md"):
        assert "two lines" not in (root / doc).read_text(), doc
