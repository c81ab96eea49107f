"""Representative statements: what sets each opinion group apart, chosen as Pol.is does.

Follows Pol.is's repness (compdemocracy/polis math/src/polismath/math/repness.clj and
stats.clj). For a group and a statement, with the group's votes A, D, S (agree,
disagree, seen) and the same counts for everyone in the *other* groups together:

- pa = (A + 1) / (S + 2) and pd likewise: the group's leaning, with a uniform prior;
- pat, pdt: Pol.is's one-proportion test of pa (pd) against ½;
- ra = pa / ((A_rest + 1) / (S_rest + 2)) and rd likewise: how much more the group
  agrees (disagrees) than the rest;
- rat, rdt: Pol.is's two-proportion test of the group against the rest.

A statement *represents* a group when both tests on one side are significant at 90 %
(z > 1.2816): rat and pat, or rdt and pdt. Each group gets up to five, highest
ra·rat·pa·pat first, agreements before disagreements, led by the statement the group
most clearly agrees with ("best agree"); a group with none passing still gets its best
candidate, so every group can be described.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from codesign.methods.agreement import Z_90, Tally, latest_votes, tallies, two_proportion_z

MOST = 5
AGREE = "agree"
DISAGREE = "disagree"


@dataclass(frozen=True)
class Standing:
    """One statement in one group, against everyone in the other groups."""

    statement: str
    inside: Tally
    rest: Tally

    @property
    def ra(self) -> float:
        return self.inside.p_agree / self.rest.p_agree

    @property
    def rd(self) -> float:
        return self.inside.p_disagree / self.rest.p_disagree

    @property
    def rat(self) -> float:
        return two_proportion_z(
            self.inside.agree, self.rest.agree, self.inside.seen, self.rest.seen
        )

    @property
    def rdt(self) -> float:
        return two_proportion_z(
            self.inside.disagree, self.rest.disagree, self.inside.seen, self.rest.seen
        )

    @property
    def side(self) -> str:
        """The side on which the statement sets the group apart more."""
        return AGREE if self.rat > self.rdt else DISAGREE

    def passes(self) -> bool:
        """Significant on both tests of one side: the group leans, and leans more than the rest."""
        return (self.rat > Z_90 and self.inside.agree_z > Z_90) or (
            self.rdt > Z_90 and self.inside.disagree_z > Z_90
        )

    def agree_score(self) -> float:
        return self.ra * self.rat * self.inside.p_agree * self.inside.agree_z


@dataclass(frozen=True)
class Representative:
    """A statement that represents a group, with the figures Pol.is reports for it."""

    statement: str
    repful_for: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False

    @property
    def metric(self) -> float:
        return self.repness * self.repness_test * self.p_success * self.p_test

    def as_json(self) -> dict[str, object]:
        return {
            "repful_for": self.repful_for,
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_success": round(self.p_success, 4),
            "p_test": round(self.p_test, 4),
            "repness": round(self.repness, 4),
            "repness_test": round(self.repness_test, 4),
            "best_agree": self.best_agree,
        }


def representative(
    votes: Iterable[tuple[str, str, int]], groups: Mapping[str, str]
) -> dict[str, list[Representative]]:
    """Each group's representative statements; voters in no group are left out."""
    standings = _standings(votes, groups)
    return {group: _choose(found) for group, found in sorted(standings.items())}


def summarise(standing: Standing, *, best_agree: bool = False) -> Representative:
    """The side that sets the group apart more, in the figures Pol.is reports."""
    t = standing.inside
    if standing.side == AGREE:
        return Representative(
            standing.statement, AGREE, t.agree, t.seen, t.p_agree, t.agree_z,
            standing.ra, standing.rat, best_agree,
        )  # fmt: skip
    return Representative(
        standing.statement, DISAGREE, t.disagree, t.seen, t.p_disagree, t.disagree_z,
        standing.rd, standing.rdt, best_agree,
    )  # fmt: skip


def _standings(
    votes: Iterable[tuple[str, str, int]], groups: Mapping[str, str]
) -> dict[str, list[Standing]]:
    """Every group's standing on every statement anyone grouped voted on."""
    names = sorted(set(groups.values()))
    found: dict[str, list[Standing]] = {g: [] for g in names}
    for statement, by_group in tallies(latest_votes(votes), groups).items():
        for group in names:
            rest = sum((t for g, t in by_group.items() if g != group), Tally())
            found[group].append(Standing(statement, by_group.get(group, Tally()), rest))
    return found


def _choose(standings: list[Standing]) -> list[Representative]:
    """Up to five: best agree first, then by ra·rat·pa·pat (or its disagree twin)."""
    lead = _best_agree(standings)
    passing = [summarise(s) for s in standings if s.passes()]
    if not passing:
        fallback = max(standings, key=lambda s: max(s.rat, s.rdt), default=None)
        if lead is not None:
            return [summarise(lead, best_agree=True)]
        return [summarise(fallback)] if fallback is not None else []
    others = sorted(
        (r for r in passing if lead is None or r.statement != lead.statement),
        key=lambda r: -r.metric,
    )
    chosen = ([summarise(lead, best_agree=True)] if lead else []) + others
    chosen = chosen[:MOST]
    return [r for r in chosen if r.repful_for == AGREE] + [
        r for r in chosen if r.repful_for == DISAGREE
    ]


def _best_agree(standings: list[Standing]) -> Standing | None:
    """The statement the group most clearly agrees with, by Pol.is's running comparison.

    Once a candidate agrees more than the rest (ra > 1), others must beat it on
    ra·rat·pa·pat; until then, on pa·pat alone. The first candidate must lean to agree
    significantly, or agree more than the rest with pa > ½. Unvoted statements never count.
    """
    best: Standing | None = None
    for s in standings:
        t = s.inside
        if t.agree == t.disagree == 0:
            continue
        if best is None:
            accept = t.agree_z > Z_90 or (s.ra > 1 and t.p_agree > 0.5)
        elif best.ra > 1:
            accept = s.agree_score() > best.agree_score()
        else:
            accept = t.p_agree * t.agree_z > best.inside.p_agree * best.inside.agree_z
        if accept:
            best = s
    return best
