"""Importing a Pol.is conversation export into a session: statements and their votes.

Each comment becomes a proposal (its comment-id kept as the contribution's `ref`, its
author as an imported participant) and each vote an agree / disagree / pass vote, with
the voter-id kept as the participant's `ref`. The participants are recorded as having
consented outside codesign (on Pol.is), with the export as provenance.

The whole export is parsed and checked before anything is written, then stored in one
transaction, so a malformed file changes nothing. Importing the same export again adds
nothing; a later export of the same conversation adds what is new and updates changed
votes. A statement that Pol.is's moderators took out is imported flagged
`polis_moderated_out` and kept off shared views and results until a facilitator has
reviewed it — the tool flags, people decide.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN, Actor
from codesign.errors import Invalid
from codesign.intake import polis
from codesign.methods import languages
from codesign.people import participants
from codesign.store import events
from codesign.store.models import Contribution, Vote
from codesign.workshop import contributions, sessions

MODERATED_OUT = "polis_moderated_out"
CLIENT_PREFIX = "polis:"


@dataclass
class PolisReport:
    comments_added: int = 0
    comments_unchanged: int = 0
    votes_added: int = 0
    votes_changed: int = 0
    votes_unchanged: int = 0
    participants: set[int] = field(default_factory=set)

    def as_json(self) -> dict[str, int]:
        return {
            "comments_added": self.comments_added,
            "comments_unchanged": self.comments_unchanged,
            "votes_added": self.votes_added,
            "votes_changed": self.votes_changed,
            "votes_unchanged": self.votes_unchanged,
            "participants": len(self.participants),
        }


def _checked(directory: Path) -> polis.PolisExport:
    """Parse both files and check that every vote is on a known comment."""
    if not directory.is_dir():
        raise Invalid(f"{directory} is not a folder holding comments.csv and votes.csv.")
    export = polis.read_export(directory)
    known = {c.ref for c in export.comments}
    stray = sorted({v.comment_ref for v in export.votes} - known)
    if stray:
        raise Invalid(f"votes.csv: comment-id {stray[0]} is not in comments.csv.")
    empty = next((c.ref for c in export.comments if not c.text.strip()), None)
    if empty is not None:
        raise Invalid(f"comments.csv: comment-id {empty} has no text.")
    return export


def _provenance(directory: Path, actor: Actor) -> str:
    digest = hashlib.sha256()
    for name in ("comments.csv", "votes.csv"):
        digest.update((directory / name).read_bytes())
    return f"Pol.is export {directory.name} sha256:{digest.hexdigest()[:20]} by {actor.token}"[:200]


class _Importer:
    """One import's state inside its transaction: participants and statements by Pol.is id."""

    def __init__(self, db: Session, actor: Actor, info: sessions.SessionInfo, provenance: str):
        self.db, self.actor, self.info, self.provenance = db, actor, info, provenance
        self.people: dict[int, int] = {}
        self.report = PolisReport()
        self.statements = {
            (client_id or "").removeprefix(CLIENT_PREFIX): cid
            for cid, client_id in db.execute(
                select(Contribution.id, Contribution.client_id).where(
                    Contribution.session_id == info.id,
                    Contribution.client_id.like(f"{CLIENT_PREFIX}%"),
                )
            )
        }

    def person(self, ref: int) -> int:
        if ref not in self.people:
            p = participants.find_or_import(
                self.db, self.actor, self.info.group_id, str(ref), self.provenance
            )
            self.people[ref] = p.id
        self.report.participants.add(self.people[ref])
        return self.people[ref]

    def comment(self, comment: polis.PolisComment) -> None:
        if str(comment.ref) in self.statements:
            self.report.comments_unchanged += 1
            return
        draft = contributions.Draft(
            session_id=self.info.id,
            participant_id=self.person(comment.author_ref),
            text=comment.text.strip(),
            kind="proposal",
            language=languages.detect(comment.text),
            client_id=f"{CLIENT_PREFIX}{comment.ref}",
            ref=str(comment.ref),
            created_at=comment.created_at,
            on_behalf=True,
        )
        c = contributions.add(self.db, self.actor, draft)
        if comment.moderated == -1:
            c.flags = [*c.flags, MODERATED_OUT]
            c.needs_review = True
        self.statements[str(comment.ref)] = c.id
        self.report.comments_added += 1

    def votes(self, votes: list[polis.PolisVote]) -> None:
        existing = {
            (v.participant_id, v.contribution_id): v
            for v in self.db.scalars(
                select(Vote).where(Vote.session_id == self.info.id, Vote.kind == "agree")
            )
        }
        for pv in votes:
            key = (self.person(pv.voter_ref), self.statements[str(pv.comment_ref)])
            found = existing.get(key)
            if found is not None and found.value == pv.value:
                self.report.votes_unchanged += 1
                continue
            if found is None:
                found = Vote(session_id=self.info.id, participant_id=key[0],
                             contribution_id=key[1], kind="agree", value=pv.value)  # fmt: skip
                self.db.add(found)
                self.report.votes_added += 1
            else:
                found.value = pv.value
                self.report.votes_changed += 1
            self.db.flush()
            events.record(
                self.db, self.actor, "vote", "vote", found.id, group_id=self.info.group_id,
                session_id=self.info.id,
            )  # fmt: skip


def import_polis(
    directory: Path, session_code: str, actor: Actor = ADMIN, url: str | None = None
) -> PolisReport:
    """Import `comments.csv` and `votes.csv` from a Pol.is export folder into a session."""
    info = sessions.open_by_code(session_code, url)
    export = _checked(directory)
    provenance = _provenance(directory, actor)

    def apply(db: Session) -> PolisReport:
        actor.require(actor.can_moderate(info.group_id), "import into this session")
        importer = _Importer(db, actor, info, provenance)
        for comment in export.comments:
            importer.comment(comment)
        importer.votes(export.votes)
        return importer.report

    return store.write(apply, url)
