"""Attack: make the database hand an erased person's number to someone new.

SQLite gives the highest id out again once its row is deleted. If it did here, repeating
`codesign erase --participant N` (which the docs say is safe) would erase whoever got N
next, and a subject-access request for them would list the earlier person's events.
"""

import json
import sqlite3
from pathlib import Path

import pytest

from codesign import store
from codesign.store import migrations
from codesign.store.models import Base
from tests.cli import import_notes, new_session, run, run_json


def _subject_access(url: str, who: str, out: Path) -> dict[str, list[dict[str, object]]]:
    run("subject-access", "--participant", who, "--out", str(out), "--db", url)
    held: dict[str, list[dict[str, object]]] = json.loads(out.read_text(encoding="utf-8"))
    return held


def test_repeating_an_erasure_never_erases_the_next_person(store_url: str, tmp_path: Path) -> None:
    code = new_session(store_url)
    import_notes(store_url, code, tmp_path, [("ALPHA", "alpha's words")])
    first = run_json("erase", "--participant", "ALPHA", "--db", store_url)
    assert first["erased"] and first["group"] == "black-communities"

    import_notes(store_url, code, tmp_path, [("BRAVO", "bravo's words")])
    again = run_json("erase", "--participant", str(first["participant_id"]), "--db", store_url)

    assert again == {**again, "participant_id": first["participant_id"], "erased": False}
    bravo = _subject_access(store_url, "BRAVO", tmp_path / "bravo.json")
    assert [c["text"] for c in bravo["contributions"]] == ["bravo's words"]
    assert bravo["participant"]["id"] != first["participant_id"]  # type: ignore[call-overload]


def test_a_new_persons_subject_access_lists_none_of_an_erased_persons_events(
    store_url: str, tmp_path: Path
) -> None:
    code = new_session(store_url)
    import_notes(store_url, code, tmp_path, [("ALPHA", "one"), ("ALPHA", "two")])
    alpha = _subject_access(store_url, "ALPHA", tmp_path / "alpha.json")
    alpha_events = {e["id"] for e in alpha["events"]}
    run("erase", "--participant", "ALPHA", "--db", store_url)

    import_notes(store_url, code, tmp_path, [("BRAVO", "three"), ("BRAVO", "four")])
    bravo = _subject_access(store_url, "BRAVO", tmp_path / "bravo.json")

    assert alpha_events and bravo["events"]
    assert not alpha_events & {e["id"] for e in bravo["events"]}
    alpha_ids = {c["id"] for c in alpha["contributions"]}
    assert not alpha_ids & {c["id"] for c in bravo["contributions"]}


def _stored_sql(path: Path, table: str) -> str:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    return str(row[0])


@pytest.fixture
def legacy_erased(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int, str]:
    """An SQLite file laid out as before migration 3 (plain INTEGER ids, which SQLite
    reuses), whose newest participant was erased: the file, their id, a session code."""
    path = tmp_path / "legacy.sqlite"
    url = f"sqlite:///{path}"
    with monkeypatch.context() as legacy:
        legacy.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])
        for table in Base.metadata.tables.values():
            legacy.setitem(table.dialect_options["sqlite"], "autoincrement", False)
        code = new_session(url)
        import_notes(url, code, tmp_path, [("ALPHA", "alpha's words")])
        erased = run_json("erase", "--participant", "ALPHA", "--db", url)["participant_id"]
    assert "AUTOINCREMENT" not in _stored_sql(path, "participants")
    return path, int(erased), code


def test_upgrading_an_old_file_starts_ids_past_every_erased_person(
    legacy_erased: tuple[Path, int, str], tmp_path: Path
) -> None:
    """Upgrade an old file whose newest person was erased, and enrol someone new."""
    path, erased, code = legacy_erased
    url = f"sqlite:///{path}"

    assert "Applied migrations [3, 4, 5, 6, 7]" in run("init", "--db", url)
    import_notes(url, code, tmp_path, [("BRAVO", "bravo's words")])

    assert "AUTOINCREMENT" in _stored_sql(path, "participants")
    assert "events are append-only" in _stored_sql(path, "events_no_delete")
    assert not run_json("erase", "--participant", str(erased), "--db", url)["erased"]
    bravo = _subject_access(url, "BRAVO", tmp_path / "bravo.json")
    assert bravo["participant"]["id"] > erased  # type: ignore[call-overload]
    assert [c["text"] for c in bravo["contributions"]] == ["bravo's words"]
    assert "intact" in run("audit", "verify", "--db", url)
    store.dispose(url)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
