"""The demo's Advisory Group history between review rounds, from
`workshop_data/demo/advisory.json`: the sections redrafted after round 1 and the decisions
on round-1 feedback, so the tracker and the "you said, we did" report have something to show.

Loaded after `codesign.demo.workshop.load` (see `codesign.demo.workshop.ensure`). Redrafts
are written as find-and-replace pairs on the previous text, so the JSON stays short and
each change is easy to review. Round-2 comments that arrived after a redraft are
re-pointed at it: they were given on the redrafted text. Loading twice changes nothing.
"""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor, Role
from codesign.advisory import lifecycle, toolkit
from codesign.config import WORKSHOP_DATA
from codesign.errors import Invalid, NotFound
from codesign.people import groups
from codesign.store.models import FeedbackItem

ADVISORY_FILE = WORKSHOP_DATA / "demo" / "advisory.json"


def redraft(text: str, replacements: list[list[str]]) -> str:
    """Apply find-and-replace pairs in order; each `find` must occur in the text."""
    for old, new in replacements:
        if old not in text:
            raise Invalid(f"Demo redraft: {old[:50]!r} is not in the section's text.")
        text = text.replace(old, new, 1)
    return text


def _versions(db: Session, lead: Actor, data: dict[str, Any]) -> None:
    for raw in data["versions"]:
        before = toolkit.current(db, raw["section"])
        section = toolkit.section_by_key(db, raw["section"])
        after = toolkit.add_version(db, section, redraft(before.text, raw["replace"]), actor=lead)
        after.created_at = datetime.fromisoformat(raw["created_at"])
        db.execute(
            update(FeedbackItem)
            .where(
                FeedbackItem.section_version_id == before.id,
                FeedbackItem.created_at > after.created_at,
            )
            .values(section_version_id=after.id)
        )


def _item(db: Session, ref: str) -> FeedbackItem:
    found = db.scalar(select(FeedbackItem).where(FeedbackItem.ref == ref))
    if found is None:
        raise NotFound(f"Demo decisions: no feedback item {ref!r}; load the demo first.")
    return found


def _moves(db: Session, lead: Actor, data: dict[str, Any]) -> None:
    for raw in data["moves"]:
        item = _item(db, raw["ref"])
        change = lifecycle.move(db, item.id, "under_review", actor=lead)
        change.created_at = datetime.fromisoformat(raw["reviewed"])
        if "to" in raw:
            version_id = (
                lifecycle.version_id(db, item.id, raw["version"]) if "version" in raw else None
            )
            change = lifecycle.move(
                db, item.id, raw["to"], raw["rationale"], version_id, actor=lead
            )
            change.created_at = datetime.fromisoformat(raw["decided"])


def load(url: str | None = None, path: Path = ADVISORY_FILE) -> bool:
    """Add the redrafts and decisions; returns False when they were already there."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def apply(db: Session) -> bool:
        if _item(db, data["moves"][0]["ref"]).status != "new":
            return False
        advisory = groups.find(db, "advisory")
        lead = Actor(
            Role.ADVISORY_LEAD, frozenset({advisory.id} if advisory else ()), name=data["lead"]
        )
        _versions(db, lead, data)
        _moves(db, lead, data)
        return True

    return bool(store.write(apply, url))
