"""Redrafts from Markdown and Word, and the readable diff between versions."""

from pathlib import Path

import docx
import pytest

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import drafts, toolkit
from codesign.errors import Invalid
from codesign.methods.textdiff import Op, changed, to_html, unified, word_ops

MARKDOWN = """# Cultural Competency Toolkit, draft 2

Some preamble that belongs to no section.

## 3. Respecting different outcomes while managing risk

Risk comes first.

### What to do

- Keep assessing risk.

```
## not a heading inside a fence
```

## Working with interpreters

Never use family members.
"""


def test_markdown_splits_at_second_level_headings() -> None:
    found = drafts.parse_markdown(MARKDOWN)
    assert [s.title for s in found] == [
        "3. Respecting different outcomes while managing risk",
        "Working with interpreters",
    ]
    assert found[0].text.startswith("## 3. Respecting")
    assert "### What to do" in found[0].text and "## not a heading" in found[0].text
    assert "preamble" not in found[0].text


def test_an_empty_section_is_reported() -> None:
    with pytest.raises(Invalid, match="'Empty' has no text"):
        drafts.parse_markdown("## Empty\n\n## Full\n\nText.")


def _docx(path: Path, title_level: int | None, section_level: int) -> Path:
    doc = docx.Document()
    if title_level is not None:
        doc.add_heading("Toolkit draft", level=title_level)
    doc.add_heading("Knowledge of the local client group", level=section_level)
    doc.add_paragraph("Know who is missing.")
    doc.add_paragraph("What to do").runs[0].bold = True
    doc.add_paragraph("Compare referral data.", style="List Bullet")
    doc.add_paragraph("Map local organisations.", style="List Bullet")
    doc.add_heading("Sub-point", level=section_level + 1)
    doc.add_paragraph("Detail.")
    doc.add_heading("A new section", level=section_level)
    doc.add_paragraph("New text.")
    doc.save(str(path))
    return path


def test_a_redraft_follows_the_intake_rule_for_text() -> None:
    """A hidden direction override would reverse the words after it in the change view;
    control characters would reach reports and terminals."""
    with pytest.raises(Invalid, match="'Rights': The text contains a hidden character"):
        drafts.parse_markdown("## Rights\n\nPeople \u202eevah rights.")
    (section,) = drafts.parse_markdown("## Rights\n\nPeople\x1b]0;x\x07 have rights.")
    assert section.text == "## Rights\n\nPeople]0;x have rights."


@pytest.mark.parametrize(("title_level", "section_level"), [(1, 2), (None, 1)])
def test_docx_splits_at_the_repeated_heading_level(
    tmp_path: Path, title_level: int | None, section_level: int
) -> None:
    found = drafts.read_draft(_docx(tmp_path / "draft.docx", title_level, section_level))
    assert [s.title for s in found] == ["Knowledge of the local client group", "A new section"]
    assert found[0].text == (
        "## Knowledge of the local client group\n\nKnow who is missing.\n\n**What to do**\n\n"
        "- Compare referral data.\n- Map local organisations.\n\n### Sub-point\n\nDetail."
    )


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "draft.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(Invalid, match="could not be read as a Word"):
        drafts.read_draft(bad)
    with pytest.raises(Invalid, match="Markdown"):
        drafts.read_draft(tmp_path / "draft.pdf")
    plain = tmp_path / "plain.md"
    plain.write_text("no headings here", encoding="utf-8")
    with pytest.raises(Invalid, match="no '## ' section headings"):
        drafts.read_draft(plain)


def test_import_updates_adds_and_skips_unchanged(store_url: str, tmp_path: Path) -> None:
    unchanged = toolkit.current_text("equity", store_url).text
    path = tmp_path / "draft.md"
    path.write_text(MARKDOWN + "\n" + unchanged + "\n", encoding="utf-8")
    done = drafts.import_draft(path, url=store_url, actor=ADMIN)
    assert done.as_json() == {
        "updated": ["outcomes"],
        "unchanged": ["equity"],
        "added": ["working-with-interpreters"],
    }
    assert toolkit.current_text("outcomes", store_url).number == 2
    assert toolkit.current_text("equity", store_url).number == 1
    again = drafts.import_draft(path, url=store_url, actor=ADMIN)
    assert again.updated == [] and again.added == []  # same file twice changes nothing


def test_duplicate_headings_are_refused_whole(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "draft.md"
    path.write_text("## Equity\n\nA.\n\n## equity\n\nB.", encoding="utf-8")
    with pytest.raises(Invalid, match="more than once"):
        drafts.import_draft(path, url=store_url, actor=ADMIN)
    assert toolkit.current_text("equity", store_url).number == 1


def test_a_docx_draft_becomes_versions(store_url: str, tmp_path: Path) -> None:
    done = drafts.import_draft(_docx(tmp_path / "d.docx", 1, 2), url=store_url, actor=ADMIN)
    assert (done.updated, done.added) == (["knowledge"], ["a-new-section"])
    with store.reading(store_url) as db:
        assert [v.number for v in toolkit.versions(db, "knowledge")] == [1, 2]


def test_word_diff_finds_the_changed_words() -> None:
    ops = word_ops("Keep the risk paragraph second.", "Keep the risk paragraph first.")
    assert ops == [
        Op("equal", "Keep the risk paragraph "),
        Op("delete", "second."),
        Op("insert", "first."),
    ]
    assert changed(ops) and not changed(word_ops("same", "same"))


def test_context_shortens_long_unchanged_stretches() -> None:
    words = " ".join(f"w{i}" for i in range(40))
    ops = word_ops(f"{words} old {words}", f"{words} new {words}", context=3)
    assert ops[0] == Op("equal", "… w37 w38 w39 ")
    assert ops[-1] == Op("equal", " w0 w1 w2 …")


def test_html_diff_escapes_text() -> None:
    html = to_html(word_ops("<b>safe</b>", "<script>alert(1)</script> safe"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.startswith('<div class="diff">') and "<ins>" in html and "<del>" in html


def test_unified_diff_for_the_terminal() -> None:
    text = unified("a\nb\n", "a\nc\n", "v1", "v2")
    assert text.splitlines()[:2] == ["--- v1", "+++ v2"]
    assert "-b" in text and "+c" in text
    assert unified("same", "same", "v1", "v2") == ""
