"""The participation warning: fires on a skewed workshop, stays quiet on a balanced one."""

from codesign.analysis.participation import balance_of, dominance

ROLES = {
    **{f"e{i}": "expert_by_experience" for i in range(5)},
    **{f"p{i}": "practitioner" for i in range(5)},
}


def test_balanced_workshop_has_no_warning() -> None:
    authors = [p for p in ROLES for _ in range(2)]  # everyone wrote two
    voters = [p for p in ROLES for _ in range(3)]
    found = balance_of(ROLES, authors, voters)
    assert found.warnings == []
    assert [r.share_people for r in found.roles] == [0.5, 0.5]


def test_few_voices_dominating_is_named() -> None:
    # p0 and p1 (the top fifth of 10) wrote 16 of 24 contributions
    authors = ["p0"] * 8 + ["p1"] * 8 + [p for p in ROLES if p not in ("p0", "p1")]
    found = balance_of(ROLES, authors, list(ROLES))
    assert (
        "A few voices dominate: the 2 most active of 10 people made 67% of the contributions."
        in found.warnings
    )


def test_under_heard_role_is_named() -> None:
    # experts by experience are half the people but wrote 2 of 22 contributions (9 %)
    authors = ["e0", "e1"] + [p for p in ROLES if p.startswith("p") for _ in range(4)]
    voters = list(ROLES) * 2
    found = balance_of(ROLES, authors, voters)
    assert (
        "Experts by experience are 50% of the people taking part but made 9% of the contributions."
        in found.warnings
    )
    assert not any("votes" in w for w in found.warnings)


def test_too_few_to_judge_says_so_instead_of_warning() -> None:
    assert dominance([9, 1], people=2) is None
    found = balance_of({"a": "practitioner", "b": "practitioner"}, ["a"] * 9 + ["b"], [])
    assert found.warnings == ["Only 2 people took part: too few to judge balance."]
    one = balance_of({"a": "practitioner"}, ["a"], [])
    assert one.warnings[-1] == "Only 1 person took part: too few to judge balance."
    assert balance_of({}, [], []).warnings == ["No participation yet."]
