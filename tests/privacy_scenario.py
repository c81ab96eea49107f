"""A small workshop in which one participant's words are planted everywhere they can go.

Participant A writes two contributions and rewrites the first (so a revision holds its
first text), gives toolkit feedback whose status history quotes it, rates a section and
votes; one of B's contributions is merged into A's, and A's contributions sit in one
component alone and in another beside B's. Every text of A's carries a unique marker,
so a test can look for it in the database afterwards.
"""

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN
from codesign.access import participant as participant_actor
from codesign.advisory import feedback, toolkit
from codesign.people import participants
from codesign.store import Store
from codesign.store.models import (
    Component,
    ComponentMember,
    Contribution,
    FeedbackStatusChange,
    Rating,
    ToolkitSection,
)
from codesign.workshop import contributions, sessions, votes
from tests.workshop import say

CONSENT = participants.ConsentChoice("test-v1", contribute=True, quote=True)


@dataclass(frozen=True)
class Scenario:
    url: str
    session_id: int
    session_code: str
    group_id: int
    a: participants.Enrolment
    b: participants.Enrolment
    marker: str
    a_first: int
    a_second: int
    b_visible: int
    b_merged: int
    solo_component: int
    shared_component: int
    feedback_id: int

    @property
    def markers(self) -> list[str]:
        parts = ("first", "edited", "second", "feedback", "history")
        return [f"{self.marker}{part}" for part in parts]


def _components(url: str, session_id: int, members: dict[str, list[int]]) -> tuple[int, int]:
    def apply(db: Session) -> tuple[int, int]:
        solo = Component(session_id=session_id, label="Only A", keywords=["a"])
        shared = Component(session_id=session_id, label="A and B", keywords=["ab"])
        db.add_all([solo, shared])
        db.flush()
        for component, ids in ((solo, members["solo"]), (shared, members["shared"])):
            db.add_all(ComponentMember(contribution_id=i, component_id=component.id) for i in ids)
        return solo.id, shared.id

    return store.write(apply, url)


def _merge_and_history(url: str, into: int, merged: int, item_id: int, text: str) -> None:
    def apply(db: Session) -> None:
        c = db.get(Contribution, merged)
        assert c is not None
        c.status, c.merged_into_id = "merged", into
        db.add(
            FeedbackStatusChange(item_id=item_id, to_status="accepted", actor="t", rationale=text)
        )

    store.write(apply, url)


def _rating(url: str, session_id: int, pid: int) -> None:
    def apply(db: Session) -> None:
        section = db.scalars(select(ToolkitSection)).first()
        assert section is not None
        db.add(Rating(session_id=session_id, round=1, participant_id=pid, section_id=section.id))

    store.write(apply, url)


def build(url: str) -> Scenario:
    """Plant A's marked data and B's unmarked data in one Advisory Group session."""
    marker = f"MARK{secrets.token_hex(6).upper()}"
    info = sessions.create("advisory", "Erasure check", url=url, actor=ADMIN)
    a = participants.enrol(info.group_id, CONSENT, url=url)
    b = participants.enrol(info.group_id, CONSENT, url=url)
    as_a = participant_actor(a.participant_id, info.group_id)
    as_b = participant_actor(b.participant_id, info.group_id)
    first = say(info.id, a.participant_id, f"{marker}first idea", url=url)
    contributions.edit_own(first.id, f"{marker}edited idea", url, actor=as_a)
    second = say(info.id, a.participant_id, f"{marker}second idea", url=url)
    b1 = say(info.id, b.participant_id, "B keeps this proposal", url=url)
    b2 = say(info.id, b.participant_id, "B merged this one", url=url)
    solo, shared = _components(url, info.id, {"solo": [first.id], "shared": [second.id, b1.id]})
    votes.set_ballot(Store.open(url), [first.id, b1.id], True, actor=ADMIN)
    sessions.set_phase(info.id, "vote", url=url, actor=ADMIN)
    sessions.set_voting(info.id, True, url=url, actor=ADMIN)
    votes.agree(info.id, a.participant_id, b1.id, 1, actor=as_a, url=url)
    votes.agree(info.id, b.participant_id, first.id, -1, actor=as_b, url=url)
    key = toolkit.sections(url)[0].key
    item = feedback.submit(
        feedback.FeedbackDraft(key, "concern", f"{marker}feedback", a.participant_id, info.id),
        url,
        actor=as_a,
    )
    _merge_and_history(url, first.id, b2.id, item.id, f"{marker}history")
    _rating(url, info.id, a.participant_id)
    return Scenario(
        url, info.id, info.code, info.group_id, a, b, marker, first.id, second.id, b1.id,
        b2.id, solo, shared, item.id,
    )  # fmt: skip
