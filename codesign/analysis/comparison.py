"""Comparing the two Co-Design Groups, component by component, honestly for small groups.

Components are matched across sessions and groups by their programme key: a shared
candidate-component seed, or a match by meaning whatever language the members were
written in (`codesign.workshop.session_components`), so that "specific to" a group
can never be an artefact of the language or script its members used. For each group that
raised a component, support is counted per *person*, not per vote: a voter whose agree
votes on the component's contributions sum above zero supports it, below zero opposes
it, and exactly zero (passes, or a balance) takes no side. A Wilson score interval
(95 %) on the share of supporters among those who took a side carries the uncertainty;
fewer than `MIN_RESPONSES` people taking a side is "not enough responses".

Labels (`compare_label`), in order:

- "not enough responses": some group that raised it has too few people taking a side;
- "specific to <group>": only one group raised it;
- "shared": both groups support it (interval above ½), "opposed by both" likewise below;
- "contested": one group supports and the other opposes, or their intervals do not overlap;
- "unclear": anything else (an interval straddles ½).

When the tables cover only one group (a session review), each component gets that
group's own verdict instead: supported, opposed, unclear or not enough responses.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from codesign.analysis.tables import Row, Tables
from codesign.people.groups import SEEDED

Z_95 = 1.959964
MIN_RESPONSES = 5
CODESIGN_GROUPS = ("black-communities", "south-asian-communities")
GROUP_NAMES = {slug: name.removesuffix(" Co-Design Group") for slug, name, _ in SEEDED}

SUPPORTED, OPPOSED, UNSURE, TOO_FEW = "supported", "opposed", "unclear", "not enough responses"
SHARED, CONTESTED, UNCLEAR, BOTH_OPPOSE = "shared", "contested", "unclear", "opposed by both"


def wilson(successes: int, trials: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a proportion; (0, 1) when there are no trials."""
    if trials == 0:
        return (0.0, 1.0)
    p = successes / trials
    centre = p + z * z / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    denominator = 1 + z * z / trials
    return ((centre - margin) / denominator, (centre + margin) / denominator)


@dataclass(frozen=True)
class Support:
    """People in one group who took a side on one component."""

    supporters: int
    opposers: int
    neutral: int = 0
    min_responses: int = MIN_RESPONSES

    @property
    def responses(self) -> int:
        return self.supporters + self.opposers

    @property
    def share(self) -> float | None:
        return self.supporters / self.responses if self.responses else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.supporters, self.responses)

    @property
    def verdict(self) -> str:
        low, high = self.interval
        if self.responses < self.min_responses:
            return TOO_FEW
        return SUPPORTED if low > 0.5 else OPPOSED if high < 0.5 else UNSURE

    def describe(self) -> str:
        """E.g. "9 of 12 people (75 %, 95 % interval 47–91 %)", or why there is no estimate."""
        if self.responses < self.min_responses:
            return f"not enough responses ({self.responses} took a side)"
        low, high = self.interval
        share = self.share or 0.0
        return (
            f"{self.supporters} of {self.responses} people ({share:.0%}, "
            f"95% interval {low:.0%}–{high:.0%})"
        )


def support_from_stances(stances: Iterable[int], min_responses: int = MIN_RESPONSES) -> Support:
    """Count each person's net stance (sum of their agree votes): >0, <0 or 0."""
    values = list(stances)
    return Support(
        supporters=sum(1 for v in values if v > 0),
        opposers=sum(1 for v in values if v < 0),
        neutral=sum(1 for v in values if v == 0),
        min_responses=min_responses,
    )


def compare_label(support: dict[str, Support], names: dict[str, str] = GROUP_NAMES) -> str:
    """The cross-group label for a component raised by the groups in `support`."""
    if any(s.verdict == TOO_FEW for s in support.values()) or not support:
        return TOO_FEW
    if len(support) == 1:
        (only,) = support
        return f"specific to {names.get(only, only)}"
    verdicts = {s.verdict for s in support.values()}
    if verdicts == {SUPPORTED}:
        return SHARED
    if verdicts == {OPPOSED}:
        return BOTH_OPPOSE
    if verdicts >= {SUPPORTED, OPPOSED} or _apart([s.interval for s in support.values()]):
        return CONTESTED
    return UNCLEAR


def _apart(intervals: list[tuple[float, float]]) -> bool:
    return max(low for low, _ in intervals) > min(high for _, high in intervals)


@dataclass
class ProgrammeComponent:
    """One component as the programme sees it: the session components that share it."""

    key: str
    label: str
    seed_key: str | None
    keywords: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    contributions: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))

    @property
    def groups(self) -> list[str]:
        return sorted(g for g, ids in self.contributions.items() if ids)


def programme_components(tables: Tables) -> list[ProgrammeComponent]:
    """Merge the session components that share a programme key, in order of appearance."""
    members: dict[str, list[Any]] = defaultdict(list)
    for row in tables["component_members"]:
        members[row["component"]].append(row["contribution"])
    found: dict[str, ProgrammeComponent] = {}
    for row in tables["components"]:
        if not members[row["component"]]:
            continue
        key = row["programme_key"]
        target = found.setdefault(key, ProgrammeComponent(key, row["label"], row["seed_key"]))
        target.components.append(row["component"])
        target.keywords.extend(k for k in row["keywords"].split("; ") if k)
        target.contributions[row["group"]].extend(members[row["component"]])
    return list(found.values())


@dataclass(frozen=True)
class Comparison:
    component: ProgrammeComponent
    support: dict[str, Support]
    label: str
    supporting: dict[str, list[Row]]


def _stances(tables: Tables, contribution_ids: set[Any], group: str) -> dict[Any, int]:
    net: dict[Any, int] = defaultdict(int)
    for vote in tables["votes"]:
        mine = vote["kind"] == "agree" and vote["group"] == group
        if mine and vote["contribution"] in contribution_ids:
            net[vote["participant"]] += vote["value"]
    return net


def compare(
    tables: Tables,
    groups: tuple[str, ...] = CODESIGN_GROUPS,
    min_responses: int = MIN_RESPONSES,
) -> list[Comparison]:
    """One comparison per programme component raised by any of `groups`."""
    rows = {row["id"]: row for row in tables["contributions"]}
    both_present = set(groups) <= {s["group"] for s in tables.get("sessions", [])}
    result = []
    for component in programme_components(tables):
        raised = [g for g in groups if component.contributions.get(g)]
        if not raised:
            continue
        support = {
            g: support_from_stances(
                _stances(tables, set(component.contributions[g]), g).values(), min_responses
            )
            for g in raised
        }
        supporting = {g: [rows[c] for c in component.contributions[g] if c in rows] for g in raised}
        # Reviewing one group's session, "specific to" would only restate the scope.
        label = compare_label(support) if both_present else support[raised[0]].verdict
        result.append(Comparison(component, support, label, supporting))
    return result
