"""Importing Advisory Group feedback gathered outside codesign: a CSV typed up from a
meeting, an email round or a paper form.

The rules are those of `codesign.intake.importers`: every row is checked first, bad rows are
reported with their line numbers and reasons, good rows are stored in one transaction,
and importing the same file twice stores nothing new. Members named in the file are
matched by pseudonym or source id within the Advisory Group, or recorded as imported.
"""

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.advisory import feedback
from codesign.errors import Invalid, NotFound
from codesign.intake.importers import CsvRow, ImportReport, cells, parse_csv, parse_when, read_text
from codesign.people import groups, participants
from codesign.store.models import FeedbackItem, ToolkitSection
from codesign.workshop import sessions

REQUIRED = "section, type, text"
OPTIONAL = "participant, organisation_type, priority, rating, ref, created_at"


@dataclass(frozen=True)
class _Row:
    line: int
    draft: feedback.FeedbackDraft
    participant: str | None
    organisation_type: str | None


def _rating(value: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise Invalid(f"rating {value!r} is not a whole number from 1 to 5") from exc


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
        rating=_rating(value.get("rating", "")),
        priority=value.get("priority") or "medium",
        ref=value.get("ref") or None,
        created_at=parse_when(value.get("created_at")),
    )
    feedback.check(draft)
    return _Row(line, draft, value.get("participant") or None, org)


def _unknown_sections(rows: list[_Row], keys: set[str]) -> list[tuple[int, str]]:
    return [
        (row.line, f"unknown section {row.draft.section_key!r}")
        for row in rows
        if row.draft.section_key not in keys
    ]


def _store_rows(
    db: Session, actor: Actor, session_id: int | None, rows: list[_Row], stamp: str, source: str
) -> tuple[int, int]:
    advisory = groups.find(db, "advisory")
    if advisory is None:
        raise NotFound("There is no Advisory Group; run `codesign init` first.")
    provenance = f"{source} sha256:{stamp} imported by {actor.token}"
    added = 0
    for row in rows:
        client_id = f"csv:{stamp}:{row.line}"
        done = select(FeedbackItem.id).where(
            FeedbackItem.session_id == session_id, FeedbackItem.client_id == client_id
        )
        if db.scalar(done) is not None:
            continue
        who = row.participant and participants.find_or_import(
            db, advisory.id, row.participant, provenance, actor=actor
        )
        if who and who.organisation_type is None:
            who.organisation_type = row.organisation_type
        draft = replace(
            row.draft,
            participant_id=who.id if who else None,
            session_id=session_id,
            client_id=client_id,
        )
        feedback.add(db, draft, actor=actor)
        added += 1
    return added, len(rows) - added


def import_feedback(
    path: Path, session_code: str | None = None, url: str | None = None, *, actor: Actor
) -> ImportReport:
    """Import a CSV of feedback items (see the module docstring), optionally into a session."""
    session_id = sessions.by_code(session_code, url).id if session_code else None
    text, stamp = read_text(path)
    rows, problems = parse_csv(text, _parse_row, REQUIRED, OPTIONAL)
    with store.reading(url) as db:
        keys = set(db.scalars(select(ToolkitSection.key)))
    unknown = _unknown_sections(rows, keys)
    bad = {line for line, _ in unknown}
    good = [row for row in rows if row.line not in bad]
    report = ImportReport(problems=sorted(problems + unknown))
    if good:
        report.added, report.unchanged = store.write(
            lambda db: _store_rows(db, actor, session_id, good, stamp, path.name), url
        )
    return report
