"""Every table an export or the review holds, built around the contribution rows.

The contributions table *is* `rows.read_contribution_rows(db, scope)`, so whatever that module
does for de-identification and withdrawal (salted ids, redacted text, erased rows gone)
every other table inherits: their ids are mapped through the same rows, a participant
who only voted gets a salted hash from the same per-export salt, and free text derived
from contributions (component labels and keywords, quotes) is redacted too.

Scope of a session: its contributions, the votes on them (a prioritising session's votes
therefore appear under the session whose proposals they rate), and the people behind
either. Scope of the programme: every session and participant the actor may export.
"""

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign.analysis.rows import CONTRIBUTION_COLUMNS, Scope, read_contribution_rows, salted
from codesign.safety import redact
from codesign.store.models import Consent, Contribution, Group, Participant, Vote
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import session_components

Row = dict[str, Any]
Tables = dict[str, list[Row]]
COLUMNS: dict[str, tuple[str, ...]] = {
    "contributions": CONTRIBUTION_COLUMNS,
    "sessions": ("session_code", "title", "group", "template", "held_on", "current_phase",
                 "closed", "synthetic"),
    "participants": ("participant", "group", "role", "organisation_type", "language",
                     "may_quote"),
    "votes": ("session_code", "contribution", "participant", "group", "role", "kind", "value"),
    "components": ("component", "session_code", "group", "label", "keywords", "seed_key",
                   "programme_key", "suggested", "size"),
    "component_members": ("component", "contribution"),
    "themes": ("superordinate", "subordinate", "keywords", "issues", "components"),
    "quotes": ("superordinate", "subordinate", "contribution", "text"),
}  # fmt: skip
TABLES = tuple(COLUMNS)


def scope_title(scope: Scope, tables: Tables) -> str:
    """What an export is of, for its title: the session's title, or the whole programme."""
    sessions = tables["sessions"]
    return str(sessions[0]["title"]) if scope.session_id and sessions else "Whole programme"


def columns(name: str, rows: list[Row]) -> tuple[str, ...]:
    """A table's header: its rows' own keys in order, or the known columns when empty."""
    return tuple(rows[0]) if rows else COLUMNS[name]


@dataclass
class Identities:
    """How real ids appear in this export: as they are, or hashed with the export's salt.

    The hashes are `rows.salted` with the same salt and keys as the contribution rows, so
    a participant who only voted gets the id they would have had as an author.
    """

    deidentified: bool
    salt: str
    slugs: dict[int, str]
    contributions: dict[int, Any] = field(default_factory=dict)
    participants: dict[int, Any] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)
    owners: dict[int, int] = field(default_factory=dict)

    def contribution(self, cid: int) -> Any:
        if cid in self.contributions:
            return self.contributions[cid]
        return salted(self.salt, "contribution", cid) if self.deidentified else cid

    def participant(self, p: Participant) -> Any:
        if p.id in self.participants:
            return self.participants[p.id]
        name = f"{self.slugs[p.group_id]}/{p.pseudonym}"
        return salted(self.salt, "participant", name) if self.deidentified else p.pseudonym

    def session(self, code: str) -> str:
        """A session's code (and, de-identified, its title): the hash the rows carry."""
        return salted(self.salt, "session", code) if self.deidentified else code

    def component(self, key: str) -> str:
        """A component's key, which names database ids (`c17`, `s3-2`) unless hashed."""
        return salted(self.salt, "component", key) if self.deidentified else key

    def free_text(self, text: str) -> str:
        return redact.redact(text) if self.deidentified else text


def _contributions(db: Session, scope: Scope, ids: Identities) -> list[Row]:
    """The contract rows, and the real → exported mapping read off them pairwise."""
    shown = read_contribution_rows(db, scope)
    raw = (
        read_contribution_rows(db, replace(scope, deidentified=False))
        if scope.deidentified
        else shown
    )
    if len(raw) != len(shown):
        raise RuntimeError("de-identified contribution rows do not pair with the originals")
    owners = dict(db.execute(select(Contribution.id, Contribution.participant_id)).all())
    for real, out in zip(raw, shown, strict=True):
        ids.contributions[real["id"]] = out.get("id", real["id"])
        ids.texts[real["id"]] = out.get("text") or ""
        owner = owners.get(real["id"])
        if owner is not None:
            ids.owners[real["id"]] = owner
            if out.get("participant") is not None:
                ids.participants[owner] = out["participant"]
    return shown


def _sessions(db: Session, scope: Scope) -> list[WorkshopSession]:
    query = select(WorkshopSession).order_by(WorkshopSession.id)
    if scope.session_id is not None:
        query = query.where(WorkshopSession.id == scope.session_id)
    return [s for s in db.scalars(query) if scope.actor.can_export(s.group_id)]


def _session_rows(
    found: list[WorkshopSession], slugs: dict[int, str], ids: Identities
) -> list[Row]:
    return [
        {
            "session_code": ids.session(s.code),
            "title": ids.session(s.code) if ids.deidentified else s.title,
            "group": slugs[s.group_id],
            "template": s.template,
            "held_on": s.held_on.isoformat() if s.held_on else None,
            "current_phase": s.current_phase,
            "closed": s.closed,
            "synthetic": s.synthetic,
        }
        for s in found
    ]


def _votes(db: Session, contribution_ids: set[int]) -> list[tuple[Vote, str]]:
    query = (
        select(Vote, WorkshopSession.code)
        .join(WorkshopSession, Vote.session_id == WorkshopSession.id)
        .where(Vote.contribution_id.in_(contribution_ids))
        .order_by(Vote.id)
    )
    return [(vote, code) for vote, code in db.execute(query).all()]


def _people(
    db: Session, scope: Scope, sessions: list[WorkshopSession], active: set[int]
) -> list[Participant]:
    query = select(Participant).order_by(Participant.id)
    if scope.session_id is not None:
        query = query.where(Participant.id.in_(active))
    else:
        query = query.where(Participant.group_id.in_({s.group_id for s in sessions}))
    return list(db.scalars(query))


def may_quote(db: Session, participant_ids: set[int]) -> dict[int, bool]:
    """Each participant's *latest* consent to be quoted (no record: no)."""
    latest: dict[int, bool] = {}
    query = select(Consent.participant_id, Consent.quote).order_by(Consent.id)
    for pid, quote in db.execute(query.where(Consent.participant_id.in_(participant_ids))):
        latest[pid] = bool(quote)
    return latest


def _participant_rows(
    people: list[Participant], slugs: dict[int, str], ids: Identities, quote: dict[int, bool]
) -> list[Row]:
    return [
        {
            "participant": ids.participant(p),
            "group": slugs[p.group_id],
            "role": p.role,
            "organisation_type": p.organisation_type,
            "language": p.language,
            "may_quote": quote.get(p.id, False),
        }
        for p in people
    ]


def _vote_rows(
    votes: list[tuple[Vote, str]],
    people: dict[int, Participant],
    slugs: dict[int, str],
    ids: Identities,
) -> list[Row]:
    return [
        {
            "session_code": ids.session(code),
            "contribution": ids.contribution(v.contribution_id),
            "participant": ids.participant(people[v.participant_id]),
            "group": slugs[people[v.participant_id].group_id],
            "role": people[v.participant_id].role,
            "kind": v.kind,
            "value": v.value,
        }
        for v, code in votes
    ]


def _component_rows(
    db: Session, found: list[WorkshopSession], slugs: dict[int, str], ids: Identities
) -> tuple[list[Row], list[Row]]:
    by_id = {s.id: s for s in found}
    components: list[Row] = []
    members: list[Row] = []
    for c in session_components.for_sessions(db, by_id):
        kept = [cid for cid in c.members if cid in ids.contributions]
        components.append(
            {
                "component": ids.component(c.key),
                "session_code": ids.session(by_id[c.session_id].code),
                "group": slugs[by_id[c.session_id].group_id],
                "label": ids.free_text(c.label),
                "keywords": "; ".join(ids.free_text(word) for word in c.keywords),
                "seed_key": c.seed_key,
                "programme_key": c.programme_key,
                "suggested": c.suggested,
                "size": len(kept),
            }
        )
        members.extend(
            {"component": ids.component(c.key), "contribution": ids.contribution(cid)}
            for cid in kept
        )
    return components, members


def records(db: Session, scope: Scope) -> tuple[Tables, Identities]:
    """The tables read for `scope` inside the caller's read transaction, and how their ids
    appear. Themes and quotes are added on top by `readmodel.build`, which is what callers use.
    """
    slugs = dict(db.execute(select(Group.id, Group.slug)).all())
    ids = Identities(scope.deidentified, scope.salt, slugs)
    contributions = _contributions(db, scope, ids)
    found = _sessions(db, scope)
    votes = _votes(db, set(ids.contributions))
    active = {v.participant_id for v, _ in votes} | set(ids.owners.values())
    people = _people(db, scope, found, active)
    by_id = {p.id: p for p in people}
    votes = [(v, code) for v, code in votes if v.participant_id in by_id]
    components, members = _component_rows(db, found, slugs, ids)
    tables: Tables = {
        "contributions": contributions,
        "sessions": _session_rows(found, slugs, ids),
        "participants": _participant_rows(people, slugs, ids, may_quote(db, set(by_id))),
        "votes": _vote_rows(votes, by_id, slugs, ids),
        "components": components,
        "component_members": members,
    }
    return tables, ids
