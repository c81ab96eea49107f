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

from sqlalchemy import String, select, text, type_coerce
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import Invalid
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


HASHED = ("actor", "role", "group_id", "session_id", "action", "target_type", "target_id",
          "digest")  # fmt: skip
HASHED_COLUMNS = tuple(getattr(Event, name) for name in HASHED)
# The append-only triggers as each backend lists them, and a phrase their bodies must hold:
# a trigger dropped, disabled or replaced by one that does nothing is reported by `verify`.
TRIGGER_QUERIES = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'",
    "postgresql": "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
    " WHERE t.tgrelid = 'events'::regclass AND NOT t.tgisinternal AND t.tgenabled <> 'D'",
}
TRIGGERS = {
    "sqlite": {"events_no_update": "RAISE(ABORT", "events_no_delete": "RAISE(ABORT"},
    "postgresql": {"events_append_only": "RAISE EXCEPTION"},
}


@dataclass(frozen=True)
class Anchor:
    """The chain's head as `codesign audit anchor` prints it, to be kept outside the database.

    Only the holder of an anchor can tell a chain that was cut back, rewound and
    recomputed from an honest one: inside the database, every hash can be redone.
    """

    event_id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.event_id}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Anchor":
        number, _, value = text.strip().partition(":")
        if not number.isdigit() or len(value) != len(GENESIS):
            raise Invalid(f"{text!r} is not an anchor; `codesign audit anchor` prints one.")
        return cls(int(number), value.lower())


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    events: int
    first_bad_id: int | None = None
    problem: str = ""


def anchor(url: str | None = None) -> Anchor:
    """The last event's id and hash (event 0 and the genesis hash for an empty trail)."""
    with store.reading(url) as db:
        last = db.execute(select(Event.id, Event.hash).order_by(Event.id.desc()).limit(1)).first()
    return Anchor(last[0], last[1]) if last else Anchor(0, GENESIS)


def _missing_triggers(db: Session) -> list[str]:
    """The append-only triggers that are not in force, by name."""
    dialect = db.get_bind().dialect.name
    found = {name: body for name, body in db.execute(text(TRIGGER_QUERIES[dialect]))}
    return [
        name for name, phrase in TRIGGERS[dialect].items() if phrase not in (found.get(name) or "")
    ]


def _moment(value: datetime | str) -> datetime:
    """An event's time as stored: SQLite hands back text, which must be a timestamp."""
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(value))


def _walk(db: Session, pin: Anchor | None) -> ChainCheck:
    """Recompute the chain from the first event, checking the anchor's event on the way."""
    prev, count, pinned = GENESIS, 0, pin is None or pin.event_id == 0
    at = type_coerce(Event.at, String)  # SQLite's raw text, so a garbage value is reported
    query = select(Event.id, at, Event.prev_hash, Event.hash, *HASHED_COLUMNS).order_by(Event.id)
    rows = db.execute(query)
    for event_id, raw_at, prev_hash, event_hash, *values in rows.yield_per(1000):
        try:
            moment = _moment(raw_at)
        except (TypeError, ValueError):
            return ChainCheck(False, count, event_id, f"its time {raw_at!r} is not a timestamp")
        fields = dict(zip(HASHED, values, strict=True))
        if prev_hash != prev or _event_hash(prev, moment, fields) != event_hash:
            return ChainCheck(False, count, event_id, "it does not fit the chain")
        if pin is not None and event_id == pin.event_id:
            if event_hash != pin.hash:
                return ChainCheck(False, count, event_id, "it differs from the anchor")
            pinned = True
        prev = event_hash
        count += 1
    if not pinned:
        problem = f"event {pin.event_id if pin else 0} named by the anchor is missing"
        return ChainCheck(False, count, None, problem)
    head = db.get(ChainHead, 1)
    if head is not None and head.last_hash != prev:
        return ChainCheck(False, count, None, "the chain head does not match the last event")
    return ChainCheck(True, count)


def verify(url: str | None = None, pin: Anchor | None = None) -> ChainCheck:
    """Check the trail: its triggers are in force, and the hash chain holds from the first
    event to the head, through the anchor's event when one is given."""
    with store.reading(url) as db:
        missing = _missing_triggers(db)
        check = _walk(db, pin)
    if not missing:
        return check
    problems = [check.problem, f"append-only triggers missing: {', '.join(missing)}"]
    return ChainCheck(False, check.events, check.first_bad_id, "; ".join(filter(None, problems)))
