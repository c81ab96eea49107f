"""Agree / disagree / pass statistics per statement, judged group by group.

Follows Pol.is (math/src/polismath/math/repness.clj, stats.clj and docs/pca.md):

- counts A (agree), D (disagree), P (pass) and S = A + D + P votes seen;
- agree probability with a uniform prior, pa = (A + 1) / (S + 2), likewise pd;
- Pol.is's one-proportion test z = 2·sqrt(S + 1)·((A + 1)/(S + 1) − ½), called
  significant at 90 % (one-sided) above 1.2816;
- "group-aware consensus" = the product over every group of pa, a group that has not
  voted on the statement counting ½ (conversation.clj, `group-aware-consensus`).

Co-design groups are small (8–25 people), so every figure carries its n and a
group with fewer than `min_votes` votes on a statement is reported but not
judged; a statement no group can judge is "not enough votes". A statement is:

- consensus (agree or disagree) when *every* judged group leans that way
  (pa or pd > ½) significantly by the test above;
- divisive otherwise, when two judged groups differ significantly by Pol.is's
  two-proportion test on agreement;
- "no clear pattern" when neither holds.

Across **opinion groups** (`every_group=True`) the judgement is Pol.is's, stricter:
every group must have at least `min_votes` votes on the statement ("not enough votes"
otherwise), a statement is consensus only when every group leans the same way
significantly, and divisive only when every group leans significantly and they do not
all lean the same way. A group with two votes, or one leaning the other way, keeps a
statement out of consensus.

Dot votes (spend a budget of dots, at most a cap per item) are tallied here too.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from codesign.errors import Invalid

Z_90 = 1.2816
MIN_VOTES = 5
VOTE_VALUES = {1, -1, 0}

CONSENSUS_AGREE = "consensus: agree"
CONSENSUS_DISAGREE = "consensus: disagree"
DIVISIVE = "divisive"
NO_PATTERN = "no clear pattern"
NOT_ENOUGH = "not enough votes"
EVERYONE = "everyone"


@dataclass(frozen=True)
class Tally:
    """Votes on one statement from one set of people."""

    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def p_agree(self) -> float:
        return (self.agree + 1) / (self.seen + 2)

    @property
    def p_disagree(self) -> float:
        return (self.disagree + 1) / (self.seen + 2)

    @property
    def agree_z(self) -> float:
        return proportion_z(self.agree, self.seen)

    @property
    def disagree_z(self) -> float:
        return proportion_z(self.disagree, self.seen)

    def add(self, value: int) -> Tally:
        return Tally(
            self.agree + (value == 1), self.disagree + (value == -1), self.passed + (value == 0)
        )

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.agree + other.agree, self.disagree + other.disagree, self.passed + other.passed
        )


@dataclass(frozen=True)
class StatementStats:
    """Overall and per-group tallies and the verdict for one statement."""

    statement: str
    overall: Tally
    groups: dict[str, Tally]
    judged: list[str]
    verdict: str
    group_consensus: float | None
    spread: float | None
    too_few: list[str] = field(default_factory=list)


def proportion_z(successes: int, trials: int) -> float:
    """Pol.is's one-proportion test against ½ with a +1 pseudo-count."""
    return 2 * math.sqrt(trials + 1) * ((successes + 1) / (trials + 1) - 0.5)


def two_proportion_z(successes_a: int, successes_b: int, trials_a: int, trials_b: int) -> float:
    """Pol.is's two-proportion z (a's rate above b's), +1 pseudo-counts; 0 when both are 1."""
    sa, sb, na, nb = successes_a + 1, successes_b + 1, trials_a + 1, trials_b + 1
    pooled = (sa + sb) / (na + nb)
    if pooled >= 1:
        return 0.0
    return (sa / na - sb / nb) / math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))


def latest_votes(votes: Iterable[tuple[str, str, int]]) -> dict[tuple[str, str], int]:
    """The last value per (participant, statement), checking each value."""
    latest: dict[tuple[str, str], int] = {}
    for participant, statement, value in votes:
        if value not in VOTE_VALUES:
            raise Invalid(f"vote {value!r} by {participant} on {statement} is not 1, -1 or 0")
        latest[(participant, statement)] = value
    return latest


def tallies(
    latest: Mapping[tuple[str, str], int], groups: Mapping[str, str]
) -> dict[str, dict[str, Tally]]:
    """statement → group → its votes, from latest votes; people in no group are left out.

    Counted in one pass, not vote by vote, because an imported conversation has tens of
    thousands of votes and the results view should still answer in a moment.
    """
    counts: Counter[tuple[str, str, int]] = Counter(
        (statement, groups[participant], value)
        for (participant, statement), value in latest.items()
        if participant in groups
    )
    found: dict[str, dict[str, Tally]] = defaultdict(dict)
    for statement, group, _ in counts:  # in the order the votes came, so ties break the same way
        if group not in found[statement]:
            found[statement][group] = Tally(
                counts[statement, group, 1],
                counts[statement, group, -1],
                counts[statement, group, 0],
            )
    return dict(found)


def statement_stats(
    votes: Iterable[tuple[str, str, int]],
    groups: Mapping[str, str],
    min_votes: int = MIN_VOTES,
    *,
    every_group: bool = False,
) -> list[StatementStats]:
    """Statistics per statement, most agreed first by group-aware consensus.

    `groups` maps participant → group (declared co-design group, or an opinion
    group). Participants missing from it count overall only. `every_group` judges as
    Pol.is judges across opinion groups: each group needs its votes and its lean.
    """
    latest = latest_votes(votes)
    everyone = {participant: EVERYONE for participant, _ in latest}
    overall = {s: by[EVERYONE] for s, by in tallies(latest, everyone).items()}
    by_group = tallies(latest, groups)
    names = sorted(set(groups.values()))
    stats = [
        _judge(statement, tally, by_group.get(statement, {}), names, min_votes, every_group)
        for statement, tally in overall.items()
    ]
    return sorted(stats, key=lambda s: (-(s.group_consensus or 0.0), s.statement))


def _judge(
    statement: str,
    overall: Tally,
    groups: dict[str, Tally],
    names: list[str],
    min_votes: int,
    every_group: bool,
) -> StatementStats:
    judged = sorted(g for g, tally in groups.items() if tally.seen >= min_votes)
    tallies = [groups[g] for g in judged]
    if not every_group:
        verdict = _verdict(tallies)
    elif not names or len(judged) < len(names):
        verdict = NOT_ENOUGH
    else:
        verdict = _every_group_verdict(tallies)
    return StatementStats(
        statement=statement,
        overall=overall,
        groups=dict(sorted(groups.items())),
        judged=judged,
        verdict=verdict,
        group_consensus=math.prod(groups.get(n, Tally()).p_agree for n in names) if names else None,
        spread=max(t.p_agree for t in tallies) - min(t.p_agree for t in tallies)
        if tallies
        else None,
        too_few=sorted(set(groups) - set(judged)),
    )


def _verdict(tallies: list[Tally]) -> str:
    if not tallies:
        return NOT_ENOUGH
    if all(t.p_agree > 0.5 and t.agree_z > Z_90 for t in tallies):
        return CONSENSUS_AGREE
    if all(t.p_disagree > 0.5 and t.disagree_z > Z_90 for t in tallies):
        return CONSENSUS_DISAGREE
    if any(_differ(a, b) for a, b in combinations(tallies, 2)):
        return DIVISIVE
    return NO_PATTERN


def _lean(t: Tally) -> int:
    """1 or -1 when the group leans to agree or disagree significantly (Pol.is's pa or pd
    above ½ and its one-proportion z ≥ 1.2816), else 0."""
    if t.p_agree > 0.5 and t.agree_z >= Z_90:
        return 1
    if t.p_disagree > 0.5 and t.disagree_z >= Z_90:
        return -1
    return 0


def _every_group_verdict(tallies: list[Tally]) -> str:
    """Across opinion groups, each with enough votes: every group's significant lean decides."""
    leans = {_lean(t) for t in tallies}
    if leans == {1}:
        return CONSENSUS_AGREE
    if leans == {-1}:
        return CONSENSUS_DISAGREE
    if 0 not in leans:
        return DIVISIVE
    return NO_PATTERN


def _differ(a: Tally, b: Tally) -> bool:
    """Whether two groups' agreement rates differ at 90 % either way."""
    z = two_proportion_z(a.agree, b.agree, a.seen, b.seen)
    return abs(z) > Z_90


# --- dot votes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DotTotal:
    item: str
    dots: int
    voters: int
    by_group: dict[str, int]


def check_dot_ballot(ballot: Mapping[str, int], budget: int, per_item_cap: int) -> None:
    """Raise `Invalid` (with a message for the participant) if a ballot breaks the rules."""
    for item, dots in ballot.items():
        if not isinstance(dots, int) or dots < 0:
            raise Invalid(f"dots on {item} must be a whole number of 0 or more")
        if dots > per_item_cap:
            raise Invalid(f"at most {per_item_cap} dots on one item; {item} has {dots}")
    spent = sum(ballot.values())
    if spent > budget:
        raise Invalid(f"{spent} dots used, but the budget is {budget}")


def dot_vote_totals(
    ballots: Mapping[str, Mapping[str, int]],
    budget: int,
    per_item_cap: int,
    groups: Mapping[str, str] | None = None,
) -> list[DotTotal]:
    """Totals per item, most dots first, after checking every ballot.

    `ballots` maps participant → {item: dots}; a ballot that breaks the rules
    raises `Invalid` naming the participant rather than being quietly trimmed.
    """
    dots: dict[str, int] = defaultdict(int)
    voters: dict[str, int] = defaultdict(int)
    by_group: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for participant, ballot in ballots.items():
        try:
            check_dot_ballot(ballot, budget, per_item_cap)
        except Invalid as error:
            raise Invalid(f"ballot of {participant}: {error.message}") from error
        for item, count in ballot.items():
            if count:
                dots[item] += count
                voters[item] += 1
                if groups and participant in groups:
                    by_group[item][groups[participant]] += count
    totals = [DotTotal(item, dots[item], voters[item], dict(by_group[item])) for item in dots]
    return sorted(totals, key=lambda t: (-t.dots, -t.voters, t.item))
