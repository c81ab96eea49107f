"""A session's voting results: dot totals and agree / disagree / pass per proposal and per
component, the consensus and divisive proposals, and the opinion groups found from
vote patterns with their representative statements.

Consensus and divisive are judged across the **declared** groups when the voters
declared any (expert by experience, practitioner, by-and-for organisation, community
expert …), because a co-design group of 8–25 people is too small for vote-pattern
groups to carry much weight on their own. When nobody who voted declared a group (an
imported Pol.is conversation, say), they are judged across the **opinion groups**, as
Pol.is does; `judged_by` says which. The opinion-group view (`codesign.analysis.opinions`)
is computed alongside either way.

Which votes count:
- only proposals the room could see: visible and, if flagged, reviewed;
- a vote on a merged duplicate counts towards the proposal it was merged into. Dots add
  up; for agree / disagree / pass a participant has one voice per proposal, so their
  vote on the kept proposal itself wins, else their latest vote on one of its duplicates.

Finding the opinion groups, every vote counts, in the order cast: a vote on a proposal
the room could not see counts as Pol.is counts a vote on a statement it moderated out.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.analysis.opinions import OpinionGroup, Opinions, Standing, analyse, tally_json
from codesign.errors import NotFound
from codesign.methods import agreement
from codesign.store.models import Component, ComponentMember, Contribution, Participant, Vote
from codesign.store.models import Session as WorkshopSession

NOT_DECLARED = "not declared"
DECLARED = "declared groups"
OPINION = "opinion groups"


@dataclass(frozen=True)
class ProposalResult:
    id: int
    ref: str | None
    text: str
    dots: int
    overall: agreement.Tally
    verdict: str
    by_group: dict[str, agreement.Tally]
    component_id: int | None
    opinion: Standing | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ref": self.ref,
            "text": self.text,
            "dots": self.dots,
            **tally_json(self.overall),
            "verdict": self.verdict,
            "by_group": {g: tally_json(t) for g, t in self.by_group.items()},
            "component_id": self.component_id,
            "opinion": self.opinion.as_json() if self.opinion else None,
        }


@dataclass(frozen=True)
class ComponentResult:
    id: int
    label: str
    dots: int
    overall: agreement.Tally
    proposals: list[int]

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "label": self.label,
            "dots": self.dots,
            **tally_json(self.overall),
            "proposals": self.proposals,
        }


@dataclass(frozen=True)
class Results:
    session_id: int
    groups: list[str]
    proposals: list[ProposalResult]
    components: list[ComponentResult]
    judged_by: str
    opinions: Opinions

    @property
    def consensus(self) -> list[ProposalResult]:
        return [p for p in self.proposals if p.verdict.startswith("consensus")]

    @property
    def divisive(self) -> list[ProposalResult]:
        return [p for p in self.proposals if p.verdict == agreement.DIVISIVE]

    def proposal(self, statement: str) -> ProposalResult:
        """The proposal an opinion-group statement key names."""
        return next(p for p in self.proposals if str(p.id) == statement)

    def as_json(self) -> dict[str, object]:
        return {
            "groups": self.groups,
            "proposals": [p.as_json() for p in self.proposals],
            "components": [c.as_json() for c in self.components],
            "consensus": [p.id for p in self.consensus],
            "divisive": [p.id for p in self.divisive],
            "judged_by": self.judged_by,
            "opinion_groups": self._opinions_json(),
        }

    def _opinions_json(self) -> dict[str, object]:
        o = self.opinions
        return {
            **opinions_json(o),
            "groups": [self.group_json(g) for g in o.groups],
            "consensus": [int(s) for s in o.consensus],
            "divisive": [int(s) for s in o.divisive],
        }

    def group_json(self, group: OpinionGroup) -> dict[str, object]:
        """An opinion group's name, size and representative statements."""
        return {
            "name": group.name,
            "size": len(group.participants),
            "representative": [
                {**self._named(r.statement), **r.as_json()} for r in group.representative
            ],
        }

    def _named(self, statement: str) -> dict[str, object]:
        p = self.proposal(statement)
        return {"id": p.id, "ref": p.ref, "text": p.text}


def opinions_json(o: Opinions) -> dict[str, object]:
    """What `results` and `opinion-groups` both say about how the groups were found."""
    return {
        "k": len(o.groups),
        "k_reason": o.k_reason,
        "silhouette": None if o.silhouette is None else round(o.silhouette, 4),
        "unclustered": len(o.unclustered),
    }


@dataclass(frozen=True)
class _Votes:
    """A session's votes, already moved onto the proposals they count towards."""

    agree: list[tuple[str, str, int]]  # counted: (participant id, contribution id, value)
    timeline: list[tuple[str, str, int]]  # every agree vote in the order cast
    excluded: set[str]  # statements in the timeline the room could not see
    dots: dict[int, int]
    proposals: dict[int, Contribution]


def _kept(db: Session, ids: set[int]) -> dict[int, Contribution]:
    """Each voted contribution → the one its votes count for (itself, or what it merged into)."""
    rows = {c.id: c for c in db.scalars(select(Contribution).where(Contribution.id.in_(ids)))}
    targets = {c.merged_into_id for c in rows.values() if c.merged_into_id} - rows.keys()
    rows |= {c.id: c for c in db.scalars(select(Contribution).where(Contribution.id.in_(targets)))}
    resolved = {}
    for cid in ids:
        c = rows[cid]
        if c.status == "merged" and c.merged_into_id in rows:
            c = rows[c.merged_into_id]
        if c.shown:
            resolved[cid] = c
    return resolved


def _votes(db: Session, session_id: int) -> _Votes:
    query = (
        select(Vote.participant_id, Vote.contribution_id, Vote.kind, Vote.value)
        .where(Vote.session_id == session_id)
        .order_by(Vote.created_at, Vote.id)
    )
    rows = db.connection().execute(query).all()  # Core rows: imports bring 30,000 votes
    kept = _kept(db, {cid for _, cid, _, _ in rows})
    counts_for = {cid: c.id for cid, c in kept.items()}  # plain ints: read once per vote below
    dots: dict[int, int] = defaultdict(int)
    winners: dict[tuple[int, int], tuple[bool, int]] = {}  # → (a direct vote, position cast)
    unseen: list[tuple[int, tuple[str, str, int]]] = []  # votes on proposals the room could not see
    for position, (pid, cid, kind, value) in enumerate(rows):
        target = counts_for.get(cid)
        if kind == "dot":
            if target is not None:
                dots[target] += value
        elif target is None:
            unseen.append((position, (str(pid), str(cid), value)))
        else:
            rank = (cid == target, position)  # a direct vote wins, then the latest
            winners[(pid, target)] = max(winners.get((pid, target), rank), rank)
    counted = {
        position: (str(pid), str(target), rows[position][3])
        for (pid, target), (_, position) in winners.items()
    }
    every = counted | dict(unseen)
    return _Votes(
        agree=[counted[position] for position in sorted(counted)],
        timeline=[every[position] for position in sorted(every)],
        excluded={statement for _, (_, statement, _) in unseen},
        dots=dict(dots),
        proposals={c.id: c for c in kept.values()},
    )


def _session_group(db: Session, session_id: int, actor: Actor) -> WorkshopSession:
    s = db.get(WorkshopSession, session_id)
    if s is None:
        raise NotFound("That session no longer exists.")
    if not (actor.can_read(s.group_id) or (s.results_revealed and actor.in_group(s.group_id))):
        actor.require(False, "see these results yet")
    return s


def _declared(db: Session, group_id: int) -> dict[str, str]:
    rows = db.execute(
        select(Participant.id, Participant.role).where(
            Participant.group_id == group_id, Participant.role.is_not(None)
        )
    )
    return {str(pid): (role or "").replace("_", " ") for pid, role in rows}


def _components(db: Session, ids: set[int]) -> dict[int, Component]:
    rows = db.execute(
        select(ComponentMember.contribution_id, Component)
        .join(Component, Component.id == ComponentMember.component_id)
        .where(ComponentMember.contribution_id.in_(ids))
    )
    return {cid: comp for cid, comp in rows}


def _names(db: Session, group_id: int) -> dict[str, str]:
    """Participant key → the name opinion groups show: the imported ref, else the pseudonym."""
    rows = db.execute(
        select(Participant.id, Participant.ref, Participant.pseudonym).where(
            Participant.group_id == group_id
        )
    )
    return {str(pid): ref or pseudonym for pid, ref, pseudonym in rows}


def results(session_id: int, url: str | None = None, *, actor: Actor) -> Results:
    """Everything the results view, `codesign results` and `codesign opinion-groups` show."""
    with store.reading(url) as db:
        s = _session_group(db, session_id, actor)
        votes = _votes(db, session_id)
        declared = _declared(db, s.group_id)
        names = _names(db, s.group_id)
        homes = _components(db, set(votes.proposals))
    opinions = analyse(votes.timeline, votes.excluded, votes.agree, names)
    by_declared = any(p in declared for p, _, _ in votes.agree)
    judged = agreement.statement_stats(votes.agree, declared if by_declared else {})
    stats = {int(st.statement): st for st in judged}
    proposals = []
    for c in votes.proposals.values():
        found, standing = stats.get(c.id), opinions.statements.get(str(c.id))
        verdict, by_group = _judged(found if by_declared else standing)
        proposals.append(
            ProposalResult(
                id=c.id,
                ref=c.ref,
                text=c.text,
                dots=votes.dots.get(c.id, 0),
                overall=found.overall if found else agreement.Tally(),
                verdict=verdict,
                by_group=by_group,
                component_id=homes[c.id].id if c.id in homes else None,
                opinion=standing,
            )
        )
    proposals.sort(key=lambda p: (-p.dots, -p.overall.agree, p.overall.disagree, p.id))
    groups = sorted(set(declared.values())) if by_declared else [g.name for g in opinions.groups]
    return Results(
        session_id, groups, proposals, _per_component(proposals, homes),
        DECLARED if by_declared else OPINION, opinions,
    )  # fmt: skip


def _judged(
    found: agreement.StatementStats | Standing | None,
) -> tuple[str, dict[str, agreement.Tally]]:
    """The verdict and per-group tallies by whichever groups judge this session."""
    if found is None:
        return agreement.NOT_ENOUGH, {}
    if isinstance(found, Standing):
        return found.verdict, found.by_group
    return found.verdict, found.groups


def _per_component(
    proposals: list[ProposalResult], homes: dict[int, Component]
) -> list[ComponentResult]:
    totals: dict[int, ComponentResult] = {}
    for p in proposals:
        comp = homes.get(p.id)
        if comp is None:
            continue
        before = totals.get(comp.id, ComponentResult(comp.id, comp.label, 0, agreement.Tally(), []))
        totals[comp.id] = ComponentResult(
            comp.id,
            comp.label,
            before.dots + p.dots,
            before.overall + p.overall,
            [*before.proposals, p.id],
        )
    return sorted(totals.values(), key=lambda c: (-c.dots, -c.overall.agree, c.id))
