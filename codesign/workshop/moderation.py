"""What a facilitator does to contributions during a session, each action logged once.

Nothing a participant wrote is ever lost through moderation: hiding keeps the row,
merging keeps the duplicate and links it to the contribution it was merged into, and a
corrected typo keeps the earlier text as a `Revision`. Reviewing a flagged contribution
clears `needs_review` (so shared and projector views may show it) but keeps its flag
categories for the record.

Votes on a merged duplicate are counted towards the contribution it was merged into
(see `codesign.analysis.results`); the duplicate's own row and votes stay as they were, so
un-merging is a matter of restoring it.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import Conflict, NotFound
from codesign.store import events
from codesign.store.models import Contribution, Revision
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import contributions

GONE = "That contribution is no longer there."


def _moderated(db: Session, contribution_id: int, actor: Actor) -> tuple[Contribution, int]:
    """The contribution and its group id, once the actor may moderate that group."""
    c = db.get(Contribution, contribution_id)
    if c is None:
        raise NotFound(GONE)
    group_id = db.get_one(WorkshopSession, c.session_id).group_id
    actor.require(actor.can_moderate(group_id), "moderate this session")
    return c, group_id


def _act(
    contribution_id: int,
    actor: Actor,
    action: str,
    change: Callable[[Session, Contribution], str | None],
    url: str | None,
) -> None:
    """Apply `change` and record one event; `change` returns the content to hash, if any."""

    def apply(db: Session) -> None:
        c, group_id = _moderated(db, contribution_id, actor)
        content = change(db, c)
        events.record(
            db, action, "contribution", c.id, group_id=group_id,
            session_id=c.session_id, content=content, actor=actor,
        )  # fmt: skip

    store.write(apply, url)


def _set_status(status: str) -> Callable[[Session, Contribution], None]:
    def change(_db: Session, c: Contribution) -> None:
        c.status = status
        c.merged_into_id = None

    return change


def hide(contribution_id: int, url: str | None = None, *, actor: Actor) -> None:
    """Take a contribution off every view; the row stays and can be restored."""
    _act(contribution_id, actor, "hide", _set_status("hidden"), url)


def restore(contribution_id: int, url: str | None = None, *, actor: Actor) -> None:
    """Bring back a hidden or merged contribution (a merge link is dropped)."""
    _act(contribution_id, actor, "restore", _set_status("visible"), url)


def merge(duplicate_id: int, into_id: int, url: str | None = None, *, actor: Actor) -> None:
    """Merge a duplicate into the contribution that stays; both rows are kept and linked."""

    def change(db: Session, duplicate: Contribution) -> str:
        kept, kept_group = _moderated(db, into_id, actor)
        duplicate_group = db.get_one(WorkshopSession, duplicate.session_id).group_id
        if kept.id == duplicate.id or kept.status != "visible" or kept_group != duplicate_group:
            raise Conflict("Merge into a different, visible contribution from the same group.")
        db.execute(  # anything merged into the duplicate now points at the kept one
            update(Contribution)
            .where(Contribution.merged_into_id == duplicate.id)
            .values(merged_into_id=kept.id)
        )
        duplicate.status = "merged"
        duplicate.merged_into_id = kept.id
        return str(kept.id)

    _act(duplicate_id, actor, "merge", change, url)


def correct(contribution_id: int, text: str, url: str | None = None, *, actor: Actor) -> None:
    """Fix a typo for the participant; the earlier text is kept as a facilitator revision.

    The text is screened again: a flag the facilitator had already reviewed stays
    reviewed, a new category of concern needs a fresh look.
    """
    body = contributions.clean(text)

    def change(db: Session, c: Contribution) -> str:
        reviewed = set() if c.needs_review else set(c.flags)
        db.add(Revision(contribution_id=c.id, text=c.text, edited_by="facilitator"))
        c.text = body
        c.content_hash = events.digest(body, c.kind, c.language)
        c.flags = contributions.screen(body)
        c.needs_review = bool(set(c.flags) - reviewed)
        c.updated_at = datetime.now().astimezone()
        return body

    _act(contribution_id, actor, "correct", change, url)


def mark_reviewed(contribution_id: int, url: str | None = None, *, actor: Actor) -> None:
    """The facilitator has looked at a flagged contribution; its flags stay for the record."""

    def change(_db: Session, c: Contribution) -> None:
        c.needs_review = False

    _act(contribution_id, actor, "review", change, url)


def enter_on_behalf(
    session_id: int,
    participant_id: int | None,
    text: str,
    *,
    actor: Actor,
    kind: str = "idea",
    language: str = "en",
    url: str | None = None,
) -> Contribution:
    """Type in what a participant said or wrote on paper, marked as entered by the facilitator."""
    body = contributions.check(text, kind, language)
    draft = contributions.Draft(session_id, participant_id, body, kind, language, on_behalf=True)

    def apply(db: Session) -> Contribution:
        s = db.get(WorkshopSession, session_id)
        if s is None:
            raise NotFound("That session no longer exists.")
        actor.require(actor.can_moderate(s.group_id), "add contributions for others")
        return contributions.add(db, draft, actor=actor)

    return store.write(apply, url)


def history(contribution_id: int, url: str | None = None, *, actor: Actor) -> list[Revision]:
    """Earlier texts of a contribution, oldest first."""
    with store.reading(url) as db:
        _moderated(db, contribution_id, actor)
        return list(
            db.scalars(
                select(Revision)
                .where(Revision.contribution_id == contribution_id)
                .order_by(Revision.id)
            )
        )
