"""Delphi-style rating rounds: how the Advisory Group rates each toolkit section.

Members rate each section from 1 to 5 on relevance, clarity and actionability, in
rounds; any rating may be left out. For each round, section and criterion this module
gives the number of ratings, the median, the interquartile range, the share rating 4 or
5, and whether that counts as consensus under a rule. Published Delphi studies use many
different rules and they select very different sets, so `compare_rules` applies the
common ones side by side rather than hiding the choice.

Choices worth knowing:

- Quartiles use numpy's default method, "linear" (Hyndman & Fan type 7, as Excel's
  QUARTILE.INC and R's default): for 1, 2, 3, 4 the quartiles are 1.75 and 3.25. It is
  written out here (`quantile`) rather than taken from numpy, so the members' phone form,
  which shows last round's quartiles, does not load numpy.
- Shares are of the ratings given: a missing rating is counted in `missing`, and a
  "can't judge" (stored as 0, `CANT_JUDGE`) in `cant_judge`, never as disagreement.
  With no ratings at all, every statistic is None and no rule is met.
- Every rule also needs `min_n` ratings (default 1), so a single rater can make
  "consensus"; the tracker shows n beside every verdict.

Everything here is a pure function over `RatingRow`s except `rows`, `read` and
`rerating_view`, the thin readers for the tracker and the re-rating form. Opening,
closing and answering a round is `codesign.advisory.rounds`.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN, Actor
from codesign.advisory import toolkit
from codesign.errors import Invalid
from codesign.store.models import Participant, Rating, ToolkitSection

CRITERIA = ("relevance", "clarity", "actionability")
MIN_GROUP_SIZE = 3  # fewer ratings than this in a sub-group are not shown to members
UNKNOWN_GROUP = "not stated"
CANT_JUDGE: Final = 0  # a member's "I can't judge this", kept apart from not answering


@dataclass(frozen=True)
class Summary:
    n: int
    missing: int
    median: float | None
    q1: float | None
    q3: float | None
    agree: float | None  # share of the ratings given that are 4 or 5, from 0 to 1
    counts: tuple[int, int, int, int, int]  # how many rated 1, 2, 3, 4, 5
    cant_judge: int = 0

    @property
    def iqr(self) -> float | None:
        return None if self.q1 is None or self.q3 is None else self.q3 - self.q1


def quantile(ordered: Sequence[int], p: float) -> float:
    """The p-th quantile of sorted values by the "linear" method: position (n - 1) * p,
    interpolating between the two values either side."""
    position = (len(ordered) - 1) * p
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def summarise(values: Iterable[int | None]) -> Summary:
    """n, median, quartiles, share 4–5 and the distribution of one set of ratings."""
    given: list[int] = []
    missing = cant_judge = 0
    for value in values:
        if value is None:
            missing += 1
        elif value == CANT_JUDGE:
            cant_judge += 1
        elif value in (1, 2, 3, 4, 5):
            given.append(value)
        else:
            raise Invalid(f"A rating must be from 1 to 5, not {value!r}.")
    c = [given.count(score) for score in range(1, 6)]
    counts = (c[0], c[1], c[2], c[3], c[4])
    if not given:
        return Summary(0, missing, None, None, None, None, (0, 0, 0, 0, 0), cant_judge)
    ordered = sorted(given)
    q1, median, q3 = (quantile(ordered, p) for p in (0.25, 0.5, 0.75))
    agree = (counts[3] + counts[4]) / len(given)
    return Summary(len(given), missing, median, q1, q3, agree, counts, cant_judge)


@dataclass(frozen=True)
class Rule:
    """A consensus rule: every threshold given must hold (those left as None are ignored)."""

    key: str
    label: str
    min_agree: float | None = None
    max_iqr: float | None = None
    min_median: float | None = None
    min_n: int = 1

    def met(self, s: Summary) -> bool:
        if s.n < max(self.min_n, 1):
            return False
        checks = (
            self.min_agree is None or (s.agree is not None and s.agree >= self.min_agree),
            self.max_iqr is None or (s.iqr is not None and s.iqr <= self.max_iqr),
            self.min_median is None or (s.median is not None and s.median >= self.min_median),
        )
        return all(checks)


RULES = (
    Rule("agree75", "≥ 75% rate 4–5", min_agree=0.75),
    Rule("agree80", "≥ 80% rate 4–5", min_agree=0.80),
    Rule("iqr1", "IQR ≤ 1", max_iqr=1),
    Rule("median4_agree70", "median ≥ 4 and ≥ 70% rate 4–5", min_median=4, min_agree=0.70),
    Rule("median4_iqr1", "median ≥ 4 and IQR ≤ 1", min_median=4, max_iqr=1),
)
DEFAULT_RULE = RULES[0]


@dataclass(frozen=True)
class RatingRow:
    round: int
    participant_id: int
    section: str
    organisation_type: str | None
    relevance: int | None
    clarity: int | None
    actionability: int | None

    def score(self, criterion: str) -> int | None:
        if criterion not in CRITERIA:
            raise Invalid(f"Unknown criterion {criterion!r}; use {', '.join(CRITERIA)}.")
        value: int | None = getattr(self, criterion)
        return value


Cell = tuple[int, str, str]  # round, section key, criterion


def summaries(rows: Iterable[RatingRow]) -> dict[Cell, Summary]:
    """A summary for every round × section × criterion that has at least one row."""
    grouped: dict[tuple[int, str], list[RatingRow]] = defaultdict(list)
    for row in rows:
        grouped[(row.round, row.section)].append(row)
    return {
        (rnd, section, c): summarise(r.score(c) for r in found)
        for (rnd, section), found in sorted(grouped.items())
        for c in CRITERIA
    }


def consensus(table: dict[Cell, Summary], rule: Rule = DEFAULT_RULE) -> dict[int, set[Cell]]:
    """Per round, the cells that reach consensus under one rule."""
    found: dict[int, set[Cell]] = {rnd: set() for rnd, _, _ in table}
    for cell, summary in table.items():
        if rule.met(summary):
            found[cell[0]].add(cell)
    return found


def compare_rules(
    table: dict[Cell, Summary], rules: Sequence[Rule] = RULES
) -> dict[str, dict[int, set[Cell]]]:
    """The consensus set under each rule, keyed by rule key, so differences are visible."""
    return {rule.key: consensus(table, rule) for rule in rules}


def by_group(rows: Iterable[RatingRow], round_: int, section: str) -> dict[str, dict[str, Summary]]:
    """One round's ratings of a section, split by organisation type, per criterion."""
    grouped: dict[str, list[RatingRow]] = defaultdict(list)
    for row in rows:
        if row.round == round_ and row.section == section:
            grouped[row.organisation_type or UNKNOWN_GROUP].append(row)
    return {
        group: {c: summarise(r.score(c) for r in found) for c in CRITERIA}
        for group, found in sorted(grouped.items())
    }


def own_answer(
    rows: Iterable[RatingRow], participant_id: int, round_: int, section: str
) -> RatingRow | None:
    return next(
        (
            r
            for r in rows
            if (r.participant_id, r.round, r.section) == (participant_id, round_, section)
        ),
        None,
    )


@dataclass(frozen=True)
class Rerating:
    """What a member sees before rating a section again."""

    previous_round: int | None
    overall: dict[str, Summary]
    by_group: dict[str, dict[str, Summary]]  # sub-groups with too few ratings left out
    own: RatingRow | None


def rerating(rows: Sequence[RatingRow], participant_id: int, round_: int, section: str) -> Rerating:
    """The latest earlier round's distribution (overall and by sub-group) and the member's own."""
    earlier = sorted({r.round for r in rows if r.round < round_ and r.section == section})
    if not earlier:
        return Rerating(None, {}, {}, None)
    prev = earlier[-1]
    in_prev = [r for r in rows if r.round == prev and r.section == section]
    split = {
        group: per_criterion
        for group, per_criterion in by_group(in_prev, prev, section).items()
        if max(s.n for s in per_criterion.values()) >= MIN_GROUP_SIZE
    }
    overall = {c: summarise(r.score(c) for r in in_prev) for c in CRITERIA}
    return Rerating(prev, overall, split, own_answer(in_prev, participant_id, prev, section))


def rows(db: Session) -> list[RatingRow]:
    """Every rating, with its section key and the rater's organisation type (unchecked:
    callers check the actor, or show only aggregates and the member's own rows)."""
    query = (
        select(Rating, ToolkitSection.key, Participant.organisation_type)
        .join(ToolkitSection, Rating.section_id == ToolkitSection.id)
        .join(Participant, Rating.participant_id == Participant.id)
        .order_by(Rating.round, Rating.id)
    )
    return [
        RatingRow(r.round, r.participant_id, key, org, r.relevance, r.clarity, r.actionability)
        for r, key, org in db.execute(query)
    ]


def read(url: str | None = None, *, actor: Actor) -> list[RatingRow]:
    """Every rating, for those who may read the Advisory Group's data."""
    with store.reading(url) as db:
        actor.require(actor.can_read(toolkit.owner_group(db)), "see the Advisory Group's ratings")
        return rows(db)


def rerating_view(
    participant_id: int, round_: int, section: str, url: str | None = None
) -> Rerating:
    """For the member's own form: aggregates they may see, and only their own answer."""
    # Read as admin: the view itself keeps to the aggregates and the member's own answer.
    return rerating(read(url, actor=ADMIN), participant_id, round_, section)
