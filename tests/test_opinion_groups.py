"""Opinion groups by Pol.is's method: made-up electorates, hand-worked steps, real conversations."""

from __future__ import annotations

import numpy as np
import pytest

from codesign.methods.opinion_groups import (
    K_BUFFER,
    Cast,
    KChoice,
    as_mapping,
    extremity,
    joined,
    opinion_groups,
    opinion_map,
    pca,
    project,
    smooth,
    vote_matrix,
)
from tests import polis_shared


def two_camps(size: int = 12, statements: int = 10, noise: float = 0.1, seed: int = 0):
    """Camp A agrees with even statements and disagrees with odd ones; camp B the reverse."""
    rng = np.random.default_rng(seed)
    votes = []
    for camp, sign in (("a", 1), ("b", -1)):
        for person in range(size):
            for s in range(statements):
                value = sign * (1 if s % 2 == 0 else -1)
                if rng.random() < noise:
                    value = int(rng.choice([0, -value]))
                votes.append((f"{camp}{person:02d}", f"s{s}", value))
    return votes


def test_two_obvious_camps_are_found() -> None:
    groups = opinion_groups(two_camps())
    assert sorted(groups) == [[f"a{i:02d}" for i in range(12)], [f"b{i:02d}" for i in range(12)]]


def test_the_same_votes_give_the_same_answer() -> None:
    votes = two_camps(noise=0.3, seed=4)
    assert opinion_map(votes) == opinion_map(list(votes))


def test_light_voters_are_left_out_but_still_placed() -> None:
    votes = [*two_camps(), ("lurker", "s0", 1), ("lurker", "s1", -1)]
    result = opinion_map(votes)
    assert result.unclustered == ["lurker"]
    assert "lurker" in result.positions
    assert all("lurker" not in group for group in result.groups)


def test_the_seven_vote_rule_uses_every_statement_when_there_are_fewer() -> None:
    votes = two_camps(size=10, statements=4)
    votes += [("partial", "s0", 1), ("partial", "s1", -1)]
    assert opinion_map(votes, min_votes=7).unclustered == ["partial"]


def members(votes, min_votes: int = 7) -> set[str]:
    matrix = vote_matrix(votes)
    when = joined(Cast.of(votes, matrix), min_votes)
    return {matrix.participants[i] for i in np.flatnonzero(when < len(votes))}


def test_voters_with_fewer_than_seven_votes_are_never_grouped() -> None:
    """Not to make up 15 members (Pol.is's greedy fill), however few qualify."""
    votes = [("keen", f"s{s}", 1) for s in range(7)]
    votes += [(f"p{person:02d}", "s0", 1) for person in range(20)]
    assert members(votes) == {"keen"}


def test_six_light_voters_among_camps_are_ungrouped() -> None:
    """Six voters with one to five votes each stay out of every group, counted ungrouped."""
    light = [(f"light{n}", f"s{s}", 1 - 2 * (s % 2)) for n in range(1, 7) for s in range(min(n, 5))]
    result = opinion_map([*two_camps(size=6), *light])
    assert result.unclustered == sorted({p for p, _, _ in light})
    assert not {p for g in result.groups for p in g} & set(result.unclustered)


def test_seven_votes_let_a_later_voter_in() -> None:
    votes = [(f"p{person:02d}", f"s{s}", 1) for person in range(20) for s in range(10)]
    votes += [("late", f"s{s}", -1) for s in range(7)]
    assert "late" in members(votes)
    assert "late" not in members(votes[:-1])


def test_an_early_vote_on_the_only_statement_is_not_seven_votes() -> None:
    """The threshold counts the conversation's statements, not those there at the time."""
    votes = [("early", "s0", 1)]
    votes += [(f"p{person:02d}", f"s{s}", 1) for person in range(20) for s in range(7)]
    assert members(votes) == {f"p{p:02d}" for p in range(20)}


def test_a_changed_vote_is_not_a_second_vote() -> None:
    votes = [(f"p{person:02d}", f"s{s}", 1) for person in range(20) for s in range(7)]
    votes += [("fickle", "s0", v) for v in (1, -1, 0, 1, -1, 0, 1)]
    assert "fickle" not in members(votes)
    assert "fickle" in members([*votes, *(("fickle", f"s{s}", 1) for s in range(1, 7))])


def test_identical_voters_form_one_group() -> None:
    votes = [(f"p{i}", f"s{s}", 1) for i in range(20) for s in range(8)]
    result = opinion_map(votes)
    assert result.groups == [sorted(f"p{i}" for i in range(20))]
    assert result.silhouette is None and result.choice is None


@pytest.mark.parametrize("votes", [[], [("p", "s", 1)], [("p", "s", 1), ("q", "s", -1)]])
def test_tiny_inputs_do_not_crash(votes) -> None:
    result = opinion_map(votes)
    assert sorted(p for g in result.groups for p in g) == sorted({p for p, _, _ in votes})


def test_projection_of_the_hand_case() -> None:
    """Two opposite voters on two statements sit at ±sqrt(2) on the first component."""
    points = project(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    assert points[:, 0].tolist() == pytest.approx([np.sqrt(2), -np.sqrt(2)])
    assert points[:, 1].tolist() == pytest.approx([0, 0])


def test_a_sparse_voter_is_pushed_out_by_sqrt_statements_over_votes() -> None:
    """Pol.is sums only cast votes, then scales by sqrt(4 statements / 1 vote) = 2."""
    values = np.array(
        [[1.0, 1, -1, -1], [-1, -1, 1, 1], [1, -1, 1, -1], [1, np.nan, np.nan, np.nan]]
    )
    fit = pca(values)
    unscaled = (values[3, 0] - fit.center[0]) * fit.components[:, 0]
    assert project(values, fit)[3] == pytest.approx(2 * unscaled)


def test_missing_votes_take_the_statement_mean_in_the_pca() -> None:
    fit = pca(np.array([[1.0, -1.0], [-1.0, 1.0], [1.0, np.nan]]))
    assert fit.center.tolist() == pytest.approx([1 / 3, 0.0])


def test_the_components_are_those_an_svd_of_the_filled_matrix_gives() -> None:
    rng = np.random.default_rng(3)
    values = rng.choice([-1.0, 0.0, 1.0, np.nan], size=(40, 12))
    centred = np.where(np.isnan(values), 0.0, values - np.nanmean(values, axis=0))
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    found = pca(values).components
    for component, expected in zip(found, vt[:2], strict=True):
        assert np.abs(component) == pytest.approx(np.abs(expected), abs=1e-9)
        assert abs(component @ expected) == pytest.approx(1.0)


def test_extremity_is_one_agree_vote_projected() -> None:
    values = np.array([[1.0, -1.0, 0], [-1.0, 1.0, 0], [1.0, -1.0, 0]])
    fit = pca(values)
    alone = np.array([[1.0, np.nan, np.nan]])
    assert extremity(fit)[0] == pytest.approx(np.linalg.norm(project(alone, fit)[0]))
    assert extremity(fit)[2] == pytest.approx(0.0)  # everyone passed: it separates no one


def test_a_moderated_out_statement_moves_no_one() -> None:
    """Its column is zeroed, as Pol.is zeroes moderated-out statements, whatever the votes."""
    votes = two_camps()
    for_it = [*votes, *((p, "spam", 1) for p in {p for p, _, _ in votes})]
    against_it = [*votes, *((p, "spam", -1 if p < "b" else 1) for p in {p for p, _, _ in votes})]
    one, other = opinion_map(for_it, {"spam"}), opinion_map(against_it, {"spam"})
    assert one.positions == other.positions
    assert one.extremity["spam"] == 0.0


def test_the_vote_matrix_keeps_the_order_of_arrival_and_the_latest_vote() -> None:
    matrix = vote_matrix([("b", "t", 1), ("a", "t", -1), ("a", "u", 0), ("b", "t", -1)])
    assert matrix.participants == ["b", "a"]
    assert matrix.statements == ["t", "u"]
    assert np.isnan(matrix.values[0, 1])
    assert matrix.values[:, 0].tolist() == [-1, -1]


def test_as_mapping_names_groups_from_one() -> None:
    assert as_mapping([["a", "b"], ["c"]]) == {
        "a": "opinion group 1",
        "b": "opinion group 1",
        "c": "opinion group 2",
    }


# --- choosing k ---------------------------------------------------------------------------


def scored(*bests: int) -> list[tuple[int, dict[int, float]]]:
    """Checkpoints whose best k is given; every other k scores lower."""
    return [
        (n, {k: (0.9 if k == best else 0.1) for k in range(2, 6)}) for n, best in enumerate(bests)
    ]


def test_the_first_k_holds_until_another_leads_four_times_running() -> None:
    history = smooth(scored(2, 3, 3, 3, 2, 3, 3, 3, 3, 3))
    assert [c.k for c in history] == [2, 2, 2, 2, 2, 2, 2, 2, 3, 3]
    assert K_BUFFER == 4


def test_a_tie_goes_to_the_smaller_k() -> None:
    (only,) = smooth([(1, {2: 0.5, 3: 0.5})])
    assert only.best == only.k == 2


def test_checkpoints_that_cannot_group_change_nothing() -> None:
    history = smooth([(1, {}), *scored(3)])
    assert [c.k for c in history] == [None, 3]


def test_the_reason_says_which_k_won_and_how_often() -> None:
    choice = KChoice(2, smooth(scored(3, 2, 2, 2, 2)))
    assert choice.reason.startswith("2 groups: the best silhouette at the last 4 of 5 checkpoints")
    assert "k = 2: 0.90, k = 3: 0.10" in choice.reason


def test_the_reason_says_why_a_leading_k_has_not_taken_over() -> None:
    history = smooth(scored(2, 2, 3, 3))
    choice = KChoice(history[-1].k or 0, history)
    assert choice.reason.startswith("2 groups kept: 3 groups has had the best silhouette at only")
    assert "the last 2 of 4 checkpoints" in choice.reason


def test_a_replayed_conversation_reports_every_checkpoint() -> None:
    result = opinion_map(two_camps(size=20), checkpoints=5)
    assert result.choice is not None and result.choice.k == 2
    assert [c.votes for c in result.choice.checkpoints] == [80, 160, 240, 320, 400]


# --- the shared conversations --------------------------------------------------------------


@pytest.mark.parametrize("name", polis_shared.CONVERSATIONS)
def test_polis_own_groups_are_matched_at_least_as_well_as_the_plain_baseline(name: str) -> None:
    if not (polis_shared.POLIS / name).is_dir():
        pytest.skip(f"shared Pol.is data absent at {polis_shared.POLIS / name}")
    c = polis_shared.conversation(name)
    found = opinion_map(c.votes, c.moderated_out)
    ours = polis_shared.ari(c.truth, polis_shared.labels_of(found.groups))
    plain = polis_shared.ari(c.truth, polis_shared.baseline(c.votes, c.moderated_out))
    assert len(found.groups) == len(set(c.truth.values()))
    assert ours >= plain
    assert ours >= 0.9
