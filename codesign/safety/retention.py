"""Storage limitation: every session has a delete-by date, and `run` deletes what is past it.

The consent text promises to keep what people write "for no longer than 12 months after
the last session". A session without an explicit date is therefore kept for 12 months
after the day it was held (or created, when no date was given): each session's data goes
no later than the promise allows. An admin may set an earlier or later date per session.

A run erases each expired session's contributions, votes, feedback, ratings,
components and theme table, then erases every participant left with no data at all: those who took
part only in expired sessions, and those who enrolled more than 12 months ago and never
gave anything. The session row (title, code, agenda) and the event trail remain; they
hold no one's words.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import NotFound
from codesign.people.codes import normalise_join_code
from codesign.safety import erasure
from codesign.store import events
from codesign.store.models import (
    Component,
    ComponentMember,
    Contribution,
    FeedbackItem,
    Participant,
    Rating,
    Theme,
    Vote,
)
from codesign.store.models import Session as WorkshopSession

RETENTION_MONTHS = 12


def months_after(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    year, month = divmod(day.month - 1 + months, 12)
    target_year, target_month = day.year + year, month + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(target_year, target_month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def delete_by(s: WorkshopSession) -> date:
    """A session's delete-by date: the one set, else 12 months after it was held."""
    if s.delete_by is not None:
        return s.delete_by
    return months_after(s.held_on or s.created_at.date(), RETENTION_MONTHS)


def set_delete_by(code: str, when: date, url: str | None = None, *, actor: Actor) -> None:
    """Set a session's delete-by date (admin only; logged as an update of the session)."""
    actor.require(actor.can_erase(), "change how long data is kept")

    def apply(db: Session) -> None:
        s = db.scalar(
            select(WorkshopSession).where(WorkshopSession.code == normalise_join_code(code))
        )
        if s is None:
            raise NotFound("We could not find a session with that code. Check it and try again.")
        s.delete_by = when
        events.record(
            db, "update", "session", s.id, group_id=s.group_id, session_id=s.id, actor=actor
        )

    store.write(apply, url)


@dataclass(frozen=True)
class Expired:
    session_id: int
    code: str
    delete_by: date


@dataclass
class RetentionReport:
    sessions: list[Expired] = field(default_factory=list)
    participants: int = 0
    removed: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False

    def as_json(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "sessions": [
                {"code": e.code, "delete_by": e.delete_by.isoformat()} for e in self.sessions
            ],
            "participants_erased": self.participants,
            "removed": dict(self.removed),
        }


def _holds_data(db: Session, session_id: int) -> bool:
    tables = (
        Contribution.session_id,
        Vote.session_id,
        FeedbackItem.session_id,
        Rating.session_id,
        Component.session_id,
    )
    return any(db.scalar(select(column).where(column == session_id).limit(1)) for column in tables)


def expired(today: date | None = None, url: str | None = None) -> list[Expired]:
    """Sessions past their delete-by date that still hold data, oldest date first."""
    day = today or date.today()
    with store.reading(url) as db:
        found = [
            Expired(s.id, s.code, delete_by(s))
            for s in db.scalars(select(WorkshopSession).order_by(WorkshopSession.id))
            if delete_by(s) < day and _holds_data(db, s.id)
        ]
    return sorted(found, key=lambda e: (e.delete_by, e.session_id))


def _people_in(db: Session, session_id: int) -> set[int]:
    people: set[int] = set()
    for column, owner in (
        (Contribution.participant_id, Contribution.session_id),
        (Vote.participant_id, Vote.session_id),
        (FeedbackItem.participant_id, FeedbackItem.session_id),
        (Rating.participant_id, Rating.session_id),
    ):
        people |= {pid for pid in db.scalars(select(column).where(owner == session_id)) if pid}
    return people


def _erase_session(
    db: Session, actor: Actor, s: WorkshopSession, removed: Counter[str]
) -> set[int]:
    """Remove one session's data; return the participants who had some of it."""
    people = _people_in(db, s.id)
    doomed = set(db.scalars(select(Contribution.id).where(Contribution.session_id == s.id)))
    erasure.remove_contributions(db, doomed, removed)
    removed["votes"] += erasure.delete_rows(db, delete(Vote).where(Vote.session_id == s.id))
    erasure.remove_feedback(db, FeedbackItem.session_id == s.id, removed)
    removed["ratings"] += erasure.delete_rows(db, delete(Rating).where(Rating.session_id == s.id))
    components = select(Component.id).where(Component.session_id == s.id)
    erasure.delete_rows(
        db, delete(ComponentMember).where(ComponentMember.component_id.in_(components))
    )
    removed["components"] += erasure.delete_rows(
        db, delete(Component).where(Component.session_id == s.id)
    )
    removed["themes"] += erasure.delete_rows(db, delete(Theme).where(Theme.scope == s.code))
    events.record(db, "erase", "session", s.id, group_id=s.group_id, session_id=s.id, actor=actor)
    return people


def _long_idle(db: Session, today: date) -> set[int]:
    """Participants who enrolled over the retention period ago and never gave anything."""
    cutoff = months_after(today, -RETENTION_MONTHS)
    return {
        pid
        for pid, created in db.execute(select(Participant.id, Participant.created_at))
        if events.as_utc(created).date() < cutoff and not erasure.has_data(db, pid)
    }


def _purge(db: Session, actor: Actor, due: list[Expired], today: date) -> RetentionReport:
    report = RetentionReport(sessions=due)
    touched: set[int] = set()
    for item in due:
        s = db.get(WorkshopSession, item.session_id)
        if s is not None:
            touched |= _erase_session(db, actor, s, report.removed)
    leftover = {pid for pid in touched if not erasure.has_data(db, pid)} | _long_idle(db, today)
    for pid in sorted(leftover):
        p = db.get(Participant, pid)
        if p is not None:
            erasure.erase_rows(db, p, report.removed, actor=actor)
            report.participants += 1
    return report


def run(
    today: date | None = None,
    *,
    dry_run: bool = False,
    actor: Actor,
    url: str | None = None,
) -> RetentionReport:
    """Delete everything past its date (admin only); `dry_run` only lists the sessions."""
    actor.require(actor.can_erase(), "delete data past its retention date")
    day = today or datetime.now(UTC).date()
    due = expired(day, url)
    if dry_run:
        return RetentionReport(sessions=due, dry_run=True)
    report = store.write(lambda db: _purge(db, actor, due, day), url)
    erasure.compact(url)
    return report
