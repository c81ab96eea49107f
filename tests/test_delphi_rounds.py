"""Delphi rating rounds run as a coordinator and members would: rounds opened and closed
from the command line, ratings given as each member (what their phone form calls), the
next round showing the last one's figures, and rounds compared under the consensus rules.
"""

from pathlib import Path
from typing import cast

import pandas as pd
import pytest
from sqlalchemy import select

from codesign import access, store
from codesign.advisory import delphi, rounds, tracker
from codesign.errors import AccessDenied, Closed, Invalid, NotFound
from codesign.facilitator.rounds_panel import RoundsPanel
from codesign.forms.i18n import Translator
from codesign.forms.rating import RatingView, last_round
from codesign.people import groups
from codesign.store import events
from codesign.store.models import Event, Participant
from codesign.workshop import sessions
from tests.cli import invoke, run, run_json
from tests.forms_helpers import join, new_app

MEMBERS = ("Heron", "Kite", "Wren", "Owl")


def _members(url: str, tmp_path: Path) -> dict[str, access.Actor]:
    """Four Advisory Group members, brought in by a feedback import, as their own actors."""
    sheet = tmp_path / "members.csv"
    rows = "".join(f"equity,question,Question from {name}.,{name}\n" for name in MEMBERS)
    sheet.write_text("section,type,text,participant\n" + rows, encoding="utf-8")
    run("feedback", "import", str(sheet), "--db", url)
    with store.reading(url) as db:
        advisory = groups.find(db, "advisory")
        assert advisory is not None
        found = db.execute(
            select(Participant.ref, Participant.id).where(Participant.group_id == advisory.id)
        ).all()
        return {str(name): access.participant(pid, advisory.id) for name, pid in found}


def _rate(url: str, who: access.Actor, section: str, **scores: int | None) -> int:
    assert who.participant_id is not None
    return rounds.rate(who.participant_id, section, scores, actor=who, url=url)


def test_a_round_is_opened_rated_on_chosen_cells_and_closed(store_url: str, tmp_path: Path) -> None:
    people = _members(store_url, tmp_path)
    opened = run_json(
        "delphi", "open", "--section", "outcomes", "--section", "equity",
        "--criterion", "clarity", "--criterion", "relevance", "--db", store_url,
    )  # fmt: skip
    assert opened["round"] == 1 and opened["open"] is True
    assert opened["criteria"] == ["relevance", "clarity"]  # in the criteria's own order
    assert set(opened["sections"]) == {"equity", "outcomes"}
    again = invoke("delphi", "open", "--db", store_url)
    assert again.exit_code == 1 and "Round 1 is still open" in again.output
    heron = people["Heron"]
    assert _rate(store_url, heron, "equity", relevance=4, clarity=delphi.CANT_JUDGE) == 1
    _rate(store_url, heron, "equity", relevance=5, clarity=2)  # a changed mind: newest counts
    with pytest.raises(Invalid, match="not part of this rating round"):
        _rate(store_url, heron, "knowledge", relevance=4)
    with pytest.raises(Invalid, match="not part of this rating round"):
        _rate(store_url, heron, "equity", actionability=4)
    with pytest.raises(Invalid, match="from 1 to 5, or can't judge"):
        _rate(store_url, heron, "equity", relevance=9)
    with pytest.raises(AccessDenied, match="rate for this member"):
        assert people["Kite"].participant_id is not None
        rounds.rate(people["Kite"].participant_id, "equity", {"relevance": 1}, actor=heron,
                    url=store_url)  # fmt: skip
    with pytest.raises(NotFound, match="not in the Advisory Group"):
        rounds.rate(99999, "equity", {"relevance": 1}, actor=access.ADMIN, url=store_url)
    rows = delphi.read(store_url, actor=access.ADMIN)
    assert [(r.round, r.section, r.relevance, r.clarity) for r in rows] == [(1, "equity", 5, 2)]
    assert run("delphi", "close", "--db", store_url).strip() == "Closed round 1."
    with pytest.raises(Closed, match="Rating is closed"):
        _rate(store_url, heron, "equity", relevance=3)
    closed = invoke("delphi", "close", "--db", store_url)
    assert closed.exit_code == 1 and "No rating round is open" in closed.output
    listed = run_json("delphi", "list", "--db", store_url)
    assert [(r["round"], r["open"]) for r in listed] == [(1, False)]
    with store.reading(store_url) as db:
        actions = list(db.scalars(select(Event.action).where(Event.target_type.like("rating%"))))
    assert actions == ["open", "rate", "rate", "close"]
    assert events.verify(store_url).ok


def test_only_the_coordinator_opens_a_round(store_url: str, tmp_path: Path) -> None:
    member = _members(store_url, tmp_path)["Heron"]
    with pytest.raises(AccessDenied, match="run a rating round"):
        rounds.open_round(actor=member, url=store_url)
    unknown = invoke("delphi", "open", "--section", "nowhere", "--db", store_url)
    assert unknown.exit_code == 1 and "no toolkit section 'nowhere'" in unknown.output


def test_the_next_round_shows_the_last_rounds_figures_beside_the_members_own(
    store_url: str, tmp_path: Path
) -> None:
    people = _members(store_url, tmp_path)
    run("delphi", "open", "--section", "equity", "--criterion", "clarity", "--db", store_url)
    for name, score in zip(MEMBERS, (2, 3, 4, delphi.CANT_JUDGE), strict=True):
        _rate(store_url, people[name], "equity", clarity=score)
    heron = people["Heron"]
    assert heron.participant_id is not None
    first = rounds.ballot(heron.participant_id, actor=heron, url=store_url)
    assert first is not None
    assert [(b.mine, b.previous_round, b.group) for b in first.lines] == [(2, None, None)]
    run("delphi", "close", "--db", store_url)
    assert rounds.ballot(heron.participant_id, actor=heron, url=store_url) is None
    run("delphi", "open", "--section", "equity", "--section", "outcomes", "--db", store_url)
    second = rounds.ballot(heron.participant_id, actor=heron, url=store_url)
    assert second is not None and second.round.number == 2
    clarity = next(b for b in second.lines if (b.section, b.criterion) == ("equity", "clarity"))
    assert (clarity.mine, clarity.previous_round, clarity.previous_mine) == (None, 1, 2)
    assert clarity.group is not None
    assert (clarity.group.n, clarity.group.median, clarity.group.q1, clarity.group.q3) == (
        3, 3.0, 2.5, 3.5,
    )  # fmt: skip
    assert clarity.group.cant_judge == 1
    never_asked = [b for b in second.lines if b.section == "outcomes"]
    assert {(b.previous_round, b.group) for b in never_asked} == {(None, None)}
    kite = people["Kite"]
    assert kite.participant_id is not None
    with pytest.raises(AccessDenied):
        rounds.ballot(kite.participant_id, actor=heron, url=store_url)


def test_too_few_ratings_are_not_shown_as_the_groups(store_url: str, tmp_path: Path) -> None:
    people = _members(store_url, tmp_path)
    run("delphi", "open", "--section", "equity", "--criterion", "clarity", "--db", store_url)
    for name in ("Heron", "Kite"):
        _rate(store_url, people[name], "equity", clarity=5)
    run("delphi", "close", "--db", store_url)
    run("delphi", "open", "--section", "equity", "--criterion", "clarity", "--db", store_url)
    heron = people["Heron"]
    assert heron.participant_id is not None
    shown = rounds.ballot(heron.participant_id, actor=heron, url=store_url)
    assert shown is not None
    assert [(b.previous_mine, b.group) for b in shown.lines] == [(5, None)]


def _two_rounds(url: str, tmp_path: Path) -> None:
    """Two rounds rating equity's relevance: no consensus in round 1, consensus in round 2."""
    people = _members(url, tmp_path)
    for scores in ((2, 4, 5, 3), (4, 4, 5, 4)):
        run("delphi", "open", "--section", "equity", "--criterion", "relevance", "--db", url)
        for name, score in zip(MEMBERS, scores, strict=True):
            _rate(url, people[name], "equity", relevance=score)
        run("delphi", "close", "--db", url)


def test_rounds_are_compared_under_every_rule(store_url: str, tmp_path: Path) -> None:
    _two_rounds(store_url, tmp_path)
    counts = run_json("delphi", "compare", "--db", store_url)
    assert counts["agree75"] == {"1": 0, "2": 1}
    assert counts["median4_iqr1"] == {"1": 0, "2": 1}
    table = run("delphi", "compare", "--db", store_url).splitlines()
    assert table[0].split() == ["rule", "round", "1", "round", "2"]
    assert table[1].split()[-2:] == ["0", "1"]
    shown = run("delphi", "results", "--round", "2", "--db", store_url).splitlines()
    assert shown[1].split() == ["2", "equity", "relevance", "4", "0", "4", "0.25", "100%", "yes"]
    assert all(line.split()[0] == "2" for line in shown[1:])


def test_members_rate_on_their_phones_and_see_the_last_rounds_figures(demo_sqlite: str) -> None:
    """The demo's round 2 is the last round; a member's phone in the rating phase shows
    the rating form only while the coordinator has a round open."""
    app = new_app(demo_sqlite)
    join(app, "ag-live")
    session_id = app.ctx.session_id
    sessions.set_phase(session_id, "rating", url=demo_sqlite, actor=access.ADMIN)
    app.poll_once()
    assert app.step == "feedback"  # no round open: the feedback form, with its own rating
    opened = run_json(
        "delphi", "open", "--section", "equity", "--criterion", "clarity", "--db", demo_sqlite
    )
    assert opened["round"] == 3  # after the demo's two rounds
    assert app.poll_once() and app.step == "rate"
    view = app.view("rate")
    assert isinstance(view, RatingView)
    (line,) = view.lines
    assert (line.section, line.criterion, line.previous_round) == ("equity", "clarity", 2)
    assert line.group is not None and line.group.n >= delphi.MIN_GROUP_SIZE
    hint = last_round(app.ctx.tr, line)
    assert hint.startswith(f"Last round the group's median was {line.group.median:g}")
    (choice,) = view.choices
    assert choice.description == "Clarity" and choice.options[-1] == ("Can't judge", 0)
    choice.value = delphi.CANT_JUDGE
    view.send.click()
    assert view.status.text.startswith("Thank you"), view.status.text
    mine = [r for r in delphi.read(demo_sqlite, actor=access.ADMIN) if r.round == 3]
    assert [(r.participant_id, r.clarity) for r in mine] == [(app.ctx.participant_id, 0)]
    app.ctx.tr = Translator("ur")
    view.translate()
    assert choice.options[-1] == (Translator("ur")("Can't judge"), 0) and choice.value == 0
    run("delphi", "close", "--db", demo_sqlite)
    assert app.poll_once() and app.step == "feedback"
    choice.value = 4
    view.send.click()  # a phone still showing the form after the round closed
    assert view.status.text == Translator("ur")(
        "Rating is closed for now. Thank you for taking part."
    )


def test_the_tracker_opens_and_closes_rounds(store_url: str) -> None:
    panel = RoundsPanel(access.ADMIN, store_url)
    assert "No rating round" in panel.table.value
    panel.sections.value = ("equity", "outcomes")
    panel.criteria.value = ("clarity",)
    panel.open.click()
    assert "Opened round 1 on 2 section(s) and clarity." in panel.status.value
    assert "<td>1</td><td>open</td>" in panel.table.value
    panel.criteria.value = ("relevance",)  # a new choice, so not taken for a double click
    panel.open.click()
    assert "Round 1 is still open" in panel.status.value
    panel.close.click()
    assert "Closed round 1." in panel.status.value
    assert "<td>1</td><td>closed</td>" in panel.table.value
    member = access.Actor(access.Role.ANALYST, frozenset(), name="x")
    with pytest.raises(AccessDenied):
        RoundsPanel(member, store_url)


def test_the_tracker_sets_rounds_side_by_side(store_url: str, tmp_path: Path) -> None:
    _two_rounds(store_url, tmp_path)
    frame = tracker.rounds_side_by_side(delphi.read(store_url, actor=access.ADMIN))
    row = cast(pd.Series, frame.loc[("equity", "relevance")])
    label = delphi.DEFAULT_RULE.label
    assert [row[(1, "median")], row[(2, "median")]] == [3.5, 4.0]
    assert [row[(1, label)], row[(2, label)]] == [False, True]
    assert list(frame.columns.get_level_values("round")) == [1] * 4 + [2] * 4


def test_cant_judge_is_counted_apart_in_the_tracker(store_url: str, tmp_path: Path) -> None:
    people = _members(store_url, tmp_path)
    run("delphi", "open", "--section", "equity", "--criterion", "clarity", "--db", store_url)
    for name, score in zip(MEMBERS, (5, 4, delphi.CANT_JUDGE, None), strict=True):
        _rate(store_url, people[name], "equity", clarity=score)
    table = tracker.summary_table(delphi.read(store_url, actor=access.ADMIN))
    (row,) = table[table["criterion"] == "clarity"].to_dict("records")
    assert (row["n"], row["missing"], row["can't judge"], row["median"]) == (2, 1, 1, 4.5)
