"""The programme components of each session: the stored ones, or a suggestion when none are,
and which of them across sessions are the same programme component.

Review and export read components without writing anything (the review dashboard is
read-only), so a session whose facilitator never saved components gets a fresh
clustering suggestion, seeded from the candidate components, that is shown as
*suggested* and never persisted; vectors missing from the cache are encoded, not stored.

Comparing the Co-Design Groups needs to know when two groups raised the same
component. A shared candidate-component seed says so; otherwise components of
different sessions whose members mean the same thing are joined
(`clustering.match_across` on the members' mean vectors), whatever language their
members were written in, so "specific to a group" is never an artefact of script.
Without the embedding engine only seeds join components.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import templates
from codesign.methods import clustering, embedding
from codesign.store.models import Component, ComponentMember, Contribution
from codesign.workshop import vectors


@dataclass(frozen=True)
class SessionComponent:
    """One component of one session, with the contribution ids it traces to.

    `programme_key` names the programme component it belongs to across sessions: its
    seed key, or "emerging-N" shared with the components it was matched to by meaning.
    """

    key: str
    session_id: int
    label: str
    keywords: tuple[str, ...]
    seed_key: str | None
    members: tuple[int, ...]
    suggested: bool
    programme_key: str = ""


def stored(db: Session, session_ids: Iterable[int]) -> list[SessionComponent]:
    """Components the facilitators saved, with their current members."""
    wanted = set(session_ids)
    found = db.scalars(
        select(Component).where(Component.session_id.in_(wanted)).order_by(Component.id)
    ).all()
    members: dict[int, list[int]] = {}
    for cid, component_id in db.execute(
        select(ComponentMember.contribution_id, ComponentMember.component_id).order_by(
            ComponentMember.contribution_id
        )
    ):
        members.setdefault(component_id, []).append(cid)
    return [
        SessionComponent(
            key=f"c{c.id}",
            session_id=c.session_id,
            label=c.label,
            keywords=tuple(c.keywords or ()),
            seed_key=c.seed_key,
            members=tuple(members.get(c.id, ())),
            suggested=False,
        )
        for c in found
    ]


def suggested(
    db: Session, session_id: int, contributions: Sequence[tuple[int, str]]
) -> list[SessionComponent]:
    """Cluster one session's (id, text) contributions, seeded from the candidate components."""
    if not contributions:
        return []
    items = [(cid, vectors.for_clustering(text)) for cid, text in contributions]
    method = clustering.method_for()
    seeds = templates.candidate_components()
    key_by_name = {seed["name"]: seed["key"] for seed in seeds}
    found = clustering.suggest_components(
        [text for _, text in items],
        seeds=[(seed["name"], seed["description"]) for seed in seeds],
        method=method,
        vectors=vectors.read_only(db, items) if method == "multilingual" else None,
    )
    return [
        SessionComponent(
            key=f"s{session_id}-{number}",
            session_id=session_id,
            label=component.label,
            keywords=tuple(component.keywords),
            seed_key=key_by_name.get(component.seed or ""),
            members=tuple(contributions[i][0] for i in component.members),
            suggested=True,
        )
        for number, component in enumerate(found, start=1)
    ]


def for_sessions(db: Session, session_ids: Iterable[int]) -> list[SessionComponent]:
    """Stored components where a session has any, a suggestion for the other sessions,
    each with its programme key."""
    wanted = sorted(set(session_ids))
    saved = stored(db, wanted)
    have = {c.session_id for c in saved}
    result = list(saved)
    for session_id in wanted:
        if session_id in have:
            continue
        texts = db.execute(
            select(Contribution.id, Contribution.text)
            .where(Contribution.session_id == session_id, Contribution.status == "visible")
            .order_by(Contribution.id)
        ).all()
        result.extend(suggested(db, session_id, [(cid, text) for cid, text in texts]))
    return _with_programme_keys(db, result)


def _seed_groups(found: list[SessionComponent]) -> list[int]:
    """A group number per component: components sharing a seed key share one."""
    first: dict[str, int] = {}
    return [first.setdefault(c.seed_key, i) if c.seed_key else i for i, c in enumerate(found)]


def _centroids(db: Session, found: list[SessionComponent]) -> np.ndarray:
    """Each component's mean member vector, without the direction all vectors share."""
    ids = sorted({cid for c in found for cid in c.members})
    query = select(Contribution.id, Contribution.text).where(Contribution.id.in_(ids))
    texts = {cid: text for cid, text in db.execute(query)}
    items = [(cid, vectors.for_clustering(texts[cid])) for cid in ids if cid in texts]
    rows = clustering.aligned(vectors.read_only(db, items), [text for _, text in items])
    points = embedding.centred(rows) if len(rows) else rows
    row_of = {cid: i for i, (cid, _) in enumerate(items)}

    def mean_of(members: tuple[int, ...]) -> np.ndarray:
        known = [row_of[m] for m in members if m in row_of]
        return points[known].mean(axis=0) if known else np.zeros(embedding.DIMENSIONS)

    return np.stack([mean_of(c.members) for c in found])


def _with_programme_keys(db: Session, found: list[SessionComponent]) -> list[SessionComponent]:
    groups = _seed_groups(found)
    if len(found) > 1 and clustering.method_for() == "multilingual":
        sessions = [c.session_id for c in found]
        groups = clustering.match_across(_centroids(db, found), sessions, groups)
    names: dict[int, str] = {}
    for c, group in zip(found, groups, strict=True):
        if c.seed_key:
            names[group] = c.seed_key
    for group in groups:
        names.setdefault(group, f"emerging-{len(names) + 1}")
    return [replace(c, programme_key=names[g]) for c, g in zip(found, groups, strict=True)]
