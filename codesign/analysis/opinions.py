"""A session's opinion groups and what each statement means across them, as Pol.is shows it.

Puts the pure methods together for the results view and `codesign opinion-groups`:
who is in which opinion group and why there are that many (`opinion_groups`), each
group's representative statements (`repness`), and for every statement its standing
across the groups (`agreement`): Pol.is's group-aware consensus, Pol.is's extremity
(how strongly the statement separates the groups) and a verdict — consensus when every
group leans the same way significantly, divisive when two groups differ significantly.

It needs no declared groups, so an imported Pol.is conversation gets consensus and
divisive statements too; where people did declare groups, this runs alongside them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from codesign.methods import agreement
from codesign.methods.opinion_groups import KChoice, Vote, as_mapping, group_name, opinion_map
from codesign.methods.repness import Representative, representative


@dataclass(frozen=True)
class Standing:
    """One statement across the opinion groups."""

    verdict: str
    by_group: dict[str, agreement.Tally]
    group_consensus: float | None
    extremity: float

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "group_consensus": _rounded(self.group_consensus),
            "extremity": round(self.extremity, 4),
            "by_group": {g: tally_json(t) for g, t in self.by_group.items()},
        }


@dataclass(frozen=True)
class OpinionGroup:
    name: str
    participants: list[str]  # each participant's imported ref, or their pseudonym
    representative: list[Representative]


@dataclass(frozen=True)
class Opinions:
    """Everything the opinion-group view shows for one session."""

    groups: list[OpinionGroup]
    unclustered: list[str]
    choice: KChoice | None
    silhouette: float | None
    statements: dict[str, Standing]

    @property
    def k_reason(self) -> str:
        if self.choice is not None:
            return self.choice.reason
        if self.groups:
            return "1 group: the votes do not split people into two or more groups."
        return "No votes yet."

    @property
    def consensus(self) -> list[str]:
        """Statements every group leans the same way on, highest group-aware consensus first."""
        found = [s for s, v in self.statements.items() if v.verdict.startswith("consensus")]
        return sorted(found, key=lambda s: -(self.statements[s].group_consensus or 0.0))

    @property
    def divisive(self) -> list[str]:
        """Statements two groups differ on significantly, most extreme (most dividing) first."""
        found = [s for s, v in self.statements.items() if v.verdict == agreement.DIVISIVE]
        return sorted(found, key=lambda s: -self.statements[s].extremity)


def tally_json(t: agreement.Tally) -> dict[str, int]:
    return {"agree": t.agree, "disagree": t.disagree, "pass": t.passed}


def analyse(
    timeline: Sequence[Vote],
    excluded: Collection[str],
    counted: Sequence[Vote],
    names: Mapping[str, str],
) -> Opinions:
    """Opinion groups from `timeline` (every vote, in the order cast; `excluded` statements
    count as moderated out) and the statistics of `counted`, the votes results count.

    `names` gives each participant key the name to show (imported ref or pseudonym).
    """
    found = opinion_map(timeline, excluded)
    membership = as_mapping(found.groups)
    chosen = representative(counted, membership)
    stats = agreement.statement_stats(counted, membership, every_group=True)
    groups = [
        OpinionGroup(
            group_name(n), [names.get(p, p) for p in members], chosen.get(group_name(n), [])
        )
        for n, members in enumerate(found.groups)
    ]
    standings = {
        s.statement: Standing(
            s.verdict, s.groups, s.group_consensus, found.extremity.get(s.statement, 0.0)
        )
        for s in stats
    }
    return Opinions(
        groups,
        [names.get(p, p) for p in found.unclustered],
        found.choice,
        found.silhouette,
        standings,
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
