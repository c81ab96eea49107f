"""A session's voting results: dot totals and agree / disagree / pass per proposal and per
component, the consensus and divisive proposals judged across the **declared** groups,
and the exploratory opinion groups found from vote patterns.

Declared groups are what participants said they are when they joined (expert by
experience, practitioner, by-and-for organisation, community expert …), because a
co-design group of 8–25 people is too small for vote-pattern groups to carry much
weight on their own. Participants who declared nothing (imported Pol.is voters, say)
count in the totals but in no group.

Which votes count:
- only proposals the room could see: visible and, if flagged, reviewed;
- a vote on a merged duplicate counts towards the proposal it was merged into. Dots add
  up; for agree / disagree / pass a participant has one voice per proposal, so their
  vote on the kept proposal itself wins, else their latest vote on one of its duplicates.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import NotFound
from codesign.methods import agreement, opinion_groups
from codesign.store.models import Component, ComponentMember, Contribution, Participant, Vote
from codesign.store.models import Session as WorkshopSession

NOT_DECLARED = "not declared"


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

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ref": self.ref,
            "text": self.text,
            "dots": self.dots,
            **_counts(self.overall),
            "verdict": self.verdict,
            "by_group": {g: _counts(t) for g, t in self.by_group.items()},
            "component_id": self.component_id,
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
            **_counts(self.overall),
            "proposals": self.proposals,
        }


@dataclass(frozen=True)
class Results:
    session_id: int
    groups: list[str]
    proposals: list[ProposalResult]
    components: list[ComponentResult] = field(default_factory=list)

    @property
    def consensus(self) -> list[ProposalResult]:
        return [p for p in self.proposals if p.verdict.startswith("consensus")]

    @property
    def divisive(self) -> list[ProposalResult]:
        return [p for p in self.proposals if p.verdict == agreement.DIVISIVE]

    def as_json(self) -> dict[str, object]:
        return {
            "groups": self.groups,
            "proposals": [p.as_json() for p in self.proposals],
            "components": [c.as_json() for c in self.components],
            "consensus": [p.id for p in self.consensus],
            "divisive": [p.id for p in self.divisive],
        }


def _counts(t: agreement.Tally) -> dict[str, int]:
    return {"agree": t.agree, "disagree": t.disagree, "pass": t.passed}


@dataclass(frozen=True)
class _Votes:
    """A session's countable votes, already moved onto the proposals they count towards."""

    agree: list[tuple[str, str, int]]  # (participant id, contribution id, value), last wins
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
        if c.status == "visible" and not c.needs_review:
            resolved[cid] = c
    return resolved


def _votes(db: Session, session_id: int) -> _Votes:
    votes = list(db.scalars(select(Vote).where(Vote.session_id == session_id)))
    kept = _kept(db, {v.contribution_id for v in votes})
    dots: dict[int, int] = defaultdict(int)
    agree = []
    for v in votes:
        target = kept.get(v.contribution_id)
        if target is None:
            continue
        if v.kind == "dot":
            dots[target.id] += v.value
        else:
            direct = v.contribution_id == target.id
            agree.append((direct, v.id, (str(v.participant_id), str(target.id), v.value)))
    agree.sort(key=lambda row: row[:2])  # direct votes last, so they win in latest_votes
    return _Votes([row[2] for row in agree], dict(dots), {c.id: c for c in kept.values()})


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


def results(session_id: int, actor: Actor, url: str | None = None) -> Results:
    """Everything the results view and `codesign results` show, for one session."""
    with store.reading(url) as db:
        s = _session_group(db, session_id, actor)
        votes = _votes(db, session_id)
        declared = _declared(db, s.group_id)
        homes = _components(db, set(votes.proposals))
    stats = {int(st.statement): st for st in agreement.statement_stats(votes.agree, declared)}
    proposals = [
        ProposalResult(
            id=c.id,
            ref=c.ref,
            text=c.text,
            dots=votes.dots.get(c.id, 0),
            overall=stats[c.id].overall if c.id in stats else agreement.Tally(),
            verdict=stats[c.id].verdict if c.id in stats else agreement.NOT_ENOUGH,
            by_group=stats[c.id].groups if c.id in stats else {},
            component_id=homes[c.id].id if c.id in homes else None,
        )
        for c in votes.proposals.values()
    ]
    proposals.sort(key=lambda p: (-p.dots, -p.overall.agree, p.overall.disagree, p.id))
    groups = sorted(set(declared.values()))
    return Results(session_id, groups, proposals, _per_component(proposals, homes))


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
            agreement.Tally(
                before.overall.agree + p.overall.agree,
                before.overall.disagree + p.overall.disagree,
                before.overall.passed + p.overall.passed,
            ),
            [*before.proposals, p.id],
        )
    return sorted(totals.values(), key=lambda c: (-c.dots, -c.overall.agree, c.id))


@dataclass(frozen=True)
class OpinionGroup:
    participants: list[str]  # each participant's imported ref, or their pseudonym


def opinion_groups_for(session_id: int, actor: Actor, url: str | None = None) -> list[OpinionGroup]:
    """Pol.is-style opinion groups from the session's agree votes (an exploratory view)."""
    with store.reading(url) as db:
        s = _session_group(db, session_id, actor)
        votes = _votes(db, session_id)
        names = {
            str(pid): ref or pseudonym
            for pid, ref, pseudonym in db.execute(
                select(Participant.id, Participant.ref, Participant.pseudonym).where(
                    Participant.group_id == s.group_id
                )
            )
        }
    found = opinion_groups.opinion_groups(votes.agree)
    return [OpinionGroup([names[p] for p in group]) for group in found]
