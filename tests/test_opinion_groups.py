"""Pol.is-style opinion groups on made-up electorates and on the shared conversations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from codesign.intake import polis
from codesign.methods.opinion_groups import (
    as_mapping,
    opinion_groups,
    opinion_map,
    project,
    vote_matrix,
)

POLIS = Path(__file__).parents[1].parent / "shared" / "data" / "polis"


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


def test_result_is_deterministic() -> None:
    votes = two_camps(noise=0.3, seed=4)
    assert opinion_map(votes) == opinion_map(list(reversed(votes)))


def test_light_voters_are_left_out_but_still_placed() -> None:
    votes = [*two_camps(), ("lurker", "s0", 1), ("lurker", "s1", -1)]
    result = opinion_map(votes)
    assert result.unclustered == ["lurker"]
    assert "lurker" in result.positions
    assert all("lurker" not in group for group in result.groups)


def test_fewer_than_fifteen_qualified_are_topped_up_with_the_most_active() -> None:
    votes = two_camps(size=5)  # ten people with ten votes each
    votes += [("busy", f"s{s}", 1) for s in range(3)] + [("idle", "s0", 1)]
    result = opinion_map(votes)
    assert result.unclustered == []  # 12 people < 15: everyone who voted is in


def test_seven_vote_rule_uses_all_statements_when_fewer_than_seven() -> None:
    votes = two_camps(size=10, statements=4)
    votes += [("partial", "s0", 1), ("partial", "s1", -1)]
    assert opinion_map(votes, min_votes=7).unclustered == ["partial"]


def test_identical_voters_form_one_group() -> None:
    votes = [(f"p{i}", f"s{s}", 1) for i in range(20) for s in range(8)]
    result = opinion_map(votes)
    assert result.groups == [sorted(f"p{i}" for i in range(20))]
    assert result.silhouette is None


@pytest.mark.parametrize("votes", [[], [("p", "s", 1)], [("p", "s", 1), ("q", "s", -1)]])
def test_tiny_inputs_do_not_crash(votes) -> None:
    result = opinion_map(votes)
    assert sorted(p for g in result.groups for p in g) == sorted({p for p, _, _ in votes})


def test_projection_of_the_hand_case() -> None:
    """Two opposite voters on two statements sit at ±sqrt(2) on the first component."""
    points = project(np.array([[1.0, -1.0], [-1.0, 1.0]]))
    assert points[:, 0].tolist() == pytest.approx([np.sqrt(2), -np.sqrt(2)])
    assert points[:, 1].tolist() == pytest.approx([0, 0])


def test_a_missing_vote_projects_like_the_statement_mean() -> None:
    values = np.array([[1.0, -1.0], [-1.0, 1.0], [1.0, np.nan]])
    imputed = values.copy()
    imputed[2, 1] = 0.0  # the mean of the two votes cast on statement 2
    assert project(values) == pytest.approx(project(imputed))


def test_vote_matrix_keeps_missing_votes_missing() -> None:
    matrix = vote_matrix([("b", "t", 1), ("a", "t", -1), ("a", "u", 0)])
    assert matrix.participants == ["a", "b"]
    assert matrix.statements == ["t", "u"]
    assert np.isnan(matrix.values[1, 1])
    assert matrix.values[0].tolist() == [-1, 0]


def test_as_mapping_names_groups_from_one() -> None:
    assert as_mapping([["a", "b"], ["c"]]) == {
        "a": "opinion group 1",
        "b": "opinion group 1",
        "c": "opinion group 2",
    }


@pytest.mark.parametrize(
    ("name", "floor"), [("canadian-electoral-reform", 0.9), ("scoop-hivemind-biodiversity", 0.8)]
)
def test_polis_own_groups_are_reproduced(name: str, floor: float) -> None:
    directory = POLIS / name
    if not directory.is_dir():
        pytest.skip(f"shared Pol.is data absent at {directory}")
    export = polis.read_export(directory)
    kept = {c.ref for c in export.comments if c.moderated != -1}
    votes = [
        (str(v.voter_ref), str(v.comment_ref), v.value)
        for v in export.votes
        if v.comment_ref in kept
    ]
    truth = polis.read_participant_groups(directory / "participants-votes.csv")
    ours = {p: g for g, members in enumerate(opinion_groups(votes)) for p in members}
    grouped = [p for p, g in truth.items() if g is not None]
    score = adjusted_rand_score(
        [truth[p] for p in grouped], [ours.get(str(p), -1) for p in grouped]
    )
    assert score >= floor
