"""`codesign feedback …` and `codesign toolkit …` from the command line."""

import json
from datetime import timedelta
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner, Result

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import lifecycle
from codesign.cli import main
from codesign.store import events
from codesign.store.models import Event, SectionVersion

COMMANDS = [
    ["feedback"],
    ["feedback", "import"],
    ["feedback", "move"],
    ["feedback", "list"],
    ["feedback", "correct"],
    ["feedback", "report"],
    ["toolkit"],
    ["toolkit", "import"],
    ["toolkit", "diff"],
    ["toolkit", "final"],
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
        "skipped": [],
        "attached": [{"line": 2, "to": "equity v1 (newest)"}],
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


def _item(url: str, tmp_path: Path, text: str = "Name the fee.") -> str:
    csv_file = tmp_path / "one.csv"
    csv_file.write_text(f"section,type,text\nequity,concern,{text}\n", encoding="utf-8")
    assert invoke("feedback", "import", str(csv_file), "--db", url).exit_code == 0
    (item,) = json.loads(invoke("feedback", "list", "--json", "--db", url).stdout)
    return str(item["id"])


def test_list_shows_ids_sections_versions_and_short_texts(store_url: str, tmp_path: Path) -> None:
    long = "A very long comment " * 10
    item = _item(store_url, tmp_path, long)
    listed = json.loads(invoke("feedback", "list", "--json", "--db", store_url).stdout)
    assert [(i["id"], i["section"], i["version"], i["status"], i["type"]) for i in listed] == [
        (int(item), "equity", 1, "new", "concern")
    ]
    assert listed[0]["text"] == long.strip()
    shown = invoke("feedback", "list", "--db", store_url).output.splitlines()
    assert shown[0].split()[:4] == [item, "equity", "v1", "new"]
    assert shown[0].endswith("…") and len(shown[0]) < 120
    assert shown[-1] == "1 item(s)."
    none = invoke("feedback", "list", "--status", "declined", "--json", "--db", store_url)
    assert json.loads(none.stdout) == []
    other = invoke("feedback", "list", "--section", "outcomes", "--json", "--db", store_url)
    assert json.loads(other.stdout) == []


def test_a_correction_is_a_new_logged_move(store_url: str, tmp_path: Path) -> None:
    item = _item(store_url, tmp_path)
    for args in (["--to", "under_review"], ["--to", "declined", "--rationale", "Out of scope."]):
        assert invoke("feedback", "move", item, *args, "--db", store_url).exit_code == 0
    refused = invoke("feedback", "move", item, "--to", "under_review", "--db", store_url)
    assert refused.exit_code == 1 and "correct it instead" in refused.output
    unexplained = invoke("feedback", "correct", item, "--to", "deferred", "--db", store_url)
    assert unexplained.exit_code == 2 and "--rationale" in unexplained.output
    blank = invoke(
        "feedback", "correct", item, "--to", "deferred", "--rationale", " ", "--db", store_url
    )
    assert blank.exit_code == 1 and "needs a rationale" in blank.output
    done = invoke(
        "feedback", "correct", item, "--to", "deferred", "--rationale", "Misread: it is in scope.",
        "--db", store_url,
    )  # fmt: skip
    assert done.output.strip() == f"Item {item}: corrected declined → deferred"
    history = lifecycle.history(int(item), url=store_url, actor=ADMIN)
    assert [(h.to_status, h.rationale) for h in history][-2:] == [
        ("declined", "Out of scope."),
        ("deferred", "Misread: it is in scope."),
    ]
    with store.reading(store_url) as db:
        last = db.query(Event).order_by(Event.id.desc()).first()
        assert last is not None and (last.action, last.target_id) == ("correct", int(item))
    assert events.verify(store_url).ok
    open_again = invoke(
        "feedback", "correct", item, "--to", "declined", "--rationale", "x", "--db", store_url
    )
    assert open_again.exit_code == 0  # deferred is a decision too: it can be corrected
    undecided = _item_after(store_url, tmp_path)
    refused = invoke(
        "feedback", "correct", undecided, "--to", "declined", "--rationale", "x", "--db", store_url
    )
    assert refused.exit_code == 1 and "not decided; move it instead" in refused.output


def _item_after(url: str, tmp_path: Path) -> str:
    csv_file = tmp_path / "two.csv"
    csv_file.write_text("section,type,text\noutcomes,question,Who?\n", encoding="utf-8")
    assert invoke("feedback", "import", str(csv_file), "--db", url).exit_code == 0
    found = json.loads(invoke("feedback", "list", "--status", "new", "--json", "--db", url).stdout)
    return str(found[-1]["id"])


def test_correcting_to_accepted_names_the_addressing_version(
    store_url: str, tmp_path: Path
) -> None:
    item = _item(store_url, tmp_path)
    invoke("feedback", "move", item, "--to", "under_review", "--db", store_url)
    invoke("feedback", "move", item, "--to", "declined", "--rationale", "No.", "--db", store_url)
    draft = tmp_path / "draft.md"
    draft.write_text("## Equity\n\nName the management fee.\n", encoding="utf-8")
    invoke("toolkit", "import", str(draft), "--db", store_url)
    args = ["feedback", "correct", item, "--to", "accepted", "--rationale", "It was done."]
    missing = invoke(*args, "--db", store_url)
    assert missing.exit_code == 1 and "must name the section version" in missing.output
    assert invoke(*args, "--version", "2", "--db", store_url).exit_code == 0
    (listed,) = json.loads(invoke("feedback", "list", "--json", "--db", store_url).stdout)
    assert listed["status"] == "accepted"
    html = tmp_path / "r.html"
    invoke("feedback", "report", "--out", str(html), "--db", store_url)
    assert "It was done." in html.read_text("utf-8") and "No." not in html.read_text("utf-8")


def test_a_version_is_marked_final_from_the_command_line(store_url: str, tmp_path: Path) -> None:
    item = _item(store_url, tmp_path)
    refused = invoke("toolkit", "final", "equity", "1", "--db", store_url)
    assert refused.exit_code == 1 and "still has 1 open feedback item" in refused.output
    invoke("feedback", "move", item, "--to", "under_review", "--db", store_url)
    invoke("feedback", "move", item, "--to", "deferred", "--rationale", "Later.", "--db", store_url)
    done = invoke("toolkit", "final", "equity", "1", "--db", store_url)
    assert done.output.strip() == "Marked equity version 1 final."
    missing = invoke("toolkit", "final", "equity", "9", "--db", store_url)
    assert missing.exit_code == 1 and "no version 9" in missing.output
    with store.reading(store_url) as db:
        assert db.query(SectionVersion).filter_by(number=1, final=True).count() == 1


MEETING = (
    "section,type,text,participant,ref,created_at\n"
    "equity,concern,Name the fee.,Heron,m-1,2026-11-20T10:00\n"
    "outcomes,question,Who decides?,Heron,m-2,2026-11-20T10:05\n"
    "equity,concern,Name the fee.,Heron,m-1,2026-11-20T10:00\n"
)


def test_reimporting_with_an_appended_row_stores_only_that_row(
    store_url: str, tmp_path: Path
) -> None:
    sheet = tmp_path / "meeting.csv"
    sheet.write_text(MEETING, encoding="utf-8")
    first = json.loads(invoke("feedback", "import", str(sheet), "--json", "--db", store_url).stdout)
    assert (first["added"], first["unchanged"]) == (2, 1)
    assert first["skipped"] == [{"line": 4, "reason": "the same as line 2"}]
    sheet.write_text(MEETING + "equity,suggestion,Pay it on time.,Kite,m-3,\n", encoding="utf-8")
    again = invoke("feedback", "import", str(sheet), "--db", store_url).output.splitlines()
    assert again[0] == "Imported 1 feedback items (3 already there)."
    listed = json.loads(invoke("feedback", "list", "--json", "--db", store_url).stdout)
    assert [i["ref"] for i in listed] == ["m-1", "m-2", "m-3"]
    assert "  line 2: skipped, already held as item 1" in again
    assert "  line 4: skipped, already held as item 1" in again
    assert "  line 5: attached to equity v1 (newest)" in again
    elsewhere = tmp_path / "other-member.csv"
    elsewhere.write_text(MEETING.replace("Heron", "Kite"), encoding="utf-8")
    other = json.loads(
        invoke("feedback", "import", str(elsewhere), "--json", "--db", store_url).stdout
    )
    assert other["added"] == 2  # the same words from another member are their own comment


def test_items_attach_to_the_version_current_at_their_date(store_url: str, tmp_path: Path) -> None:
    draft = tmp_path / "draft.md"
    draft.write_text("## Equity\n\nPay a fair management fee.\n", encoding="utf-8")
    invoke("toolkit", "import", str(draft), "--db", store_url)
    with store.reading(store_url) as db:
        redraft = db.query(SectionVersion).filter_by(number=2).one()
        made = events.as_utc(redraft.created_at)
    before, after = (made - timedelta(days=12)), (made + timedelta(minutes=1))
    sheet = tmp_path / "dated.csv"
    sheet.write_text(
        "section,type,text,created_at,version\n"
        f"equity,concern,Before the redraft.,{before.replace(tzinfo=None).isoformat()},\n"
        f"equity,concern,After the redraft.,{after.replace(tzinfo=None).isoformat()},\n"
        "equity,concern,Named version.,,1\n"
        "equity,concern,Given now.,,\n"
        "equity,concern,No such version.,,7\n",
        encoding="utf-8",
    )
    done = json.loads(invoke("feedback", "import", str(sheet), "--json", "--db", store_url).stdout)
    assert done["attached"] == [
        {"line": 2, "to": f"equity v1 (current on {before.date().isoformat()})"},
        {"line": 3, "to": f"equity v2 (current on {after.date().isoformat()})"},
        {"line": 4, "to": "equity v1 (version column)"},
        {"line": 5, "to": "equity v2 (newest)"},
    ]
    assert done["problems"] == [{"line": 6, "reason": "section 'equity' has no version 7"}]
    listed = json.loads(invoke("feedback", "list", "--json", "--db", store_url).stdout)
    assert [i["version"] for i in listed] == [1, 2, 1, 2]
