"""Advisory Group feedback on toolkit sections: adding items from the form, a meeting or
a file. Each item starts as `new`, with that first status recorded in its history; what
happens next is `codesign.advisory.lifecycle`. An item typed in by a facilitator from meeting
notes is marked `entered_by_facilitator`, so it is never mistaken for the member's own words.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor, Role
from codesign.advisory import toolkit
from codesign.errors import Closed, Conflict, Invalid, NotFound
from codesign.people import participants
from codesign.store import events
from codesign.store.models import FeedbackItem, FeedbackStatusChange, Participant
from codesign.store.models import Session as WorkshopSession
from codesign.workshop.contributions import clean

TYPES = ("suggestion", "concern", "question", "endorsement")
PRIORITIES = ("low", "medium", "high")
# The Advisory Group's sub-groups, as reports name them.
ORGANISATION_TYPES = {
    "by_and_for": "by-and-for organisation",
    "mainstream": "mainstream service",
    "statutory": "statutory service",
    "independent": "independent member",
}


@dataclass(frozen=True)
class FeedbackDraft:
    section_key: str
    type: str
    text: str
    participant_id: int | None = None
    session_id: int | None = None
    rating: int | None = None
    priority: str = "medium"
    client_id: str | None = None
    ref: str | None = None
    created_at: datetime | None = None
    version: int | None = None  # the section version commented on; default the newest


def check(draft: FeedbackDraft) -> None:
    clean(draft.text)
    if draft.type not in TYPES:
        raise Invalid("Please choose suggestion, concern, question or endorsement.")
    if draft.rating is not None and not 1 <= draft.rating <= 5:
        raise Invalid("Please choose a rating from 1 to 5.")
    if draft.priority not in PRIORITIES:
        raise Invalid("Priority must be low, medium or high.")


def _group_of(db: Session, draft: FeedbackDraft) -> int | None:
    if draft.session_id is not None:
        s = db.get(WorkshopSession, draft.session_id)
        if s is None:
            raise NotFound("That session no longer exists.")
        if s.closed:
            raise Closed("This session has closed. Thank you for taking part.")
        return s.group_id
    if draft.participant_id is not None:
        p = db.get(Participant, draft.participant_id)
        return p.group_id if p else None
    return None


def add(db: Session, actor: Actor, draft: FeedbackDraft) -> FeedbackItem:
    """Store one checked feedback item (idempotent per session and client id)."""
    check(draft)
    group_id = _group_of(db, draft)
    actor.require(actor.can_contribute(group_id), "give feedback in this group")
    if draft.participant_id is not None:
        participants.member(db, draft.participant_id, group_id, actor=actor)
    text = clean(draft.text)
    content = events.digest(draft.section_key, draft.type, text, draft.rating)
    if draft.client_id:
        found = db.scalar(
            select(FeedbackItem).where(
                FeedbackItem.session_id == draft.session_id,
                FeedbackItem.client_id == draft.client_id,
            )
        )
        if found is not None:
            if found.content_hash != content:
                raise Conflict("This form was already sent with different words. Please reload.")
            return found
    version = (
        toolkit.version(db, draft.section_key, draft.version)
        if draft.version is not None
        else toolkit.current(db, draft.section_key)
    )
    item = FeedbackItem(
        session_id=draft.session_id,
        section_version_id=version.id,
        participant_id=draft.participant_id,
        type=draft.type,
        text=text,
        rating=draft.rating,
        priority=draft.priority,
        entered_by_facilitator=actor.role is not Role.PARTICIPANT,
        ref=draft.ref,
        client_id=draft.client_id,
        content_hash=content,
    )
    if draft.created_at is not None:
        item.created_at = draft.created_at
    db.add(item)
    db.flush()
    db.add(FeedbackStatusChange(item_id=item.id, to_status="new", actor=actor.token))
    events.record(
        db, actor, "create", "feedback", item.id, group_id=group_id,
        session_id=draft.session_id, content=text,
    )  # fmt: skip
    return item


def submit(draft: FeedbackDraft, actor: Actor, url: str | None = None) -> FeedbackItem:
    """The participant form's entry point: one short transaction."""
    check(draft)
    return store.write(lambda db: add(db, actor, draft), url)
