"""Moderation: every action keeps what was written, checks the role and logs one event."""

import pytest
from sqlalchemy import select

from codesign import store
from codesign.access import Actor, Role
from codesign.errors import AccessDenied, Conflict
from codesign.store import events
from codesign.store.models import Contribution, Event
from codesign.workshop import contributions, moderation
from tests import workshop
from tests.workshop import say


def row(url: str, cid: int) -> Contribution:
    with store.reading(url) as db:
        return db.get_one(Contribution, cid)


def last_event(url: str) -> Event:
    with store.reading(url) as db:
        return db.scalars(select(Event).order_by(Event.id.desc()).limit(1)).one()


def event_count(url: str) -> int:
    with store.reading(url) as db:
        return len(db.scalars(select(Event.id)).all())


@pytest.fixture
def live(demo_url: str) -> tuple[str, int, int, Actor]:
    """A live session with one participant's contribution: (url, session, contribution, actor)."""
    info = workshop.live(demo_url)
    pid = workshop.join(demo_url, info)
    c = say(info.id, pid, "Evening sesions for shift workers", url=demo_url)
    return demo_url, info.id, c.id, workshop.facilitator(info)


def logged_once(url: str, action: str, before: int) -> None:
    assert event_count(url) == before + 1
    assert last_event(url).action == action
    assert events.verify(url).ok


def test_hide_and_restore(live: tuple[str, int, int, Actor]) -> None:
    url, _, cid, actor = live
    before = event_count(url)
    moderation.hide(cid, url, actor=actor)
    logged_once(url, "hide", before)
    assert row(url, cid).status == "hidden"
    moderation.restore(cid, url, actor=actor)
    logged_once(url, "restore", before + 1)
    assert row(url, cid).status == "visible"


def test_merge_keeps_both_and_links_them(live: tuple[str, int, int, Actor]) -> None:
    url, sid, kept, actor = live
    pid = workshop.join(url, workshop.live(url))
    dup = say(sid, pid, "Evening sessions for shift workers", url=url).id
    before = event_count(url)
    moderation.merge(dup, kept, url, actor=actor)
    logged_once(url, "merge", before)
    merged = row(url, dup)
    assert (merged.status, merged.merged_into_id) == ("merged", kept)
    assert merged.text == "Evening sessions for shift workers"
    assert row(url, kept).status == "visible"


def test_merge_repoints_earlier_duplicates_and_refuses_itself(
    live: tuple[str, int, int, Actor],
) -> None:
    url, sid, first, actor = live
    second = contributions.submit(sid, None, "evening sessions", actor=actor, url=url).id
    third = contributions.submit(sid, None, "sessions in the evening", actor=actor, url=url).id
    moderation.merge(first, second, url, actor=actor)
    moderation.merge(second, third, url, actor=actor)
    assert row(url, first).merged_into_id == third
    with pytest.raises(Conflict):
        moderation.merge(third, third, url, actor=actor)
    with pytest.raises(Conflict):
        moderation.merge(third, first, url, actor=actor)  # into a merged item


def test_correct_keeps_the_original_as_a_revision(live: tuple[str, int, int, Actor]) -> None:
    url, _, cid, actor = live
    before = event_count(url)
    moderation.correct(cid, "Evening sessions for shift workers", url, actor=actor)
    logged_once(url, "correct", before)
    assert row(url, cid).text == "Evening sessions for shift workers"
    [revision] = moderation.history(cid, url, actor=actor)
    assert (revision.text, revision.edited_by) == (
        "Evening sesions for shift workers",
        "facilitator",
    )


def test_enter_on_behalf_is_marked(live: tuple[str, int, int, Actor]) -> None:
    url, sid, _, actor = live
    pid = workshop.join(url, workshop.live(url))
    before = event_count(url)
    c = moderation.enter_on_behalf(sid, pid, "Food at every session", url=url, actor=actor)
    logged_once(url, "create", before)
    stored = row(url, c.id)
    assert stored.entered_by_facilitator and stored.participant_id == pid


def test_review_clears_the_flag_but_keeps_the_categories(
    live: tuple[str, int, int, Actor],
) -> None:
    url, sid, _, actor = live
    pid = workshop.join(url, workshop.live(url))
    c = say(sid, pid, "Text me on 07700 900123 after", url=url)
    assert c.needs_review and c.flags
    before = event_count(url)
    moderation.mark_reviewed(c.id, url, actor=actor)
    logged_once(url, "review", before)
    stored = row(url, c.id)
    assert not stored.needs_review and stored.flags == c.flags


def test_correcting_a_reviewed_flag_away_and_back(live: tuple[str, int, int, Actor]) -> None:
    url, sid, _, actor = live
    c = contributions.submit(sid, None, "Call 07700 900123", actor=actor, url=url)
    moderation.mark_reviewed(c.id, url, actor=actor)
    moderation.correct(c.id, "Call the helpline on 07700 900124", url, actor=actor)
    assert not row(url, c.id).needs_review  # same category, already reviewed
    moderation.correct(c.id, "Call the helpline", url, actor=actor)
    assert row(url, c.id).flags == []


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ANALYST, Role.ADVISORY_LEAD])
def test_only_facilitators_moderate(live: tuple[str, int, int, Actor], role: Role) -> None:
    url, sid, cid, actor = live
    other = Actor(role, actor.groups, participant_id=1)
    before = event_count(url)
    for attempt in (
        lambda: moderation.hide(cid, url, actor=other),
        lambda: moderation.mark_reviewed(cid, url, actor=other),
        lambda: moderation.correct(cid, "x", url, actor=other),
        lambda: moderation.enter_on_behalf(sid, None, "x", url=url, actor=other),
    ):
        with pytest.raises(AccessDenied):
            attempt()
    assert event_count(url) == before


def test_facilitator_of_another_group_is_refused(live: tuple[str, int, int, Actor]) -> None:
    url, _, cid, actor = live
    outsider = Actor(Role.FACILITATOR, frozenset({max(actor.groups) + 100}))
    with pytest.raises(AccessDenied):
        moderation.hide(cid, url, actor=outsider)
