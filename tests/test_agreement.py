"""Per-statement vote statistics and dot votes, on cases worked out by hand."""

from __future__ import annotations

import math

import pytest

from codesign.errors import Invalid
from codesign.methods.agreement import (
    CONSENSUS_AGREE,
    CONSENSUS_DISAGREE,
    DIVISIVE,
    NO_PATTERN,
    NOT_ENOUGH,
    Tally,
    check_dot_ballot,
    dot_vote_totals,
    proportion_z,
    statement_stats,
    two_proportion_z,
)


def votes_for(statement: str, group: str, agree: int, disagree: int, passed: int):
    """(participant, statement, value) rows with participants named after their group."""
    values = [1] * agree + [-1] * disagree + [0] * passed
    return [(f"{group}-{i}", statement, v) for i, v in enumerate(values)]


def groups_of(votes) -> dict[str, str]:
    return {participant: participant.split("-")[0] for participant, _, _ in votes}


def only(stats, statement: str):
    (found,) = [s for s in stats if s.statement == statement]
    return found


def test_smoothed_probabilities_follow_polis() -> None:
    tally = Tally(agree=3, disagree=1, passed=1)
    assert tally.seen == 5
    assert tally.p_agree == pytest.approx(4 / 7)
    assert tally.p_disagree == pytest.approx(2 / 7)
    assert tally.agree_z == pytest.approx(2 * math.sqrt(6) * (4 / 6 - 0.5))


def test_no_votes_means_even_odds() -> None:
    assert Tally().p_agree == 0.5
    assert proportion_z(0, 0) == pytest.approx(2 * (1 - 0.5))


def test_two_proportion_z_by_hand() -> None:
    # 8/8 vs 4/8 agree: pseudo-counts give 9/9 vs 5/9, pooled 14/18.
    pooled = 14 / 18
    expected = (1 - 5 / 9) / math.sqrt(pooled * (1 - pooled) * (2 / 9))
    assert two_proportion_z(8, 4, 8, 8) == pytest.approx(expected)
    assert two_proportion_z(3, 3, 2, 2) == 0.0  # pooled rate 1: Pol.is returns 0


def test_agreement_in_every_group_is_consensus() -> None:
    votes = votes_for("s", "black", 7, 1, 0) + votes_for("s", "asian", 9, 0, 1)
    result = only(statement_stats(votes, groups_of(votes)), "s")
    assert result.verdict == CONSENSUS_AGREE
    assert result.judged == ["asian", "black"]
    assert result.groups["black"] == Tally(7, 1, 0)
    assert result.overall == Tally(16, 1, 1)
    assert result.group_consensus == pytest.approx((8 / 10) * (10 / 12))


def test_disagreement_in_every_group_is_consensus_against() -> None:
    votes = votes_for("s", "a", 0, 8, 0) + votes_for("s", "b", 1, 9, 0)
    assert only(statement_stats(votes, groups_of(votes)), "s").verdict == CONSENSUS_DISAGREE


def test_groups_on_opposite_sides_are_divisive() -> None:
    votes = votes_for("s", "a", 8, 0, 0) + votes_for("s", "b", 1, 7, 0)
    result = only(statement_stats(votes, groups_of(votes)), "s")
    assert result.verdict == DIVISIVE
    assert result.spread == pytest.approx(9 / 10 - 2 / 10)


def test_a_lukewarm_split_is_no_clear_pattern() -> None:
    votes = votes_for("s", "a", 3, 2, 0) + votes_for("s", "b", 2, 3, 0)
    assert only(statement_stats(votes, groups_of(votes)), "s").verdict == NO_PATTERN


def test_all_pass_is_no_clear_pattern_not_consensus() -> None:
    votes = votes_for("s", "a", 0, 0, 6) + votes_for("s", "b", 0, 0, 6)
    result = only(statement_stats(votes, groups_of(votes)), "s")
    assert result.verdict == NO_PATTERN
    assert result.overall == Tally(0, 0, 12)


def test_a_single_voter_is_not_enough() -> None:
    votes = [("p", "s", 1)]
    result = only(statement_stats(votes, {"p": "a"}), "s")
    assert result.verdict == NOT_ENOUGH
    assert result.too_few == ["a"]
    assert result.group_consensus == pytest.approx(2 / 3)  # Pol.is counts it all the same


def test_group_aware_consensus_counts_a_silent_group_as_even_odds() -> None:
    """Pol.is multiplies (agree + 1) / (seen + 2) over every group, voters or not."""
    votes = votes_for("s", "a", 3, 1, 0) + votes_for("t", "b", 1, 0, 0)
    result = only(statement_stats(votes, groups_of(votes)), "s")
    assert result.group_consensus == pytest.approx((4 / 6) * (1 / 2))


def test_no_groups_no_group_aware_consensus() -> None:
    assert only(statement_stats([("p", "s", 1)], {}), "s").group_consensus is None


def test_a_small_group_is_reported_but_not_judged() -> None:
    votes = votes_for("s", "a", 8, 0, 0) + votes_for("s", "b", 0, 2, 0)
    result = only(statement_stats(votes, groups_of(votes), min_votes=5), "s")
    assert result.judged == ["a"]
    assert result.too_few == ["b"]
    assert result.groups["b"] == Tally(0, 2, 0)
    assert result.verdict == CONSENSUS_AGREE


def test_threshold_is_inclusive() -> None:
    votes = votes_for("s", "a", 5, 0, 0)
    assert only(statement_stats(votes, groups_of(votes), min_votes=5), "s").judged == ["a"]
    assert only(statement_stats(votes, groups_of(votes), min_votes=6), "s").judged == []


def test_ungrouped_participants_count_overall_only() -> None:
    votes = [*votes_for("s", "a", 5, 0, 0), ("stranger", "s", -1)]
    result = only(statement_stats(votes, groups_of(votes[:-1])), "s")
    assert result.overall == Tally(5, 1, 0)
    assert list(result.groups) == ["a"]


def test_a_changed_vote_counts_once_as_the_last_value() -> None:
    votes = [("p", "s", 1), ("p", "s", -1)]
    assert only(statement_stats(votes, {}), "s").overall == Tally(0, 1, 0)


def test_statements_come_most_agreed_first_then_by_key() -> None:
    votes = (
        votes_for("low", "a", 0, 5, 0)
        + votes_for("high", "a", 5, 0, 0)
        + votes_for("tie2", "a", 2, 2, 1)
        + votes_for("tie1", "a", 2, 2, 1)
    )
    order = [s.statement for s in statement_stats(votes, groups_of(votes))]
    assert order == ["high", "tie1", "tie2", "low"]


def test_an_unknown_vote_value_is_refused() -> None:
    with pytest.raises(Invalid, match="vote 2"):
        statement_stats([("p", "s", 2)], {})


def test_no_votes_no_statements() -> None:
    assert statement_stats([], {}) == []


# --- dot votes -------------------------------------------------------------------------------


def test_dot_totals_with_groups_and_ties() -> None:
    ballots = {"p1": {"x": 2, "y": 1}, "p2": {"y": 2, "z": 0}, "p3": {"x": 1}}
    totals = dot_vote_totals(ballots, budget=3, per_item_cap=2, groups={"p1": "a", "p2": "b"})
    assert [(t.item, t.dots, t.voters) for t in totals] == [("x", 3, 2), ("y", 3, 2)]
    assert totals[1].by_group == {"a": 1, "b": 2}


@pytest.mark.parametrize(
    ("ballot", "words"),
    [
        ({"x": 3}, "at most 2 dots"),
        ({"x": 2, "y": 2}, "4 dots used, but the budget is 3"),
        ({"x": -1}, "0 or more"),
        ({"x": 1.5}, "whole number"),
    ],
)
def test_ballots_breaking_the_rules_are_refused(ballot, words: str) -> None:
    with pytest.raises(Invalid, match=words):
        check_dot_ballot(ballot, budget=3, per_item_cap=2)
    with pytest.raises(Invalid, match="ballot of p9"):
        dot_vote_totals({"p9": ballot}, budget=3, per_item_cap=2)


def test_a_ballot_exactly_at_the_limits_is_fine() -> None:
    check_dot_ballot({"x": 2, "y": 1}, budget=3, per_item_cap=2)


def across_opinion_groups(votes, statement: str = "s"):
    """The verdict across opinion groups a, b and c, each with voters even when silent on s."""
    everyone = votes + [(f"{g}-{i}", "other", 1) for g in "abc" for i in range(8)]
    return only(statement_stats(everyone, groups_of(everyone), every_group=True), statement)


@pytest.mark.parametrize("silent_votes", [(0, 0, 0), (1, 0, 0), (2, 0, 0), (0, 2, 0), (1, 1, 0)])
def test_across_opinion_groups_a_group_with_few_votes_keeps_consensus_out(
    silent_votes: tuple[int, int, int],
) -> None:
    """Pol.is: every group must lean the same way significantly, with votes to show it."""
    votes = (
        votes_for("s", "a", 9, 0, 0)
        + votes_for("s", "b", 8, 1, 0)
        + votes_for("s", "c", *silent_votes)
    )
    found = across_opinion_groups(votes)
    assert found.verdict == NOT_ENOUGH
    assert only(statement_stats(votes, groups_of(votes)), "s").verdict in {
        CONSENSUS_AGREE,
        DIVISIVE,
    }


def test_across_opinion_groups_a_group_leaning_against_or_not_at_all_is_no_consensus() -> None:
    agree = votes_for("s", "a", 9, 0, 0) + votes_for("s", "b", 8, 1, 0)
    assert across_opinion_groups(agree + votes_for("s", "c", 8, 0, 0)).verdict == CONSENSUS_AGREE
    assert across_opinion_groups(agree + votes_for("s", "c", 3, 3, 0)).verdict == NO_PATTERN
    assert across_opinion_groups(agree + votes_for("s", "c", 0, 8, 0)).verdict == DIVISIVE


def test_across_opinion_groups_divisive_needs_every_group_to_lean() -> None:
    """Two groups on opposite sides, a third undecided: no clear pattern, not divisive."""
    split = votes_for("s", "a", 9, 0, 0) + votes_for("s", "b", 0, 9, 0)
    assert across_opinion_groups(split + votes_for("s", "c", 3, 3, 1)).verdict == NO_PATTERN
    assert across_opinion_groups(split + votes_for("s", "c", 0, 7, 0)).verdict == DIVISIVE
