"""Storage guarantees: migrations, idempotent submission, concurrent writers, crash safety."""

import multiprocessing
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import feedback
from codesign.errors import Conflict, Invalid
from codesign.store import migrations, resend
from codesign.store.models import Contribution
from codesign.workshop import contributions, sessions
from tests import writers

ROOT = Path(__file__).resolve().parents[1]


def count_contributions(url: str, session_id: int) -> int:
    with store.reading(url) as db:
        query = select(func.count()).where(Contribution.session_id == session_id)
        return int(db.scalar(query.select_from(Contribution)) or 0)


def test_second_upgrade_is_a_no_op(store_url: str) -> None:
    assert migrations.pending(store_url) == []
    assert migrations.upgrade(store_url) == []


def test_backup_copies_an_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/b.sqlite"
    migrations.upgrade(url)
    sessions.create("Advisory Group", "Backed up", new_group=True, url=url, actor=ADMIN)
    store.dispose(url)
    backup = migrations._backup_sqlite(url)
    assert backup is not None and backup.exists()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT title FROM sessions").fetchone() == ("Backed up",)


def test_same_submission_twice_stores_one_row(store_url: str) -> None:
    s = sessions.create("black-communities", "Idempotency", url=store_url, actor=ADMIN)
    first = contributions.submit(
        s.id, None, "Faith leaders", client_id="abc", actor=ADMIN, url=store_url
    )
    again = contributions.submit(
        s.id, None, "Faith leaders", client_id="abc", actor=ADMIN, url=store_url
    )
    assert first.id == again.id
    assert count_contributions(store_url, s.id) == 1


def test_same_id_with_different_content_is_refused_not_overwritten(store_url: str) -> None:
    s = sessions.create("black-communities", "Idempotency", url=store_url, actor=ADMIN)
    contributions.submit(s.id, None, "Original words", client_id="xyz", actor=ADMIN, url=store_url)
    with pytest.raises(Conflict):
        contributions.submit(s.id, None, "Other words", client_id="xyz", actor=ADMIN, url=store_url)
    (kept,) = contributions.for_session(s.id, url=store_url, actor=ADMIN)
    assert kept.text == "Original words"


def test_a_reused_id_gets_one_answer_from_every_form(store_url: str) -> None:
    """Contributions and Advisory feedback follow one rule (`store.resend`), in one message."""
    s = sessions.create("advisory", "Resends", url=store_url, actor=ADMIN)
    contributions.submit(s.id, None, "Original words", client_id="c", actor=ADMIN, url=store_url)
    note = feedback.FeedbackDraft("rights", "concern", "Original words", None, s.id, client_id="f")
    first = feedback.submit(note, store_url, actor=ADMIN)
    assert feedback.submit(note, store_url, actor=ADMIN).id == first.id
    with pytest.raises(Conflict) as by_contribution:
        contributions.submit(s.id, None, "Other words", client_id="c", actor=ADMIN, url=store_url)
    with pytest.raises(Conflict) as by_feedback:
        feedback.submit(replace(note, text="Other words"), store_url, actor=ADMIN)
    assert str(by_contribution.value) == str(by_feedback.value) == resend.RESENT_DIFFERENT


@pytest.mark.parametrize("text", ["", "   \n\t", "x" * (contributions.MAX_CHARS + 1)])
def test_bad_text_is_refused_and_nothing_is_stored(store_url: str, text: str) -> None:
    s = sessions.create("south-asian-communities", "Bad input", url=store_url, actor=ADMIN)
    with pytest.raises(Invalid):
        contributions.submit(s.id, None, text, actor=ADMIN, url=store_url)
    assert count_contributions(store_url, s.id) == 0


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert('x')</script> & <b>bold</b>",
        "خاندان کے ساتھ کام کرنا ضروری ہے",
        "পরিবারের সাথে কাজ",
        "ਪਰਿਵਾਰ ਨਾਲ ਕੰਮ 🙏🏾",
    ],
)
def test_text_is_stored_exactly_as_written(store_url: str, text: str) -> None:
    s = sessions.create("south-asian-communities", "Unicode", url=store_url, actor=ADMIN)
    c = contributions.submit(s.id, None, text, language="en", actor=ADMIN, url=store_url)
    (stored,) = contributions.for_session(s.id, url=store_url, actor=ADMIN)
    assert stored.id == c.id and stored.text == text


def test_twenty_concurrent_writer_processes_lose_nothing(store_url: str) -> None:
    s = sessions.create("black-communities", "Concurrency", url=store_url, actor=ADMIN)
    store.dispose(store_url)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(20) as pool:
        results = pool.starmap(writers.write_many, [(store_url, s.id, w, 50) for w in range(20)])
    assert [e for errors in results for e in errors] == []
    assert count_contributions(store_url, s.id) == 1000


def test_killed_writer_loses_no_acknowledged_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/crash.sqlite"
    migrations.upgrade(url)
    s = sessions.create("advisory", "Crash", new_group=True, url=url, actor=ADMIN)
    store.dispose(url)
    command = [sys.executable, "-m", "tests.writers", url, str(s.id)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT) as child:
        assert child.stdout is not None
        acknowledged = [int(child.stdout.readline()) for _ in range(200)]
        child.send_signal(signal.SIGKILL)
        child.wait()
    with sqlite3.connect(tmp_path / "crash.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = {row[0] for row in conn.execute("SELECT id FROM contributions")}
    assert set(acknowledged) <= stored


def test_upgrading_an_older_database_backs_it_up_first(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    url = f"sqlite:///{path}"
    migrations.upgrade(url)
    sessions.create("advisory", "Before the upgrade", new_group=True, url=url, actor=ADMIN)
    newest = migrations.MIGRATIONS[-1][0]
    with store.engine(url).begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM schema_migrations WHERE version = {newest}")
    store.dispose(url)
    assert migrations.upgrade(url) == [newest]
    (backup,) = tmp_path.glob("old.sqlite.*.bak")
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT title FROM sessions").fetchone() == ("Before the upgrade",)
