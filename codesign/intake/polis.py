"""Read a Pol.is conversation export (comments.csv, votes.csv, participants-votes.csv).

Pure parsing: the store import lives elsewhere. Vote signs follow Pol.is's CSV
exports, agree = 1, disagree = -1, pass = 0. (Pol.is's own database stores agree
as -1; the exports flip it. Checked on two public exports: each participant's
`n-agree` in participants-votes.csv equals their count of +1 rows in votes.csv.)

Anything malformed raises `PolisFormatError`, naming the file and line, so a
facilitator can fix or re-export the file rather than import half of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from codesign.errors import Invalid

COMMENT_COLUMNS = ("timestamp", "comment-id", "author-id", "moderated", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
GROUP_COLUMNS = ("participant", "group-id")
VOTE_VALUES = {-1, 0, 1}
MODERATION_VALUES = {-1, 0, 1}


class PolisFormatError(Invalid, ValueError):
    """A Pol.is export file that cannot be read; says which file and line."""

    def __init__(self, name: str, line: int | None, problem: str) -> None:
        where = f"{name}, line {line}" if line is not None else name
        super().__init__(f"{where}: {problem}")
        self.name = name
        self.line = line


@dataclass(frozen=True)
class PolisComment:
    """A statement; `moderated` is 1 accepted, 0 unmoderated, -1 moderated out."""

    ref: int
    author_ref: int
    text: str
    moderated: int
    created_at: datetime


@dataclass(frozen=True)
class PolisVote:
    """The latest vote of one voter on one comment: 1 agree, -1 disagree, 0 pass."""

    comment_ref: int
    voter_ref: int
    value: int
    created_at: datetime


@dataclass(frozen=True)
class PolisExport:
    comments: list[PolisComment]
    votes: list[PolisVote]


def read_export(directory: Path) -> PolisExport:
    """Comments and latest votes from an export directory."""
    return PolisExport(
        comments=read_comments(directory / "comments.csv"),
        votes=read_votes(directory / "votes.csv"),
    )


def read_comments(path: Path) -> list[PolisComment]:
    return parse_comments(_read_bytes(path), path.name)


def read_votes(path: Path) -> list[PolisVote]:
    return parse_votes(_read_bytes(path), path.name)


def read_participant_groups(path: Path) -> dict[int, int | None]:
    """Pol.is's own opinion group per participant (None: not clustered)."""
    return parse_participant_groups(_read_bytes(path), path.name)


def parse_comments(data: bytes, name: str = "comments.csv") -> list[PolisComment]:
    """Comments in file order; ids must be unique."""
    comments: list[PolisComment] = []
    seen: set[int] = set()
    for line, row in _rows(data, name, COMMENT_COLUMNS):
        ref = _integer(row, "comment-id", name, line)
        if ref in seen:
            raise PolisFormatError(name, line, f"comment-id {ref} appears twice")
        seen.add(ref)
        comments.append(
            PolisComment(
                ref=ref,
                author_ref=_integer(row, "author-id", name, line),
                text=row["comment-body"],
                moderated=_choice(row, "moderated", MODERATION_VALUES, name, line),
                created_at=_timestamp(row, name, line),
            )
        )
    return comments


def parse_votes(data: bytes, name: str = "votes.csv") -> list[PolisVote]:
    """The latest vote per voter × comment (a later line wins a timestamp tie), by time."""
    latest: dict[tuple[int, int], PolisVote] = {}
    for line, row in _rows(data, name, VOTE_COLUMNS):
        vote = PolisVote(
            comment_ref=_integer(row, "comment-id", name, line),
            voter_ref=_integer(row, "voter-id", name, line),
            value=_choice(row, "vote", VOTE_VALUES, name, line),
            created_at=_timestamp(row, name, line),
        )
        key = (vote.voter_ref, vote.comment_ref)
        if key not in latest or latest[key].created_at <= vote.created_at:
            latest[key] = vote
    return sorted(latest.values(), key=lambda v: (v.created_at, v.voter_ref, v.comment_ref))


def parse_participant_groups(
    data: bytes, name: str = "participants-votes.csv"
) -> dict[int, int | None]:
    groups: dict[int, int | None] = {}
    for line, row in _rows(data, name, GROUP_COLUMNS):
        participant = _integer(row, "participant", name, line)
        groups[participant] = _integer(row, "group-id", name, line) if row["group-id"] else None
    return groups


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise PolisFormatError(path.name, None, f"cannot be read ({error.strerror})") from error


def _rows(data: bytes, name: str, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs, checked for encoding, quoting, columns and field count."""
    reader = csv.reader(io.StringIO(_decode(data, name), newline=""), strict=True)
    header = _next_row(reader, name)
    if header is None:
        raise PolisFormatError(name, None, "is empty")
    missing = [column for column in required if column not in header]
    if missing:
        raise PolisFormatError(name, 1, f"missing column(s): {', '.join(missing)}")
    while (row := _next_row(reader, name)) is not None:
        if not row:
            continue
        if len(row) != len(header):
            problem = f"has {len(row)} fields where the header has {len(header)}"
            raise PolisFormatError(name, reader.line_num, problem)
        yield reader.line_num, dict(zip(header, row, strict=True))


def _next_row(reader: Iterator[list[str]], name: str) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as error:
        line = getattr(reader, "line_num", None)
        raise PolisFormatError(name, line, f"broken CSV quoting ({error})") from error


def _decode(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PolisFormatError(name, line, "is not UTF-8 text") from error
    if "\x00" in text:
        raise PolisFormatError(name, text[: text.index("\x00")].count("\n") + 1, "contains NUL")
    return text


def _integer(row: dict[str, str], column: str, name: str, line: int) -> int:
    value = row[column].strip()
    if not value.isascii() or not value.lstrip("-").isdigit():
        raise PolisFormatError(name, line, f"{column} {value!r} is not a whole number")
    return int(value)


def _choice(row: dict[str, str], column: str, allowed: set[int], name: str, line: int) -> int:
    value = _integer(row, column, name, line)
    if value not in allowed:
        raise PolisFormatError(name, line, f"{column} {value} is not one of {sorted(allowed)}")
    return value


def _timestamp(row: dict[str, str], name: str, line: int) -> datetime:
    """Pol.is timestamps are milliseconds since the Unix epoch."""
    milliseconds = _integer(row, "timestamp", name, line)
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise PolisFormatError(name, line, f"timestamp {milliseconds} is out of range") from error
