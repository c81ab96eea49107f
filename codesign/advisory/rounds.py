"""Running Delphi rating rounds: the coordinator opens a round on chosen toolkit sections
and criteria, members rate each on their phones (1–5, or "can't judge"), and the
coordinator closes the round. The statistics and consensus rules are
`codesign.advisory.delphi`; this module holds who may do what, and when.

Only one round is open at a time, so a member's phone never has to ask which round they
are in. While it is open a member may change their answer (the newest counts); once it
closes, nothing more is taken. Before rating, a member sees, beside their own rating from
the last round that asked about a section, the group's median and quartiles from that
round: the feedback a Delphi panel converges on. The group's figures are shown only when
at least `delphi.MIN_GROUP_SIZE` members rated, so one other person's rating is never
shown as "the group's".
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.advisory import delphi, toolkit
from codesign.errors import Closed, Conflict, Invalid, NotFound
from codesign.store import events
from codesign.store.models import Participant, Rating, RatingRound, ToolkitSection, utcnow

SCORES = (delphi.CANT_JUDGE, 1, 2, 3, 4, 5)


@dataclass(frozen=True)
class RoundInfo:
    number: int
    sections: tuple[str, ...]
    criteria: tuple[str, ...]
    opened_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def as_json(self) -> dict[str, object]:
        return {
            "round": self.number,
            "sections": list(self.sections),
            "criteria": list(self.criteria),
            "open": self.is_open,
            "opened_at": self.opened_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }


def _info(found: RatingRound) -> RoundInfo:
    return RoundInfo(
        found.number,
        tuple(found.sections),
        tuple(found.criteria),
        found.opened_at,
        found.closed_at,
    )


def _open(db: Session) -> RatingRound | None:
    return db.scalar(select(RatingRound).where(RatingRound.closed_at.is_(None)))


def _require_coordinator(db: Session, actor: Actor) -> int | None:
    group = toolkit.owner_group(db)
    actor.require(actor.can_decide_feedback(group), "run a rating round")
    return group


def _sections(db: Session, keys: Sequence[str]) -> list[str]:
    """The round's section keys in toolkit order; all of them when none are named."""
    ordered = list(db.scalars(select(ToolkitSection.key).order_by(ToolkitSection.position)))
    for key in keys:
        toolkit.section_by_key(db, key)
    return [key for key in ordered if key in keys] if keys else ordered


def _criteria(names: Sequence[str]) -> list[str]:
    unknown = [name for name in names if name not in delphi.CRITERIA]
    if unknown:
        raise Invalid(f"Unknown criterion {unknown[0]!r}; use {', '.join(delphi.CRITERIA)}.")
    return [name for name in delphi.CRITERIA if name in names] if names else list(delphi.CRITERIA)


def open_round(
    sections: Sequence[str] = (),
    criteria: Sequence[str] = (),
    *,
    actor: Actor,
    url: str | None = None,
) -> RoundInfo:
    """Open the next round on these sections and criteria (all of them when none named)."""

    def apply(db: Session) -> RoundInfo:
        group = _require_coordinator(db, actor)
        still = _open(db)
        if still is not None:
            raise Conflict(f"Round {still.number} is still open; close it first.")
        last = max(
            db.scalar(select(func.max(RatingRound.number))) or 0,
            db.scalar(select(func.max(Rating.round))) or 0,
        )
        found = RatingRound(
            number=last + 1, sections=_sections(db, sections), criteria=_criteria(criteria)
        )
        db.add(found)
        db.flush()
        events.record(db, "open", "rating_round", found.id, group_id=group, actor=actor)
        return _info(found)

    return store.write(apply, url)


def close_round(*, actor: Actor, url: str | None = None) -> RoundInfo:
    """Close the open round; no rating is taken after this."""

    def apply(db: Session) -> RoundInfo:
        group = _require_coordinator(db, actor)
        found = _open(db)
        if found is None:
            raise Conflict("No rating round is open.")
        found.closed_at = utcnow()
        events.record(db, "close", "rating_round", found.id, group_id=group, actor=actor)
        return _info(found)

    return store.write(apply, url)


def open_number(url: str | None = None) -> int | None:
    """The open round's number, if any: what the phones poll to show the rating form (and
    a new round's ballot, even if they missed the last one closing)."""
    with store.reading(url) as db:
        found = _open(db)
        return found.number if found else None


def rounds(*, actor: Actor, url: str | None = None) -> list[RoundInfo]:
    """Every round opened from codesign, oldest first."""
    with store.reading(url) as db:
        actor.require(actor.can_read(toolkit.owner_group(db)), "see the rating rounds")
        return [_info(r) for r in db.scalars(select(RatingRound).order_by(RatingRound.number))]


def _check_scores(found: RatingRound, section: str, scores: Mapping[str, int | None]) -> None:
    if section not in found.sections:
        raise Invalid("That section is not part of this rating round.")
    for criterion, score in scores.items():
        if criterion not in found.criteria:
            raise Invalid("That criterion is not part of this rating round.")
        if score is not None and score not in SCORES:
            raise Invalid("Please choose a rating from 1 to 5, or can't judge.")


def _member(db: Session, actor: Actor, participant_id: int) -> int | None:
    """The Advisory Group's id, once the actor may rate for this member."""
    group = toolkit.owner_group(db)
    member = db.get(Participant, participant_id)
    if member is None or member.group_id != group:
        raise NotFound("That member is not in the Advisory Group.")
    own = actor.participant_id is None or actor.participant_id == participant_id
    actor.require(actor.can_contribute(group) and own, "rate for this member")
    return group


def rate(
    participant_id: int,
    section: str,
    scores: Mapping[str, int | None],
    *,
    actor: Actor,
    session_id: int | None = None,
    url: str | None = None,
) -> int:
    """Store a member's ratings of one section in the open round; returns the round number.

    `scores` maps criteria to 1–5, `delphi.CANT_JUDGE`, or None (no answer). Rating a
    section again while the round is open replaces the earlier answer.
    """

    def apply(db: Session) -> int:
        group = _member(db, actor, participant_id)
        found = _open(db)
        if found is None:
            raise Closed("Rating is closed for now. Thank you for taking part.")
        _check_scores(found, section, scores)
        section_id = toolkit.section_by_key(db, section).id
        rating = db.scalar(
            select(Rating).where(
                Rating.round == found.number,
                Rating.participant_id == participant_id,
                Rating.section_id == section_id,
            )
        )
        if rating is None:
            rating = Rating(
                round=found.number,
                participant_id=participant_id,
                section_id=section_id,
                session_id=session_id,
            )
            db.add(rating)
        for criterion in found.criteria:
            setattr(rating, criterion, scores.get(criterion))
        db.flush()
        events.record(
            db, "rate", "rating", rating.id, group_id=group, session_id=session_id,
            content=repr(sorted(scores.items())), actor=actor,
        )  # fmt: skip
        return found.number

    return int(store.write(apply, url))


@dataclass(frozen=True)
class BallotLine:
    """One section × criterion as a member sees it before rating."""

    section: str
    title: str
    criterion: str
    mine: int | None  # this round's answer so far
    previous_round: int | None  # the last round that asked about this section
    previous_mine: int | None
    group: delphi.Summary | None  # that round's figures, when enough members rated


@dataclass(frozen=True)
class Ballot:
    round: RoundInfo
    lines: list[BallotLine]


def _lines(
    rows: list[delphi.RatingRow], found: RatingRound, participant_id: int, titles: dict[str, str]
) -> list[BallotLine]:
    lines = []
    for section in found.sections:
        before = delphi.rerating(rows, participant_id, found.number, section)
        now = delphi.own_answer(rows, participant_id, found.number, section)
        for criterion in found.criteria:
            group = before.overall.get(criterion)
            lines.append(
                BallotLine(
                    section,
                    titles.get(section, section),
                    criterion,
                    now.score(criterion) if now else None,
                    before.previous_round,
                    before.own.score(criterion) if before.own else None,
                    group if group and group.n >= delphi.MIN_GROUP_SIZE else None,
                )
            )
    return lines


def ballot(participant_id: int, *, actor: Actor, url: str | None = None) -> Ballot | None:
    """What the member rates in the open round (None when no round is open), with their
    own earlier answers and the group's figures from the last round."""
    with store.reading(url) as db:
        group = toolkit.owner_group(db)
        actor.require(actor.can_read_subject(participant_id, group), "see this rating form")
        found = _open(db)
        if found is None:
            return None
        titles = dict(db.execute(select(ToolkitSection.key, ToolkitSection.title)).all())
        return Ballot(_info(found), _lines(delphi.rows(db), found, participant_id, titles))
