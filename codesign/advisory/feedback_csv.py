"""Importing Advisory Group feedback gathered outside codesign: a CSV typed up from a
meeting, an email round or a paper form.

The rules are those of `codesign.intake.importers`: every row is checked first, bad rows are
reported with their line numbers and reasons, good rows are stored in one transaction.
Members named in the file are matched by pseudonym or source id within the Advisory
Group, or recorded as imported.

An item already held is recognised by what it says, not by the file it came in: the same
`ref`, member, section, type, words and rating in the same session. So a spreadsheet
re-imported with one row appended stores only that row, and a row pasted twice into one
file is stored once; the report lists every row skipped and why.

Each stored item is attached to the section version it was about: the one named in the
`version` column, else the one current at its `created_at`, else the newest; the report
says which version and by which rule, row by row.
"""

from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.advisory import feedback
from codesign.errors import Invalid, NotFound
from codesign.intake.importers import CsvRow, ImportReport, cells, parse_csv, parse_when, read_text
from codesign.people import groups, participants
from codesign.store.models import FeedbackItem, SectionVersion, ToolkitSection
from codesign.workshop import sessions

REQUIRED = "section, type, text"
OPTIONAL = "participant, organisation_type, priority, rating, ref, created_at, version"


@dataclass
class FeedbackImport(ImportReport):
    """An import's report, with the rows skipped as already held and where each item went."""

    skipped: list[tuple[int, str]] = field(default_factory=list)
    attached: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            **super().as_json(),
            "skipped": [{"line": line, "reason": why} for line, why in self.skipped],
            "attached": [{"line": line, "to": where} for line, where in self.attached],
        }


@dataclass(frozen=True)
class _Row:
    line: int
    draft: feedback.FeedbackDraft
    participant: str | None
    organisation_type: str | None


def _number(value: str, column: str, meaning: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise Invalid(f"{column} {value!r} is not {meaning}") from exc


def _parse_row(line: int, raw: CsvRow) -> _Row:
    value = cells(raw)
    org = value.get("organisation_type") or None
    if org is not None and org not in feedback.ORGANISATION_TYPES:
        known = ", ".join(feedback.ORGANISATION_TYPES)
        raise Invalid(f"unknown organisation_type {org!r} (use {known})")
    draft = feedback.FeedbackDraft(
        section_key=value.get("section", ""),
        type=value.get("type", ""),
        text=value.get("text", ""),
        rating=_number(value.get("rating", ""), "rating", "a whole number from 1 to 5"),
        priority=value.get("priority") or "medium",
        ref=value.get("ref") or None,
        created_at=parse_when(value.get("created_at")),
        version=_number(value.get("version", ""), "version", "a version number"),
    )
    feedback.check(draft)
    return _Row(line, draft, value.get("participant") or None, org)


def _unknown_sections(rows: list[_Row], newest: dict[str, int]) -> list[tuple[int, str]]:
    """Rows naming a section, or a version of it, that the toolkit does not hold."""
    found = []
    for row in rows:
        key, number = row.draft.section_key, row.draft.version
        if key not in newest:
            found.append((row.line, f"unknown section {key!r}"))
        elif number is not None and not 1 <= number <= newest[key]:
            found.append((row.line, f"section {key!r} has no version {number}"))
    return found


def _held(db: Session, draft: feedback.FeedbackDraft) -> int | None:
    """The id of an item that says the same as `draft`, from the same member and session."""
    return db.scalar(
        select(FeedbackItem.id)
        .where(
            FeedbackItem.session_id == draft.session_id,
            FeedbackItem.participant_id == draft.participant_id,
            FeedbackItem.ref == draft.ref,
            FeedbackItem.content_hash == feedback.content_hash(draft),
        )
        .limit(1)
    )


def _where(db: Session, item: FeedbackItem, draft: feedback.FeedbackDraft) -> str:
    number = db.get(SectionVersion, item.section_version_id)
    version = f"{draft.section_key} v{number.number if number else '?'}"
    if draft.attached_by == "date" and draft.created_at is not None:
        return f"{version} (current on {draft.created_at.date().isoformat()})"
    return f"{version} ({draft.attached_by})"


def _store_rows(
    db: Session, actor: Actor, session_id: int | None, rows: list[_Row], stamp: str, source: str
) -> FeedbackImport:
    advisory = groups.find(db, "advisory")
    if advisory is None:
        raise NotFound("There is no Advisory Group; run `codesign init` first.")
    provenance = f"{source} sha256:{stamp} imported by {actor.token}"
    report = FeedbackImport()
    lines: dict[int, int] = {}  # item id → the line of this file that stored it
    for row in rows:
        who = row.participant and participants.find_or_import(
            db, advisory.id, row.participant, provenance, actor=actor
        )
        if who and who.organisation_type is None:
            who.organisation_type = row.organisation_type
        draft = replace(
            row.draft,
            participant_id=who.id if who else None,
            session_id=session_id,
            client_id=f"csv:{stamp}:{row.line}",
        )
        held = _held(db, draft)
        if held is not None:
            same = (
                f"the same as line {lines[held]}"
                if held in lines
                else f"already held as item {held}"
            )
            report.skipped.append((row.line, same))
            continue
        item = feedback.add(db, draft, actor=actor)
        lines[item.id] = row.line
        report.attached.append((row.line, _where(db, item, draft)))
    report.added, report.unchanged = len(lines), len(report.skipped)
    return report


def import_feedback(
    path: Path, session_code: str | None = None, url: str | None = None, *, actor: Actor
) -> FeedbackImport:
    """Import a CSV of feedback items (see the module docstring), optionally into a session."""
    session_id = sessions.by_code(session_code, url).id if session_code else None
    text, stamp = read_text(path)
    rows, problems = parse_csv(text, _parse_row, REQUIRED, OPTIONAL)
    numbers = (
        select(ToolkitSection.key, func.max(SectionVersion.number))
        .join(SectionVersion, SectionVersion.section_id == ToolkitSection.id)
        .group_by(ToolkitSection.key)
    )
    with store.reading(url) as db:
        newest = {key: int(number) for key, number in db.execute(numbers)}
    unknown = _unknown_sections(rows, newest)
    bad = {line for line, _ in unknown}
    good = [row for row in rows if row.line not in bad]
    report = (
        store.write(lambda db: _store_rows(db, actor, session_id, good, stamp, path.name), url)
        if good
        else FeedbackImport()
    )
    report.problems = sorted(problems + unknown)
    return report
