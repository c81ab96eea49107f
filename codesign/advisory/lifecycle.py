"""What happens to a feedback item after it is given: the rules of its lifecycle.

    new → under_review → accepted | partly_accepted | declined | deferred
    deferred → under_review

Every move is a new `FeedbackStatusChange` row (history is never overwritten) and one
event. Closing an item needs a rationale, because an unexplained "declined" is exactly
the unanswered feedback the Advisory Group asked us to stop. An accepted or partly
accepted item names the later version of the same section that addressed it, which is
what lets the "you said, we did" report show the words that changed. Only an actor who
may decide feedback for the item's group (an advisory lead, or the command line) moves it.

A decision that turns out wrong is *corrected*, never edited: `correct` adds one more
move out of a closed status (to another decision, or back to review), always with a
reason, and records it as a `correct` event in the audit chain. The earlier decision
and its rationale stay in the history, so the record shows what was decided, when it
changed and why.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.advisory import toolkit
from codesign.advisory.toolkit import OPEN_STATUSES
from codesign.errors import Conflict, Invalid, NotFound
from codesign.store import events
from codesign.store.models import FeedbackItem, FeedbackStatusChange, Participant, SectionVersion
from codesign.store.models import Session as WorkshopSession

ADDRESSED = ("accepted", "partly_accepted")
CLOSED = (*ADDRESSED, "declined", "deferred")
STATUSES = (*OPEN_STATUSES, *CLOSED)
MOVES: dict[str, tuple[str, ...]] = {
    "new": ("under_review",),
    "under_review": CLOSED,
    "deferred": ("under_review",),
    "accepted": (),
    "partly_accepted": (),
    "declined": (),
}


@dataclass(frozen=True)
class Move:
    item_id: int
    from_status: str
    to_status: str
    rationale: str
    addressed_by_version_id: int | None
    actor: str
    at: datetime


def group_of(db: Session, item: FeedbackItem) -> int | None:
    """The group whose leads decide an item: its session's, its author's, else the toolkit's."""
    if item.session_id is not None:
        session = db.get(WorkshopSession, item.session_id)
        if session is not None:
            return session.group_id
    if item.participant_id is not None:
        author = db.get(Participant, item.participant_id)
        if author is not None:
            return author.group_id
    return toolkit.owner_group(db)


def _check_move(item: FeedbackItem, to: str, rationale: str) -> None:
    if to not in STATUSES:
        raise Invalid(f"Unknown status {to!r}; use one of {', '.join(STATUSES)}.")
    if to not in MOVES[item.status]:
        allowed = ", ".join(MOVES[item.status]) or "nothing (it is decided; correct it instead)"
        raise Conflict(
            f"Feedback item {item.id} is {item.status}; it can move to {allowed}, not {to}."
        )
    if to in CLOSED and not rationale.strip():
        raise Invalid(f"Say why: an item cannot be {to} without a rationale.")


def _check_version(db: Session, item: FeedbackItem, to: str, version_id: int | None) -> None:
    if to not in ADDRESSED:
        if version_id is not None:
            raise Invalid(f"Only accepted or partly accepted items link to a version, not {to}.")
        return
    if version_id is None:
        raise Invalid(f"An item {to} must name the section version that addressed it.")
    commented = db.get(SectionVersion, item.section_version_id)
    addressing = db.get(SectionVersion, version_id)
    if addressing is None or commented is None:
        raise NotFound("That section version does not exist.")
    if addressing.section_id != commented.section_id:
        raise Conflict("The addressing version must belong to the section the item is about.")
    if addressing.number <= commented.number:
        raise Conflict(
            f"The item was about version {commented.number}; the version that addressed it "
            f"must be newer, not version {addressing.number}."
        )


def _check_correction(item: FeedbackItem, to: str, rationale: str) -> None:
    if to not in STATUSES:
        raise Invalid(f"Unknown status {to!r}; use one of {', '.join(STATUSES)}.")
    if item.status not in CLOSED:
        raise Conflict(f"Feedback item {item.id} is {item.status}, not decided; move it instead.")
    if to == item.status or to not in ("under_review", *CLOSED):
        raise Conflict(
            f"Feedback item {item.id} is {item.status}; a correction moves it to another "
            f"decision or back to under_review, not {to}."
        )
    if not rationale.strip():
        raise Invalid("Say why: a correction needs a rationale.")


def _decidable(db: Session, actor: Actor, item_id: int) -> tuple[FeedbackItem, int | None]:
    """The item and its group, once the actor is known to be allowed to decide on it."""
    item = db.get(FeedbackItem, item_id)
    if item is None:
        raise NotFound(f"There is no feedback item {item_id}.")
    group_id = group_of(db, item)
    actor.require(actor.can_decide_feedback(group_id), "decide on feedback")
    return item, group_id


def move(
    db: Session,
    item_id: int,
    to: str,
    rationale: str = "",
    addressed_by_version_id: int | None = None,
    *,
    actor: Actor,
) -> FeedbackStatusChange:
    """Move one item, checking every rule, inside the caller's transaction."""
    item, group_id = _decidable(db, actor, item_id)
    _check_move(item, to, rationale)
    _check_version(db, item, to, addressed_by_version_id)
    return _record(db, actor, item, group_id, "move", to, rationale, addressed_by_version_id)


def correct(
    db: Session,
    item_id: int,
    to: str,
    rationale: str,
    addressed_by_version_id: int | None = None,
    *,
    actor: Actor,
) -> FeedbackStatusChange:
    """Correct a decided item: a new, reasoned move recorded as a `correct` event."""
    item, group_id = _decidable(db, actor, item_id)
    _check_correction(item, to, rationale)
    _check_version(db, item, to, addressed_by_version_id)
    return _record(db, actor, item, group_id, "correct", to, rationale, addressed_by_version_id)


def _record(
    db: Session,
    actor: Actor,
    item: FeedbackItem,
    group_id: int | None,
    action: str,
    to: str,
    rationale: str,
    addressed_by_version_id: int | None,
) -> FeedbackStatusChange:
    """Append the status change and its event; the item's link names the current decision."""
    change = FeedbackStatusChange(
        item_id=item.id,
        from_status=item.status,
        to_status=to,
        actor=actor.token,
        rationale=rationale.strip(),
    )
    db.add(change)
    item.status = to
    item.addressed_by_version_id = addressed_by_version_id
    db.flush()
    events.record(
        db, action, "feedback", item.id, group_id=group_id, content=rationale, actor=actor
    )
    return change


def version_id(db: Session, item_id: int, number: int | None) -> int | None:
    """The id of version `number` of the section an item is about."""
    if number is None:
        return None
    item = db.get(FeedbackItem, item_id)
    if item is None:
        raise NotFound(f"There is no feedback item {item_id}.")
    commented = db.get(SectionVersion, item.section_version_id)
    found = db.scalar(
        select(SectionVersion.id).where(
            SectionVersion.section_id == (commented.section_id if commented else None),
            SectionVersion.number == number,
        )
    )
    if found is None:
        raise NotFound(f"The item's section has no version {number}.")
    return found


class Step(Protocol):
    """`move` or `correct`: one decision inside the caller's transaction."""

    def __call__(
        self, db: Session, item_id: int, to: str, rationale: str,
        addressed_by_version_id: int | None, *, actor: Actor,
    ) -> FeedbackStatusChange: ...  # fmt: skip


def _in_transaction(
    step: Step, item_id: int, to: str, rationale: str, actor: Actor, version: int | None,
    url: str | None,
) -> Move:  # fmt: skip
    def apply(db: Session) -> Move:
        addressed = version_id(db, item_id, version)
        change = step(db, item_id, to, rationale, addressed, actor=actor)
        return Move(
            item_id,
            change.from_status or "",
            to,
            change.rationale,
            addressed,
            change.actor,
            change.created_at,
        )

    return store.write(apply, url)


def move_item(
    item_id: int,
    to: str,
    rationale: str,
    version: int | None = None,
    url: str | None = None,
    *,
    actor: Actor,
) -> Move:
    """Move an item in its own transaction; `version` is a number within the item's section."""
    return _in_transaction(move, item_id, to, rationale, actor, version, url)


def correct_item(
    item_id: int,
    to: str,
    rationale: str,
    *,
    actor: Actor,
    version: int | None = None,
    url: str | None = None,
) -> Move:
    """Correct a decided item in its own transaction (see `correct`)."""
    return _in_transaction(correct, item_id, to, rationale, actor, version, url)


def history(item_id: int, url: str | None = None, *, actor: Actor) -> list[FeedbackStatusChange]:
    """Every move of one item, oldest first, for those who may read the item's group."""
    query = select(FeedbackStatusChange).where(FeedbackStatusChange.item_id == item_id)
    with store.reading(url) as db:
        item = db.get(FeedbackItem, item_id)
        if item is None:
            raise NotFound("That feedback item does not exist.")
        actor.require(actor.can_read(group_of(db, item)), "see this item's history")
        return list(db.scalars(query.order_by(FeedbackStatusChange.id)))
