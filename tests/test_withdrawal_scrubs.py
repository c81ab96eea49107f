"""Withdrawing one contribution scrubs its words from the database, and on SQLite from the
file's bytes, write-ahead log and shared memory included (issue 10, finding 6)."""

import secrets
from pathlib import Path

from sqlalchemy import text

from codesign import store
from codesign.access import ADMIN
from codesign.access import participant as participant_actor
from codesign.people import participants
from codesign.store.database import sqlite_file
from codesign.workshop import contributions, sessions
from tests.cli import run
from tests.privacy_scenario import CONSENT


def _file_bytes(url: str) -> bytes:
    home = sqlite_file(url)
    assert home is not None
    files = [home, *(Path(f"{home}{side}") for side in ("-wal", "-shm"))]
    return b"".join(f.read_bytes() for f in files if f.exists())


def _rows_with(url: str, needle: str) -> int:
    """Rows holding `needle` where a facilitator's raw SQL would find it."""
    with store.engine(url).connect() as conn:
        return sum(
            conn.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE text LIKE :n"), {"n": f"%{needle}%"}
            ).scalar_one()
            for table in ("contributions", "revisions")
        )


def _withdraw_one(url: str) -> tuple[str, str]:
    """A participant writes, rewrites and takes back one idea, and keeps another."""
    gone, kept = (f"MARK{secrets.token_hex(6).upper()}" for _ in range(2))
    info = sessions.create("advisory", "Withdrawal", url=url, actor=ADMIN)
    person = participants.enrol(info.group_id, CONSENT, url=url)
    actor = participant_actor(person.participant_id, info.group_id)
    first = contributions.submit(
        info.id, person.participant_id, f"{gone} first words", url=url, actor=actor
    )
    contributions.edit_own(first.id, f"{gone} second thoughts", url, actor=actor)
    contributions.submit(info.id, person.participant_id, f"{kept} stays", url=url, actor=actor)
    assert _rows_with(url, gone) == 2
    contributions.withdraw_own(first.id, url, actor=actor)
    return gone, kept


def test_withdrawn_words_are_gone_from_every_table(store_url: str) -> None:
    gone, kept = _withdraw_one(store_url)
    assert (_rows_with(store_url, gone), _rows_with(store_url, kept)) == (0, 1)
    run("audit", "verify", "--db", store_url)


def test_withdrawn_words_are_not_in_the_sqlite_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bytes.sqlite"
    run("init", "--db", url)
    try:
        gone, kept = _withdraw_one(url)
        held = _file_bytes(url)
        assert gone.encode() not in held
        assert kept.encode() in held  # the control: the grep does see words that stay
    finally:
        store.dispose(url)
