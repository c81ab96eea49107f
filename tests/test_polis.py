"""Parsing Pol.is exports: well-formed files, every kind of broken file, and the real ones."""

from __future__ import annotations

import contextlib
import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codesign.errors import Invalid
from codesign.intake.polis import (
    PolisComment,
    PolisFormatError,
    PolisVote,
    parse_comments,
    parse_participant_groups,
    parse_votes,
    read_export,
    read_participant_groups,
)

POLIS = Path(__file__).parents[1].parent / "shared" / "data" / "polis"

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '1483908221702,Mon Jan 09 2017,1,7,5,4,1,"Interpreters, please: in Urdu, বাংলা and ਪੰਜਾਬੀ"\n'
    "1483404737048,Tue Jan 03 2017,0,7,16,2,-1,Plain text 😀\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "1000,x,0,5,1\n"
    "2000,x,0,5,-1\n"  # the same voter changes their mind: this one counts
    "1500,x,1,5,0\n"
    "1500,x,1,6,1\n"
    "1500,x,1,6,-1\n"  # same timestamp: the later line wins
)


def test_comments_are_parsed_with_quoted_unicode_text() -> None:
    first, second = parse_comments(COMMENTS.encode())
    assert first == PolisComment(
        ref=1,
        author_ref=7,
        text="Interpreters, please: in Urdu, বাংলা and ਪੰਜਾਬੀ",
        moderated=1,
        created_at=datetime(2017, 1, 8, 20, 43, 41, 702000, tzinfo=UTC),
    )
    assert (second.ref, second.moderated, second.text) == (0, -1, "Plain text 😀")


def test_only_the_latest_vote_per_voter_and_comment_is_kept() -> None:
    votes = parse_votes(VOTES.encode())
    by_key = {(v.voter_ref, v.comment_ref): v.value for v in votes}
    assert by_key == {(5, 0): -1, (5, 1): 0, (6, 1): -1}
    assert votes[-1] == PolisVote(0, 5, -1, datetime.fromtimestamp(2, tz=UTC))


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted() -> None:
    data = "\ufeff" + VOTES.replace("\n", "\r\n")
    assert len(parse_votes(data.encode())) == 3


def test_participant_groups_keep_blank_as_none() -> None:
    data = b"participant,group-id,n-votes\n0,1,5\n3,,2\n"
    assert parse_participant_groups(data) == {0: 1, 3: None}


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", None, "is empty"),
        (b"timestamp,comment-id,voter-id\n1,2,3\n", 1, "missing column(s): vote"),
        (b"timestamp,comment-id,voter-id,vote\n1,2,3\n", 2, "has 3 fields"),
        (b"timestamp,comment-id,voter-id,vote\n1,x,3,1\n", 2, "comment-id 'x'"),
        (b"timestamp,comment-id,voter-id,vote\n1,2,3,1\n1,2,3,2\n", 3, "vote 2 is not one of"),
        (b"timestamp,comment-id,voter-id,vote\n1,2,3,1\n1,\xff,3,1\n", 3, "not UTF-8"),
        (b'timestamp,comment-id,voter-id,vote\n1,"2"x,3,1\n', 2, "broken CSV quoting"),
        (b'timestamp,comment-id,voter-id,vote\n1,"2,3,1\n', None, "broken CSV quoting"),
        (b"timestamp,comment-id,voter-id,vote\n99999999999999999999,2,3,1\n", 2, "out of range"),
        (b"timestamp,comment-id,voter-id,vote\n1,\xd9\xa3,3,1\n", 2, "not a whole number"),
        (b"timestamp,comment-id,voter-id,vote\n1,2\x00,3,1\n", 2, "contains NUL"),
    ],
)
def test_malformed_votes_name_the_file_and_line(data: bytes, line: int | None, words: str) -> None:
    with pytest.raises(PolisFormatError) as caught:
        parse_votes(data, "votes.csv")
    assert words in str(caught.value)
    assert str(caught.value).startswith("votes.csv")
    if line is not None:
        assert caught.value.line == line
        assert f"line {line}:" in str(caught.value)


def test_duplicate_comment_ids_are_refused() -> None:
    data = COMMENTS + "1,x,1,7,0,0,1,again\n"
    with pytest.raises(PolisFormatError, match="line 4: comment-id 1 appears twice"):
        parse_comments(data.encode())


def test_the_error_is_a_value_error_and_a_codesign_error() -> None:
    assert issubclass(PolisFormatError, ValueError)
    assert issubclass(PolisFormatError, Invalid)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolisFormatError, match=r"comments\.csv: cannot be read"):
        read_export(tmp_path)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80), st.sampled_from([0, 1, 2]))
def test_random_unicode_never_crashes_except_clearly(body: str, where: int) -> None:
    """Any text spliced into a votes or comments file parses or raises PolisFormatError."""
    lines = COMMENTS.splitlines(keepends=True)
    lines.insert(where + 1, body)
    for parser, data in (
        (parse_comments, "".join(lines)),
        (parse_votes, VOTES.replace("1500", body, 1)),
        (parse_comments, COMMENTS.replace("Plain text", body)),
    ):
        with contextlib.suppress(PolisFormatError):
            parser(data.encode())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=120))
def test_random_bytes_never_crash_except_clearly(noise: bytes) -> None:
    with contextlib.suppress(PolisFormatError):
        parse_votes(b"timestamp,comment-id,voter-id,vote\n" + noise)


@pytest.fixture(params=["canadian-electoral-reform", "scoop-hivemind-biodiversity"])
def shared_export(request: pytest.FixtureRequest) -> Path:
    directory = POLIS / request.param
    if not directory.is_dir():
        pytest.skip(f"shared Pol.is data absent at {directory}")
    return directory


def test_real_exports_match_their_documented_counts(shared_export: Path) -> None:
    export = read_export(shared_export)
    expected = {
        "canadian-electoral-reform": (174, 11950),
        "scoop-hivemind-biodiversity": (316, 29719),
    }
    assert (len(export.comments), len(export.votes)) == expected[shared_export.name]


def test_agree_is_plus_one_as_participants_votes_counts_it(shared_export: Path) -> None:
    """participants-votes.csv's n-agree equals each voter's +1 count: the sign is not flipped."""
    votes = read_export(shared_export).votes
    with (shared_export / "participants-votes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows[:50]:
        voter = int(row["participant"])
        mine = [v.value for v in votes if v.voter_ref == voter]
        assert mine.count(1) == int(row["n-agree"])
        assert mine.count(-1) == int(row["n-disagree"])
    groups = read_participant_groups(shared_export / "participants-votes.csv")
    assert set(groups.values()) == {0, 1, None}
