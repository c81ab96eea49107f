"""What happened in a session, or across the programme: the review notebook's figures.

Everything here reads an export's tables (`codesign.analysis.readmodel.build`), so the review
shows exactly what an export would hold: withdrawn people are gone, and a de-identified
review shows salted ids and redacted text.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from codesign.access import Actor
from codesign.analysis.readmodel import build
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Row, Tables
from codesign.methods import agreement
from codesign.store.models import is_shown


def load(
    session_code: str | None = None,
    *,
    actor: Actor,
    url: str | None = None,
    deidentified: bool = False,
) -> Tables:
    """The tables for one session (by join code) or, with no code, the whole programme."""
    from codesign.workshop import sessions

    info = sessions.by_code(session_code, url) if session_code else None
    if info is not None:
        actor.require(actor.can_export(info.group_id), "review this session")
    return build(Scope(info.id if info else None, actor, url, deidentified))


@dataclass(frozen=True)
class SessionActivity:
    """When a session's contributions arrived, in minutes after its first one."""

    session_code: str
    title: str
    group: str
    minutes: list[float]


def timeline(tables: Tables) -> list[SessionActivity]:
    """Contributions over time, one entry per session that has any, in session order."""
    times: dict[str, list[datetime]] = defaultdict(list)
    for row in tables["contributions"]:
        times[row["session_code"]].append(datetime.fromisoformat(row["created_at"]))
    result = []
    for s in tables["sessions"]:
        stamps = sorted(times.get(s["session_code"], []))
        if stamps:
            minutes = [(t - stamps[0]).total_seconds() / 60 for t in stamps]
            result.append(SessionActivity(s["session_code"], s["title"], s["group"], minutes))
    return result


@dataclass(frozen=True)
class ComponentResult:
    component: str
    session_code: str
    group: str
    label: str
    suggested: bool
    contributions: int
    dots: int
    agree: int
    disagree: int
    passed: int


def component_results(tables: Tables) -> list[ComponentResult]:
    """Each component with the vote totals of its contributions, most dots first."""
    rows = {row["id"]: row for row in tables["contributions"]}
    members: dict[str, list[Row]] = defaultdict(list)
    for m in tables["component_members"]:
        if m["contribution"] in rows:
            members[m["component"]].append(rows[m["contribution"]])
    results = [
        ComponentResult(
            component=c["component"],
            session_code=c["session_code"],
            group=c["group"],
            label=c["label"],
            suggested=c["suggested"],
            contributions=len(members[c["component"]]),
            **{k: sum(r[k] or 0 for r in members[c["component"]]) for k in _TOTALS},
            passed=sum(r["pass"] or 0 for r in members[c["component"]]),
        )
        for c in tables["components"]
    ]
    return sorted(results, key=lambda r: (-r.dots, -r.agree, r.label))


_TOTALS = ("dots", "agree", "disagree")


@dataclass(frozen=True)
class Proposal:
    """A voted contribution with its agreement verdict across the declared groups."""

    contribution: Any
    text: str
    language: str  # so a report can set `lang` on the text (fonts, screen readers)
    group: str
    stats: agreement.StatementStats


def proposals(tables: Tables, min_votes: int = agreement.MIN_VOTES) -> list[Proposal]:
    """Agreement per voted contribution, judged across opinion groups within its group.

    Each Co-Design Group votes only on its own proposals, so declared groups cannot
    disagree with each other on one; as in Pol.is, opinion groups (people who vote alike)
    within the group are what make a proposal consensus or divisive. Only shown proposals
    are judged (`Contribution.shown`: a held one stays out until released), though every
    vote places people in opinion groups, as `codesign results` does.
    """
    from codesign.methods import opinion_groups

    rows = {
        str(row["id"]): row
        for row in tables["contributions"]
        if is_shown(row["status"], row["needs_review"])
    }
    by_group: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for v in tables["votes"]:
        if v["kind"] == "agree":
            by_group[v["group"]].append((str(v["participant"]), str(v["contribution"]), v["value"]))
    found = []
    for group, votes in sorted(by_group.items()):
        opinions = opinion_groups.as_mapping(opinion_groups.opinion_groups(votes))
        found += [
            Proposal(
                s.statement, rows[s.statement]["text"], rows[s.statement]["language"], group, s
            )
            for s in agreement.statement_stats(votes, opinions, min_votes, every_group=True)
            if s.statement in rows
        ]
    return found


def consensus(found: list[Proposal]) -> list[Proposal]:
    return [p for p in found if p.stats.verdict.startswith("consensus")]


def divisive(found: list[Proposal]) -> list[Proposal]:
    return [p for p in found if p.stats.verdict == agreement.DIVISIVE]
