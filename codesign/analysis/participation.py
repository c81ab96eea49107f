"""Participation balance: who was heard, by role, and a plain warning when few voices dominate.

People counted are those who took part in the scope (contributed or voted): attendance
is not recorded, so what someone did is the only sign they were there. Each vote counts
once (one agree/disagree/pass, or one item given dots).

The warning rule, applied only when the numbers can carry it (at least `MIN_PEOPLE`
people and `MIN_ITEMS` contributions, or votes for the vote rule):

1. *A few voices dominate* when the most active fifth of people (rounded up) made more
   than half of the contributions.
2. *A role is under-heard* when its share of contributions, or of votes, is less than
   half its share of the people taking part.
"""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from codesign.analysis.tables import Tables

TOP_FIFTH = 0.2
DOMINANT_SHARE = 0.5
UNDER_HEARD = 0.5
MIN_PEOPLE = 5
MIN_ITEMS = 10
ROLE_NAMES = {
    "expert_by_experience": "Experts by experience",
    "by_and_for_organisation": "By-and-for organisations",
    "practitioner": "Practitioners",
    "community_expert": "Community experts",
    "advisory_member": "Advisory Group members",
    None: "Role not recorded",
}


@dataclass(frozen=True)
class RoleShare:
    role: str | None
    people: int
    contributions: int
    votes: int
    share_people: float
    share_contributions: float
    share_votes: float

    @property
    def name(self) -> str:
        return ROLE_NAMES.get(self.role, str(self.role))


NOBODY = "No participation yet."


@dataclass(frozen=True)
class Balance:
    roles: list[RoleShare]
    people: int
    contributions: int
    votes: int
    warnings: list[str]


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def dominance(counts: Sequence[int], people: int) -> str | None:
    """Rule 1, on contributions per person (people who made none count as 0)."""
    total = sum(counts)
    if people < MIN_PEOPLE or total < MIN_ITEMS:
        return None
    top = math.ceil(TOP_FIFTH * people)
    made = sum(sorted(counts, reverse=True)[:top])
    if _share(made, total) <= DOMINANT_SHARE:
        return None
    return (
        f"A few voices dominate: the {top} most active of {people} people made "
        f"{_share(made, total):.0%} of the contributions."
    )


def under_heard(role: RoleShare, what: str, total: int) -> str | None:
    """Rule 2 for one role and one kind of activity ("contributions" or "votes")."""
    share = role.share_contributions if what == "contributions" else role.share_votes
    if total < MIN_ITEMS or share >= UNDER_HEARD * role.share_people:
        return None
    return (
        f"{role.name} are {role.share_people:.0%} of the people taking part but made "
        f"{share:.0%} of the {what}."
    )


def balance_of(
    roles: Mapping[str, str | None], authors: Sequence[str], voters: Sequence[str]
) -> Balance:
    """Balance from each person's role and one entry per contribution and per vote."""
    active = {p: roles.get(p) for p in {*authors, *voters}}
    made, cast = Counter(authors), Counter(voters)
    by_role: dict[str | None, list[str]] = {}
    for person, role in active.items():
        by_role.setdefault(role, []).append(person)
    shares = [
        RoleShare(
            role=role,
            people=len(people),
            contributions=sum(made[p] for p in people),
            votes=sum(cast[p] for p in people),
            share_people=_share(len(people), len(active)),
            share_contributions=_share(sum(made[p] for p in people), len(authors)),
            share_votes=_share(sum(cast[p] for p in people), len(voters)),
        )
        for role, people in sorted(by_role.items(), key=lambda item: str(item[0]))
    ]
    warnings = [dominance([made[p] for p in active], len(active))]
    warnings += [under_heard(r, "contributions", len(authors)) for r in shares]
    warnings += [under_heard(r, "votes", len(voters)) for r in shares]
    found = [w for w in warnings if w]
    if not active:
        found.append(NOBODY)
    elif len(active) < MIN_PEOPLE:
        people = "1 person" if len(active) == 1 else f"{len(active)} people"
        found.append(f"Only {people} took part: too few to judge balance.")
    return Balance(shares, len(active), len(authors), len(voters), found)


def balance(tables: Tables) -> Balance:
    """Balance for an export's tables (contributions without a participant are left out)."""
    roles = {p["participant"]: p["role"] for p in tables["participants"]}
    authors = [r["participant"] for r in tables["contributions"] if r.get("participant")]
    voters = [v["participant"] for v in tables["votes"]]
    return balance_of(roles, authors, voters)
