"""The Advisory tracker's figures on the demo, checked against the demo files themselves."""

import json
from datetime import UTC, datetime
from statistics import median
from typing import Any

import pytest

from codesign.access import ADMIN
from codesign.advisory import delphi, tracker
from codesign.demo import advisory as advisory_demo
from codesign.demo.workshop import DEMO_FILE


@pytest.fixture
def advisory_sqlite(demo_sqlite: str) -> str:
    advisory_demo.load(demo_sqlite)
    return demo_sqlite


def _expected_days_by_organisation() -> dict[str, float]:
    """Median days to decision per organisation type, straight from the JSON files."""
    workshop = json.loads(DEMO_FILE.read_text("utf-8"))
    moves = json.loads(advisory_demo.ADVISORY_FILE.read_text("utf-8"))["moves"]
    org = {p["pseudonym"]: p.get("organisation_type") for p in workshop["participants"]}
    given = {f["ref"]: (org[f["participant"]], f["created_at"]) for f in workshop["feedback"]}
    days: dict[str, list[float]] = {}
    for move in (m for m in moves if "to" in m):
        kind, created = given[move["ref"]]
        delta = datetime.fromisoformat(move["decided"]) - datetime.fromisoformat(created)
        days.setdefault(kind, []).append(delta.total_seconds() / 86400)
    return {kind: median(values) for kind, values in days.items()}


def test_median_days_to_decision_by_organisation_type(advisory_sqlite: str) -> None:
    table = tracker.decisions_by_organisation(tracker.items(advisory_sqlite, actor=ADMIN))
    expected = _expected_days_by_organisation()
    assert table.loc["by-and-for organisation", "median_days"] == pytest.approx(
        expected["by_and_for"]
    )
    assert table.loc["statutory service", "median_days"] == pytest.approx(expected["statutory"])
    assert int(table["decided"].sum()) == 19
    assert int(table["comments"].sum()) == 55
    assert table.loc["by-and-for organisation", "decided"] == 9


def test_open_items_by_section_and_age(advisory_sqlite: str) -> None:
    frame = tracker.items(advisory_sqlite, actor=ADMIN)
    table = tracker.open_by_section(frame, now=datetime(2026, 11, 24, 12, tzinfo=UTC))
    assert int(table["open"].sum()) == 55 - 19
    # round 1 comments (14 October) are 41 days old, round 2 (11 November) 13 days
    assert int(table["31–90 days"].sum()) == 39 - 19
    assert int(table["8–30 days"].sum()) == 16
    assert int(table["up to 7 days"].sum()) == 0
    assert table.index[0] == "Knowledge of the local client group"  # toolkit order


def test_participation_counts_comments_and_ratings(advisory_sqlite: str) -> None:
    table = tracker.participation(
        tracker.items(advisory_sqlite, actor=ADMIN),
        delphi.read(advisory_sqlite, actor=ADMIN),
        tracker.members(advisory_sqlite, actor=ADMIN),
    )
    assert int(table["comments"].sum()) == 55
    assert int(table["rated in round 1"].sum()) == 94
    assert int(table["rated in round 2"].sum()) == 93
    assert table.loc[("Granite Badger", "by_and_for"), "comments"] == 10


def test_consensus_by_round_matches_delphi(advisory_sqlite: str) -> None:
    ratings = delphi.read(advisory_sqlite, actor=ADMIN)
    table = tracker.consensus_by_round(ratings)
    sets = delphi.compare_rules(delphi.summaries(ratings))
    rounds: list[Any] = table.columns.tolist()  # round numbers, where the stubs expect names
    assert rounds == [1, 2]
    assert list(table.index) == [rule.label for rule in delphi.RULES]
    for rule in delphi.RULES:
        assert table.loc[rule.label, 2] == len(sets[rule.key][2])
    detail = tracker.summary_table(ratings)
    assert len(detail) == 2 * 8 * 3


def test_decisions_by_section(advisory_sqlite: str) -> None:
    table = tracker.decisions_by_section(tracker.items(advisory_sqlite, actor=ADMIN))
    accepted: Any = table.loc[
        "Equitable partnerships with communities and by-and-for organisations", "accepted"
    ]
    assert int(accepted) == 3
