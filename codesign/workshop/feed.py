"""The live feed of a session's contributions, for the facilitator and for the projector.

A `Feed` follows the event log (`events.since`): each poll asks only for events after
the last one seen and reloads the contributions they name, so a poll costs one small
query however long the session runs. The private (facilitator) feed shows everything,
with flag categories; the shared feed, for the projector, shows only visible
contributions that need no review — a flagged contribution reaches the room only once
a facilitator has looked at it.

`Poller` runs a step every half second in a background thread, so notebook widgets
update without anyone re-running a cell.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from codesign import store
from codesign.access import Actor
from codesign.errors import NotFound
from codesign.store import events
from codesign.store.models import Contribution, Event, Participant
from codesign.store.models import Session as WorkshopSession

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class FeedItem:
    """One contribution as the feed shows it: the pseudonym, never a participant id."""

    id: int
    pseudonym: str | None
    text: str
    kind: str
    language: str
    status: str
    needs_review: bool
    flags: tuple[str, ...]
    entered_by_facilitator: bool
    created_at: datetime
    on_ballot: bool

    @property
    def shareable(self) -> bool:
        """Whether the room may see it: visible, and reviewed if it was flagged."""
        return self.status == "visible" and not self.needs_review


@dataclass(frozen=True)
class Count:
    pseudonym: str
    contributions: int
    participant_id: int


def _item(c: Contribution, pseudonym: str | None) -> FeedItem:
    return FeedItem(
        c.id, pseudonym, c.text, c.kind, c.language, c.status, c.needs_review,
        tuple(c.flags or ()), c.entered_by_facilitator, c.created_at, c.on_ballot,
    )  # fmt: skip


def _load(session_id: int, ids: set[int] | None, url: str | None) -> dict[int, FeedItem]:
    """The session's contributions (all of them, or just `ids`) as feed items."""
    query = (
        select(Contribution, Participant.pseudonym)
        .outerjoin(Participant, Participant.id == Contribution.participant_id)
        .where(Contribution.session_id == session_id)
    )
    if ids is not None:
        query = query.where(Contribution.id.in_(ids))
    with store.reading(url) as db:
        return {c.id: _item(c, name) for c, name in db.execute(query)}


class Feed:
    """A session's contributions kept up to date by polling the event log."""

    def __init__(
        self, session_id: int, actor: Actor, *, shared: bool = False, url: str | None = None
    ) -> None:
        with store.reading(url) as db:
            s = db.get(WorkshopSession, session_id)
            if s is None:
                raise NotFound("That session no longer exists.")
            actor.require(actor.can_read(s.group_id), "follow this session")
            self.last_event_id = db.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0
        self.session_id = session_id
        self.actor = actor
        self.shared = shared
        self.url = url
        self._items = _load(session_id, None, url)

    def poll(self) -> list[FeedItem]:
        """Contributions added or changed since the last poll, as this view may show them."""
        changed: set[int] = set()
        while batch := events.since(
            self.last_event_id, session_id=self.session_id, actor=self.actor, url=self.url
        ):
            self.last_event_id = batch[-1].id
            changed |= {
                e.target_id
                for e in batch
                if e.target_type == "contribution" and e.target_id is not None
            }
        if not changed:
            return []
        fresh = _load(self.session_id, changed, self.url)
        for gone in changed - fresh.keys():  # withdrawn by its author: deleted, not hidden
            self._items.pop(gone, None)
        self._items.update(fresh)
        return [item for _, item in sorted(fresh.items()) if self._shows(item)]

    def _shows(self, item: FeedItem) -> bool:
        return item.shareable or not self.shared

    def items(self) -> list[FeedItem]:
        """Everything this view shows, newest first."""
        return sorted((i for i in self._items.values() if self._shows(i)), key=lambda i: -i.id)

    def flagged(self) -> list[FeedItem]:
        """Contributions waiting for a facilitator's review (never in the shared view)."""
        if self.shared:
            return []
        return [i for i in self.items() if i.needs_review and i.status == "visible"]

    def counts(self) -> list[Count]:
        return counts(self.session_id, self.url, actor=self.actor)


def counts(session_id: int, url: str | None = None, *, actor: Actor) -> list[Count]:
    """Contributions per pseudonym in a session, fewest first, including those with none.

    Everyone in the session's group is listed, so the facilitator sees who has not
    contributed yet; a participant's withdrawn contributions no longer count.
    """
    with store.reading(url) as db:
        group_id = db.scalar(
            select(WorkshopSession.group_id).where(WorkshopSession.id == session_id)
        )
        actor.require(actor.can_read(group_id), "see who has contributed")
        people = db.execute(
            select(Participant.id, Participant.pseudonym).where(Participant.group_id == group_id)
        ).all()
        per_person = dict(
            db.execute(
                select(Contribution.participant_id, func.count())
                .where(Contribution.session_id == session_id)
                .group_by(Contribution.participant_id)
            ).all()
        )
    found = [Count(name, per_person.get(pid, 0), pid) for pid, name in people]
    return sorted(found, key=lambda c: (c.contributions, c.pseudonym))


class Poller:
    """Call `step` every `interval` seconds in a daemon thread until `stop()`.

    A failing step (the database briefly unreachable, say) is remembered in `error`
    and retried on the next tick rather than ending the live view.
    """

    def __init__(self, step: Callable[[], None], interval: float = POLL_SECONDS) -> None:
        self.step = step
        self.interval = interval
        self.error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="codesign-feed", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.step()
                self.error = None
            except Exception as exc:  # keep the live view alive; show what went wrong
                self.error = f"{type(exc).__name__}: {exc}"
            self._stop.wait(max(0.0, self.interval - (time.monotonic() - started)))
