"""Loading the synthetic demo workshop from `workshop_data/demo/workshop.json`.

The demo is marked synthetic in the data (every session's `synthetic` flag) and on
screen. Loading it twice changes nothing. Join codes are derived from each session's key
so the README and the browser tests can name them.
"""

import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import feedback, toolkit
from codesign.config import WORKSHOP_DATA
from codesign.people import groups, participants
from codesign.people.codes import join_code_from
from codesign.store import events
from codesign.store.models import Participant, Rating, ToolkitSection, Vote
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import contributions
from codesign.workshop.sessions import add_phases

DEMO_FILE = WORKSHOP_DATA / "demo" / "workshop.json"


def demo_code(key: str) -> str:
    """A stable join code for a demo session, drawn from the same alphabet as real ones."""
    return join_code_from(hashlib.sha256(f"codesign-demo:{key}".encode()).digest())


def _sessions(db: Session, data: dict[str, Any]) -> dict[str, WorkshopSession]:
    made = {}
    for raw in data["sessions"]:
        group = groups.resolve(db, raw["group"], create=False)
        s = WorkshopSession(
            group=group,
            code=demo_code(raw["key"]),
            title=raw["title"],
            template=raw["template"],
            held_on=date.fromisoformat(raw["date"]),
            synthetic=True,
        )
        add_phases(s, raw["template"])
        db.add(s)
        db.flush()
        s.current_phase = raw.get("current_phase", s.current_phase)
        kind = next((p.kind for p in s.phases if p.key == s.current_phase), None)
        s.voting_open = kind == "vote"
        events.record(
            db, "create", "session", s.id, group_id=group.id, session_id=s.id, actor=ADMIN
        )
        made[raw["key"]] = s
    return made


People = dict[str, Participant]
Sessions = dict[str, WorkshopSession]


def _participants(db: Session, data: dict[str, Any]) -> dict[str, Participant]:
    made = {}
    for raw in data["participants"]:
        group = groups.resolve(db, raw["group"], create=False)
        consent = raw["consent"]
        made[raw["pseudonym"]] = participants.add(
            db,
            group.id,
            consent=participants.ConsentChoice(
                "demo", consent["contribute"], consent["quote"], consent["contact"]
            ),
            pseudonym=raw["pseudonym"],
            role=raw["role"],
            organisation_type=raw.get("organisation_type"),
            language=raw["language"],
            source="imported",
            provenance="synthetic demo workshop",
            actor=ADMIN,
        )
    return made


def _contributions(
    db: Session, data: dict[str, Any], sessions: dict[str, WorkshopSession], people: People
) -> dict[str, int]:
    ids = {}
    for raw in data["contributions"]:
        draft = contributions.Draft(
            session_id=sessions[raw["session"]].id,
            participant_id=people[raw["participant"]].id,
            text=raw["text"],
            kind=raw["kind"],
            language=raw["language"],
            ref=raw["ref"],
            created_at=datetime.fromisoformat(raw["created_at"]),
            phase_key=raw["phase"],
            on_behalf=raw.get("entered_by_facilitator", False),
        )
        ids[raw["ref"]] = contributions.add(db, draft, actor=ADMIN).id
    return ids


def _votes(
    db: Session, data: dict[str, Any], sessions: Sessions, people: People, ids: dict[str, int]
) -> None:
    for raw in data["votes"]:
        s = sessions[raw["session"]]
        vote = Vote(
            session_id=s.id,
            participant_id=people[raw["participant"]].id,
            contribution_id=ids[raw["contribution"]],
            kind=raw["kind"],
            value=raw["value"],
        )
        db.add(vote)
        db.flush()
        events.record(
            db, "vote", "vote", vote.id, group_id=s.group_id, session_id=s.id, actor=ADMIN
        )


def _feedback(db: Session, data: dict[str, Any], sessions: Sessions, people: People) -> None:
    for raw in data["feedback"]:
        draft = feedback.FeedbackDraft(
            section_key=raw["section"],
            type=raw["type"],
            text=raw["text"],
            participant_id=people[raw["participant"]].id,
            session_id=sessions[raw["session"]].id,
            rating=raw.get("rating"),
            priority=raw.get("priority", "medium"),
            ref=raw.get("ref"),
            created_at=datetime.fromisoformat(raw["created_at"]) if raw.get("created_at") else None,
        )
        feedback.add(db, draft, actor=ADMIN)


def _ratings(db: Session, data: dict[str, Any], sessions: Sessions, people: People) -> None:
    section_ids = dict(db.execute(select(ToolkitSection.key, ToolkitSection.id)).all())
    for raw in data.get("ratings", []):
        db.add(
            Rating(
                session_id=sessions[raw["session"]].id,
                round=raw["round"],
                participant_id=people[raw["participant"]].id,
                section_id=section_ids[raw["section"]],
                relevance=raw.get("relevance"),
                clarity=raw.get("clarity"),
                actionability=raw.get("actionability"),
            )
        )


def _already_loaded(db: Session, data: dict[str, Any]) -> bool:
    first = demo_code(data["sessions"][0]["key"])
    return db.scalar(select(WorkshopSession.id).where(WorkshopSession.code == first)) is not None


def load(url: str | None = None, path: Path = DEMO_FILE) -> bool:
    """Load the demo workshop; returns False when it was already there (nothing changes)."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def apply(db: Session) -> bool:
        if _already_loaded(db, data):
            return False
        groups.seed(db)
        toolkit.seed(db, actor=ADMIN)
        sessions = _sessions(db, data)
        people = _participants(db, data)
        ids = _contributions(db, data, sessions, people)
        _votes(db, data, sessions, people, ids)
        _feedback(db, data, sessions, people)
        _ratings(db, data, sessions, people)
        for s in sessions.values():
            s.closed = next((p.kind for p in s.phases if p.key == s.current_phase), "") == "close"
        return True

    return bool(store.write(apply, url))


def ensure(url: str | None = None) -> bool:
    """A notebook's first cell: migrate, then load the demo and its Advisory Group history
    unless the database holds real (non-synthetic) sessions, so a fresh checkout runs and
    real data never gets synthetic data beside it. True when the demo is (now) there."""
    from codesign.demo import advisory as advisory_demo
    from codesign.store import migrations

    migrations.upgrade(url)
    real = select(WorkshopSession.id).where(WorkshopSession.synthetic.is_(False)).limit(1)
    with store.reading(url) as db:
        if db.scalar(real) is not None:
            return False
    load(url)
    advisory_demo.load(url)
    return True


def demo_sessions(path: Path = DEMO_FILE) -> list[dict[str, Any]]:
    """The demo's sessions with their join codes, for the README and tests."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [{**raw, "code": demo_code(raw["key"])} for raw in data["sessions"]]
