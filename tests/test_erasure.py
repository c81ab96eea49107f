"""Withdrawal that really erases: rows gone, derived data recomputed, one tombstone event,
and on SQLite the words gone from the file's bytes (database, WAL and shared memory)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN, Actor, Role
from codesign.cli import core, main
from codesign.errors import AccessDenied, NotFound
from codesign.safety import erasure
from codesign.store import events, migrations
from codesign.store.models import (
    Base,
    Component,
    Consent,
    Contribution,
    Event,
    FeedbackItem,
    Participant,
    Rating,
    Vote,
)
from codesign.workshop import votes
from tests import privacy_scenario
from tests.privacy_scenario import Scenario


@pytest.fixture
def planted(store_url: str) -> Scenario:
    return privacy_scenario.build(store_url)


@pytest.fixture
def planted_sqlite(tmp_path: Path) -> Iterator[Scenario]:
    """The same scenario in an SQLite file, for checks on the file's bytes."""
    url = f"sqlite:///{tmp_path}/bytes.sqlite"
    migrations.upgrade(url)
    store.write(core.seed, url)
    yield privacy_scenario.build(url)
    store.dispose(url)


def _sqlite_bytes(url: str) -> bytes:
    path = Path(make_url(url).database or "")
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return b"".join(f.read_bytes() for f in files if f.exists())


def _rows_containing(url: str, needle: str) -> dict[str, int]:
    """Rows of every table whose text form contains `needle` (SQL, on either backend)."""
    found = {}
    with store.engine(url).connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = " || '|' || ".join(
                f"COALESCE(CAST({c.name} AS TEXT), '')" for c in table.columns
            )
            n = conn.execute(
                text(f"SELECT COUNT(*) FROM {table.name} WHERE ({columns}) LIKE :n"),
                {"n": f"%{needle}%"},
            ).scalar_one()
            if n:
                found[table.name] = n
    return found


def test_planted_markers_are_really_there_first(planted: Scenario) -> None:
    found = _rows_containing(planted.url, planted.marker)
    assert found == {"contributions": 2, "revisions": 1, "feedback_items": 1,
                     "feedback_status_changes": 1}  # fmt: skip


def test_erasure_removes_every_row_and_every_copy_of_the_words(planted: Scenario) -> None:
    receipt = erasure.erase_participant(planted.a.participant_id, planted.url, actor=ADMIN)
    assert receipt.erased and receipt.compacted
    assert receipt.removed["contributions"] == 2
    assert receipt.removed["revisions"] == 1
    assert receipt.removed["feedback"] == 1
    assert receipt.removed["ratings"] == 1
    assert receipt.removed["consents"] == 1
    assert receipt.removed["participants"] == 1
    assert receipt.removed["votes"] == 2  # A's own vote, and B's vote on A's words
    assert _rows_containing(planted.url, planted.marker) == {}
    with store.reading(planted.url) as db:
        pid = planted.a.participant_id
        for column in (Contribution.participant_id, Vote.participant_id,
                       FeedbackItem.participant_id, Rating.participant_id,
                       Consent.participant_id, Participant.id):  # fmt: skip
            assert db.scalar(select(func.count()).where(column == pid)) == 0


def test_erased_words_are_not_in_the_sqlite_files(planted_sqlite: Scenario) -> None:
    planted = planted_sqlite
    before = _sqlite_bytes(planted.url)
    assert all(m.encode() in before for m in planted.markers)
    erasure.erase_participant(planted.a.participant_id, planted.url, actor=ADMIN)
    after = _sqlite_bytes(planted.url)
    assert [m for m in planted.markers if m.encode() in after] == []
    assert planted.marker.encode() not in after


def test_derived_data_is_recomputed(planted: Scenario) -> None:
    voted_on = {
        t.contribution_id for t in votes.tallies(planted.session_id, planted.url, actor=ADMIN)
    }
    assert voted_on == {planted.a_first, planted.b_visible}
    erasure.erase_participant(planted.a.participant_id, planted.url, actor=ADMIN)
    with store.reading(planted.url) as db:
        merged = db.get(Contribution, planted.b_merged)
        assert merged is not None
        assert (merged.status, merged.merged_into_id) == ("visible", None)
        assert db.get(Component, planted.solo_component) is None
        shared = db.get(Component, planted.shared_component)
        assert shared is not None and shared.keywords == []
    assert votes.tallies(planted.session_id, planted.url, actor=ADMIN) == []


def test_merge_chain_is_repointed_past_erased_items(planted: Scenario) -> None:
    """B2 merged into A1, A1 merged into B1: after erasing A, B2 points at B1."""

    def chain(db: Session) -> None:
        a1 = db.get(Contribution, planted.a_first)
        assert a1 is not None
        a1.status, a1.merged_into_id = "merged", planted.b_visible

    store.write(chain, planted.url)
    erasure.erase_participant(planted.a.participant_id, planted.url, actor=ADMIN)
    with store.reading(planted.url) as db:
        merged = db.get(Contribution, planted.b_merged)
        assert merged is not None
        assert (merged.status, merged.merged_into_id) == ("merged", planted.b_visible)


def test_one_tombstone_event_without_content_and_a_chain_that_still_verifies(
    planted: Scenario,
) -> None:
    pid = planted.a.participant_id
    erasure.erase_participant(pid, planted.url, actor=ADMIN)
    with store.reading(planted.url) as db:
        tombstones = list(db.scalars(select(Event).where(Event.action == "erase")))
    assert [(e.target_type, e.target_id, e.digest) for e in tombstones] == [
        ("participant", pid, None)
    ]
    assert events.verify(planted.url).ok


def test_erasing_twice_is_a_no_op_with_a_clear_message(planted: Scenario) -> None:
    pid = planted.a.participant_id
    erasure.erase_participant(pid, planted.url, actor=ADMIN)
    again = erasure.erase_participant(pid, planted.url, actor=ADMIN)
    assert not again.erased and again.removed == {}
    assert again.message == f"Participant {pid} was already erased; nothing to do."
    with store.reading(planted.url) as db:
        assert db.scalar(select(func.count()).where(Event.action == "erase")) == 1


def test_erasing_someone_who_never_existed_is_not_found(store_url: str) -> None:
    with pytest.raises(NotFound):
        erasure.erase_participant(999_999, store_url, actor=ADMIN)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_only_admin_may_erase(planted: Scenario, role: Role) -> None:
    actor = Actor(role, frozenset({planted.group_id}), name="t")
    with pytest.raises(AccessDenied):
        erasure.erase_participant(planted.b.participant_id, planted.url, actor=actor)


def test_withdrawal_code_erases_its_owner_only(planted: Scenario) -> None:
    receipt = erasure.erase_by_withdrawal_code(planted.a.withdrawal_code.lower(), planted.url)
    assert receipt.erased and receipt.participant_id == planted.a.participant_id
    assert _rows_containing(planted.url, planted.marker) == {}
    with store.reading(planted.url) as db:
        assert db.get(Participant, planted.b.participant_id) is not None
    with pytest.raises(NotFound) as second:
        erasure.erase_by_withdrawal_code(planted.a.withdrawal_code, planted.url)
    assert second.value.message == erasure.CODE_NOT_FOUND


def test_backups_beside_the_sqlite_file_are_reported(planted_sqlite: Scenario) -> None:
    planted = planted_sqlite
    path = Path(make_url(planted.url).database or "")
    backup = path.with_name(f"{path.name}.20260101T000000.bak")
    backup.write_bytes(b"old copy")
    receipt = erasure.erase_participant(planted.a.participant_id, planted.url, actor=ADMIN)
    assert receipt.backups == (str(backup),)


def test_erase_command_by_pseudonym_then_again_by_id(planted: Scenario) -> None:
    runner = CliRunner()
    pid = planted.a.participant_id
    first = runner.invoke(
        main, ["erase", "--participant", planted.a.pseudonym, "--db", planted.url]
    )
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"Erased participant {pid} ({planted.a.pseudonym}, ")
    again = runner.invoke(main, ["erase", "--participant", str(pid), "--db", planted.url])
    assert again.exit_code == 0, again.output
    assert "already erased; nothing to do" in again.output
    gone = runner.invoke(main, ["erase", "--participant", planted.a.pseudonym, "--db", planted.url])
    assert gone.exit_code == 1 and "nothing about them is left" in gone.output


def test_erase_command_with_a_withdrawal_code(planted: Scenario) -> None:
    code = planted.b.withdrawal_code
    result = CliRunner().invoke(main, ["erase", "--withdrawal-code", code, "--db", planted.url])
    assert result.exit_code == 0, result.output
    assert f"Erased participant {planted.b.participant_id}" in result.output
