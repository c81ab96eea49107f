"""Erasure that really erases: a participant's withdrawal, and the retention clean-up.

Withdrawing removes everything a participant gave — contributions and their earlier
revisions, votes, feedback and its status history, ratings, consent records and the
participant row — in one transaction, and leaves one audit event (`erase`) that names
only the participant's id (and, for someone imported, the hash of their import key, so
importing the same export again does not bring them back). What was derived from their
words is recomputed: tallies are counted on the fly, items merged into an erased
contribution are re-pointed or un-merged, components left empty are deleted and
suggested keywords that may echo the erased words are cleared.

Deleting a row is not enough on its own: SQLite keeps old page images in its
write-ahead log. `secure_delete` (see `store`) zeroes deleted content in the file, and
`compact` checkpoints and truncates the log afterwards, so the text cannot be read back
from the file's bytes. On PostgreSQL the rows are vacuumed; backups and WAL archives
keep copies until they expire (docs/data-protection.md says how to handle them).
"""

import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, delete, exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from codesign import store
from codesign.access import Actor, participant
from codesign.errors import NotFound
from codesign.people import participants
from codesign.people.codes import withdrawal_hash
from codesign.store import database, events
from codesign.store.models import (
    Component,
    ComponentMember,
    Consent,
    Contribution,
    ContributionEmbedding,
    Event,
    FeedbackItem,
    FeedbackStatusChange,
    Participant,
    Rating,
    Revision,
    Vote,
)

ERASED_TABLES = (
    "contributions",
    "revisions",
    "votes",
    "component_members",
    "contribution_embeddings",
    "components",
    "theme_quotes",
    "feedback_items",
    "feedback_status_changes",
    "ratings",
    "consents",
    "participants",
)
CODE_NOT_FOUND = (
    "We found nothing held under that withdrawal code. "
    "If you withdrew before, everything was already deleted."
)
CHECKPOINT_TRIES = 20


@dataclass(frozen=True)
class ErasureReceipt:
    """Whom an erasure removed, what (counts only), and whether the file was compacted.

    `pseudonym` and `group` name the person the rows belonged to, read in the same
    transaction that deleted them, so the operator can check the receipt names the
    person the request was about; a repeated erasure names nobody new.
    """

    participant_id: int
    erased: bool
    removed: dict[str, int] = field(default_factory=dict)
    compacted: bool = False
    backups: tuple[str, ...] = ()
    pseudonym: str | None = None
    group: str | None = None

    @property
    def message(self) -> str:
        if not self.erased:
            return f"Participant {self.participant_id} was already erased; nothing to do."
        parts = ", ".join(f"{n} {what}" for what, n in sorted(self.removed.items()) if n)
        whom = f"participant {self.participant_id} ({self.pseudonym}, {self.group})"
        return f"Erased {whom}: {parts or 'no data held'}."

    def as_json(self) -> dict[str, object]:
        return {
            "participant_id": self.participant_id,
            "pseudonym": self.pseudonym,
            "group": self.group,
            "erased": self.erased,
            "removed": self.removed,
            "compacted": self.compacted,
            "backups": list(self.backups),
        }


def delete_rows(db: Session, statement: Delete) -> int:
    """Run a bulk delete and return how many rows it removed."""
    result = cast("CursorResult[Any]", db.execute(statement))
    return result.rowcount


def _surviving_target(db: Session, start: int | None, doomed: set[int]) -> int | None:
    """Follow a merge chain past contributions being erased to one that stays, if any."""
    target, seen = start, set()
    while target in doomed and target not in seen:
        seen.add(target)
        target = db.scalar(select(Contribution.merged_into_id).where(Contribution.id == target))
    return None if target in doomed else target


def _release_merged(db: Session, doomed: set[int], removed: Counter[str]) -> None:
    """Others' contributions merged into erased ones: re-point them, or un-merge them."""
    merged = db.scalars(
        select(Contribution).where(
            Contribution.merged_into_id.in_(doomed), Contribution.id.not_in(doomed)
        )
    )
    for c in merged:
        c.merged_into_id = _surviving_target(db, c.merged_into_id, doomed)
        if c.merged_into_id is None:
            c.status = "visible"
        removed["merged items released"] += 1
    db.flush()


def _tidy_components(db: Session, touched: set[int], removed: Counter[str]) -> None:
    """Delete components left empty; clear suggested keywords that may echo erased words."""
    for component in db.scalars(select(Component).where(Component.id.in_(touched))):
        has_members = db.scalar(
            select(exists().where(ComponentMember.component_id == component.id))
        )
        if not has_members:
            db.delete(component)
            removed["components"] += 1
        elif not component.edited:
            component.keywords = []
    db.flush()


def remove_contributions(db: Session, doomed: set[int], removed: Counter[str]) -> None:
    """Delete contributions with their revisions, votes on them, component places and vectors."""
    if not doomed:
        return
    _release_merged(db, doomed, removed)
    touched = set(
        db.scalars(
            select(ComponentMember.component_id).where(ComponentMember.contribution_id.in_(doomed))
        )
    )
    removed["revisions"] += delete_rows(
        db, delete(Revision).where(Revision.contribution_id.in_(doomed))
    )
    removed["votes"] += delete_rows(db, delete(Vote).where(Vote.contribution_id.in_(doomed)))
    delete_rows(db, delete(ComponentMember).where(ComponentMember.contribution_id.in_(doomed)))
    delete_rows(
        db,
        delete(ContributionEmbedding).where(ContributionEmbedding.contribution_id.in_(doomed)),
    )
    db.execute(update(Contribution).where(Contribution.id.in_(doomed)).values(merged_into_id=None))
    removed["contributions"] += delete_rows(
        db, delete(Contribution).where(Contribution.id.in_(doomed))
    )
    _tidy_components(db, touched, removed)


def remove_feedback(db: Session, where: ColumnElement[bool], removed: Counter[str]) -> None:
    """Delete feedback items matching `where`, with their status history."""
    doomed = set(db.scalars(select(FeedbackItem.id).where(where)))
    if not doomed:
        return
    removed["feedback status changes"] += delete_rows(
        db, delete(FeedbackStatusChange).where(FeedbackStatusChange.item_id.in_(doomed))
    )
    removed["feedback"] += delete_rows(db, delete(FeedbackItem).where(FeedbackItem.id.in_(doomed)))


def has_data(db: Session, participant_id: int) -> bool:
    """Whether anything a participant gave is still held (consent aside)."""
    return any(
        db.scalar(select(exists().where(column == participant_id)))
        for column in (
            Contribution.participant_id,
            Vote.participant_id,
            FeedbackItem.participant_id,
            Rating.participant_id,
        )
    )


def erase_rows(db: Session, p: Participant, removed: Counter[str], *, actor: Actor) -> None:
    """Remove everything about one participant inside the caller's transaction; log one event."""
    own = set(db.scalars(select(Contribution.id).where(Contribution.participant_id == p.id)))
    remove_contributions(db, own, removed)
    removed["votes"] += delete_rows(db, delete(Vote).where(Vote.participant_id == p.id))
    remove_feedback(db, FeedbackItem.participant_id == p.id, removed)
    removed["ratings"] += delete_rows(db, delete(Rating).where(Rating.participant_id == p.id))
    removed["consents"] += delete_rows(db, delete(Consent).where(Consent.participant_id == p.id))
    group_id, participant_id = p.group_id, p.id
    key = participants.import_key(p.import_source, p.ref or "") if p.import_source else None
    removed["participants"] += delete_rows(db, delete(Participant).where(Participant.id == p.id))
    events.record(  # an imported person's key, hashed, keeps a re-import from restoring them
        db, "erase", "participant", participant_id, group_id=group_id, content=key, actor=actor
    )


def _tombstone(db: Session, participant_id: int) -> bool:
    return bool(
        db.scalar(
            select(
                exists().where(
                    Event.action == "erase",
                    Event.target_type == "participant",
                    Event.target_id == participant_id,
                )
            )
        )
    )


def already_erased(participant_id: int, url: str | None = None) -> bool:
    """Whether an erasure tombstone names this id (so a repeated request is a no-op)."""
    with store.reading(url) as db:
        return _tombstone(db, participant_id)


def _checkpoint_sqlite(url: str | None) -> bool:
    """Copy the write-ahead log into the file and truncate it; False while readers block it."""
    for _ in range(CHECKPOINT_TRIES):
        raw = store.engine(url).raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _log, _done = cursor.fetchone() or (1, 0, 0)
        finally:
            raw.close()
        if busy == 0:
            return True
        time.sleep(0.1)
    return False


def _vacuum_postgres(url: str | None) -> bool:
    eng = store.engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.exec_driver_sql(f"VACUUM {', '.join(ERASED_TABLES)}")
    return True


def compact(url: str | None = None) -> bool:
    """Make deleted text unrecoverable from the database files, as far as the backend allows."""
    if store.is_sqlite(store.engine(url)):
        return _checkpoint_sqlite(url)
    return _vacuum_postgres(url)


def backups(url: str | None = None) -> tuple[str, ...]:
    """Copies `codesign init` made before migrations: they still hold whatever they held."""
    return tuple(str(p) for p in database.backup_files(url))


def _erase(participant_id: int, actor: Actor, url: str | None) -> ErasureReceipt:
    def apply(db: Session) -> ErasureReceipt:
        p = db.get(Participant, participant_id)
        if p is None:
            if _tombstone(db, participant_id):
                return ErasureReceipt(participant_id, erased=False)
            raise NotFound("No such participant.")
        removed: Counter[str] = Counter()
        pseudonym, group = p.pseudonym, p.group.slug
        erase_rows(db, p, removed, actor=actor)
        return ErasureReceipt(participant_id, True, dict(removed), pseudonym=pseudonym, group=group)

    receipt = store.write(apply, url)
    return replace(receipt, compacted=compact(url), backups=backups(url))


def erase_participant(
    participant_id: int, url: str | None = None, *, actor: Actor
) -> ErasureReceipt:
    """Erase one participant everywhere (admin only); a second call is a harmless no-op."""
    actor.require(actor.can_erase(), "erase participants")
    return _erase(participant_id, actor, url)


def erase_by_withdrawal_code(code: str, url: str | None = None) -> ErasureReceipt:
    """A participant's own withdrawal: the code given at consent is the authority."""
    with store.reading(url) as db:
        p = db.scalar(
            select(Participant).where(Participant.withdrawal_hash == withdrawal_hash(code))
        )
    if p is None:
        raise NotFound(CODE_NOT_FOUND)
    return _erase(p.id, participant(p.id, p.group_id), url)
