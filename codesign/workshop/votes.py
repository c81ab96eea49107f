"""Votes: dot voting with a budget and a per-item cap, and agree / disagree / pass.

A participant's latest choice replaces their earlier one for the same item, so a double
click or a change of mind never counts twice. Results are read through `tallies`, which
only facilitators (and, once revealed, participants) see.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import Closed, Invalid, NotFound
from codesign.people import participants
from codesign.store import Store, events
from codesign.store.models import Contribution, Vote
from codesign.store.models import Session as WorkshopSession

AGREE_VALUES = {1: "agree", -1: "disagree", 0: "pass"}
BALLOT_FROZEN = "Close voting before changing the ballot, so everyone votes on the same list."


def method(s: WorkshopSession) -> str | None:
    """How the session votes right now: its current phase's method while voting is open."""
    phase = next((p for p in s.phases if p.key == s.current_phase), None)
    if s.closed or not s.voting_open or phase is None:
        return None
    return phase.vote


def _voting_session(db: Session, session_id: int, actor: Actor, kind: str) -> WorkshopSession:
    """The session, if it is taking this kind of vote now: a vote of the other kind (say,
    an Agree pressed just as the facilitator moved on to dots) is refused, not stored."""
    s = db.get(WorkshopSession, session_id)
    if s is None:
        raise NotFound("That session no longer exists.")
    actor.require(actor.can_contribute(s.group_id), "vote in this session")
    if method(s) != kind:
        raise Closed("Voting is not open right now.")
    return s


def _target(db: Session, s: WorkshopSession, contribution_id: int) -> Contribution:
    c = db.get(Contribution, contribution_id)
    target_group = db.scalar(
        select(WorkshopSession.group_id).where(WorkshopSession.id == (c.session_id if c else -1))
    )
    if c is None or target_group != s.group_id or c.status != "visible" or not c.on_ballot:
        raise NotFound("That proposal is no longer available to vote on.")
    return c


def _replace(
    db: Session, actor: Actor, s: WorkshopSession, participant_id: int, cid: int, kind: str,
    value: int | None,
) -> None:  # fmt: skip
    participants.member(db, participant_id, s.group_id, actor=actor)
    db.execute(
        delete(Vote).where(
            Vote.session_id == s.id,
            Vote.participant_id == participant_id,
            Vote.contribution_id == cid,
            Vote.kind == kind,
        )
    )
    vote_id = None
    if value is not None:
        vote = Vote(
            session_id=s.id, participant_id=participant_id, contribution_id=cid, kind=kind,
            value=value,
        )  # fmt: skip
        db.add(vote)
        db.flush()
        vote_id = vote.id
    events.record(db, "vote", "vote", vote_id, group_id=s.group_id, session_id=s.id, actor=actor)


def place_dots(
    session_id: int, participant_id: int, contribution_id: int, dots: int, *,
    actor: Actor, url: str | None = None,
) -> None:  # fmt: skip
    """Set how many dots a participant gives one item (0 takes them back)."""

    def apply(db: Session) -> None:
        s = _voting_session(db, session_id, actor, "dots")
        _target(db, s, contribution_id)
        if not 0 <= dots <= s.dot_cap:
            raise Invalid(f"You can give each item at most {s.dot_cap} dots.")
        spent = db.scalar(
            select(func.coalesce(func.sum(Vote.value), 0)).where(
                Vote.session_id == s.id,
                Vote.participant_id == participant_id,
                Vote.kind == "dot",
                Vote.contribution_id != contribution_id,
            )
        )
        if (spent or 0) + dots > s.dot_budget:
            raise Invalid(f"You have {s.dot_budget} dots in all; take some back first.")
        _replace(db, actor, s, participant_id, contribution_id, "dot", dots or None)

    store.write(apply, url)


def agree(
    session_id: int, participant_id: int, contribution_id: int, value: int, *,
    actor: Actor, url: str | None = None,
) -> None:  # fmt: skip
    """Record agree (1), disagree (-1) or pass (0) on one proposal."""
    if value not in AGREE_VALUES:
        raise Invalid("Please choose agree, disagree or pass.")

    def apply(db: Session) -> None:
        s = _voting_session(db, session_id, actor, "agree")
        _target(db, s, contribution_id)
        _replace(db, actor, s, participant_id, contribution_id, "agree", value)

    store.write(apply, url)


def own(
    session_id: int, participant_id: int, url: str | None = None, *, actor: Actor
) -> dict[tuple[int, str], int]:
    """A participant's current votes: (contribution id, kind) -> value."""
    with store.reading(url) as db:
        s = _session(db, session_id)
        actor.require(actor.can_read_subject(participant_id, s.group_id), "see these votes")
        rows = db.execute(
            select(Vote.contribution_id, Vote.kind, Vote.value).where(
                Vote.session_id == session_id, Vote.participant_id == participant_id
            )
        )
        return {(cid, kind): value for cid, kind, value in rows}


@dataclass(frozen=True)
class Tally:
    contribution_id: int
    dots: int
    agree: int
    disagree: int
    passed: int


def _session(db: Session, session_id: int) -> WorkshopSession:
    s = db.get(WorkshopSession, session_id)
    if s is None:
        raise NotFound("That session no longer exists.")
    return s


def tallies(session_id: int, url: str | None = None, *, actor: Actor) -> list[Tally]:
    """Totals per voted item, most dots first; participants see them only once revealed."""
    with store.reading(url) as db:
        s = _session(db, session_id)
        if not (actor.can_read(s.group_id) or (s.results_revealed and actor.in_group(s.group_id))):
            actor.require(False, "see these results yet")
        counts: Counter[tuple[int, str, int]] = Counter()
        dots: Counter[int] = Counter()
        for cid, kind, value in db.execute(
            select(Vote.contribution_id, Vote.kind, Vote.value).where(Vote.session_id == session_id)
        ):
            if kind == "dot":
                dots[cid] += value
            else:
                counts[(cid, kind, value)] += 1
        items = set(dots) | {cid for cid, _, _ in counts}
        result = [
            Tally(cid, dots[cid], counts[(cid, "agree", 1)], counts[(cid, "agree", -1)],
                  counts[(cid, "agree", 0)])
            for cid in items
        ]  # fmt: skip
        return sorted(result, key=lambda t: (-t.dots, -t.agree, t.contribution_id))


def turnout(store: Store, session_id: int, *, actor: Actor) -> int:
    """How many people have voted in the session so far: the room sees it grow, never
    who voted or how."""
    with store.reading() as db:
        s = _session(db, session_id)
        actor.require(actor.can_read(s.group_id), "see who has voted")
        return int(
            db.scalar(
                select(func.count(func.distinct(Vote.participant_id))).where(
                    Vote.session_id == session_id
                )
            )
            or 0
        )


def ballot(session_id: int, url: str | None = None, *, actor: Actor) -> list[Contribution]:
    """What a session votes on: its group's visible, reviewed ballot items up to this session.

    Proposals go on the ballot when written and the facilitator adds or removes any
    contribution (`set_ballot`). A prioritising session votes on what the group's earlier
    sessions gathered, so the ballot spans the group; flagged items wait for review.
    """
    with store.reading(url) as db:
        s = _session(db, session_id)
        actor.require(actor.in_group(s.group_id), "see this group's proposals")
        group_sessions = select(WorkshopSession.id).where(
            WorkshopSession.group_id == s.group_id, WorkshopSession.id <= s.id
        )
        return list(
            db.scalars(
                select(Contribution)
                .where(
                    Contribution.session_id.in_(group_sessions),
                    Contribution.on_ballot.is_(True),
                    Contribution.shown,
                )
                .order_by(Contribution.id)
            )
        )


def set_ballot(
    store: Store, contribution_ids: Sequence[int], on_ballot: bool, *, actor: Actor
) -> int:
    """Put contributions on the ballot or take them off; returns how many really changed.

    What the room votes on is the facilitator's decision, whatever kind the writer chose
    (most people leave "idea", the default). The ballot is fixed while any of the group's
    sessions is voting, so everyone votes on the same list.
    """

    def apply(db: Session) -> int:
        changed = 0
        for cid in contribution_ids:
            c = db.get(Contribution, cid)
            if c is None:
                raise NotFound("That contribution is no longer there.")
            group_id = _session(db, c.session_id).group_id
            actor.require(actor.can_moderate(group_id), "change the ballot")
            if _group_voting(db, group_id):
                raise Closed(BALLOT_FROZEN)
            if c.on_ballot != on_ballot:
                c.on_ballot = on_ballot
                events.record(db, "ballot", "contribution", c.id, group_id=group_id,
                              session_id=c.session_id, actor=actor)  # fmt: skip
                changed += 1
        return changed

    return int(store.write(apply))


def _group_voting(db: Session, group_id: int) -> bool:
    return (
        db.scalar(
            select(WorkshopSession.id).where(
                WorkshopSession.group_id == group_id,
                WorkshopSession.voting_open.is_(True),
                WorkshopSession.closed.is_(False),
            )
        )
        is not None
    )
