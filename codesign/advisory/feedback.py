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
from codesign.access import Actor
from codesign.advisory import toolkit
from codesign.errors import Closed, Invalid, NotFound
from codesign.people import participants
from codesign.store import events, resend
from codesign.store.models import (
    FeedbackItem,
    FeedbackStatusChange,
    Participant,
    SectionVersion,
    ToolkitSection,
)
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
    version: int | None = None  # the section version commented on; see `attached_by`

    @property
    def attached_by(self) -> str:
        """How `add` chooses the version: the one named, else the one current at the item's
        date, else (a comment given now) the newest."""
        if self.version is not None:
            return "version column"
        return "date" if self.created_at is not None else "newest"


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


def _version(db: Session, draft: FeedbackDraft) -> SectionVersion:
    if draft.version is not None:
        return toolkit.version(db, draft.section_key, draft.version)
    if draft.created_at is not None:
        return toolkit.at(db, draft.section_key, draft.created_at)
    return toolkit.current(db, draft.section_key)


def content_hash(draft: FeedbackDraft) -> str:
    """What makes two items the same comment: section, type, words and rating."""
    return events.digest(draft.section_key, draft.type, clean(draft.text), draft.rating)


def add(db: Session, draft: FeedbackDraft, *, actor: Actor) -> FeedbackItem:
    """Store one checked feedback item (idempotent per session and client id)."""
    check(draft)
    group_id = _group_of(db, draft)
    actor.require(actor.can_contribute(group_id), "give feedback in this group")
    if draft.participant_id is not None:
        participants.member(db, draft.participant_id, group_id, actor=actor)
    text = clean(draft.text)
    content = content_hash(draft)
    if found := resend.first_send(db, FeedbackItem, draft.session_id, draft.client_id, content):
        return found
    version = _version(db, draft)
    item = FeedbackItem(
        session_id=draft.session_id,
        section_version_id=version.id,
        participant_id=draft.participant_id,
        type=draft.type,
        text=text,
        rating=draft.rating,
        priority=draft.priority,
        entered_by_facilitator=actor.enters_on_behalf(),
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
        db, "create", "feedback", item.id, group_id=group_id,
        session_id=draft.session_id, content=text, actor=actor,
    )  # fmt: skip
    return item


def submit(draft: FeedbackDraft, url: str | None = None, *, actor: Actor) -> FeedbackItem:
    """The participant form's entry point: one short transaction."""
    check(draft)
    return resend.write_once(lambda db: add(db, draft, actor=actor), draft.client_id, url)


@dataclass(frozen=True)
class Listed:
    """One item as `codesign feedback list` shows it: enough to find its id and act on it."""

    id: int
    section: str
    version: int
    status: str
    type: str
    text: str
    ref: str | None
    created_at: datetime

    def as_json(self) -> dict[str, object]:
        return {**self.__dict__, "created_at": self.created_at.isoformat()}


def listed(
    *, actor: Actor, status: str | None = None, section: str | None = None, url: str | None = None
) -> list[Listed]:
    """Every feedback item, oldest first, optionally of one status or one section."""
    query = (
        select(FeedbackItem, ToolkitSection.key, SectionVersion.number)
        .join(SectionVersion, FeedbackItem.section_version_id == SectionVersion.id)
        .join(ToolkitSection, SectionVersion.section_id == ToolkitSection.id)
        .order_by(FeedbackItem.id)
    )
    if status is not None:
        query = query.where(FeedbackItem.status == status)
    if section is not None:
        query = query.where(ToolkitSection.key == section)
    with store.reading(url) as db:
        actor.require(actor.can_read(toolkit.owner_group(db)), "list the Advisory feedback")
        return [
            Listed(i.id, key, number, i.status, i.type, i.text, i.ref, i.created_at)
            for i, key, number in db.execute(query)
        ]
