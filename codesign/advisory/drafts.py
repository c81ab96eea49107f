"""Bringing a redrafted toolkit in from a Markdown or Word file.

Writers redraft the toolkit in whatever they use; the draft comes back as one document.
Each section of it (a `##` heading in Markdown; in Word, the shallowest heading level
that occurs more than once, so a document title above the sections is ignored) is
matched to a toolkit section by title or key, ignoring case, punctuation and numbering.
A matched section whose text differs gets a new version; an unmatched heading becomes a
new section. Everything is stored in one transaction, so a draft is taken whole or not.
"""

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.advisory import toolkit
from codesign.errors import Invalid
from codesign.intake.importers import MAX_FILE_BYTES, read_text
from codesign.store.models import ToolkitSection
from codesign.workshop.contributions import clean

MAX_DOCX_UNPACKED = 50 * 2**20

HEADING = re.compile(r"^##(?!#)\s*(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class DraftSection:
    title: str
    text: str  # including its own `## title` line, as the seeded sections are written


@dataclass
class DraftImport:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, list[str]]:
        return {"updated": self.updated, "unchanged": self.unchanged, "added": self.added}


def _section(title: str, body: list[str]) -> DraftSection:
    """One section, its text under the rule every intake follows (no control characters,
    no hidden direction overrides that would reverse the words after them in a report)."""
    if not "\n".join(body).strip():
        raise Invalid(f"The draft's section {title!r} has no text.")
    try:
        title, text = clean(title, limit=None), clean("\n".join(body), limit=None)
    except Invalid as refused:
        raise Invalid(f"The draft's section {title!r}: {refused.message}") from None
    return DraftSection(title, f"## {title}\n\n{text}")


def parse_markdown(text: str) -> list[DraftSection]:
    """Split Markdown at `##` headings outside code fences; text before the first is dropped."""
    found: list[DraftSection] = []
    title: str | None = None
    body: list[str] = []
    fenced = False
    for line in text.splitlines():
        fenced ^= bool(FENCE.match(line))
        heading = None if fenced else HEADING.match(line)
        if heading:
            if title is not None:
                found.append(_section(title, body))
            title, body = heading.group(1), []
        elif title is not None:
            body.append(line)
    if title is not None:
        found.append(_section(title, body))
    return found


def _level(style: str) -> int | None:
    match = re.fullmatch(r"Heading (\d)", style)
    return int(match.group(1)) if match else None


def _block(style: str, text: str, bold: bool) -> str:
    if style.startswith("List Bullet"):
        return f"- {text}"
    if style.startswith("List Number"):
        return f"1. {text}"
    return f"**{text}**" if bold else text


def _join(blocks: list[str]) -> list[str]:
    """Blank lines between paragraphs, none between the items of one list."""
    lines: list[str] = []
    for block in blocks:
        is_item = block.startswith(("- ", "1. "))
        if lines and not (is_item and lines[-1].startswith(("- ", "1. "))):
            lines.append("")
        lines.append(block)
    return lines


def _refuse_zip_bomb(path: Path) -> None:
    """Refuse a .docx that would unpack to more than `MAX_DOCX_UNPACKED`, before reading it.

    A .docx is a ZIP: 342 KB can claim gigabytes. The sizes its directory declares bound
    what `zipfile` will inflate (a member that lies fails its CRC), so summing them costs
    nothing and keeps a hostile file from taking the memory of everyone on the server.
    """
    if path.stat().st_size > MAX_FILE_BYTES:
        raise Invalid(f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MB.")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise Invalid(f"{path.name} could not be read as a Word (.docx) document.") from exc
    if unpacked > MAX_DOCX_UNPACKED:
        raise Invalid(
            f"{path.name} would unpack to more than {MAX_DOCX_UNPACKED // 2**20} MB;"
            " no real draft does, so it was not opened."
        )


def parse_docx(path: Path) -> list[DraftSection]:
    """Split a Word document at its section headings (see the module docstring)."""
    import docx  # python-docx is only needed here

    _refuse_zip_bomb(path)
    try:
        paragraphs = docx.Document(str(path)).paragraphs
    except Exception as exc:  # python-docx raises several unrelated types for a bad file
        raise Invalid(f"{path.name} could not be read as a Word (.docx) document.") from exc
    levels = Counter(_level(p.style.name if p.style else "") for p in paragraphs)
    levels.pop(None, None)
    if not levels:
        raise Invalid(f"{path.name} has no headings; use Heading 1 or Heading 2 for sections.")
    repeated = [level for level, count in levels.items() if count > 1 and level is not None]
    split = min(repeated) if repeated else max(lv for lv in levels if lv is not None)
    markdown: list[str] = []
    for p in paragraphs:
        style, text = (p.style.name if p.style else ""), p.text.strip()
        level = _level(style)
        if not text or (level is not None and level < split):
            continue
        if level is not None:
            markdown.append(f"{'#' * (level - split + 2)} {text}")
        else:
            markdown.append(_block(style, text, bool(p.runs) and all(r.bold for r in p.runs)))
    return parse_markdown("\n".join(_join(markdown)))


def read_draft(path: Path) -> list[DraftSection]:
    """The sections of a `.md` or `.docx` draft."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        found = parse_docx(path)
    elif suffix in (".md", ".markdown", ".txt"):
        found = parse_markdown(read_text(path)[0])
    else:
        raise Invalid(f"{path.name}: import a Markdown (.md) or Word (.docx) file.")
    if not found:
        raise Invalid(f"{path.name} has no '## ' section headings.")
    return found


def _norm(title: str) -> str:
    words = re.findall(r"\w+", title.casefold())
    while words and words[0].isdigit():
        words.pop(0)
    return " ".join(words)


def _store(db: Session, actor: Actor, drafted: list[DraftSection]) -> DraftImport:
    known: dict[str, ToolkitSection] = {}
    for row in db.scalars(select(ToolkitSection)):
        known.setdefault(_norm(row.key.replace("-", " ")), row)
        known[_norm(row.title)] = row
    report = DraftImport()
    for draft in drafted:
        section = known.get(_norm(draft.title))
        if section is None:
            report.added.append(toolkit.add_section(db, draft.title, draft.text, actor=actor).key)
        elif toolkit.current(db, section.key).text.strip() == draft.text.strip():
            report.unchanged.append(section.key)
        else:
            toolkit.add_version(db, section, draft.text, actor=actor)
            report.updated.append(section.key)
    return report


def import_draft(path: Path, url: str | None = None, *, actor: Actor) -> DraftImport:
    """Store a redraft: new versions of changed sections, new sections for new headings."""
    drafted = read_draft(path)
    repeated = [t for t, n in Counter(_norm(d.title) for d in drafted).items() if n > 1]
    if repeated:
        raise Invalid(f"{path.name} has the heading {repeated[0]!r} more than once.")
    return store.write(lambda db: _store(db, actor, drafted), url)
