"""Delphi rating maths, checked against values worked out by hand.

Quartiles follow numpy's default "linear" method: the p-th quantile of n sorted values
sits at position (n - 1) * p, interpolating between neighbours.
"""

import numpy as np
import pytest

from codesign.access import ADMIN
from codesign.advisory import delphi
from codesign.advisory.delphi import RatingRow, Rule, summarise
from codesign.errors import Invalid


@pytest.mark.parametrize(
    ("values", "n", "missing", "q1", "median", "q3", "agree"),
    [
        # positions 0.75, 1.5, 2.25 → 1.75, 2.5, 3.25
        ([1, 2, 3, 4], 4, 0, 1.75, 2.5, 3.25, 0.25),
        # ties: sorted 2 4 4 4 5, positions 1, 2, 3 are all 4
        ([4, 4, 4, 5, 2], 5, 0, 4.0, 4.0, 4.0, 0.8),
        # sorted 3 3 4 4: 3 + 0.75 * 0 = 3, midpoint 3.5, 4 + 0.25 * 0 = 4
        ([3, 4, 3, 4], 4, 0, 3.0, 3.5, 4.0, 0.5),
        # ties at the extremes
        ([5, 1, 5, 1], 4, 0, 1.0, 3.0, 5.0, 0.5),
        # a single rater
        ([5], 1, 0, 5.0, 5.0, 5.0, 1.0),
        # missing ratings are left out: sorted 1 4 5, positions 0.5, 1, 1.5
        ([5, None, 4, None, 1], 3, 2, 2.5, 4.0, 4.5, 2 / 3),
    ],
)
def test_summary_by_hand(
    values: list[int | None],
    n: int,
    missing: int,
    q1: float,
    median: float,
    q3: float,
    agree: float,
) -> None:
    s = summarise(values)
    assert (s.n, s.missing) == (n, missing)
    assert (s.q1, s.median, s.q3) == pytest.approx((q1, median, q3))
    assert s.iqr == pytest.approx(q3 - q1)
    assert s.agree == pytest.approx(agree)


def test_distribution_counts_each_score() -> None:
    assert summarise([4, 4, 4, 5, 2, None]).counts == (0, 1, 0, 3, 1)


def test_all_missing_has_no_statistics_and_no_consensus() -> None:
    s = summarise([None, None, None])
    assert (s.n, s.missing, s.median, s.iqr, s.agree) == (0, 3, None, None, None)
    assert not any(rule.met(s) for rule in delphi.RULES)


def test_no_ratings_at_all() -> None:
    assert summarise([]) == delphi.Summary(0, 0, None, None, None, None, (0, 0, 0, 0, 0))


def test_cant_judge_is_neither_a_rating_nor_missing() -> None:
    s = summarise([5, delphi.CANT_JUDGE, None, 4, delphi.CANT_JUDGE])
    assert (s.n, s.missing, s.cant_judge, s.median, s.agree) == (2, 1, 2, 4.5, 1.0)


@pytest.mark.parametrize("bad", [6, -1, 7])
def test_out_of_range_rating_is_refused(bad: int) -> None:
    with pytest.raises(Invalid, match="from 1 to 5"):
        summarise([3, bad])


VERDICTS = {
    # values: agree75, agree80, iqr1, median4_agree70, median4_iqr1
    (4, 4, 4, 5, 2): (True, True, True, True, True),  # 80%, IQR 0, median 4
    (3, 4, 3, 4): (False, False, True, False, False),  # IQR exactly 1, median 3.5, 50%
    (5, 5, 5, 4, 1, 2): (False, False, False, False, False),  # 67% rate 4–5, IQR 2.5
    (4, 4, 4, 3): (True, False, True, True, True),  # 75% exactly, IQR 0.25
    (1, 1, 1, 1): (False, False, True, False, False),  # agreement that it is poor
    (5,): (True, True, True, True, True),  # a single rater meets every rule
}


@pytest.mark.parametrize(("values", "expected"), VERDICTS.items())
def test_rules_side_by_side(values: tuple[int, ...], expected: tuple[bool, ...]) -> None:
    s = summarise(values)
    assert tuple(rule.met(s) for rule in delphi.RULES) == expected


def test_wide_spread_by_hand() -> None:
    # sorted 1 2 4 5 5 5: positions 1.25 and 3.75 → 2 + 0.25 * 2 = 2.5 and 5
    s = summarise([5, 5, 5, 4, 1, 2])
    assert (s.q1, s.q3, s.median, s.agree) == pytest.approx((2.5, 5.0, 4.5, 4 / 6))


def test_min_n_makes_a_single_rater_insufficient() -> None:
    strict = Rule("agree75_n3", "≥ 75% of at least 3", min_agree=0.75, min_n=3)
    assert not strict.met(summarise([5]))
    assert strict.met(summarise([5, 4, 4]))


def _row(pid: int, section: str, rnd: int, org: str | None, *scores: int | None) -> RatingRow:
    relevance, clarity, actionability = scores
    return RatingRow(rnd, pid, section, org, relevance, clarity, actionability)


ROWS = [
    _row(1, "equity", 1, "by_and_for", 5, 3, 4),
    _row(2, "equity", 1, "by_and_for", 4, 4, None),
    _row(3, "equity", 1, "by_and_for", 5, 3, 2),
    _row(4, "equity", 1, "statutory", 2, 4, 4),
    _row(5, "equity", 1, None, 4, 4, 4),
    _row(1, "equity", 2, "by_and_for", 5, 4, 4),
    _row(1, "outcomes", 1, "by_and_for", 3, 3, 3),
    _row(2, "outcomes", 1, "by_and_for", 4, 3, 3),
]


def test_summaries_per_round_section_and_criterion() -> None:
    table = delphi.summaries(ROWS)
    assert set(table) == {
        (rnd, section, c)
        for rnd, section in [(1, "equity"), (2, "equity"), (1, "outcomes")]
        for c in delphi.CRITERIA
    }
    relevance = table[(1, "equity", "relevance")]  # 5 4 5 2 4 → sorted 2 4 4 5 5
    assert (relevance.n, relevance.median, relevance.q1, relevance.q3) == (5, 4.0, 4.0, 5.0)
    assert relevance.agree == pytest.approx(0.8)
    actionability = table[(1, "equity", "actionability")]  # 4 · 2 4 4 → sorted 2 4 4 4
    assert (actionability.n, actionability.missing, actionability.agree) == (4, 1, 0.75)


def test_consensus_sets_differ_between_rules() -> None:
    sets = delphi.compare_rules(delphi.summaries(ROWS))
    # round 1: equity relevance 80%/IQR 1; equity clarity 3 4 3 4 4 → 60%, IQR 1;
    # equity actionability 75%, IQR 0.5; outcomes: 3 4 (50%, IQR 0.5), 3 3 and 3 3 (0%, IQR 0)
    assert sets["agree75"][1] == {(1, "equity", "relevance"), (1, "equity", "actionability")}
    assert sets["agree80"][1] == {(1, "equity", "relevance")}
    assert len(sets["iqr1"][1]) == 6
    assert sets["median4_iqr1"][1] == {
        (1, "equity", "relevance"),
        (1, "equity", "clarity"),
        (1, "equity", "actionability"),
    }
    # round 2 has a single rater who rated 5 4 4: every rule is met
    assert all(len(by_round[2]) == 3 for by_round in sets.values())


def test_previous_round_split_by_organisation_type() -> None:
    split = delphi.by_group(ROWS, 1, "equity")
    assert set(split) == {"by_and_for", "statutory", delphi.UNKNOWN_GROUP}
    assert split["by_and_for"]["relevance"].counts == (0, 0, 0, 1, 2)
    assert split["by_and_for"]["actionability"].n == 2
    assert split["statutory"]["relevance"].median == 2.0


def test_rerating_view_shows_own_answer_and_hides_small_groups() -> None:
    view = delphi.rerating(ROWS, participant_id=2, round_=2, section="equity")
    assert view.previous_round == 1
    assert view.own == ROWS[1]
    assert set(view.by_group) == {"by_and_for"}  # statutory and unknown have one rater each
    assert view.overall["relevance"].n == 5


def test_rerating_before_any_earlier_round_is_empty() -> None:
    view = delphi.rerating(ROWS, participant_id=1, round_=1, section="equity")
    assert view == delphi.Rerating(None, {}, {}, None)


def test_member_who_did_not_rate_earlier_has_no_own_answer() -> None:
    assert delphi.rerating(ROWS, participant_id=9, round_=2, section="equity").own is None


def test_reading_ratings_from_the_demo(demo_sqlite: str) -> None:
    rows = delphi.read(demo_sqlite, actor=ADMIN)
    assert {r.round for r in rows} == {1, 2}
    assert {r.organisation_type for r in rows} == {
        "by_and_for",
        "mainstream",
        "statutory",
        "independent",
    }
    view = delphi.rerating_view(rows[0].participant_id, 2, rows[0].section, demo_sqlite)
    assert view.own == rows[0]


@pytest.mark.parametrize(
    "values", [[3], [1, 5], [2, 2, 3, 5, 1, 4, 4], [5, 1, 1, 1, 2, 3, 4, 5, 5]]
)
def test_quartiles_match_numpys_linear_method(values: list[int]) -> None:
    expected = np.percentile(values, [25, 50, 75], method="linear")
    ordered = sorted(values)
    assert [delphi.quantile(ordered, p) for p in (0.25, 0.5, 0.75)] == pytest.approx(expected)
