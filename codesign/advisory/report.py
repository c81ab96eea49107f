"""The "you said, we did" report for the Advisory Group: every decided comment, grouped
by toolkit section, with the decision, its rationale and the words that changed.

One `Report` is built from the database and rendered three ways: HTML from the Jinja2
template `templates/reports/you_said_we_did.html.j2` (autoescaped: members' words and
rationales are never markup), the same HTML as a PDF for the chair to circulate
(`codesign.methods.pdf`), and a Word file built with python-docx, for those who forward
documents rather than links. The wording the two layouts share (title, introduction,
each item's line, the privacy note) is built here once, so the Word file says what the
page says; every piece of text goes through `printable` on the way out.

Who said what: the report is sent to the whole group, so an item names only the
member's organisation type. The member's pseudonym is added only when their latest
consent allows quoting; pseudonyms are stable within the group, so without that consent
they would tie a member's comments together. Text is passed through `redact` so a phone
number or email address typed into a comment never leaves in a report.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.advisory import toolkit
from codesign.advisory.feedback import ORGANISATION_TYPES
from codesign.advisory.lifecycle import CLOSED
from codesign.config import TEMPLATES
from codesign.errors import Invalid
from codesign.methods.pdf import write_pdf
from codesign.methods.printable import direction, finalize, printable
from codesign.methods.textdiff import Op, changed, to_html, word_ops
from codesign.safety.redact import redact
from codesign.store.database import refuse_database_files
from codesign.store.models import (
    Consent,
    FeedbackItem,
    FeedbackStatusChange,
    Participant,
    SectionVersion,
    ToolkitSection,
)

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph as DocxParagraph

FORMATS = ("html", "docx", "pdf")
TITLE = "You said, we did: Cultural Competency Toolkit"
PRIVACY_NOTE = (
    "Comments are shown by organisation type; a member's pseudonym appears only where "
    "they agreed to be quoted. Contact details typed into comments are removed."
)
CONTEXT_WORDS = 10
STATUS_LABELS = {
    "accepted": "Accepted",
    "partly_accepted": "Partly accepted",
    "declined": "Not taken up",
    "deferred": "Deferred to a later round",
}


@dataclass(frozen=True)
class ReportItem:
    type: str
    text: str
    who: str
    status: str
    rationale: str
    commented_on: date
    decided_on: date
    commented_version: int
    addressing_version: int | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def heading(self) -> str:
        """Who said it, about which version, and when."""
        return (
            f"{self.type.capitalize()} from {self.who}, on version {self.commented_version}, "
            f"{self.commented_on:%d %B %Y}"
        )

    @property
    def decided(self) -> str:
        return f"({self.decided_on:%d %B %Y})"

    @property
    def change_note(self) -> str:
        return f"Changed in version {self.addressing_version}: see what changed"

    @property
    def change_key(self) -> str | None:
        """The anchor of the change that addressed this item, shown once per section."""
        if self.addressing_version is None:
            return None
        return f"v{self.commented_version}-v{self.addressing_version}"


@dataclass(frozen=True)
class Change:
    """How a section's text changed between the version commented on and a later one."""

    from_version: int
    to_version: int
    ops: list[Op]

    @property
    def key(self) -> str:
        return f"v{self.from_version}-v{self.to_version}"

    @property
    def html(self) -> Markup:
        """The change as HTML; `textdiff.to_html` escapes every piece of text."""
        return Markup(to_html(self.ops))


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str
    items: list[ReportItem]
    changes: list[Change]
    still_open: int


@dataclass(frozen=True)
class Report:
    generated_on: date
    sections: list[ReportSection]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def decided(self) -> int:
        return sum(len(s.items) for s in self.sections)

    @property
    def still_open(self) -> int:
        return sum(s.still_open for s in self.sections)

    @property
    def lede(self) -> str:
        return (
            "What the Advisory Group told us about the Cultural Competency Toolkit, what we "
            f"decided, and the words that changed. Produced {self.generated_on:%d %B %Y}."
        )


def _quotable(db: Session) -> set[int]:
    """Participants whose latest consent allows quoting them by pseudonym."""
    latest = select(func.max(Consent.id)).group_by(Consent.participant_id)
    query = select(Consent.participant_id).where(Consent.id.in_(latest), Consent.quote)
    return set(db.scalars(query))


def _who(author: Participant | None, quotable: set[int]) -> str:
    if author is None:
        return "a member"
    kind = ORGANISATION_TYPES.get(author.organisation_type or "", "member")
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{author.pseudonym}, {kind}" if author.id in quotable else f"{article} {kind}"


def _decision(db: Session, item_id: int) -> FeedbackStatusChange:
    query = select(FeedbackStatusChange).where(FeedbackStatusChange.item_id == item_id)
    return db.scalars(query.order_by(FeedbackStatusChange.id.desc()).limit(1)).one()


def _item(db: Session, item: FeedbackItem, quotable: set[int]) -> ReportItem:
    decision = _decision(db, item.id)
    commented = db.get(SectionVersion, item.section_version_id)
    addressing = (
        db.get(SectionVersion, item.addressed_by_version_id)
        if item.addressed_by_version_id
        else None
    )
    author = db.get(Participant, item.participant_id) if item.participant_id else None
    return ReportItem(
        type=item.type,
        text=redact(item.text),
        who=_who(author, quotable),
        status=item.status,
        rationale=redact(decision.rationale),
        commented_on=item.created_at.date(),
        decided_on=decision.created_at.date(),
        commented_version=commented.number if commented else 0,
        addressing_version=addressing.number if addressing else None,
    )


def _plain(ops: list[Op]) -> list[Op]:
    """Drop Markdown's bold markers, which readers of a report should not see."""
    return [Op(op.tag, op.text.replace("**", "")) for op in ops]


def _changes(db: Session, section_id: int, items: list[ReportItem]) -> list[Change]:
    texts = dict(
        db.execute(
            select(SectionVersion.number, SectionVersion.text).where(
                SectionVersion.section_id == section_id
            )
        ).all()
    )
    pairs = sorted(
        {(i.commented_version, i.addressing_version) for i in items if i.addressing_version}
    )
    found = [Change(a, b, _plain(word_ops(texts[a], texts[b], CONTEXT_WORDS))) for a, b in pairs]
    return [c for c in found if changed(c.ops)]


def _section(db: Session, section: ToolkitSection, quotable: set[int]) -> ReportSection:
    query = (
        select(FeedbackItem)
        .join(SectionVersion, FeedbackItem.section_version_id == SectionVersion.id)
        .where(SectionVersion.section_id == section.id)
        .order_by(FeedbackItem.id)
    )
    found = list(db.scalars(query))
    decided = [_item(db, i, quotable) for i in found if i.status in CLOSED]
    changes = _changes(db, section.id, decided)
    return ReportSection(section.key, section.title, decided, changes, len(found) - len(decided))


def build(url: str | None = None, *, actor: Actor) -> Report:
    """Gather every decided item, section by section, in toolkit order."""
    with store.reading(url) as db:
        actor.require(actor.can_read(toolkit.owner_group(db)), "produce the Advisory report")
        quotable = _quotable(db)
        order = select(ToolkitSection).order_by(ToolkitSection.position)
        found = [_section(db, s, quotable) for s in db.scalars(order)]
    sections = [s for s in found if s.items or s.still_open]
    counts = {status: 0 for status in STATUS_LABELS}
    for s in sections:
        for i in s.items:
            counts[i.status] += 1
    return Report(datetime.now(UTC).date(), sections, counts)


def render_html(report: Report) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / "reports"),
        autoescape=True,
        keep_trailing_newline=True,
        finalize=finalize,
    )
    env.filters["direction"] = direction
    template = env.get_template("you_said_we_did.html.j2")
    return template.render(report=report, labels=STATUS_LABELS, title=TITLE, note=PRIVACY_NOTE)


def _docx_change(doc: "DocxDocument", ops: list[Op]) -> None:
    from docx.shared import RGBColor

    paragraph = doc.add_paragraph()
    for op in ops:
        run = paragraph.add_run(printable(op.text))
        if op.tag == "delete":
            run.font.strike = True
            run.font.color.rgb = RGBColor(0x9B, 0x1C, 0x1C)
        elif op.tag == "insert":
            run.font.underline = True
            run.font.color.rgb = RGBColor(0x1B, 0x5E, 0x20)


def _docx_direction(paragraph: "DocxParagraph", text: str) -> None:
    """Right to left for an Urdu comment, as the HTML's dir="rtl": Word otherwise lays
    it out left to right, with its punctuation at the wrong end."""
    from docx.oxml import OxmlElement

    if direction(text) == "rtl":
        paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        for run in paragraph.runs:
            run._r.get_or_add_rPr().append(OxmlElement("w:rtl"))


def _docx_item(doc: "DocxDocument", item: ReportItem) -> None:
    """One answered comment, line for line as the HTML article shows it."""
    doc.add_heading(printable(item.heading), level=3)
    _docx_direction(doc.add_paragraph(printable(item.text), style="Quote"), item.text)
    verdict = doc.add_paragraph()
    verdict.add_run(item.status_label).bold = True
    verdict.add_run(printable(f" {item.rationale} {item.decided}"))
    if item.addressing_version:
        doc.add_paragraph(f"{item.change_note}.")


def _docx_section(doc: "DocxDocument", section: ReportSection) -> None:
    doc.add_heading(printable(section.title), level=1)
    for item in section.items:
        _docx_item(doc, item)
    for change in section.changes:
        doc.add_heading(
            f"What changed from version {change.from_version} to {change.to_version}", level=2
        )
        doc.add_paragraph("Removed words are struck through; new words are underlined.")
        _docx_change(doc, change.ops)
    if section.still_open:
        doc.add_paragraph(f"Comments still being considered: {section.still_open}.")


def _docx_properties(doc: "DocxDocument") -> None:
    """Say who wrote the file and when: python-docx's template otherwise claims its own
    author, a "generated by python-docx" description and a 2013 creation date."""
    now = datetime.now(UTC).replace(microsecond=0)
    props = doc.core_properties
    props.title, props.subject = TITLE, "Cultural Competency Toolkit"
    props.author = props.last_modified_by = "codesign"
    props.comments = props.keywords = ""
    props.created = props.modified = now
    props.revision = 1


def write_docx(report: Report, out: Path) -> Path:
    """The same report as a Word document: headings per section, one block per item."""
    import docx

    doc = docx.Document()
    _docx_properties(doc)
    doc.add_heading("You said, we did", level=0)
    doc.add_paragraph(report.lede)
    counts = [f"{report.decided} comments answered"]
    counts += [f"{label}: {report.counts[status]}" for status, label in STATUS_LABELS.items()]
    doc.add_paragraph(" · ".join([*counts, f"Still being considered: {report.still_open}"]))
    for section in report.sections:
        _docx_section(doc, section)
    doc.add_paragraph(PRIVACY_NOTE)
    doc.save(str(out))
    return out


def write(out: Path, fmt: str = "html", url: str | None = None, *, actor: Actor) -> Path:
    """Build the report and write it as HTML, PDF or .docx."""
    if fmt not in FORMATS:
        raise Invalid(f"Unknown report format {fmt!r}; use {', '.join(FORMATS)}.")
    refuse_database_files(out, url)
    report = build(url, actor=actor)
    if fmt == "docx":
        return write_docx(report, out)
    if fmt == "pdf":
        return write_pdf(render_html(report), out)
    out.write_text(render_html(report), encoding="utf-8")
    return out
