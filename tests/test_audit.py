"""The audit trail: one event per change, append-only on both backends, no free text, a
hash chain that `codesign audit verify` checks; and the subject-access export."""

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from codesign import exports, store
from codesign.access import ADMIN
from codesign.access import participant as participant_actor
from codesign.cli import main
from codesign.people import participants
from codesign.safety import erasure, retention, subjects
from codesign.store.models import Event
from codesign.workshop import contributions, sessions, votes
from tests import privacy_scenario
from tests.privacy_scenario import CONSENT, Scenario
from tests.workshop import say


@pytest.fixture
def planted(store_url: str) -> Scenario:
    return privacy_scenario.build(store_url)


def _count(url: str) -> int:
    with store.reading(url) as db:
        return db.scalar(select(func.count()).select_from(Event)) or 0


def _last_action(url: str) -> tuple[str, str]:
    with store.reading(url) as db:
        ev = db.scalars(select(Event).order_by(Event.id.desc()).limit(1)).one()
        return ev.action, ev.target_type


def test_every_kind_of_change_writes_exactly_one_event(planted: Scenario, tmp_path: Path) -> None:
    url, sid, gid, code = planted.url, planted.session_id, planted.group_id, planted.session_code
    b = planted.b.participant_id
    as_b = participant_actor(b, gid)
    c = say(sid, b, "one more", url=url)
    later = retention.months_after(date.today(), 6)
    changes: list[tuple[tuple[str, str], Callable[[], object]]] = [
        (("create", "session"), lambda: sessions.create("advisory", "T", url=url, actor=ADMIN)),
        (("create", "participant"), lambda: participants.enrol(gid, CONSENT, url=url)),
        (
            ("create", "contribution"),
            lambda: say(sid, b, "new", url=url),
        ),
        (
            ("update", "contribution"),
            lambda: contributions.edit_own(c.id, "edited", url, actor=as_b),
        ),
        (("delete", "contribution"), lambda: contributions.withdraw_own(c.id, url, actor=as_b)),
        (("vote", "vote"), lambda: votes.agree(sid, b, planted.b_visible, 1, actor=as_b, url=url)),
        (
            ("phase", "session"),
            lambda: sessions.set_phase(sid, _second_phase(sid, url), url=url, actor=ADMIN),
        ),
        (
            ("export", "session"),
            lambda: exports.export(code, "csv", tmp_path / "x.csv", url=url, actor=ADMIN),
        ),
        (
            ("export", "participant"),
            lambda: subjects.export(b, tmp_path / "s.json", url, actor=ADMIN),
        ),
        (("update", "session"), lambda: retention.set_delete_by(code, later, url, actor=ADMIN)),
        (("erase", "participant"), lambda: erasure.erase_participant(b, url, actor=ADMIN)),
    ]
    for expected, change in changes:
        before = _count(url)
        change()
        assert (_count(url) - before, _last_action(url)) == (1, expected)


def _second_phase(session_id: int, url: str) -> str:
    return sessions.phases(session_id, url)[1].key


@pytest.mark.parametrize("statement", ["UPDATE events SET action = 'x'", "DELETE FROM events"])
def test_events_refuse_update_and_delete(planted: Scenario, statement: str) -> None:
    before = _count(planted.url)
    with pytest.raises(DBAPIError, match="append-only"), store.engine(planted.url).begin() as conn:
        conn.execute(text(statement))
    assert _count(planted.url) == before


def _drop_append_only_guard(url: str) -> None:
    with store.engine(url).begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER events_no_update")
        else:
            conn.exec_driver_sql("DROP TRIGGER events_append_only ON events")


def test_audit_verify_passes_then_reports_a_tampered_event(planted: Scenario) -> None:
    runner = CliRunner()
    good = runner.invoke(main, ["audit", "verify", "--db", planted.url])
    assert good.exit_code == 0, good.output
    assert f"intact: {_count(planted.url)} events" in good.output
    _drop_append_only_guard(planted.url)
    with store.engine(planted.url).begin() as conn:
        third = conn.execute(
            text("SELECT id FROM events ORDER BY id LIMIT 1 OFFSET 2")
        ).scalar_one()
        conn.execute(text("UPDATE events SET target_id = 999 WHERE id = :i"), {"i": third})
    bad = runner.invoke(main, ["audit", "verify", "--db", planted.url])
    assert bad.exit_code == 1
    assert f"broken at event {third}" in bad.output


def test_events_hold_no_free_text(planted: Scenario) -> None:
    with store.engine(planted.url).connect() as conn:
        rows = conn.execute(text("SELECT * FROM events")).all()
    dumped = json.dumps([list(r) for r in rows], default=str)
    assert len(rows) > 10
    assert planted.marker not in dumped
    assert planted.a.pseudonym not in dumped


def test_subject_access_export_holds_everything_about_one_person(
    planted: Scenario, tmp_path: Path
) -> None:
    out = tmp_path / "sar.json"
    result = CliRunner().invoke(
        main,
        ["subject-access", "--participant", planted.a.pseudonym, "--group", "advisory",
         "--out", str(out), "--db", planted.url],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    held = json.loads(out.read_text(encoding="utf-8"))
    dumped = out.read_text(encoding="utf-8")
    assert held["participant"]["pseudonym"] == planted.a.pseudonym
    assert "withdrawal_hash" not in held["participant"]
    assert [c["contribute"] for c in held["consents"]] == [True]
    assert {c["id"] for c in held["contributions"]} == {planted.a_first, planted.a_second}
    first = next(c for c in held["contributions"] if c["id"] == planted.a_first)
    assert [r["text"] for r in first["revisions"]] == [f"{planted.marker}first idea"]
    assert [v["contribution_id"] for v in held["votes"]] == [planted.b_visible]
    assert [h["to_status"] for h in held["feedback"][0]["history"]] == ["new", "accepted"]
    assert len(held["ratings"]) == 1
    assert {e["target_type"] for e in held["events"]} >= {"participant", "contribution", "feedback"}
    assert "B keeps this proposal" not in dumped


def test_ambiguous_participant_is_refused_with_the_groups(store_url: str) -> None:
    for group in ("black-communities", "advisory"):
        info = sessions.create(group, "Twin", url=store_url, actor=ADMIN)

        def add(db: Session, gid: int = info.group_id) -> None:
            participants.add(db, gid, consent=CONSENT, pseudonym="Quiet Otter", actor=ADMIN)

        store.write(add, store_url)
    result = CliRunner().invoke(main, ["erase", "--participant", "quiet otter", "--db", store_url])
    assert result.exit_code == 1
    assert "matches 2 participants" in result.output
    assert "black-communities" in result.output and "advisory" in result.output
