"""Importing a Pol.is conversation export into a session: statements and their votes, in bulk.

Each comment becomes a proposal (its comment-id kept as the contribution's `ref`, its
author as an imported participant) and each vote an agree / disagree / pass vote cast
at Pol.is's time, with the voter-id kept as the participant's `ref`. Imported people
are keyed by the import source and the session (`source_of`: "polis:HKT479"), so voter
5 of one conversation is never merged with voter 5 of another. They are recorded as
having consented outside codesign (on Pol.is), with the export as provenance.

The whole export is parsed and checked before anything is written, then stored in one
transaction with bulk inserts, so a malformed file changes nothing and 30,000 votes
take seconds rather than minutes. One `import` event records it, carrying the hash of
exactly what this import wrote (its `manifest`): the audit trail can prove what came in
without holding any of it, and the hash chain grows by one event per import instead of
one per vote. Importing the same export again adds nothing; a later export of the same
conversation adds what is new and updates changed votes. Someone erased since an
earlier import is not brought back, nor are their statements or votes.

A statement Pol.is's moderators took out arrives flagged `polis_moderated_out`, and any
statement safeguarding flags is held as well. Both wait for the facilitator in a review
of their own (`codesign.intake.polis_review`), because unlike a live disclosure they
were moderated once already, in Pol.is.
"""

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import Invalid
from codesign.intake import polis
from codesign.methods import languages
from codesign.people import participants
from codesign.store import events
from codesign.store.models import Contribution, Vote
from codesign.workshop import contributions, sessions

MODERATED_OUT = "polis_moderated_out"
CLIENT_PREFIX = "polis:"
SOURCE = "polis"
VOTES = Vote.metadata.tables["votes"]


@dataclass
class PolisReport:
    comments_added: int = 0
    comments_unchanged: int = 0
    votes_added: int = 0
    votes_changed: int = 0
    votes_unchanged: int = 0
    participants: set[int] = field(default_factory=set)
    participants_added: int = 0
    erased_left_out: int = 0  # people erased since an earlier import: not brought back
    held: int = 0  # statements added and held for the facilitator's review
    digest: str = ""  # the hash of what this import wrote, as its event carries it

    @property
    def summary(self) -> str:
        """What the import did, in one sentence the command line and the notebook both show."""
        return (
            f"Imported {self.comments_added} statements ({self.comments_unchanged} already"
            f" there) and {self.votes_added} votes ({self.votes_changed} changed,"
            f" {self.votes_unchanged} already there) from {len(self.participants)} participants."
        )

    def as_json(self) -> dict[str, object]:
        return {
            "comments_added": self.comments_added,
            "comments_unchanged": self.comments_unchanged,
            "votes_added": self.votes_added,
            "votes_changed": self.votes_changed,
            "votes_unchanged": self.votes_unchanged,
            "participants": len(self.participants),
            "participants_added": self.participants_added,
            "erased_left_out": self.erased_left_out,
            "held": self.held,
            "digest": self.digest,
        }


def source_of(session_code: str) -> str:
    """The import source of a session's Pol.is people: imported people are keyed by it."""
    return f"{SOURCE}:{session_code}"


def manifest(comments: list[polis.PolisComment], votes: list[polis.PolisVote]) -> str:
    """What an import wrote, one line per statement or vote, in a fixed order.

    Its hash is what the `import` event carries; anyone holding the export can rebuild
    the lines of a first import and check the hash.
    """
    lines = [
        f"statement {c.ref} by {c.author_ref} moderated {c.moderated} "
        f"sha256:{hashlib.sha256(c.text.strip().encode()).hexdigest()}"
        for c in comments
    ]
    lines += [
        f"vote {v.voter_ref} on {v.comment_ref} = {v.value} at {v.created_at.isoformat()}"
        for v in votes
    ]
    return "\n".join(sorted(lines))


def _checked(directory: Path) -> polis.PolisExport:
    """Parse both files and check that every vote is on a known comment."""
    if not directory.is_dir():
        raise Invalid(f"{directory} is not a folder holding comments.csv and votes.csv.")
    export = polis.read_export(directory)
    known = {c.ref for c in export.comments}
    stray = sorted({v.comment_ref for v in export.votes} - known)
    if stray:
        raise Invalid(f"votes.csv: comment-id {stray[0]} is not in comments.csv.")
    return dataclasses.replace(export, comments=[_cleaned(c) for c in export.comments])


def _cleaned(comment: polis.PolisComment) -> polis.PolisComment:
    """The comment with its text through the one intake rule (`contributions.clean`): a
    comment that breaks it (empty, over 2,000 characters, a direction override …) stops
    the import with its comment-id, so the team can fix the export and import it again."""
    try:
        return dataclasses.replace(comment, text=contributions.clean(comment.text))
    except Invalid as exc:
        raise Invalid(f"comments.csv: comment-id {comment.ref}: {exc.message}") from exc


def _provenance(directory: Path, actor: Actor) -> str:
    digest = hashlib.sha256()
    for name in ("comments.csv", "votes.csv"):
        digest.update((directory / name).read_bytes())
    return f"Pol.is export {directory.name} sha256:{digest.hexdigest()[:20]} by {actor.token}"[:200]


class _Import:
    """One import inside its transaction: who and what is already there, and what it adds."""

    def __init__(self, db: Session, actor: Actor, info: sessions.SessionInfo) -> None:
        self.db, self.actor, self.info = db, actor, info
        self.report = PolisReport()

    def run(self, export: polis.PolisExport, provenance: str) -> PolisReport:
        refs = {str(c.author_ref) for c in export.comments} | {
            str(v.voter_ref) for v in export.votes
        }
        people = participants.import_many(
            self.db, self.info.group_id, source_of(self.info.code), refs, provenance
        )
        self.report.erased_left_out = len(people.erased)
        self.report.participants_added = len(people.added)
        new_comments, statements = self._statements(export.comments, people.ids)
        new_votes = self._votes(export.votes, people.ids, statements)
        content = manifest(new_comments, new_votes)
        self.report.digest = events.digest(content)
        events.record(
            self.db, "import", "session", self.info.id,
            group_id=self.info.group_id, session_id=self.info.id, content=content, actor=self.actor,
        )  # fmt: skip
        return self.report

    def _statements(
        self, comments: list[polis.PolisComment], people: dict[str, int]
    ) -> tuple[list[polis.PolisComment], dict[int, int]]:
        """Add the comments not yet stored; every stored statement's id by comment-id."""
        stored = {
            int((client_id or "").removeprefix(CLIENT_PREFIX)): cid
            for cid, client_id in self.db.execute(
                select(Contribution.id, Contribution.client_id).where(
                    Contribution.session_id == self.info.id,
                    Contribution.client_id.like(f"{CLIENT_PREFIX}%"),
                )
            )
        }
        new = [c for c in comments if c.ref not in stored and str(c.author_ref) in people]
        self.report.comments_unchanged = sum(c.ref in stored for c in comments)
        added = contributions.add_many(
            self.db, [self._draft(c, people[str(c.author_ref)]) for c in new], actor=self.actor
        )
        self.report.comments_added = len(added)
        self.report.held = sum(c.needs_review for c in added)
        self.report.participants |= {people[str(c.author_ref)] for c in new}
        return new, stored | {c.ref: row.id for c, row in zip(new, added, strict=True)}

    def _draft(self, comment: polis.PolisComment, author: int) -> contributions.Draft:
        return contributions.Draft(
            session_id=self.info.id,
            participant_id=author,
            text=comment.text.strip(),
            kind="proposal",
            language=languages.detect(comment.text),
            client_id=f"{CLIENT_PREFIX}{comment.ref}",
            ref=str(comment.ref),
            created_at=comment.created_at,
            on_behalf=True,
            flags=(MODERATED_OUT,) if comment.moderated == -1 else (),
        )

    def _votes(
        self, votes: list[polis.PolisVote], people: dict[str, int], statements: dict[int, int]
    ) -> list[polis.PolisVote]:
        """Insert new votes and update changed ones in bulk; the votes written, for the manifest."""
        stored = {
            (pid, cid): (vid, value)
            for vid, pid, cid, value in self.db.execute(
                select(Vote.id, Vote.participant_id, Vote.contribution_id, Vote.value).where(
                    Vote.session_id == self.info.id, Vote.kind == "agree"
                )
            )
        }
        added, changed, written = [], [], []
        for v in votes:
            pid, cid = people.get(str(v.voter_ref)), statements.get(v.comment_ref)
            if pid is None or cid is None:  # the voter, or the statement's author, was erased
                continue
            self.report.participants.add(pid)
            found = stored.get((pid, cid))
            if found is not None and found[1] == v.value:
                self.report.votes_unchanged += 1
                continue
            row = {"value": v.value, "created_at": v.created_at}
            if found is None:
                added.append({"session_id": self.info.id, "participant_id": pid,
                              "contribution_id": cid, "kind": "agree", **row})  # fmt: skip
            else:
                changed.append({"id": found[0], **row})
            written.append(v)
        if added:
            self.db.execute(insert(VOTES), added)  # Core: no ORM bookkeeping per row
        if changed:
            self.db.execute(update(Vote), changed)
        self.report.votes_added, self.report.votes_changed = len(added), len(changed)
        return written


def import_polis(
    directory: Path, session_code: str, url: str | None = None, *, actor: Actor
) -> PolisReport:
    """Import `comments.csv` and `votes.csv` from a Pol.is export folder into a session."""
    info = sessions.open_by_code(session_code, url)
    export = _checked(directory)
    provenance = _provenance(directory, actor)

    def apply(db: Session) -> PolisReport:
        actor.require(actor.can_moderate(info.group_id), "import into this session")
        return _Import(db, actor, info).run(export, provenance)

    return store.write(apply, url)
