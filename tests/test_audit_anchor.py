"""Rewriting the audit trail, as someone with the database file or a SQL prompt would:
an anchor kept outside the database catches a truncated, rewound or recomputed chain,
`audit verify` notices missing triggers, and a malformed row is one clear line
(issue 10, finding 7)."""

import pytest
from click.testing import Result
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from codesign import store
from codesign.store import events
from codesign.store.events import HASHED
from codesign.store.migrations import POSTGRES_APPEND_ONLY, SQLITE_APPEND_ONLY
from tests import privacy_scenario
from tests.cli import invoke, run


@pytest.fixture
def trail(store_url: str) -> str:
    """A workshop with a few dozen events."""
    privacy_scenario.build(store_url)
    return store_url


def _anchor(url: str) -> str:
    return run("audit", "anchor", "--db", url).strip()


def _verify(url: str, *anchor: str) -> Result:
    return invoke("audit", "verify", "--db", url, *(["--anchor", *anchor] if anchor else []))


def _broken(result: Result, reason: str) -> None:
    assert result.exit_code == 1, result.output
    assert reason in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def _drop_triggers(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for name in ("events_no_update", "events_no_delete"):
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
    else:
        conn.exec_driver_sql("DROP TRIGGER events_append_only ON events")


def _restore_triggers(url: str) -> None:
    """Put the guard back, as a careful attacker would."""
    with store.engine(url).begin() as conn:
        sqlite = conn.dialect.name == "sqlite"
        for statement in SQLITE_APPEND_ONLY if sqlite else POSTGRES_APPEND_ONLY:
            conn.exec_driver_sql(statement)


def _recompute_from(conn: Connection, first: int) -> None:
    """Redo every hash from event `first` on, and the head: the chain is whole again."""
    rows = conn.execute(text("SELECT * FROM events ORDER BY id")).mappings().all()
    prev = events.GENESIS
    for row in rows:
        if row["id"] >= first:
            fields = {name: row[name] for name in HASHED}
            at = events._moment(row["at"])
            new = events._event_hash(prev, at, fields)
            conn.execute(
                text("UPDATE events SET prev_hash = :p, hash = :h WHERE id = :i"),
                {"p": prev, "h": new, "i": row["id"]},
            )
            prev = new
        else:
            prev = row["hash"]
    conn.execute(text("UPDATE chain_head SET last_hash = :h"), {"h": prev})


def test_an_untouched_trail_passes_its_anchor(trail: str) -> None:
    pin = _anchor(trail)
    run("session", "new", "--group", "advisory", "--title", "Later", "--db", trail)
    assert "intact" in run("audit", "verify", "--anchor", pin, "--db", trail)


def test_a_truncated_and_rewound_chain_fails_its_anchor(trail: str) -> None:
    pin = _anchor(trail)
    with store.engine(trail).begin() as conn:
        _drop_triggers(conn)
        last = int(pin.split(":")[0])
        conn.execute(text("DELETE FROM events WHERE id > :n"), {"n": last - 3})
        head = conn.execute(text("SELECT hash FROM events ORDER BY id DESC LIMIT 1")).scalar_one()
        conn.execute(text("UPDATE chain_head SET last_hash = :h"), {"h": head})
    _restore_triggers(trail)
    assert _verify(trail).exit_code == 0  # the attack works against the chain alone
    _broken(_verify(trail, pin), f"event {last} named by the anchor is missing")


def test_a_recomputed_chain_fails_its_anchor(trail: str) -> None:
    pin = _anchor(trail)
    with store.engine(trail).begin() as conn:
        _drop_triggers(conn)
        conn.execute(text("UPDATE events SET target_id = 999 WHERE id = 3"))
        _recompute_from(conn, 3)
    _restore_triggers(trail)
    assert _verify(trail).exit_code == 0
    _broken(_verify(trail, pin), "differs from the anchor")


def test_missing_or_disabled_triggers_are_reported(trail: str) -> None:
    with store.engine(trail).begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER events_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE events DISABLE TRIGGER events_append_only")
    _broken(_verify(trail), "append-only triggers missing")


def test_a_trigger_replaced_by_one_that_does_nothing_is_reported(trail: str) -> None:
    with store.engine(trail).begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
            conn.exec_driver_sql(
                "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT 1; END"
            )
        else:
            conn.exec_driver_sql(
                "CREATE OR REPLACE FUNCTION codesign_events_append_only() RETURNS trigger AS"
                " $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
            )
    _broken(_verify(trail), "append-only triggers missing")


@pytest.mark.parametrize("garbage", ["garbage", "", "2026-13-45 99:99:99"])
def test_a_malformed_time_is_one_clear_line(trail: str, garbage: str) -> None:
    if not trail.startswith("sqlite"):  # PostgreSQL refuses it (trigger, timestamp type)
        with pytest.raises(DBAPIError), store.engine(trail).begin() as conn:
            conn.execute(text("UPDATE events SET at = :g WHERE id = 2"), {"g": garbage})
        return
    with store.engine(trail).begin() as conn:
        _drop_triggers(conn)
        conn.execute(text("UPDATE events SET at = :g WHERE id = 2"), {"g": garbage})
    _restore_triggers(trail)
    _broken(_verify(trail), "is not a timestamp")


@pytest.mark.parametrize("pin", ["", "12", "x:abc", "3:" + "0" * 10])
def test_a_malformed_anchor_is_refused_clearly(trail: str, pin: str) -> None:
    _broken(_verify(trail, pin), "is not an anchor")
