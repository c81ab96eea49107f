"""The facilitator's notebook, driven in-process by clicking its widgets through a whole
collect → cluster → vote → close loop on the demo, with the projector watching."""

import pytest
from sqlalchemy.exc import OperationalError

from codesign.facilitator import session_panel, ui
from codesign.facilitator.app import FacilitatorApp
from codesign.facilitator.context import open_session
from codesign.facilitator.projector import ProjectorApp
from codesign.store import Store
from codesign.workshop import sessions, votes
from tests import workshop
from tests.workshop import say

IDEAS = [
    "Evening sessions for shift workers",
    "Weekend sessions for people who work",
    "Imams and pastors backing the message",
    "Faith leaders at the mosque and church",
    "Quick referral to mental health support",
    "Mental health help without a waiting list",
]


def test_collect_cluster_vote_close_loop(demo_sqlite: str) -> None:
    ctx = open_session(url=demo_sqlite)  # the demo's live session by default
    app, room = FacilitatorApp(ctx), ProjectorApp(demo_sqlite, ctx.info.code)
    people = [workshop.join(demo_sqlite, ctx.info, role) for role in ("practitioner", None)]
    assert "Not contributed yet" in app.feed.counts.value

    # collect: contributions appear in both feeds; a flagged one only for the facilitator
    for n, text in enumerate(IDEAS):
        say(ctx.session_id, people[n % 2], text, kind="proposal", url=demo_sqlite)
    flagged = say(ctx.session_id, people[0], "Ring me on 07700 900123",
                                   url=demo_sqlite)  # fmt: skip
    app.tick()
    room.tick()
    assert "Evening sessions" in app.feed.items.value and "Evening sessions" in room.page.value
    assert "07700" in app.feed.flagged.value and "identifying_detail" in app.feed.flagged.value
    assert "07700" not in room.page.value
    app.moderation.chosen.value = flagged.id
    app.moderation.hide.click()
    app.tick()
    assert "[hidden]" in app.moderation.chosen.label

    # cluster, then rename and merge
    app.session.phase.value = "cluster"
    app.session.open_phase.click()
    assert sessions.state(ctx.session_id, demo_sqlite).current_phase == "cluster"
    app.components.k.value = 3
    app.components.run.click()
    assert "3 components" in app.components.status.value
    assert "earlier edits" not in app.components.status.value  # there were none yet
    first, second = app.components.views[0].id, app.components.views[1].id
    app.components.component.value = first
    app.components.label.value = "When and where"
    app.components.rename.click()
    app.components.other.value = second
    app.components.merge.click()
    assert [v.label for v in app.components.views].count("When and where") == 1
    assert len(app.components.views) == 2
    app.components.run.click()  # clustering again keeps the rename and the merge, and says so
    assert "Your earlier edits were kept." in app.components.status.value
    assert [v.label for v in app.components.views].count("When and where") == 1
    room.tick()
    assert "When and where" in room.page.value

    # vote: open voting, participants vote, close voting, reveal
    app.session.phase.value = "vote"
    app.session.open_phase.click()
    app.session.open_voting.click()
    for member in app.components.views[0].members:
        for pid in people:
            actor = workshop.participant(pid, ctx.info)
            votes.agree(ctx.session_id, pid, member.id, 1, actor=actor, url=demo_sqlite)
    app.session.close_voting.click()
    app.results.update.click()
    assert bytes(app.results.image.value).startswith(b"\x89PNG")
    assert "agree" in app.results.table.value
    assert "Results" not in room.page.value
    app.session.reveal.click()
    room.tick()
    assert "% agree" in room.page.value

    # close
    app.session.close.ask.click()
    assert not sessions.state(ctx.session_id, demo_sqlite).closed  # it only asked
    app.session.close.yes.click()
    assert sessions.state(ctx.session_id, demo_sqlite).closed
    app.tick()
    assert "Session closed" in app.session.timer.value


def test_errors_show_in_the_panel_instead_of_a_traceback(demo_sqlite: str) -> None:
    app = FacilitatorApp(open_session(url=demo_sqlite))
    app.moderation.spoken.value = "   "
    app.moderation.enter.click()
    assert "Please write something" in app.moderation.status.value


def test_clock_counts_down_then_over() -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    assert session_panel.clock(10, start, start + timedelta(seconds=30)) == "9:30"
    assert session_panel.clock(1, start, start + timedelta(seconds=75)) == "+0:15"
    assert session_panel.clock(0, start) == ""


def test_qr_code_is_inline_svg_and_carries_the_join_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(session_panel.JOIN_URL_VAR, "http://10.0.0.5:8866/")
    assert session_panel.join_link("HKT479") == "http://10.0.0.5:8866/?code=HKT479"
    assert session_panel.qr_svg("HKT479").lstrip().startswith(("<svg", "<?xml"))


def test_a_database_failure_in_a_facilitator_action_is_reported_not_a_dead_button(
    demo_sqlite: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = FacilitatorApp(open_session(url=demo_sqlite))
    panel = app.moderation
    panel.spoken.value = "Said aloud in the room, entered for Leyla"

    def gone(*_args: object, **_kwargs: object) -> None:
        statement = f"INSERT INTO contributions ... {panel.spoken.value!r}"  # as SQLAlchemy
        raise OperationalError(statement, {}, Exception("server closed the connection"))

    with monkeypatch.context() as patch:
        patch.setattr(Store, "write", gone)
        panel.enter.click()
    assert ui.FAILED in panel.status.value and not panel.enter.disabled
    assert "OperationalError" in caplog.text and "Leyla" not in caplog.text
    panel.enter.click()  # the database is back: the same button works at once
    assert ui.FAILED not in panel.status.value
    assert "Leyla" in str(panel.chosen.options)
