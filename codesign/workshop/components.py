"""Programme components in the database: clustering a session's contributions, and the
facilitator's edits to the result.

`cluster` runs `clustering.suggest_components` over every visible contribution of the
session (imported ones included) and stores one `Component` per group with a
`ComponentMember` row per contribution, so every component traces to its contributions
and every clustered contribution sits in exactly one component.

The facilitator's judgement outranks the algorithm. Moving, merging, splitting and
renaming mark the components involved `edited` and pin the memberships they set.
Re-clustering keeps edited components (and their labels) and pinned memberships as they
are; it re-assigns only unpinned contributions, offering each edited component to the
algorithm as a seed (its label and members' words) so similar new contributions join it.
Unedited components are rebuilt from scratch.

Clustering is by meaning across the six workshop languages where the embedding engine
runs (`clustering.method_for`), on vectors cached per contribution (`vectors`), so a
re-clustering after an edit encodes only what is new. An edited component is offered
as a seed by the mean of its members' vectors. Texts are redacted before clustering,
so no phone number or email address reaches a label.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from codesign import store, templates
from codesign.access import Actor
from codesign.errors import Conflict, Invalid, NotFound
from codesign.store import Store, events
from codesign.store.models import Component, ComponentMember, Contribution
from codesign.store.models import Session as WorkshopSession

if TYPE_CHECKING:  # imported where used: phones read components and must stay light
    import numpy as np

    from codesign.methods import embedding
    from codesign.workshop import vectors

MAX_LABEL = 200


@dataclass(frozen=True)
class Member:
    id: int
    ref: str | None
    text: str
    pinned: bool
    needs_review: bool


@dataclass(frozen=True)
class ComponentView:
    """A component with the contributions it holds, as views and exports show it."""

    id: int
    label: str
    keywords: list[str]
    seed_key: str | None
    edited: bool
    members: list[Member]
    representatives: list[Member]
    languages: list[str]

    def as_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "keywords": self.keywords,
            "members": [{"id": m.id, "ref": m.ref} for m in self.members],
            "representatives": [{"id": m.id, "ref": m.ref} for m in self.representatives],
            "languages": self.languages,
        }


@dataclass(frozen=True)
class _Seed:
    """A seed offered to the clustering: an edited component or a template candidate."""

    name: str
    description: str
    component_id: int | None = None
    key: str | None = None
    members: tuple[vectors.Item, ...] = ()


@dataclass(frozen=True)
class _Plan:
    """What a clustering run will write: (component, member ids) for existing and new ones."""

    existing: list[tuple[int, list[int]]]
    new: list[tuple[str, list[str], str | None, list[int]]]


# --- reading ------------------------------------------------------------------------------


def _group_of(db: Session, session_id: int) -> int:
    s = db.get(WorkshopSession, session_id)
    if s is None:
        raise NotFound("That session no longer exists.")
    return s.group_id


def listing(
    session_id: int, *, actor: Actor, shared: bool = False, url: str | None = None
) -> list[ComponentView]:
    """A session's components in creation order; `shared=True` leaves out unreviewed flags."""
    with store.reading(url) as db:
        actor.require(actor.can_read(_group_of(db, session_id)), "see this session's components")
        return _views(db, session_id, shared, detailed=True)


def for_room(store: Store, session_id: int, *, actor: Actor) -> list[ComponentView]:
    """The components as the room sees them on the projector, for anyone in the group.

    A participant's phone shows the same groups in the grouping phase, so its prompt
    ("Is anything missing or in the wrong group?") makes sense without the projector:
    visible, reviewed contributions only, as on the wall.
    """
    with store.reading() as db:
        actor.require(actor.in_group(_group_of(db, session_id)), "see this session's groups")
        return _views(db, session_id, shared=True, detailed=False)


def _views(db: Session, session_id: int, shared: bool, detailed: bool) -> list[ComponentView]:
    found = list(
        db.scalars(
            select(Component).where(Component.session_id == session_id).order_by(Component.id)
        )
    )
    rows = db.execute(
        select(ComponentMember.component_id, ComponentMember.pinned, Contribution)
        .join(Contribution, Contribution.id == ComponentMember.contribution_id)
        .where(
            ComponentMember.component_id.in_([c.id for c in found]),
            Contribution.status == "visible",
        )
        .order_by(Contribution.id)
    ).all()
    members: dict[int, list[Member]] = {c.id: [] for c in found}
    for component_id, pinned, c in rows:
        if not (shared and c.needs_review):
            members[component_id].append(Member(c.id, c.ref, c.text, pinned, c.needs_review))
    return [_view(db, c, members[c.id], detailed) for c in found]


def _view(db: Session, comp: Component, members: list[Member], detailed: bool) -> ComponentView:
    """A stored component with its members and, for the facilitator (`detailed`), its most
    typical members and their languages: phones skip those, so their kernel never loads
    scikit-learn or the language tables."""
    typical, written_in = _details(db, members) if detailed else ([], [])
    return ComponentView(
        id=comp.id,
        label=comp.label,
        keywords=list(comp.keywords),
        seed_key=comp.seed_key,
        edited=comp.edited,
        members=members,
        representatives=typical,
        languages=written_in,
    )


def _details(db: Session, members: list[Member]) -> tuple[list[Member], list[str]]:
    from codesign.methods import languages

    return _representatives(db, members), languages.among([m.text for m in members])


def _representatives(db: Session, members: list[Member]) -> list[Member]:
    """The members nearest the component's centre, among those with a stored vector.

    Worked out when listing rather than stored, so it follows every move, merge and split;
    without stored vectors (the TF-IDF fallback) it is the first members.
    """
    import numpy as np

    from codesign.methods import clustering
    from codesign.workshop import vectors

    items = [(m.id, vectors.for_clustering(m.text)) for m in members]
    found = vectors.lookup(db, items)
    known = [(m, item) for m, item in zip(members, items, strict=True) if m.id in found]
    if not known:
        return members[: clustering.REPRESENTATIVES]
    rows = np.stack([found[m.id] for m, _ in known])
    return [known[i][0] for i in clustering.typical(rows, [text for _, (_, text) in known])]


def unclustered(session_id: int, url: str | None = None, *, actor: Actor) -> list[int]:
    """Shown contributions of a session that no component holds yet (new since clustering or
    since review); one held for review waits outside clustering, so is not listed."""
    with store.reading(url) as db:
        group_id = db.scalar(
            select(WorkshopSession.group_id).where(WorkshopSession.id == session_id)
        )
        actor.require(actor.can_read(group_id), "read this session")
        return list(
            db.scalars(
                select(Contribution.id)
                .outerjoin(ComponentMember, ComponentMember.contribution_id == Contribution.id)
                .where(
                    Contribution.session_id == session_id,
                    Contribution.shown,
                    ComponentMember.component_id.is_(None),
                )
                .order_by(Contribution.id)
            )
        )


# --- clustering ---------------------------------------------------------------------------


def _edited_seeds(db: Session, session_id: int) -> list[_Seed]:
    """Each edited component as a seed: its label, and its current members' words and vectors."""
    from codesign.workshop import vectors

    seeds = []
    for comp in db.scalars(
        select(Component)
        .where(Component.session_id == session_id, Component.edited.is_(True))
        .order_by(Component.id)
    ):
        members = [
            (cid, vectors.for_clustering(text))
            for cid, text in db.execute(
                select(Contribution.id, Contribution.text)
                .join(ComponentMember, ComponentMember.contribution_id == Contribution.id)
                .where(ComponentMember.component_id == comp.id, Contribution.status == "visible")
                .order_by(Contribution.id)
            )
        ]
        description = " ".join([*comp.keywords, *(text for _, text in members)])
        seeds.append(_Seed(comp.label, description, component_id=comp.id, members=tuple(members)))
    return seeds


def _template_seeds(taken: set[str]) -> list[_Seed]:
    return [
        _Seed(raw["name"], raw.get("description", ""), key=raw["key"])
        for raw in templates.candidate_components()
        if raw["name"] not in taken
    ]


def _free_contributions(db: Session, session_id: int) -> list[vectors.Item]:
    """Shown contributions (visible, not held for review) not pinned to a component: the
    ones clustering may place, their identifying details blanked out."""
    from codesign.workshop import vectors

    pinned = select(ComponentMember.contribution_id).where(ComponentMember.pinned.is_(True))
    return [
        (cid, vectors.for_clustering(text))
        for cid, text in db.execute(
            select(Contribution.id, Contribution.text)
            .where(
                Contribution.session_id == session_id,
                Contribution.shown,
                Contribution.id.not_in(pinned),
            )
            .order_by(Contribution.id)
        )
    ]


def _unique_names(seeds: list[_Seed]) -> list[str]:
    """Seed names the clustering can hand back unambiguously (labels may repeat)."""
    names: list[str] = []
    for seed in seeds:
        name, n = seed.name, 2
        while name in names:
            name, n = f"{seed.name} ({n})", n + 1
        names.append(name)
    return names


def _seed_vector(table: dict[int, np.ndarray], seed: _Seed) -> np.ndarray | None:
    """An edited component's place in the multilingual space: its members' mean direction."""
    import numpy as np

    from codesign.methods import clustering

    if not table or not seed.members:
        return None
    rows = np.stack([table[cid] for cid, _ in seed.members])
    return clustering.aligned(rows, [text for _, text in seed.members]).mean(axis=0)


def _plan(
    store_: Store,
    free: list[vectors.Item],
    seeds: list[_Seed],
    k: int | None,
    method: str,
    progress: embedding.Progress | None,
) -> _Plan:
    """Run the clustering (outside any transaction: it is the slow part) and map its result."""
    import numpy as np

    # Imported here: scikit-learn costs every participant's kernel ~100 MB and seconds to
    # load, and phones read components (`for_room`) without ever clustering.
    from codesign.methods import clustering
    from codesign.workshop import vectors

    table: dict[int, np.ndarray] = {}
    if method == "multilingual":
        needed = list(dict([*free, *(m for s in seeds for m in s.members)]).items())
        rows = vectors.vectors(store_, needed, progress)
        table = {cid: row for (cid, _), row in zip(needed, rows, strict=True)}
    names = _unique_names(seeds)
    by_name = dict(zip(names, seeds, strict=True))
    suggested = clustering.suggest_components(
        [text for _, text in free],
        k=k,
        seeds=[
            clustering.Seed(n, s.description, _seed_vector(table, s)) for n, s in by_name.items()
        ],
        method=method,
        vectors=np.stack([table[cid] for cid, _ in free]) if table else None,
    )
    plan = _Plan([], [])
    for comp in suggested:
        ids = [free[i][0] for i in comp.members]
        seed = by_name.get(comp.seed) if comp.seed else None
        if seed is not None and seed.component_id is not None:
            plan.existing.append((seed.component_id, ids))
        else:
            label = seed.name if seed else comp.label
            plan.new.append((label[:MAX_LABEL], comp.keywords, seed.key if seed else None, ids))
    return plan


def _apply(db: Session, actor: Actor, session_id: int, plan: _Plan) -> None:
    """Replace unedited components and unpinned memberships with the plan, in one transaction."""
    group_id = _group_of(db, session_id)
    actor.require(actor.can_moderate(group_id), "cluster this session")
    ours = select(Component.id).where(Component.session_id == session_id)
    db.execute(
        delete(ComponentMember).where(
            ComponentMember.component_id.in_(ours), ComponentMember.pinned.is_(False)
        )
    )
    db.execute(
        delete(Component).where(Component.session_id == session_id, Component.edited.is_(False))
    )
    taken = set(db.scalars(select(ComponentMember.contribution_id)))  # pinned meanwhile
    live = set(db.scalars(select(Component.id).where(Component.session_id == session_id)))
    for component_id, ids in plan.existing:
        if component_id in live:
            _add_members(db, component_id, [i for i in ids if i not in taken])
    for label, keywords, seed_key, ids in plan.new:
        comp = Component(session_id=session_id, label=label, keywords=keywords, seed_key=seed_key)
        db.add(comp)
        db.flush()
        _add_members(db, comp.id, [i for i in ids if i not in taken])
    events.record(
        db, "cluster", "session", session_id, group_id=group_id, session_id=session_id,
        content=repr(plan), actor=actor,
    )  # fmt: skip


def _add_members(db: Session, component_id: int, ids: Iterable[int], pinned: bool = False) -> None:
    for contribution_id in ids:
        db.add(
            ComponentMember(
                contribution_id=contribution_id, component_id=component_id, pinned=pinned
            )
        )
    db.flush()


def cluster(
    session_id: int,
    *,
    actor: Actor,
    k: int | None = None,
    seeded: bool = False,
    method: str = "auto",
    progress: embedding.Progress | None = None,
    url: str | None = None,
) -> list[ComponentView]:
    """Suggest components for a session's visible contributions, keeping the facilitator's edits.

    `k` is the number of new components (None: chosen automatically); `seeded` starts
    from the programme's candidate components in `templates/programme/components.toml`.
    `method` is "auto", "multilingual" or "tfidf" (see `clustering`); `progress(done,
    total)` follows the encoding of contributions that have no stored vector yet.
    """
    from codesign.methods import clustering

    store_ = Store.open(url)
    with store_.reading() as db:
        actor.require(actor.can_moderate(_group_of(db, session_id)), "cluster this session")
        seeds = _edited_seeds(db, session_id)
        free = _free_contributions(db, session_id)
    if seeded:
        seeds += _template_seeds({s.name for s in seeds})
    chosen = clustering.method_for(method)
    plan = _plan(store_, free, seeds, k, chosen, progress) if free else _Plan([], [])
    store_.write(lambda db: _apply(db, actor, session_id, plan))
    return listing(session_id, url=url, actor=actor)


# --- the facilitator's edits ---------------------------------------------------------------


def _component(db: Session, component_id: int, actor: Actor) -> tuple[Component, int]:
    comp = db.get(Component, component_id)
    if comp is None:
        raise NotFound("That component is no longer there.")
    group_id = _group_of(db, comp.session_id)
    actor.require(actor.can_moderate(group_id), "edit this session's components")
    return comp, group_id


def _log(db: Session, actor: Actor, action: str, comp: Component, group_id: int, note: str) -> None:
    events.record(
        db, action, "component", comp.id, group_id=group_id, session_id=comp.session_id,
        content=note, actor=actor,
    )  # fmt: skip


def _pin(db: Session, component_id: int, contribution_ids: Iterable[int]) -> None:
    """Put contributions into a component, pinned, wherever they were before."""
    ids = list(contribution_ids)
    db.execute(delete(ComponentMember).where(ComponentMember.contribution_id.in_(ids)))
    db.flush()
    _add_members(db, component_id, ids, pinned=True)


def _drop_if_empty(db: Session, component_id: int | None) -> None:
    """An unedited component left with no members has nothing to trace to: remove it."""
    comp = db.get(Component, component_id) if component_id is not None else None
    if comp is None or comp.edited:
        return
    if db.scalar(select(ComponentMember.contribution_id).where(
        ComponentMember.component_id == comp.id
    ).limit(1)) is None:  # fmt: skip
        db.delete(comp)


def move(contribution_id: int, component_id: int, url: str | None = None, *, actor: Actor) -> None:
    """Move one contribution into a component (pinned, so re-clustering leaves it there)."""

    def apply(db: Session) -> None:
        target, group_id = _component(db, component_id, actor)
        c = db.get(Contribution, contribution_id)
        if c is None or c.session_id != target.session_id:
            raise NotFound("That contribution is not part of this session.")
        source = db.scalar(
            select(ComponentMember.component_id).where(
                ComponentMember.contribution_id == contribution_id
            )
        )
        _pin(db, target.id, [contribution_id])
        target.edited = True
        if source != target.id:
            _drop_if_empty(db, source)
        _log(db, actor, "move", target, group_id, str(contribution_id))

    store.write(apply, url)


def merge(keep_id: int, other_id: int, url: str | None = None, *, actor: Actor) -> None:
    """Merge `other` into `keep`: its members move (pinned) and it is removed."""

    def apply(db: Session) -> None:
        keep, group_id = _component(db, keep_id, actor)
        other, _ = _component(db, other_id, actor)
        if keep.id == other.id or keep.session_id != other.session_id:
            raise Conflict("Choose two different components of the same session to merge.")
        moving = db.scalars(
            select(ComponentMember.contribution_id).where(ComponentMember.component_id == other.id)
        ).all()
        members = db.scalars(
            select(ComponentMember.contribution_id).where(ComponentMember.component_id == keep.id)
        ).all()
        _pin(db, keep.id, [*members, *moving])
        keep.keywords = list(dict.fromkeys([*keep.keywords, *other.keywords]))
        keep.edited = True
        db.delete(other)
        _log(db, actor, "merge", keep, group_id, str(other_id))

    store.write(apply, url)


def split(
    component_id: int,
    contribution_ids: Sequence[int],
    *,
    actor: Actor,
    label: str | None = None,
    url: str | None = None,
) -> int:
    """Split the chosen members off into a new component; returns the new component's id.

    Both halves are pinned, so re-clustering does not join them up again.
    """
    chosen = set(contribution_ids)

    def apply(db: Session) -> int:
        comp, group_id = _component(db, component_id, actor)
        members = set(
            db.scalars(
                select(ComponentMember.contribution_id).where(
                    ComponentMember.component_id == comp.id
                )
            )
        )
        if not chosen or not chosen < members:
            raise Invalid(
                "Choose some, but not all, of the component's contributions to split off."
            )
        part = Component(
            session_id=comp.session_id,
            label=_label(label or f"{comp.label} (split)"),
            edited=True,
        )
        db.add(part)
        db.flush()
        _pin(db, part.id, sorted(chosen))
        _pin(db, comp.id, sorted(members - chosen))
        comp.edited = True
        _log(db, actor, "split", comp, group_id, str(part.id))
        return part.id

    return int(store.write(apply, url))


def _label(text: str) -> str:
    label = " ".join(text.split())
    if not label:
        raise Invalid("A component needs a name.")
    return label[:MAX_LABEL]


def rename(component_id: int, label: str, url: str | None = None, *, actor: Actor) -> None:
    """Give a component the group's own name for it; re-clustering keeps the name."""
    new_label = _label(label)

    def apply(db: Session) -> None:
        comp, group_id = _component(db, component_id, actor)
        comp.label = new_label
        comp.edited = True
        _log(db, actor, "rename", comp, group_id, new_label)

    store.write(apply, url)
