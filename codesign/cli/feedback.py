"""Advisory Group commands: `codesign feedback …` for comments and their decisions,
`codesign toolkit …` for redrafts and what changed between versions, and
`codesign delphi …` for rating rounds.
"""

from pathlib import Path

import click
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN
from codesign.advisory import delphi, drafts, feedback, feedback_csv, lifecycle, rounds, toolkit
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
    organisation_type, priority, rating, ref, created_at, version).

    Rows already held (same ref, member and words) are skipped and listed; each stored
    item is attached to the version named, else the one current at its date. Bad rows
    are listed by line."""
    migrations.upgrade(db)
    report = feedback_csv.import_feedback(file, code, actor=ADMIN, url=db)
    if as_json:
        emit_json(report.as_json())
    else:
        click.echo(f"Imported {report.added} feedback items ({report.unchanged} already there).")
        for line, where in report.attached:
            click.echo(f"  line {line}: attached to {where}")
        for line, why in report.skipped:
            click.echo(f"  line {line}: skipped, {why}")
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
    done = lifecycle.move_item(item_id, to, rationale, version, url=db, actor=ADMIN)
    click.echo(f"Item {done.item_id}: {done.from_status} → {done.to_status}")


SHORT_TEXT = 60


def _short(text: str) -> str:
    """One line of at most SHORT_TEXT characters, so a list stays one row per item."""
    line = " ".join(text.split())
    return line if len(line) <= SHORT_TEXT else line[: SHORT_TEXT - 1] + "…"


@feedback_group.command("list")
@click.option("--status", type=click.Choice(lifecycle.STATUSES), default=None, help="Only these.")
@click.option("--section", default=None, help="Only this section (its key).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array (full texts).")
@db_option
@friendly
def list_items(status: str | None, section: str | None, as_json: bool, db: str | None) -> None:
    """List feedback items with their ids, to move, correct or look up one of them."""
    found = feedback.listed(actor=ADMIN, status=status, section=section, url=db)
    if as_json:
        emit_json([item.as_json() for item in found])
        return
    for item in found:
        click.echo(
            f"{item.id:>5}  {item.section} v{item.version}  {item.status:<15} {item.type:<11} "
            f"{_short(item.text)}"
        )
    click.echo(f"{len(found)} item(s).")


@feedback_group.command("correct")
@click.argument("item_id", type=int)
@click.option(
    "--to", "to", required=True, type=click.Choice(lifecycle.STATUSES), help="The right status."
)
@click.option("--rationale", required=True, help="Why the earlier decision was wrong.")
@click.option("--version", type=int, default=None, help="Section version that addressed it.")
@db_option
@friendly
def correct(item_id: int, to: str, rationale: str, version: int | None, db: str | None) -> None:
    """Correct a decided item: a new, reasoned move; the earlier decision stays in its history."""
    done = lifecycle.correct_item(item_id, to, rationale, actor=ADMIN, version=version, url=db)
    click.echo(f"Item {done.item_id}: corrected {done.from_status} → {done.to_status}")


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
    click.echo(f"Wrote {advisory_report.write(out, chosen, url=db, actor=ADMIN)}")


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
    done = drafts.import_draft(file, actor=ADMIN, url=db)
    if as_json:
        emit_json(done.as_json())
        return
    for label, keys in (("updated", done.updated), ("added", done.added)):
        click.echo(f"{label.capitalize()}: {', '.join(keys) or 'none'}")
    click.echo(f"Unchanged: {len(done.unchanged)} sections")


@toolkit_group.command("final")
@click.argument("section")
@click.argument("version", type=int)
@db_option
@friendly
def final(section: str, version: int, db: str | None) -> None:
    """Mark a section's version final (refused while feedback on it is still open)."""
    done = toolkit.finalise(section, version, actor=ADMIN, url=db)
    click.echo(f"Marked {section} version {done.number} final.")


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


@click.group("delphi")
def delphi_group() -> None:
    """Delphi rating rounds: open one on chosen sections and criteria, close it, compare."""


@delphi_group.command("open")
@click.option("--section", "sections", multiple=True, help="A section key (repeat; default all).")
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    type=click.Choice(delphi.CRITERIA),
    help="A criterion (repeat; default all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the round as JSON.")
@db_option
@friendly
def open_round(
    sections: tuple[str, ...], criteria: tuple[str, ...], as_json: bool, db: str | None
) -> None:
    """Open the next rating round; members rate on their phones until it is closed."""
    migrations.upgrade(db)
    found = rounds.open_round(sections, criteria, actor=ADMIN, url=db)
    if as_json:
        emit_json(found.as_json())
        return
    click.echo(
        f"Opened round {found.number}: {', '.join(found.sections)} on {', '.join(found.criteria)}."
    )


@delphi_group.command("close")
@db_option
@friendly
def close_round(db: str | None) -> None:
    """Close the open rating round."""
    found = rounds.close_round(actor=ADMIN, url=db)
    click.echo(f"Closed round {found.number}.")


@delphi_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option
@friendly
def list_rounds(as_json: bool, db: str | None) -> None:
    """List the rating rounds opened from codesign."""
    found = rounds.rounds(actor=ADMIN, url=db)
    if as_json:
        emit_json([r.as_json() for r in found])
        return
    for r in found:
        state = "open" if r.is_open else f"closed {r.closed_at:%Y-%m-%d}"
        click.echo(
            f"round {r.number}  {state:<17} {', '.join(r.sections)}  ({', '.join(r.criteria)})"
        )


def _figure(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:g}"


@delphi_group.command("results")
@click.option("--round", "number", type=int, default=None, help="One round (default: every one).")
@click.option(
    "--rule",
    type=click.Choice([r.key for r in delphi.RULES]),
    default=delphi.DEFAULT_RULE.key,
    show_default=True,
    help="The consensus rule for the verdict column.",
)
@db_option
@friendly
def results(number: int | None, rule: str, db: str | None) -> None:
    """Each round × section × criterion: n, can't judge, median, IQR, share 4–5, consensus."""
    chosen = next(r for r in delphi.RULES if r.key == rule)
    table = delphi.summaries(delphi.read(db, actor=ADMIN))
    click.echo("round  section              criterion      n  can't  median  IQR  4–5  consensus")
    for (rnd, section, criterion), s in table.items():
        if number is not None and rnd != number:
            continue
        click.echo(
            f"{rnd:>5}  {section:<20} {criterion:<13} {s.n:>2}  {s.cant_judge:>5}  "
            f"{_figure(s.median):>6}  {_figure(s.iqr):>3}  {_figure(s.agree, True):>4}  "
            f"{'yes' if chosen.met(s) else 'no'}"
        )


@delphi_group.command("compare")
@click.option("--json", "as_json", is_flag=True, help="Print {rule: {round: cells}} as JSON.")
@db_option
@friendly
def compare(as_json: bool, db: str | None) -> None:
    """How many section × criterion cells reach consensus, rule by rule, round by round."""
    sets = delphi.compare_rules(delphi.summaries(delphi.read(db, actor=ADMIN)))
    counts = {
        key: {rnd: len(cells) for rnd, cells in by_round.items()} for key, by_round in sets.items()
    }
    if as_json:
        emit_json(counts)
        return
    numbers = sorted({rnd for by_round in counts.values() for rnd in by_round})
    click.echo(f"{'rule':<32}" + "".join(f"  round {n}" for n in numbers))
    for found in delphi.RULES:
        click.echo(
            f"{found.label:<32}" + "".join(f"  {counts[found.key].get(n, 0):>7}" for n in numbers)
        )
