"""Property tests over what arrives from outside: form fields and imported files.

Whatever the input — any Unicode, lone surrogates, control characters, huge fields,
random bytes, broken quoting, wrong encodings, missing columns — the only failure is a
`CodesignError` with a message for the person, and a failed import writes nothing.
The database examples run against one demo database per backend (`module_demo_url`).
"""

import csv
import io
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from codesign import store
from codesign.access import ADMIN
from codesign.demo import workshop as demo
from codesign.errors import CodesignError, Invalid
from codesign.intake import importers, polis, polis_import
from codesign.store.models import Consent, Contribution, Event, Participant, Vote
from codesign.workshop import contributions, sessions

DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ANY_CHAR = st.one_of(  # any code point, with lone surrogates and controls made common
    st.characters(),
    st.characters(categories=["Cs"]),
    st.characters(categories=["Cc"]),
    st.sampled_from(DIRECTION_CONTROLS),
)


def _strings(alphabet: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    """Joined characters: `st.text` would quietly drop the lone surrogates."""
    return st.lists(alphabet, max_size=max_size).map("".join)


FIELD = st.one_of(
    _strings(ANY_CHAR, 80),
    st.builds(lambda n, tail: "x" * n + tail, st.integers(1900, 2100), _strings(ANY_CHAR, 5)),
)
DB_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTED = (Contribution, Participant, Consent, Vote, Event)


def _counts(url: str) -> tuple[int, ...]:
    with store.reading(url) as db:
        return tuple(db.scalar(select(func.count()).select_from(m)) or 0 for m in COUNTED)


@settings(max_examples=300, deadline=None)
@given(text=FIELD, kind=st.sampled_from([*contributions.KINDS, "", "IDEA"]),
       language=st.sampled_from(["en", "ur", "xx", ""]))  # fmt: skip
def test_form_fields_are_stored_as_checked_or_refused_clearly(
    text: str, kind: str, language: str
) -> None:
    try:
        body = contributions.check(text, kind, language)
    except Invalid as exc:
        assert exc.message and "{" not in exc.message
        return
    assert 0 < len(body) <= contributions.MAX_CHARS and body == body.strip()
    assert body == unicodedata.normalize("NFC", body) == contributions.clean(body)
    assert not [c for c in body if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert not set(body) & set(DIRECTION_CONTROLS)
    body.encode("utf-8")  # whatever passes can be stored on either backend


@DB_SETTINGS
@given(text=FIELD)
def test_submitting_any_text_stores_it_exactly_or_refuses(module_demo_url: str, text: str) -> None:
    url = module_demo_url
    info = sessions.by_code(demo.demo_code("bc-live"), url)
    before = _counts(url)
    try:
        stored = contributions.submit(info.id, None, text, actor=ADMIN, url=url)
    except CodesignError:
        assert _counts(url) == before
        return
    with store.reading(url) as db:
        assert db.get_one(Contribution, stored.id).text == contributions.clean(text)


def _csv_text(rows: list[list[str]], header: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


HEADERS = st.lists(
    st.sampled_from(["text", "ref", "participant", "kind", "created_at", "x", ""]),
    min_size=0,
    max_size=5,
)
CELLS = _strings(ANY_CHAR.filter(lambda c: c != "\x00"), 30)
CSV_FILES = st.one_of(
    st.binary(max_size=400),  # random bytes, including invalid UTF-8 and NULs
    st.builds(lambda s: s.encode("utf-16"), st.text(max_size=60)),  # a wrong encoding
    st.builds(lambda s: s.encode("cp1252", "replace"), st.text(max_size=60)),
    st.builds(  # well-formed CSV with random headings and cells
        lambda header, rows: _csv_text(rows, header).encode("utf-8", "surrogatepass"),
        HEADERS,
        st.lists(st.lists(CELLS, max_size=6), max_size=5),
    ),
    st.builds(  # broken quoting
        lambda body: f'text,participant\n"{body},someone\n"unclosed'.encode("utf-8", "replace"),
        st.text(max_size=40),
    ),
)


@DB_SETTINGS
@given(data=CSV_FILES)
def test_csv_import_never_crashes_nor_writes_half(module_demo_url: str, data: bytes) -> None:
    url = module_demo_url
    code = demo.demo_code("bc-live")
    before = _counts(url)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.csv"
        path.write_bytes(data)
        try:
            report = importers.import_contributions(path, code, url=url, actor=ADMIN)
        except CodesignError as exc:
            assert exc.message
            assert _counts(url) == before
            return
    after = _counts(url)
    assert after[0] - before[0] == report.added
    assert all(line >= 1 and reason for line, reason in report.problems)


POLIS_COMMENTS = st.one_of(
    st.binary(max_size=300),
    st.builds(
        lambda rows: _csv_text(
            rows, ["timestamp", "comment-id", "author-id", "comment-body"]
        ).encode("utf-8", "surrogatepass"),
        st.lists(st.lists(CELLS, min_size=4, max_size=4), max_size=4),
    ),
)


@settings(max_examples=200, deadline=None)
@given(data=POLIS_COMMENTS, votes=st.binary(max_size=200))
def test_polis_files_parse_or_refuse_clearly(data: bytes, votes: bytes) -> None:
    for parse, raw in ((polis.parse_comments, data), (polis.parse_votes, votes)):
        try:
            parse(raw)
        except CodesignError as exc:
            assert exc.message


@DB_SETTINGS
@given(comments=POLIS_COMMENTS, votes=st.binary(max_size=200))
def test_polis_import_never_writes_half(
    module_demo_url: str, comments: bytes, votes: bytes
) -> None:
    url = module_demo_url
    before = _counts(url)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "comments.csv").write_bytes(comments)
        (Path(folder) / "votes.csv").write_bytes(votes)
        try:
            polis_import.import_polis(Path(folder), demo.demo_code("bc-live"), url=url, actor=ADMIN)
        except CodesignError:
            assert _counts(url) == before
            return
    assert _counts(url) >= before


@pytest.mark.parametrize("field", ["\ud800", "ok \udfff ok", "\x00", " \t\n "])
def test_unstorable_text_is_refused_with_a_message(field: str) -> None:
    with pytest.raises(Invalid):
        contributions.check(field, "idea", "en")
