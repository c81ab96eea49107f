"""The programme components of each session: the stored ones, or a suggestion when none are.

Review and export read components without writing anything (the review dashboard is
read-only), so a session whose facilitator never saved components gets a fresh
clustering suggestion, seeded from the candidate components, that is shown as
*suggested* and never persisted.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import templates
from codesign.store.models import Component, ComponentMember, Contribution


@dataclass(frozen=True)
class SessionComponent:
    """One component of one session, with the contribution ids it traces to."""

    key: str
    session_id: int
    label: str
    keywords: tuple[str, ...]
    seed_key: str | None
    members: tuple[int, ...]
    suggested: bool


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


@lru_cache(maxsize=64)
def suggested(
    session_id: int, contributions: tuple[tuple[int, str], ...]
) -> tuple[SessionComponent, ...]:
    """Cluster one session's (id, text) contributions, seeded from the candidate components.

    Cached on the exact contributions: clustering is deterministic, and a report, its
    charts and its exports ask for the same session's suggestion several times.
    """
    if not contributions:
        return ()
    from codesign.methods import clustering  # scikit-learn: only when a suggestion is needed

    seeds = templates.candidate_components()
    key_by_name = {seed["name"]: seed["key"] for seed in seeds}
    found = clustering.suggest_components(
        [text for _, text in contributions],
        seeds=[(seed["name"], seed["description"]) for seed in seeds],
    )
    return tuple(
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
    )


def for_sessions(db: Session, session_ids: Iterable[int]) -> list[SessionComponent]:
    """Stored components where a session has any, a suggestion for the other sessions."""
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
        result.extend(suggested(session_id, tuple((cid, text) for cid, text in texts)))
    return result
