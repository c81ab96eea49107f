"""Cross-group labels and their uncertainty, on small hand-made cases worked out by hand."""

import pytest

from codesign.analysis.comparison import (
    BOTH_OPPOSE,
    CONTESTED,
    SHARED,
    TOO_FEW,
    UNCLEAR,
    Support,
    compare,
    compare_label,
    support_from_stances,
    wilson,
)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (8, 10, 0.4902, 0.9433),  # textbook Wilson 95 % interval for 8/10
        (5, 5, 0.5655, 1.0),
        (0, 5, 0.0, 0.4345),
        (4, 5, 0.3755, 0.9638),
    ],
)
def test_wilson_matches_hand_computed_values(k: int, n: int, low: float, high: float) -> None:
    got = wilson(k, n)
    assert got == pytest.approx((low, high), abs=1e-4)


def test_wilson_without_trials_is_the_whole_range() -> None:
    assert wilson(0, 0) == (0.0, 1.0)


def test_stances_count_people_not_votes() -> None:
    # +3 (agreed with three proposals), -1, 0 (one agree, one disagree), +1
    s = support_from_stances([3, -1, 0, 1])
    assert (s.supporters, s.opposers, s.neutral, s.responses) == (2, 1, 1, 3)


def test_labels() -> None:
    yes, no = Support(5, 0), Support(0, 5)
    unsure, few = Support(4, 1), Support(3, 0)
    assert compare_label({"black-communities": yes, "south-asian-communities": yes}) == SHARED
    assert compare_label({"black-communities": yes, "south-asian-communities": no}) == CONTESTED
    assert compare_label({"black-communities": no, "south-asian-communities": no}) == BOTH_OPPOSE
    assert compare_label({"black-communities": yes, "south-asian-communities": few}) == TOO_FEW
    assert compare_label({"black-communities": yes, "south-asian-communities": unsure}) == UNCLEAR
    assert compare_label({"south-asian-communities": yes}) == "specific to South Asian communities"
    assert compare_label({"black-communities": few}) == TOO_FEW


def test_intervals_that_do_not_overlap_are_contested() -> None:
    # 20/20 → (0.839, 1.0); 4/10 → (0.168, 0.687): apart, though neither is "opposed"
    assert compare_label({"a": Support(20, 0), "b": Support(4, 6)}) == CONTESTED


def test_describe_says_not_enough_rather_than_a_share() -> None:
    assert Support(2, 1).describe() == "not enough responses (3 took a side)"
    assert Support(8, 2).describe() == "8 of 10 people (80%, 95% interval 49%–94%)"


def _tables(votes: dict[str, list[tuple[str, int]]]) -> dict:
    """Two groups, one shared seed component each, votes as group → [(person, value)]."""
    contributions, components, members, vote_rows = [], [], [], []
    for n, group in enumerate(("black-communities", "south-asian-communities"), 1):
        contributions.append({"id": n, "text": f"idea {n}", "group": group})
        components.append(
            {"component": f"c{n}", "session_code": f"S{n}", "group": group, "label": "Faith",
             "keywords": "faith; church", "seed_key": "faith-and-culture",
             "programme_key": "faith-and-culture", "suggested": False}
        )  # fmt: skip
        members.append({"component": f"c{n}", "contribution": n})
        vote_rows += [
            {"kind": "agree", "group": group, "contribution": n, "participant": p, "value": v}
            for p, v in votes.get(group, [])
        ]
    sessions = [{"group": "black-communities"}, {"group": "south-asian-communities"}]
    return {"contributions": contributions, "components": components, "sessions": sessions,
            "component_members": members, "votes": vote_rows}  # fmt: skip


def test_compare_matches_components_by_seed_and_labels_them() -> None:
    agree = [(f"p{i}", 1) for i in range(6)]
    against = [(f"q{i}", -1) for i in range(6)]
    (found,) = compare(_tables({"black-communities": agree, "south-asian-communities": against}))
    assert found.label == CONTESTED
    assert found.support["black-communities"].supporters == 6
    assert [r["text"] for r in found.supporting["south-asian-communities"]] == ["idea 2"]


def test_compare_small_group_is_not_enough() -> None:
    few = [("p1", 1), ("p2", 1)]
    agree = [(f"p{i}", 1) for i in range(6)]
    (found,) = compare(_tables({"black-communities": agree, "south-asian-communities": few}))
    assert found.label == TOO_FEW


def test_one_group_review_gives_that_groups_verdict() -> None:
    tables = _tables({"black-communities": [(f"p{i}", 1) for i in range(6)]})
    assert compare(tables)[0].label == TOO_FEW
    tables["sessions"] = [{"group": "black-communities"}]
    assert compare(tables)[0].label == "supported"  # the South Asian group raised it, nobody voted
