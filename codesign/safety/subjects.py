"""Data subjects: finding the participant a request names, and everything held about them.

A data protection officer receives requests that quote what the person knows: a
pseudonym from the form, a reference from an imported sheet, an id from an earlier
report, or the import key of someone imported ("polis:HKT479:5": source, session, their
id there). `identify` turns that into one participant id, refusing to guess when it
matches more than one person. `report` gathers a subject-access export: every row held
about the participant and the audit events about them (ids and times only), minus the
withdrawal code's hash, which is a credential rather than data about them.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import Conflict, NotFound
from codesign.people import groups
from codesign.store import events
from codesign.store.database import refuse_database_files
from codesign.store.models import (
    Base,
    Consent,
    Contribution,
    Event,
    FeedbackItem,
    FeedbackStatusChange,
    Group,
    Participant,
    Rating,
    Revision,
    Vote,
)

SECRET_COLUMNS = {"withdrawal_hash"}


@dataclass(frozen=True)
class Match:
    participant_id: int
    group: str
    matched_on: str


def _matches(db: Session, ident: str, group: str | None) -> list[Match]:
    wanted = ident.strip()
    found: dict[int, Match] = {}
    source, _, ref = wanted.rpartition(":")
    checks: list[tuple[str, Any]] = [
        ("pseudonym", func.lower(Participant.pseudonym) == wanted.lower()),
        ("ref", Participant.ref == wanted),
        ("import key", (Participant.import_source == source) & (Participant.ref == ref)),
    ]
    if wanted.isdigit():
        checks.append(("id", Participant.id == int(wanted)))
    for label, condition in checks:
        query = select(Participant.id, Group.slug).join(Group).where(condition)
        if group is not None:
            chosen = groups.find(db, group)
            query = query.where(Group.id == (chosen.id if chosen else -1))
        for pid, slug in db.execute(query):
            found.setdefault(pid, Match(pid, slug, label))
    return sorted(found.values(), key=lambda m: m.participant_id)


def identify(ident: str, *, group: str | None = None, url: str | None = None) -> int:
    """The one participant `ident` names (pseudonym, imported ref, import key or numeric id)."""
    with store.reading(url) as db:
        found = _matches(db, ident, group)
    if not found:
        raise NotFound(
            f"No participant matches {ident!r}. If they were erased before, "
            "nothing about them is left."
        )
    if len(found) > 1:
        listed = "; ".join(f"id {m.participant_id} ({m.group}, {m.matched_on})" for m in found)
        raise Conflict(
            f"{ident!r} matches {len(found)} participants: {listed}. "
            "Give --group, or use the numeric id."
        )
    return found[0].participant_id


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def as_dict(row: Base) -> dict[str, Any]:
    """A row's columns as JSON-ready values, without credentials."""
    columns = row.__table__.columns
    return {c.key: _plain(getattr(row, c.key)) for c in columns if c.key not in SECRET_COLUMNS}


def _rows(db: Session, model: Any, where: Any) -> list[dict[str, Any]]:
    return [as_dict(r) for r in db.scalars(select(model).where(where).order_by(model.id))]


def _their_events(
    db: Session, p: Participant, targets: dict[str, list[int]], sessions: set[int]
) -> list[dict[str, Any]]:
    """Events by or about them; for someone imported, the imports into their sessions,
    which record everything an import brought in as one event."""
    about = [Event.actor == f"participant:{p.id}"]
    about.append((Event.target_type == "participant") & (Event.target_id == p.id))
    for kind, ids in targets.items():
        about.append((Event.target_type == kind) & Event.target_id.in_(ids))
    if p.import_source:
        about.append((Event.action == "import") & Event.session_id.in_(sessions))
    return _rows(db, Event, or_(*about))


def _gather(db: Session, p: Participant) -> dict[str, Any]:
    contributions = _rows(db, Contribution, Contribution.participant_id == p.id)
    for c in contributions:
        c["revisions"] = _rows(db, Revision, Revision.contribution_id == c["id"])
    feedback = _rows(db, FeedbackItem, FeedbackItem.participant_id == p.id)
    for item in feedback:
        item["history"] = _rows(
            db, FeedbackStatusChange, FeedbackStatusChange.item_id == item["id"]
        )
    votes = _rows(db, Vote, Vote.participant_id == p.id)
    targets = {
        "contribution": [c["id"] for c in contributions],
        "feedback": [f["id"] for f in feedback],
        "vote": [v["id"] for v in votes],
    }
    return {
        "participant": {**as_dict(p), "group": p.group.slug},
        "consents": _rows(db, Consent, Consent.participant_id == p.id),
        "contributions": contributions,
        "votes": votes,
        "feedback": feedback,
        "ratings": _rows(db, Rating, Rating.participant_id == p.id),
        "events": _their_events(
            db, p, targets, {row["session_id"] for row in [*contributions, *votes]}
        ),
    }


def report(participant_id: int, url: str | None = None, *, actor: Actor) -> dict[str, Any]:
    """Everything held about one participant, as JSON-ready data."""
    with store.reading(url) as db:
        p = db.get(Participant, participant_id)
        if p is None:
            raise NotFound("No such participant.")
        actor.require(actor.can_read_subject(p.id, p.group_id), "see this participant's data")
        return _gather(db, p)


def export(participant_id: int, out: Path, url: str | None = None, *, actor: Actor) -> Path:
    """Write the subject-access report to `out` as JSON and log one `export` event."""
    refuse_database_files(out, url)
    held = report(participant_id, url, actor=actor)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(held, ensure_ascii=False, indent=2), encoding="utf-8")
    group_id = held["participant"]["group_id"]
    store.write(
        lambda db: events.record(
            db, "export", "participant", participant_id, group_id=group_id, actor=actor
        ),
        url,
    )
    return out
