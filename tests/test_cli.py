"""The `codesign` command's contract: names, flags and JSON shapes other tools rely on."""

import csv
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from codesign import tables
from codesign.access import ADMIN
from codesign.cli import main
from codesign.demo import workshop as demo_data
from codesign.exports.csv_file import safe_cell
from codesign.store import migrations
from tests.cli import run


def test_every_command_has_help() -> None:
    for command in (
        [],
        ["init"],
        ["demo"],
        ["session"],
        ["session", "new"],
        ["session", "list"],
        ["import", "contributions"],
        ["export"],
    ):
        assert "Usage:" in run(*command, "--help")


def test_init_twice_is_a_no_op(db_url: str) -> None:
    every = [version for version, _, _ in migrations.MIGRATIONS]
    assert f"Applied migrations {every}" in run("init", "--db", db_url)
    assert "up to date" in run("init", "--db", db_url)


def test_session_new_and_list_json_shapes(store_url: str) -> None:
    made = json.loads(
        run(
            "session",
            "new",
            "--group",
            "Family Group",
            "--new-group",
            "--title",
            "Day one",
            "--json",
            "--db",
            store_url,
        )
    )
    assert len(made["code"]) == 9 and made["group"] == "family-group" and made["title"] == "Day one"
    listed = json.loads(run("session", "list", "--json", "--db", store_url))
    assert {"code": made["code"], "group": "family-group", "title": "Day one"} in listed
    assert all(set(item) == {"code", "group", "title"} for item in listed)


def test_database_url_from_environment(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODESIGN_DB", store_url)
    run("session", "new", "--group", "advisory", "--title", "From env")
    assert "From env" in run("session", "list", "--db", store_url)


def test_import_reports_bad_rows_and_keeps_good_ones(store_url: str, tmp_path: Path) -> None:
    code = json.loads(
        run(
            "session", "new", "--group", "advisory", "--title", "Paper", "--json", "--db", store_url
        )
    )["code"]
    source = tmp_path / "notes.csv"
    source.write_text(
        "text,ref,participant,kind,created_at\n"
        "Group work with faith leaders,n1,P-01,proposal,2026-10-06T10:00\n"
        ",n2,P-02,idea,\n"
        "Family sessions,n3,P-02,wish,\n"
        "Evening sessions,n4,P-03,idea,not a date\n"
        '"<b>Keep</b> & escape",n5,P-01,concern,\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main, ["import", "contributions", str(source), "--session", code, "--db", store_url]
    )
    assert result.exit_code == 1
    assert "Imported 2 contributions" in result.output
    assert "line 3:" in result.output and "line 4:" in result.output and "line 5:" in result.output
    again = CliRunner().invoke(
        main, ["import", "contributions", str(source), "--session", code, "--db", store_url]
    )
    assert "Imported 0 contributions (2 already there)" in again.output
    frame = tables(store_url, actor=ADMIN)["contributions"]
    assert sorted(frame["ref"]) == ["n1", "n5"]
    assert "<b>Keep</b> & escape" in set(frame["text"])


def test_import_refuses_a_file_without_text_column(store_url: str, tmp_path: Path) -> None:
    code = json.loads(
        run(
            "session", "new", "--group", "advisory", "--title", "Paper", "--json", "--db", store_url
        )
    )["code"]
    source = tmp_path / "bad.csv"
    source.write_bytes(b"\xff\xfe not utf8")
    result = CliRunner().invoke(
        main, ["import", "contributions", str(source), "--session", code, "--db", store_url]
    )
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_demo_then_export_round_trips(db_url: str, tmp_path: Path) -> None:
    run("init", "--db", db_url)
    run("demo", "--db", db_url)
    assert "already loaded" in run("demo", "--db", db_url)
    everything = tables(db_url, actor=ADMIN)["contributions"]
    out = tmp_path / "all.csv"
    run("export", "--all", "--format", "csv", "--out", str(out), "--db", db_url)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(everything) >= 150
    by_ref = {row["ref"]: row for row in rows}
    for _, source in everything.iterrows():
        assert by_ref[source["ref"]]["text"] == safe_cell(source["text"])


def test_unknown_session_code_is_a_clear_error(store_url: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", "--session", "nope", "--out", str(tmp_path / "x.csv"), "--db", store_url]
    )
    assert result.exit_code == 1 and "could not find a session" in result.output


def test_csv_cells_cannot_run_as_spreadsheet_formulas() -> None:
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("ordinary words") == "ordinary words"
    assert safe_cell(3) == 3


def test_export_refuses_a_session_and_all_together(store_url: str, tmp_path: Path) -> None:
    """The newcomer's `--session S --all` quietly exported the session alone."""
    demo_data.load(store_url)
    code = json.loads(run("session", "list", "--json", "--db", store_url))[0]["code"]
    both = CliRunner().invoke(
        main, ["export", "--session", code, "--all", "--out", str(tmp_path / "b.csv"),
               "--db", store_url],
    )  # fmt: skip
    assert both.exit_code == 2 and "not both" in both.output
    assert not (tmp_path / "b.csv").exists()


def test_export_format_comes_from_the_file_name(store_url: str, tmp_path: Path) -> None:
    demo_data.load(store_url)
    run("export", "--all", "--out", str(tmp_path / "all.xlsx"), "--db", store_url)
    assert zipfile.is_zipfile(tmp_path / "all.xlsx")
    run("export", "--all", "--encoding", "utf-8", "--out", str(tmp_path / "a.csv"),
        "--db", store_url)  # fmt: skip
    assert (tmp_path / "a.csv").read_bytes().startswith(b"id,")
    wrong = CliRunner().invoke(
        main, ["export", "--all", "--format", "csv", "--out", str(tmp_path / "x.xlsx"),
               "--db", store_url],
    )  # fmt: skip
    assert wrong.exit_code == 2 and "does not match 'x.xlsx'" in wrong.output
    assert not (tmp_path / "x.xlsx").exists()
