"""The Advisory Group tracker's figures, as pandas DataFrames for
`notebooks/advisory_tracker.ipynb`: open items by section and age, time to decision,
participation, and consensus round by round.

The question members asked is whether by-and-for organisations' comments are answered
as fast as others'; `decisions_by_organisation` answers it with the median days from
comment to decision per organisation type, next to how many are still waiting. Times are
compared in UTC (SQLite hands back naive datetimes, PostgreSQL aware ones).
"""

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import func, select

from codesign import store
from codesign.access import Actor
from codesign.advisory import delphi, toolkit
from codesign.advisory.feedback import ORGANISATION_TYPES
from codesign.advisory.lifecycle import CLOSED
from codesign.store.models import (
    FeedbackItem,
    FeedbackStatusChange,
    Participant,
    SectionVersion,
    ToolkitSection,
)

AGE_BINS = (-1, 7, 30, 90, 100_000)
AGE_LABELS = ("up to 7 days", "8–30 days", "31–90 days", "over 90 days")
NOT_STATED = "not stated"


def _utc(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    if stamps.dt.tz is None:
        return stamps.dt.tz_localize(UTC)
    return stamps.dt.tz_convert(UTC)


def items(url: str | None = None, *, actor: Actor) -> pd.DataFrame:
    """One row per feedback item: section, type, status, who, when given and when decided."""
    decided = (
        select(FeedbackStatusChange.item_id, func.min(FeedbackStatusChange.created_at).label("at"))
        .where(FeedbackStatusChange.to_status.in_(CLOSED))
        .group_by(FeedbackStatusChange.item_id)
        .subquery()
    )
    query = (
        select(
            FeedbackItem.id,
            ToolkitSection.key.label("section"),
            ToolkitSection.title,
            ToolkitSection.position,
            FeedbackItem.type,
            FeedbackItem.priority,
            FeedbackItem.status,
            FeedbackItem.entered_by_facilitator,
            FeedbackItem.created_at,
            decided.c.at.label("decided_at"),
            FeedbackItem.participant_id,
            Participant.pseudonym,
            Participant.organisation_type,
        )
        .join(SectionVersion, FeedbackItem.section_version_id == SectionVersion.id)
        .join(ToolkitSection, SectionVersion.section_id == ToolkitSection.id)
        .outerjoin(Participant, FeedbackItem.participant_id == Participant.id)
        .outerjoin(decided, decided.c.item_id == FeedbackItem.id)
        .order_by(FeedbackItem.id)
    )
    with store.reading(url) as db:
        actor.require(actor.can_read(toolkit.owner_group(db)), "see the Advisory tracker")
        frame = pd.DataFrame([row._asdict() for row in db.execute(query)])
    if frame.empty:
        return frame
    frame["created_at"] = _utc(frame["created_at"])
    frame["decided_at"] = _utc(frame["decided_at"])
    frame["organisation_type"] = frame["organisation_type"].fillna(NOT_STATED)
    frame["days_to_decision"] = (
        frame["decided_at"] - frame["created_at"]
    ).dt.total_seconds() / 86400
    return frame


def open_by_section(frame: pd.DataFrame, now: datetime | None = None) -> pd.DataFrame:
    """Open items (new or under review) per section, counted by how long they have waited."""
    now = now or datetime.now(UTC)
    waiting = frame[~frame["status"].isin(CLOSED)].copy()
    age = (pd.Timestamp(now) - waiting["created_at"]).dt.days
    waiting["age"] = pd.cut(age, AGE_BINS, labels=AGE_LABELS)
    table = pd.crosstab(waiting["title"], waiting["age"], dropna=False)
    table = table.reindex(columns=list(AGE_LABELS), fill_value=0)
    table["open"] = table.sum(axis=1)
    return _in_toolkit_order(table, frame)


def _in_toolkit_order(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    order = frame.drop_duplicates("title").set_index("title")["position"]
    return table.loc[sorted(table.index, key=lambda title: order[title])]


def decisions_by_organisation(frame: pd.DataFrame) -> pd.DataFrame:
    """Per organisation type: comments, decided, share decided and median days to decision."""
    grouped = frame.groupby("organisation_type")
    table = pd.DataFrame(
        {
            "comments": grouped.size(),
            "decided": grouped["decided_at"].count(),
            "median_days": grouped["days_to_decision"].median(),
        }
    )
    table["share_decided"] = table["decided"] / table["comments"]
    table.index = [ORGANISATION_TYPES.get(k, k) for k in table.index]
    return table


def decisions_by_section(frame: pd.DataFrame) -> pd.DataFrame:
    """Per section: comments, decided, median days to decision, and the decisions' outcome."""
    table = pd.crosstab(frame["title"], frame["status"])
    table["median_days"] = frame.groupby("title")["days_to_decision"].median()
    return _in_toolkit_order(table, frame)


def members(url: str | None = None, *, actor: Actor) -> dict[int, str]:
    """The Advisory Group's pseudonyms by participant id."""
    with store.reading(url) as db:
        group = toolkit.owner_group(db)
        actor.require(actor.can_read(group), "see the Advisory Group's members")
        query = select(Participant.id, Participant.pseudonym).where(Participant.group_id == group)
        return {pid: name for pid, name in db.execute(query)}


def participation(
    frame: pd.DataFrame, ratings: list[delphi.RatingRow], names: dict[int, str]
) -> pd.DataFrame:
    """Per member: organisation type, comments given and sections rated in each round."""
    rated = pd.DataFrame(
        [(names.get(r.participant_id, "?"), r.organisation_type, r.round) for r in ratings],
        columns=["pseudonym", "organisation_type", "round"],
    )
    per_round = pd.crosstab(
        [rated["pseudonym"], rated["organisation_type"].fillna(NOT_STATED)], rated["round"]
    ).add_prefix("rated in round ")
    comments = frame.groupby(["pseudonym", "organisation_type"]).size().rename("comments")
    table = per_round.join(comments, how="outer").fillna(0).astype(int)
    return table.sort_values("comments", ascending=False)


def consensus_by_round(ratings: list[delphi.RatingRow]) -> pd.DataFrame:
    """How many section × criterion cells reach consensus, per rule (rows) and round."""
    sets = delphi.compare_rules(delphi.summaries(ratings))
    labels = {rule.key: rule.label for rule in delphi.RULES}
    return pd.DataFrame(
        {
            labels[key]: {rnd: len(cells) for rnd, cells in by_round.items()}
            for key, by_round in sets.items()
        }
    ).T.rename_axis(index="rule", columns="round")


def summary_table(ratings: list[delphi.RatingRow]) -> pd.DataFrame:
    """Every round × section × criterion with n, missing and "can't judge" answers, median,
    IQR, share 4–5 and each rule's verdict."""
    rows = []
    for (rnd, section, criterion), s in delphi.summaries(ratings).items():
        verdicts = {rule.label: rule.met(s) for rule in delphi.RULES}
        rows.append(
            {
                "round": rnd,
                "section": section,
                "criterion": criterion,
                "n": s.n,
                "missing": s.missing,
                "can't judge": s.cant_judge,
                "median": s.median,
                "iqr": s.iqr,
                "rating 4–5": s.agree,
                **verdicts,
            }
        )
    return pd.DataFrame(rows)


FIGURES = ("n", "median", "IQR")


def rounds_side_by_side(
    ratings: list[delphi.RatingRow], rule: delphi.Rule = delphi.DEFAULT_RULE
) -> pd.DataFrame:
    """One row per section × criterion and, per round, its n, median, IQR and whether it
    reaches consensus under `rule`: how each cell moved from round to round."""
    table = delphi.summaries(ratings)
    numbers = sorted({rnd for rnd, _, _ in table})
    columns = [(rnd, figure) for rnd in numbers for figure in (*FIGURES, rule.label)]
    rows: dict[tuple[str, str], dict[tuple[int, str], object]] = {}
    for (rnd, section, criterion), s in table.items():
        cell = rows.setdefault((section, criterion), {})
        cell.update({(rnd, "n"): s.n, (rnd, "median"): s.median, (rnd, "IQR"): s.iqr})
        cell[(rnd, rule.label)] = rule.met(s)
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    frame.columns = pd.MultiIndex.from_tuples(columns, names=["round", ""])
    frame.index = pd.MultiIndex.from_tuples(list(frame.index), names=["section", "criterion"])
    return frame
