"""Representative statements per opinion group, on cases worked out by hand."""

from __future__ import annotations

import pytest

from codesign.methods.agreement import Tally, proportion_z, two_proportion_z
from codesign.methods.repness import MOST, Standing, representative


def votes_for(statement: str, group: str, agree: int, disagree: int, passed: int = 0):
    values = [1] * agree + [-1] * disagree + [0] * passed
    return [(f"{group}-{i}", statement, v) for i, v in enumerate(values)]


def groups_of(votes) -> dict[str, str]:
    return {participant: participant.split("-")[0] for participant, _, _ in votes}


SPLIT = votes_for("s", "a", 9, 1) + votes_for("s", "b", 1, 9)


def test_the_figures_follow_polis_by_hand() -> None:
    standing = Standing("s", Tally(9, 1, 0), Tally(1, 9, 0))
    assert standing.ra == pytest.approx((10 / 12) / (2 / 12))
    assert standing.rat == pytest.approx(two_proportion_z(9, 1, 10, 10))
    assert standing.rd == pytest.approx((2 / 12) / (10 / 12))
    assert standing.side == "agree"
    assert standing.passes()


def test_each_side_of_a_split_statement_represents_its_group() -> None:
    found = representative(SPLIT, groups_of(SPLIT))
    (a,) = found["a"]
    (b,) = found["b"]
    assert (a.statement, a.repful_for, a.n_success, a.n_trials) == ("s", "agree", 9, 10)
    assert a.p_test == pytest.approx(proportion_z(9, 10))
    assert a.best_agree  # the statement group a most clearly agrees with
    assert (b.repful_for, b.n_success, b.best_agree) == ("disagree", 9, False)


def test_what_everyone_agrees_on_represents_no_group_but_may_lead_as_best_agree() -> None:
    votes = votes_for("all", "a", 10, 0) + votes_for("all", "b", 10, 0) + SPLIT
    found = representative(votes, groups_of(votes))
    assert [r.statement for r in found["b"] if not r.best_agree] == ["s"]
    assert not Standing("all", Tally(10, 0, 0), Tally(10, 0, 0)).passes()


def test_at_most_five_agreements_before_disagreements() -> None:
    votes = []
    for n in range(4):
        votes += votes_for(f"yes{n}", "a", 9, 1) + votes_for(f"yes{n}", "b", 1, 9)
        votes += votes_for(f"no{n}", "a", 1, 9) + votes_for(f"no{n}", "b", 9, 1)
    chosen = representative(votes, groups_of(votes))["a"]
    assert len(chosen) == MOST
    sides = [r.repful_for for r in chosen]
    assert sides == sorted(sides)  # "agree" < "disagree": agreements first
    assert chosen[0].best_agree


def test_a_group_with_nothing_significant_still_gets_its_best_candidate() -> None:
    votes = votes_for("s", "a", 2, 1) + votes_for("s", "b", 1, 2)
    found = representative(votes, groups_of(votes))
    assert [r.statement for r in found["a"]] == ["s"]
    assert [r.statement for r in found["b"]] == ["s"]


def test_people_in_no_group_are_left_out() -> None:
    votes = [*SPLIT, *votes_for("s", "nobody", 0, 50)]
    found = representative(votes, groups_of(SPLIT))
    assert set(found) == {"a", "b"}
    assert found["a"][0].n_trials == 10
