"""The live feed: new contributions within a poll, counts including silence, flags private."""

import time

import pytest

from codesign.access import ADMIN, Actor, Role
from codesign.errors import AccessDenied
from codesign.people import participants
from codesign.workshop import contributions, feed, moderation
from tests import workshop
from tests.workshop import say


def test_feed_sees_new_contributions_and_counts_everyone(demo_url: str) -> None:
    info = workshop.live(demo_url)
    actor = workshop.facilitator(info)
    quiet, talker = workshop.join(demo_url, info), workshop.join(demo_url, info)
    live = feed.Feed(info.id, actor, url=demo_url)
    assert live.poll() == []
    c = say(info.id, talker, "Sessions in the evening", url=demo_url)
    assert [item.id for item in live.poll()] == [c.id]
    assert live.poll() == []
    counts = {n.pseudonym: n.contributions for n in live.counts()}
    assert counts[participants.get(talker, url=demo_url, actor=ADMIN).pseudonym] == 1
    assert counts[participants.get(quiet, url=demo_url, actor=ADMIN).pseudonym] == 0
    assert sum(counts.values()) == 1
    assert live.counts()[0].contributions == 0  # who has not contributed yet comes first


def test_flagged_contributions_stay_private_until_reviewed(demo_url: str) -> None:
    info = workshop.live(demo_url)
    actor = workshop.facilitator(info)
    pid = workshop.join(demo_url, info)
    private = feed.Feed(info.id, actor, url=demo_url)
    shared = feed.Feed(info.id, actor, shared=True, url=demo_url)
    c = say(info.id, pid, "Email me at sam@example.org please", url=demo_url)
    [seen] = private.poll()
    assert seen.needs_review and "identifying_detail" in seen.flags
    assert private.flagged() == [seen]
    assert shared.poll() == [] and shared.items() == [] and shared.flagged() == []
    moderation.mark_reviewed(c.id, demo_url, actor=actor)
    assert [i.id for i in shared.poll()] == [c.id]
    assert private.poll()[0].flags == seen.flags and private.flagged() == []


def test_hidden_and_withdrawn_leave_the_shared_feed(demo_url: str) -> None:
    info = workshop.live(demo_url)
    actor = workshop.facilitator(info)
    pid = workshop.join(demo_url, info)
    shared = feed.Feed(info.id, actor, shared=True, url=demo_url)
    first = say(info.id, pid, "First idea", url=demo_url)
    second = say(info.id, pid, "Second idea", url=demo_url)
    shared.poll()
    moderation.hide(first.id, demo_url, actor=actor)
    contributions.withdraw_own(second.id, demo_url, actor=workshop.participant(pid, info))
    shared.poll()
    assert shared.items() == []


def test_feed_needs_a_reader_of_the_group(demo_url: str) -> None:
    info = workshop.live(demo_url)
    with pytest.raises(AccessDenied):
        feed.Feed(info.id, Actor(Role.PARTICIPANT, frozenset({info.group_id})), url=demo_url)


def test_poller_runs_in_the_background_and_survives_errors() -> None:
    ticks: list[float] = []

    def step() -> None:
        ticks.append(time.monotonic())
        if len(ticks) == 2:
            raise RuntimeError("database away")

    poller = feed.Poller(step, interval=0.02)
    poller.start()
    deadline = time.monotonic() + 5
    while len(ticks) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    poller.stop()
    assert len(ticks) >= 4 and not poller.running
    assert poller.error is None  # cleared by the steps after the failure


def test_submission_reaches_a_polling_feed_within_a_second(demo_sqlite: str) -> None:
    info = workshop.live(demo_sqlite)
    pid = workshop.join(demo_sqlite, info)
    live = feed.Feed(info.id, workshop.facilitator(info), url=demo_sqlite)
    seen: dict[int, float] = {}

    def step() -> None:
        for item in live.poll():
            seen.setdefault(item.id, time.monotonic())

    poller = feed.Poller(step)
    poller.start()
    try:
        c = say(info.id, pid, "Timed idea", url=demo_sqlite)
        committed = time.monotonic()
        while c.id not in seen and time.monotonic() - committed < 3:
            time.sleep(0.01)
    finally:
        poller.stop()
    assert seen[c.id] - committed < 1.0
