"""A careless operator's `--out`: never onto the database, its -wal/-shm or its backups,
and never over an existing file without `--force` (issue 10, finding 8)."""

import hashlib
import shutil
from pathlib import Path

import pytest

from codesign import exports
from codesign.access import ADMIN
from codesign.errors import Invalid
from codesign.store.database import sqlite_file
from tests.cli import invoke, new_session, run


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sqlite_targets(url: str) -> list[Path]:
    home = sqlite_file(url)
    assert home is not None
    backup = home.with_name(f"{home.name}.20260101T000000.bak")
    shutil.copyfile(home, backup)
    return [home, Path(f"{home}-wal"), Path(f"{home}-shm"), backup]


@pytest.mark.parametrize("command", ["export", "subject-access", "feedback"])
def test_out_onto_the_database_files_is_refused(demo_sqlite: str, command: str) -> None:
    for target in _sqlite_targets(demo_sqlite):
        before = _digest(target) if target.exists() else None
        for force in ([], ["--force"]):
            args = {
                "export": ["export", "--all", "--format", "csv"],
                "subject-access": ["subject-access", "--participant", "1"],
                "feedback": ["feedback", "report", "--format", "html"],
            }[command]
            result = invoke(*args, "--out", str(target), *force, "--db", demo_sqlite)
            assert result.exit_code == 2, result.output
            assert "is the database or one of its files" in result.output
            assert "Traceback" not in result.output
        assert (_digest(target) if target.exists() else None) == before
    run("audit", "verify", "--db", demo_sqlite)


def test_a_symlink_or_relative_path_to_the_database_is_refused(
    demo_sqlite: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = sqlite_file(demo_sqlite)
    assert home is not None
    link = tmp_path / "innocent.csv"
    link.symlink_to(home)
    monkeypatch.chdir(home.parent)
    for out in (link, Path(home.name), Path("sub/../" + home.name)):
        with pytest.raises(Invalid, match="database"):
            exports.export(None, "csv", out, url=demo_sqlite, actor=ADMIN)
    run("audit", "verify", "--db", demo_sqlite)


def test_an_existing_file_needs_force(store_url: str, tmp_path: Path) -> None:
    code = new_session(store_url)
    out = tmp_path / "earlier.csv"
    out.write_text("an earlier export the team still needs", encoding="utf-8")
    refused = invoke("export", "--session", code, "--out", str(out), "--db", store_url)
    assert refused.exit_code == 2
    assert "already exists; add --force" in refused.output
    assert out.read_text(encoding="utf-8") == "an earlier export the team still needs"
    run("export", "--session", code, "--out", str(out), "--force", "--db", store_url)
    assert out.read_text(encoding="utf-8-sig").startswith("id,ref,")
