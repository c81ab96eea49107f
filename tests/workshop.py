"""Small helpers for tests that run a live workshop: the demo's live session and new joiners."""

from typing import Any

from codesign import store
from codesign.access import Actor, Role
from codesign.demo import workshop as demo
from codesign.people import participants
from codesign.people.participants import ConsentChoice
from codesign.store.models import Contribution, Participant
from codesign.workshop import contributions, sessions


def live(url: str, key: str = "bc-live") -> sessions.SessionInfo:
    """One of the demo's live sessions (the demo must be loaded)."""
    return sessions.by_code(demo.demo_code(key), url)


def facilitator(info: sessions.SessionInfo) -> Actor:
    return Actor(Role.FACILITATOR, frozenset({info.group_id}), name="test-facilitator")


def join(url: str, info: sessions.SessionInfo, role: str | None = None) -> int:
    """Enrol a new consenting participant in the session's group; returns their id."""
    consent = ConsentChoice("test", contribute=True)
    return participants.enrol(info.group_id, consent, role=role, url=url).participant_id


def participant(pid: int, info: sessions.SessionInfo) -> Actor:
    return Actor(Role.PARTICIPANT, frozenset({info.group_id}), participant_id=pid)


def as_participant(pid: int, url: str | None) -> Actor:
    """The actor a participant's own form acts as: their id and their group."""
    with store.reading(url) as db:
        p = db.get(Participant, pid)
        assert p is not None
        return Actor(Role.PARTICIPANT, frozenset({p.group_id}), participant_id=p.id)


def say(session_id: int, pid: int, text: str, **options: Any) -> Contribution:
    """Submit as the participant's own form does: acting as that participant."""
    url = options.pop("url", None)
    return contributions.submit(
        session_id, pid, text, url=url, actor=as_participant(pid, url), **options
    )
