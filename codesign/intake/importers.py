"""Bringing in contributions gathered elsewhere: a CSV of notes from a paper session.

Every row is checked first; bad rows are reported with their line numbers and reasons,
and good rows are stored in batches of `BATCH_ROWS`, each its own short transaction, so a
live session's writers never queue behind a big file for more than a moment. Each row is
keyed by the file's hash and its line, so importing the same file twice stores nothing
new, and an import stopped part-way is finished by running it again. Imported
participants are recorded as having consented outside codesign, with the importing
facilitator and the file as provenance.
"""

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import Actor
from codesign.errors import CodesignError, Invalid
from codesign.methods import languages
from codesign.people import participants
from codesign.store.models import Contribution
from codesign.workshop import contributions, sessions

MAX_FILE_BYTES = 20 * 1024 * 1024
BATCH_ROWS = 100  # rows per write transaction: well under a second even on a busy laptop
COLUMNS = ("text", "ref", "participant", "kind", "created_at")
CsvRow = dict[str | None, str | list[str] | None]
T = TypeVar("T")


@dataclass
class ImportReport:
    added: int = 0
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "unchanged": self.unchanged,
            "problems": [{"line": line, "reason": why} for line, why in self.problems],
        }


@dataclass(frozen=True)
class _Row:
    line: int
    text: str
    ref: str | None
    participant: str | None
    kind: str
    created_at: datetime | None


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and a short hash of its bytes; refuses files that are not UTF-8 text."""
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise Invalid(f"{path.name} is larger than 20 MB; split it and import the parts.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8."
        ) from exc
    if "\x00" in text:
        raise Invalid(f"{path.name} contains NUL bytes; it does not look like a CSV file.")
    return text, hashlib.sha256(data).hexdigest()[:20]


def cells(raw: CsvRow) -> dict[str, str]:
    """One CSV row's values by column, stripped; refuses a row with more values than headings."""
    if None in raw:
        raise Invalid("more values than column headings")
    return {k: v.strip() if isinstance(v, str) else "" for k, v in raw.items() if k is not None}


def parse_when(created: str | None) -> datetime | None:
    """An ISO date and time from a CSV cell, or None for an empty one."""
    try:
        return datetime.fromisoformat(created) if created else None
    except ValueError as exc:
        raise Invalid(
            f"created_at {created!r} is not a date and time like 2026-10-06T10:15"
        ) from exc


def _parse_row(line: int, raw: CsvRow) -> _Row:
    value = cells(raw)
    text = contributions.clean(value.get("text", ""))
    kind = value.get("kind") or "idea"
    if kind not in contributions.KINDS:
        raise Invalid(f"unknown kind {kind!r} (use idea, proposal, concern or question)")
    when = parse_when(value.get("created_at"))
    return _Row(line, text, value.get("ref") or None, value.get("participant") or None, kind, when)


def parse_csv(
    text: str, parse_row: Callable[[int, CsvRow], T], required: str, optional: str
) -> tuple[list[T], list[tuple[int, str]]]:
    """Split a CSV into parsed rows and (line, reason) problems; never raises for a bad row.

    `parse_row(line, raw)` raises a CodesignError for a row it rejects; `required` names
    the comma-separated columns the file must have, `optional` the others, for the message.
    """
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        headings = [h.strip() for h in reader.fieldnames or []]
    except csv.Error as exc:
        raise Invalid(f"The file could not be read as CSV: {exc}") from exc
    missing = [name for name in required.split(", ") if name not in headings]
    if missing:
        raise Invalid(f"The file needs the columns {required} (optional: {optional}).")
    reader.fieldnames = headings
    rows: list[T] = []
    problems: list[tuple[int, str]] = []
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append((reader.line_num, f"broken quoting: {exc}"))
            break
        try:
            rows.append(parse_row(reader.line_num, raw))
        except CodesignError as exc:
            problems.append((reader.line_num, exc.message))
    return rows, problems


def parse_contributions(text: str) -> tuple[list[_Row], list[tuple[int, str]]]:
    """Split a contributions CSV into good rows and (line, reason) problems."""
    return parse_csv(text, _parse_row, "text", "ref, participant, kind, created_at")


def _store_rows(
    db: Session, actor: Actor, session_id: int, group_id: int, rows: list[_Row], stamp: str,
    source: str,
) -> tuple[int, int]:  # fmt: skip
    provenance = f"{source} sha256:{stamp} imported by {actor.token}"
    done = set(
        db.scalars(
            select(Contribution.client_id).where(
                Contribution.session_id == session_id,
                Contribution.client_id.like(f"csv:{stamp}:%"),
            )
        )
    )
    added = 0
    for row in rows:
        client_id = f"csv:{stamp}:{row.line}"
        if client_id in done:
            continue
        who = row.participant and participants.find_or_import(
            db, group_id, row.participant, provenance, actor=actor
        )
        draft = contributions.Draft(
            session_id=session_id,
            participant_id=who.id if who else None,
            text=row.text,
            kind=row.kind,
            language=languages.detect(row.text),
            client_id=client_id,
            ref=row.ref,
            created_at=row.created_at,
            on_behalf=True,
        )
        contributions.add(db, draft, actor=actor)
        added += 1
    return added, len(rows) - added


def import_contributions(
    path: Path, session_code: str, url: str | None = None, *, actor: Actor
) -> ImportReport:
    """Import a CSV of contributions into a session; see the module docstring for the rules."""
    info = sessions.by_code(session_code, url)
    text, stamp = read_text(path)
    rows, problems = parse_contributions(text)
    report = ImportReport(problems=problems)
    for start in range(0, len(rows), BATCH_ROWS):
        batch = rows[start : start + BATCH_ROWS]

        def store_batch(db: Session, batch: list[_Row] = batch) -> tuple[int, int]:
            return _store_rows(db, actor, info.id, info.group_id, batch, stamp, path.name)

        added, unchanged = store.write(store_batch, url)
        report.added, report.unchanged = report.added + added, report.unchanged + unchanged
    return report
