"""Importing Advisory Group feedback from CSV, on SQLite and PostgreSQL."""

from pathlib import Path

import pytest
from sqlalchemy import select

from codesign import store
from codesign.access import ADMIN, Actor, Role
from codesign.advisory import feedback, feedback_csv
from codesign.demo.workshop import demo_code
from codesign.errors import Invalid
from codesign.people import groups
from codesign.store.models import FeedbackItem, Participant

HEADER = "section,type,text,participant,organisation_type,priority,rating,ref,created_at\n"
GOOD = (
    "equity,suggestion,Name the management fee.,Heron,by_and_for,high,4,m-1,2026-11-01T10:00\n"
    'outcomes,concern,"Risk first, then wishes.",Heron,,medium,,m-2,\n'
    "knowledge,question,Who maps new communities?,,,,,m-3,\n"
)
BAD = (
    "nowhere,suggestion,Unknown section.,,,,,,\n"
    "equity,praise,Not a type.,,,,,,\n"
    "equity,concern,Bad rating.,,,,9,,\n"
    "equity,concern,Bad date.,,,,,,yesterday\n"
    "equity,concern,Bad organisation.,,charity,,,,\n"
    "equity,concern,,,,,,,\n"
)


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "meeting.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_good_rows_kept_bad_rows_reported_by_line(store_url: str, tmp_path: Path) -> None:
    report = feedback_csv.import_feedback(_csv(tmp_path, GOOD + BAD), url=store_url, actor=ADMIN)
    assert report.added == 3
    assert [line for line, _ in report.problems] == [5, 6, 7, 8, 9, 10]
    reasons = dict(report.problems)
    assert reasons[5] == "unknown section 'nowhere'"
    assert "suggestion, concern" in reasons[6]
    assert "1 to 5" in reasons[7]
    assert "yesterday" in reasons[8]
    assert "charity" in reasons[9]
    with store.reading(store_url) as db:
        rows = list(db.scalars(select(FeedbackItem).order_by(FeedbackItem.id)))
        assert [r.ref for r in rows] == ["m-1", "m-2", "m-3"]
        assert all(r.entered_by_facilitator for r in rows)
        assert rows[0].rating == 4 and rows[0].priority == "high"
        assert rows[0].created_at.replace(tzinfo=None).isoformat().startswith("2026-11-01T10:00")
        heron = db.get(Participant, rows[0].participant_id)
        assert heron is not None and heron.organisation_type == "by_and_for"
        advisory = groups.find(db, "advisory")
        assert advisory is not None and heron.group_id == advisory.id
        assert rows[1].participant_id == heron.id and rows[2].participant_id is None


def test_importing_twice_adds_nothing(store_url: str, tmp_path: Path) -> None:
    path = _csv(tmp_path, GOOD)
    feedback_csv.import_feedback(path, url=store_url, actor=ADMIN)
    again = feedback_csv.import_feedback(path, url=store_url, actor=ADMIN)
    assert (again.added, again.unchanged, again.problems) == (0, 3, [])


def test_into_a_session(demo_url: str, tmp_path: Path) -> None:
    report = feedback_csv.import_feedback(
        _csv(tmp_path, GOOD), demo_code("ag-live"), url=demo_url, actor=ADMIN
    )
    assert report.added == 3
    with store.reading(demo_url) as db:
        refs = db.scalars(select(FeedbackItem.ref).where(FeedbackItem.session_id.is_not(None)))
        assert {"m-1", "m-2", "m-3"} <= set(refs)


def test_missing_columns_refuse_the_file(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("section,text\nequity,hello\n", encoding="utf-8")
    with pytest.raises(Invalid, match="section, type, text"):
        feedback_csv.import_feedback(path, url=store_url, actor=ADMIN)


def test_a_facilitator_types_in_meeting_feedback(demo_url: str) -> None:
    with store.reading(demo_url) as db:
        advisory = groups.find(db, "advisory")
        assert advisory is not None
        member = db.scalars(select(Participant).where(Participant.group_id == advisory.id)).first()
        assert member is not None
    facilitator = Actor(Role.FACILITATOR, frozenset({advisory.id}), name="notes")
    draft = feedback.FeedbackDraft("equity", "concern", "Said in the meeting.", member.id)
    item = feedback.submit(draft, demo_url, actor=facilitator)
    assert item.entered_by_facilitator and item.participant_id == member.id


def test_feedback_on_an_earlier_version(store_url: str) -> None:
    draft = feedback.FeedbackDraft("equity", "concern", "About version 1.", version=1)
    item = feedback.submit(draft, store_url, actor=ADMIN)
    with store.reading(store_url) as db:
        assert db.get(FeedbackItem, item.id) is not None
    with pytest.raises(Exception, match="no version 7"):
        feedback.submit(
            feedback.FeedbackDraft("equity", "concern", "x", version=7), store_url, actor=ADMIN
        )
