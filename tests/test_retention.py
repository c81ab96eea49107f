"""Storage limitation: delete-by dates, and `codesign retention run` erasing what is past them."""

import json
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from codesign import store
from codesign.access import ADMIN
from codesign.cli import main
from codesign.people import participants
from codesign.safety import retention
from codesign.store.models import Contribution, Event, Participant
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import sessions
from tests import privacy_scenario
from tests.privacy_scenario import Scenario
from tests.workshop import say


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 10, 6), 12, date(2027, 10, 6)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_months_after(day: date, months: int, expected: date) -> None:
    assert retention.months_after(day, months) == expected


def test_default_delete_by_is_twelve_months_after_the_session(store_url: str) -> None:
    held = date(2026, 10, 6)
    info = sessions.create("black-communities", "Held", held_on=held, url=store_url, actor=ADMIN)
    undated = sessions.create("black-communities", "Undated", url=store_url, actor=ADMIN)
    with store.reading(store_url) as db:
        s = db.get_one(WorkshopSession, info.id)
        u = db.get_one(WorkshopSession, undated.id)
        assert retention.delete_by(s) == date(2027, 10, 6)
        assert retention.delete_by(u) == retention.months_after(u.created_at.date(), 12)


@pytest.fixture
def planted(store_url: str) -> Scenario:
    return privacy_scenario.build(store_url)


def _people(url: str) -> set[int]:
    with store.reading(url) as db:
        return set(db.scalars(select(Participant.id)))


def test_run_erases_expired_sessions_and_people_left_with_nothing(planted: Scenario) -> None:
    url = planted.url
    other = sessions.create("advisory", "Still current", url=url, actor=ADMIN)
    kept = say(other.id, planted.b.participant_id, "B elsewhere", url=url)
    runner = CliRunner()
    assert runner.invoke(main, ["retention", "run", "--dry-run", "--db", url]).output.startswith(
        "Nothing is past"
    )
    result = runner.invoke(
        main, ["retention", "set", "--session", planted.session_code, "--delete-by", "2020-01-31",
               "--db", url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    dry = runner.invoke(main, ["retention", "run", "--dry-run", "--db", url])
    assert f"Due: {planted.session_code} (delete by 2020-01-31)" in dry.output
    assert planted.a.participant_id in _people(url)
    done = runner.invoke(main, ["retention", "run", "--json", "--db", url])
    report = json.loads(done.output)
    assert report["participants_erased"] == 1 and report["removed"]["contributions"] == 4
    assert _people(url) == {planted.b.participant_id}
    with store.reading(url) as db:
        left = set(db.scalars(select(Contribution.id)))
        erased = db.scalar(select(func.count()).where(Event.action == "erase"))
        assert db.get(WorkshopSession, planted.session_id) is not None
    assert left == {kept.id} and erased == 2  # one session, one participant
    again = json.loads(runner.invoke(main, ["retention", "run", "--json", "--db", url]).output)
    assert again["sessions"] == [] and again["participants_erased"] == 0


def test_people_who_never_gave_anything_go_after_the_retention_period(store_url: str) -> None:
    info = sessions.create("black-communities", "Empty", url=store_url, actor=ADMIN)

    idle = participants.enrol(info.group_id, privacy_scenario.CONSENT, url=store_url)
    soon = retention.months_after(date.today(), 11)
    assert retention.run(soon, url=store_url, actor=ADMIN).participants == 0
    later = retention.months_after(date.today(), 13)
    assert retention.run(later, url=store_url, actor=ADMIN).participants == 1
    assert idle.participant_id not in _people(store_url)
