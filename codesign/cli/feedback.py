"""Advisory Group commands: `codesign feedback …` for comments and their decisions, and
`codesign toolkit …` for redrafts and what changed between versions.
"""

from pathlib import Path

import click
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import drafts, feedback_csv, lifecycle, toolkit
from codesign.advisory import report as advisory_report
from codesign.cli.common import (
    db_option,
    emit_json,
    file_format,
    force_option,
    fresh_output,
    friendly,
    out_option,
)
from codesign.errors import Invalid
from codesign.methods.textdiff import unified
from codesign.store import migrations


@click.group("feedback")
def feedback_group() -> None:
    """Advisory Group feedback: import it, decide on it, report back."""


@feedback_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "code", default=None, help="Join code of the meeting it came from.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@db_option
@friendly
def import_feedback(file: Path, code: str | None, as_json: bool, db: str | None) -> None:
    """Import a CSV of feedback (columns: section, type, text; optional participant,
    organisation_type, priority, rating, ref, created_at). Bad rows are listed by line."""
    migrations.upgrade(db)
    report = feedback_csv.import_feedback(file, code, url=db)
    if as_json:
        emit_json(report.as_json())
    else:
        click.echo(f"Imported {report.added} feedback items ({report.unchanged} already there).")
        for line, reason in report.problems:
            click.echo(f"  line {line}: {reason}", err=True)
    if report.problems:
        raise SystemExit(1)


@feedback_group.command("move")
@click.argument("item_id", type=int)
@click.option(
    "--to", "to", required=True, type=click.Choice(lifecycle.STATUSES), help="The new status."
)
@click.option("--rationale", default="", help="Why; required to close an item.")
@click.option("--version", type=int, default=None, help="Section version that addressed it.")
@db_option
@friendly
def move(item_id: int, to: str, rationale: str, version: int | None, db: str | None) -> None:
    """Move a feedback item along its lifecycle (new → under_review → a decision)."""
    done = lifecycle.move_item(item_id, to, rationale, ADMIN, version, url=db)
    click.echo(f"Item {done.item_id}: {done.from_status} → {done.to_status}")


@feedback_group.command("report")
@out_option
@force_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(advisory_report.FORMATS),
    default=None,
    help="html, pdf or docx (default: from the --out file's extension).",
)
@db_option
@friendly
def report(out: Path, force: bool, fmt: str | None, db: str | None) -> None:
    """Write the "you said, we did" report for the Advisory Group."""
    chosen = file_format(out, fmt, advisory_report.FORMATS)
    fresh_output(out, force, db)
    click.echo(f"Wrote {advisory_report.write(out, chosen, url=db)}")


@click.group("toolkit")
def toolkit_group() -> None:
    """The Cultural Competency Toolkit: import redrafts, see what changed."""


@toolkit_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@db_option
@friendly
def import_draft(file: Path, as_json: bool, db: str | None) -> None:
    """Import a redraft from Markdown (## headings) or Word (.docx, heading styles)."""
    migrations.upgrade(db)
    done = drafts.import_draft(file, url=db)
    if as_json:
        emit_json(done.as_json())
        return
    for label, keys in (("updated", done.updated), ("added", done.added)):
        click.echo(f"{label.capitalize()}: {', '.join(keys) or 'none'}")
    click.echo(f"Unchanged: {len(done.unchanged)} sections")


def _texts(
    db: Session, section: str, start: int | None, end: int | None
) -> tuple[int, str, int, str]:
    latest = toolkit.current(db, section).number if end is None else end
    first = latest - 1 if start is None else start
    if first < 1:
        raise Invalid(f"Section {section!r} has only one version; nothing to compare.")
    return (
        first,
        toolkit.version(db, section, first).text,
        latest,
        toolkit.version(db, section, latest).text,
    )


@toolkit_group.command("diff")
@click.argument("section")
@click.option("--from", "start", type=int, default=None, help="Older version (default: previous).")
@click.option("--to", "end", type=int, default=None, help="Newer version (default: newest).")
@db_option
@friendly
def diff(section: str, start: int | None, end: int | None, db: str | None) -> None:
    """Show what changed in a section between two versions, as a unified diff."""
    with store.reading(db) as session:
        a, old, b, new = _texts(session, section, start, end)
    shown = unified(old, new, f"{section} version {a}", f"{section} version {b}")
    click.echo(shown or f"No change between versions {a} and {b}.")
