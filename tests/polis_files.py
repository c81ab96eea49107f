"""Small synthetic Pol.is exports, shaped like the real ones, for tests that import one.

A folder holds comments.csv, votes.csv and participants-votes.csv with Pol.is's columns
(the extra ones an export carries included, so the reader must pick its columns by
name). The conversation is made up: two camps of voters who agree with opposite
statements, one statement everyone agrees with, one Pol.is's moderators removed and
one about pest control that safeguarding flags. Pol.is's own group of each voter is
their camp. No real conversation is copied into the project.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

COMMENT_HEADER = [
    "timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
    "comment-body",
]  # fmt: skip
VOTE_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
GROUP_HEADER = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
START = 1_700_000_000_000  # Pol.is times are milliseconds since the epoch


@dataclass(frozen=True)
class Statement:
    text: str
    camp: int | None  # the camp that agrees (the other disagrees); None: everyone agrees
    moderated: int = 1  # Pol.is: 1 accepted, -1 moderated out


STATEMENTS = [
    Statement("Evening sessions for people who work shifts", 0),
    Statement("Faith leaders should help carry the message", 0),
    Statement("Work with the mosque and the church", 0),
    Statement("Group sessions in the community centre", 0),
    Statement("Sessions only online, never in person", 1),
    Statement("Keep faith groups out of the programme", 1),
    Statement("One-to-one sessions rather than groups", 1),
    Statement("Sessions in the probation office", 1),
    Statement("Interpreters for every session that needs one", None),
    Statement("Off-topic spam that moderators removed", 0, moderated=-1),
    Statement("Kill the rats in the community centre before we meet there", None),
]
CONSENSUS = 8
MODERATED_OUT = 9
FLAGGED = 10


@dataclass(frozen=True)
class Export:
    """What was written, for tests to compare with what was stored."""

    folder: Path
    votes: int
    voters: int
    camps: dict[int, int]  # voter-id → Pol.is's group-id


def vote_of(voter: int, camp: int, n: int, statement: Statement) -> int:
    """Agree with your camp's statements, disagree with the others; a few passes."""
    if (voter + n) % 7 == 0:
        return 0
    if statement.camp is None or statement.camp == camp:
        return 1
    return -1


def write_export(folder: Path, voters: int = 24, first_author: int = 0) -> Export:
    """An export folder: `voters` voters in two camps, each voting on every statement.

    Statements are written by voters `first_author`, `first_author` + 1, …, as in Pol.is
    where authors are voters too; the first export of a conversation starts at 0.
    """
    folder.mkdir(parents=True)
    camps = {voter: voter % 2 for voter in range(voters)}
    with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(COMMENT_HEADER)
        for n, s in enumerate(STATEMENTS):
            author = first_author + n % 3
            out.writerow([START + n, "Tue Nov 14 2023", n, author, 0, 0, s.moderated, s.text])
    rows = [
        (voter, n, vote_of(voter, camp, n, s))
        for voter, camp in camps.items()
        for n, s in enumerate(STATEMENTS)
    ]
    with (folder / "votes.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(VOTE_HEADER)
        for position, (voter, n, value) in enumerate(rows):
            out.writerow([START + 100_000 + position, "Tue Nov 14 2023", n, voter, value])
    with (folder / "participants-votes.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([*GROUP_HEADER, *map(str, range(len(STATEMENTS)))])
        for voter, camp in camps.items():
            mine = [value for v, _, value in rows if v == voter]
            counts = [len(mine), mine.count(1), mine.count(-1)]
            out.writerow([voter, camp, 1, *counts, *mine])
    return Export(folder, len(rows), voters, camps)


def append_vote(folder: Path, voter: int | str, comment: int, value: int | str) -> None:
    """A later line in votes.csv: a changed vote, or (with bad values) a broken file."""
    with (folder / "votes.csv").open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow([START + 10_000_000, "later", comment, voter, value])
