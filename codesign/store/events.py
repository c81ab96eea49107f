"""The append-only event log: audit trail, hash chain and live feed in one table.

Every create, update, delete, export and erase writes exactly one event. Events hold
actor tokens, ids and content hashes, never free text, so erasing a participant's words
leaves the trail intact. Each event's hash covers the previous one; `verify` recomputes
the chain. Facilitator views poll `since(last_id)` for their live feed.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.store.models import ChainHead, Event, utcnow

GENESIS = "0" * 64


def digest(*parts: object) -> str:
    """A SHA-256 of content, so events can prove what changed without holding it."""
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode()).hexdigest()


def as_utc(at: datetime) -> datetime:
    """SQLite hands datetimes back naive, PostgreSQL in the server's zone: compare in UTC."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _event_hash(prev: str, at: datetime, fields: dict[str, object]) -> str:
    body = json.dumps({"prev": prev, "at": as_utc(at).isoformat(), **fields}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    db: Session,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    actor: Actor,
    group_id: int | None = None,
    session_id: int | None = None,
    content: str | None = None,
) -> Event:
    """Append one event in the caller's transaction, locking the chain head first."""
    head = db.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update()).scalar_one()
    at = utcnow().replace(microsecond=0)
    fields: dict[str, object] = {
        "actor": actor.token,
        "role": actor.role.value,
        "group_id": group_id,
        "session_id": session_id,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "digest": digest(content) if content is not None else None,
    }
    new_hash = _event_hash(head.last_hash, at, fields)
    ev = Event(at=at, prev_hash=head.last_hash, hash=new_hash, **fields)
    db.add(ev)
    head.last_hash = new_hash
    db.flush()
    return ev


def since(
    after_id: int,
    *,
    session_id: int | None = None,
    actor: Actor,
    url: str | None = None,
    limit: int = 500,
) -> list[Event]:
    """Events after `after_id`, oldest first: the live feed's poll.

    Everyone but admin sees only the events of groups they may read: even ids and
    timings say who was active where.
    """
    query = select(Event).where(Event.id > after_id).order_by(Event.id).limit(limit)
    if session_id is not None:
        query = query.where(Event.session_id == session_id)
    if not actor.can_read_everything():
        query = query.where(Event.group_id.in_([g for g in actor.groups if actor.can_read(g)]))
    with store.reading(url) as db:
        return list(db.scalars(query))


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    first_bad_id: int | None = None


def verify(url: str | None = None) -> ChainCheck:
    """Recompute the hash chain from the first event; report the first one that does not fit."""
    prev = GENESIS
    count = 0
    with store.reading(url) as db:
        for ev in db.scalars(select(Event).order_by(Event.id)).yield_per(1000):
            fields = {
                name: getattr(ev, name)
                for name in (
                    "actor",
                    "role",
                    "group_id",
                    "session_id",
                    "action",
                    "target_type",
                    "target_id",
                    "digest",
                )
            }
            at = as_utc(ev.at)
            if ev.prev_hash != prev or _event_hash(prev, at, fields) != ev.hash:
                return ChainCheck(False, count, ev.id)
            prev = ev.hash
            count += 1
        head = db.get(ChainHead, 1)
        if head is not None and head.last_hash != prev:
            return ChainCheck(False, count, None)
    return ChainCheck(True, count)
