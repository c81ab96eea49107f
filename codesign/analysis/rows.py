"""The rows every export is built from: one per contribution, with its context and votes.

The CSV column order is a contract other tools rely on; add columns at the end only.
A de-identified export keeps the same columns: ids, pseudonyms and session codes become
hashes salted afresh for each export (so two exports cannot be joined on them), session
titles are replaced by that hash, imported references (the contribution's and the
participant's) are dropped and free text has identifying details redacted
(`codesign.safety.redact`).
"""

import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.safety import redact
from codesign.store.models import Component, ComponentMember, Contribution, Group, Participant, Vote
from codesign.store.models import Session as WorkshopSession

CONTRIBUTION_COLUMNS = (
    "id",
    "ref",
    "session_code",
    "session_title",
    "group",
    "phase",
    "prompt",
    "kind",
    "text",
    "language",
    "status",
    "merged_into",
    "participant",
    "participant_ref",
    "role",
    "entered_by_facilitator",
    "needs_review",
    "created_at",
    "component",
    "dots",
    "agree",
    "disagree",
    "pass",
)


VOTE_WORDS = {1: "agree", -1: "disagree", 0: "pass"}


@dataclass(frozen=True)
class Scope:
    """What an export covers: one session, or every session the actor may export.

    `encoding` is for the CSV files only: UTF-8 with a byte-order mark by default, which
    Excel needs to read Urdu or Bengali correctly; plain `utf-8` for pandas and R, which
    would otherwise keep the mark as part of the first column's name.
    """

    session_id: int | None
    actor: Actor
    url: str | None = None
    deidentified: bool = False
    salt: str = field(default_factory=lambda: secrets.token_hex(16))
    encoding: str = "utf-8-sig"


FREE_TEXT_COLUMNS = ("prompt", "text", "component")


def salted(salt: str, kind: str, value: object) -> str:
    """A per-export pseudonym for an id: stable within one export, unlinkable across them."""
    digest = hashlib.sha256(f"{salt}:{kind}:{value}".encode()).hexdigest()
    return f"{kind[0]}-{digest[:12]}"


def deidentify(row: dict[str, Any], salt: str) -> dict[str, Any]:
    """One contribution row with identifying columns hashed or dropped and text redacted."""
    out = dict(row)
    out["id"] = salted(salt, "contribution", row["id"])
    if row["merged_into"] is not None:
        out["merged_into"] = salted(salt, "contribution", row["merged_into"])
    if row["participant"] is not None:
        out["participant"] = salted(salt, "participant", f"{row['group']}/{row['participant']}")
    out["ref"] = out["participant_ref"] = None
    out["session_code"] = out["session_title"] = salted(salt, "session", row["session_code"])
    for column in FREE_TEXT_COLUMNS:
        if out[column]:
            out[column] = redact.redact(out[column])
    return out


def _vote_counts(db: Any, contribution_ids: set[int]) -> Counter[tuple[int, str]]:
    counts: Counter[tuple[int, str]] = Counter()
    query = select(Vote.contribution_id, Vote.kind, Vote.value)
    for cid, kind, value in db.execute(query):
        if cid not in contribution_ids:
            continue
        if kind == "dot":
            counts[(cid, "dots")] += value
        else:
            counts[(cid, VOTE_WORDS[value])] += 1
    return counts


def contribution_rows(scope: Scope) -> list[dict[str, Any]]:
    """One dict per contribution in scope, ordered by id, columns as CONTRIBUTION_COLUMNS."""
    with store.reading(scope.url) as db:
        return read_contribution_rows(db, scope)


def read_contribution_rows(db: Session, scope: Scope) -> list[dict[str, Any]]:
    """The same rows, read inside the caller's read transaction (`readmodel.build`)."""
    query = (
        select(Contribution, WorkshopSession, Group, Participant)
        .join(WorkshopSession, Contribution.session_id == WorkshopSession.id)
        .join(Group, WorkshopSession.group_id == Group.id)
        .outerjoin(Participant, Contribution.participant_id == Participant.id)
        .order_by(Contribution.id)
    )
    if scope.session_id is not None:
        query = query.where(Contribution.session_id == scope.session_id)
    found = [r for r in db.execute(query).all() if scope.actor.can_export(r[2].id)]
    labels = dict(
        db.execute(
            select(ComponentMember.contribution_id, Component.label).join(
                Component, ComponentMember.component_id == Component.id
            )
        ).all()
    )
    votes = _vote_counts(db, {c.id for c, *_ in found})
    rows = [
        {
            "id": c.id,
            "ref": c.ref,
            "session_code": s.code,
            "session_title": s.title,
            "group": g.slug,
            "phase": c.phase_key,
            "prompt": c.prompt,
            "kind": c.kind,
            "text": c.text,
            "language": c.language,
            "status": c.status,
            "merged_into": c.merged_into_id,
            "participant": p.pseudonym if p else None,
            "participant_ref": p.ref if p else None,
            "role": p.role if p else None,
            "entered_by_facilitator": c.entered_by_facilitator,
            "needs_review": c.needs_review,
            "created_at": c.created_at.isoformat(),
            "component": labels.get(c.id),
            "dots": votes[(c.id, "dots")],
            "agree": votes[(c.id, "agree")],
            "disagree": votes[(c.id, "disagree")],
            "pass": votes[(c.id, "pass")],
        }
        for c, s, g, p in found
    ]
    return [deidentify(row, scope.salt) for row in rows] if scope.deidentified else rows
