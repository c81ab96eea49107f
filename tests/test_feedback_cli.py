"""`codesign feedback …` and `codesign toolkit …` from the command line."""

import json
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from codesign.access import ADMIN
from codesign.advisory import lifecycle
from codesign.cli import main

COMMANDS = [
    ["feedback"],
    ["feedback", "import"],
    ["feedback", "move"],
    ["feedback", "report"],
    ["toolkit"],
    ["toolkit", "import"],
    ["toolkit", "diff"],
]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output
    if len(command) == 2:
        assert "--db URL" in result.output


def test_import_move_and_report(store_url: str, tmp_path: Path) -> None:
    csv_file = tmp_path / "f.csv"
    csv_file.write_text(
        "section,type,text,participant\nequity,concern,Name the fee.,Heron\nnowhere,concern,x,\n",
        encoding="utf-8",
    )
    imported = invoke("feedback", "import", str(csv_file), "--json", "--db", store_url)
    assert imported.exit_code == 1  # a bad row makes the exit code say so
    assert json.loads(imported.stdout) == {
        "added": 1,
        "unchanged": 0,
        "problems": [{"line": 3, "reason": "unknown section 'nowhere'"}],
    }
    draft = tmp_path / "draft.md"
    draft.write_text(
        "## Equity\n\nPay a fair management fee, agreed in writing.\n", encoding="utf-8"
    )
    assert "Updated: equity" in invoke("toolkit", "import", str(draft), "--db", store_url).output
    diff = invoke("toolkit", "diff", "equity", "--db", store_url).output
    assert diff.startswith("--- equity version 1\n+++ equity version 2")
    assert "+Pay a fair management fee" in diff
    item = "1"
    moved = invoke("feedback", "move", item, "--to", "under_review", "--db", store_url)
    assert moved.output.strip() == "Item 1: new → under_review"
    refused = invoke(
        "feedback", "move", item, "--to", "accepted", "--rationale", "Done.", "--db", store_url
    )
    assert refused.exit_code == 1 and "must name the section version" in refused.output
    ok = invoke(
        "feedback", "move", item, "--to", "accepted", "--rationale", "Fee named.", "--version", "2",
        "--db", store_url,
    )  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert [h.to_status for h in lifecycle.history(1, url=store_url, actor=ADMIN)] == [
        "new",
        "under_review",
        "accepted",
    ]
    html = tmp_path / "r.html"
    assert invoke("feedback", "report", "--out", str(html), "--db", store_url).exit_code == 0
    assert "Fee named." in html.read_text("utf-8")
    word = tmp_path / "r.docx"
    invoke("feedback", "report", "--out", str(word), "--format", "docx", "--db", store_url)
    assert any("Fee named." in p.text for p in docx.Document(str(word)).paragraphs)


def test_diff_needs_two_versions(store_url: str) -> None:
    result = invoke("toolkit", "diff", "equity", "--db", store_url)
    assert result.exit_code == 1 and "only one version" in result.output
    unknown = invoke("toolkit", "diff", "nowhere", "--db", store_url)
    assert unknown.exit_code == 1 and "does not exist" in unknown.output


@pytest.mark.parametrize(
    ("name", "fmt", "starts"),
    [("r.docx", None, b"PK"), ("r.pdf", None, b"%PDF-"), ("r.html", None, b"<!doctype html>"),
     ("report", "html", b"<!doctype html>")],
)  # fmt: skip
def test_report_format_comes_from_the_file_name(
    store_url: str, tmp_path: Path, name: str, fmt: str | None, starts: bytes
) -> None:
    given = ["--format", fmt] if fmt else []
    result = invoke("feedback", "report", "--out", str(tmp_path / name), *given, "--db", store_url)
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).read_bytes().startswith(starts)


@pytest.mark.parametrize(
    ("name", "given", "says"),
    [("r.docx", ["--format", "html"], "does not match 'r.docx'"),
     ("r.txt", [], "Cannot tell the format from 'r.txt'")],
)  # fmt: skip
def test_report_never_writes_one_format_under_another_name(
    store_url: str, tmp_path: Path, name: str, given: list[str], says: str
) -> None:
    result = CliRunner().invoke(
        main, ["feedback", "report", "--out", str(tmp_path / name), *given, "--db", store_url]
    )
    assert result.exit_code == 2 and says in result.output
    assert not (tmp_path / name).exists()
