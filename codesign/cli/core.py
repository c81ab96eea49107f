"""Everyday commands: create the database, load the demo, manage sessions, import, export."""

from pathlib import Path

import click
from sqlalchemy.orm import Session

from codesign import exports, store
from codesign.access import ADMIN
from codesign.advisory import toolkit
from codesign.cli.common import (
    db_option,
    emit_json,
    file_format,
    force_option,
    fresh_output,
    friendly,
    out_option,
)
from codesign.demo import advisory as advisory_demo
from codesign.demo import workshop as demo_data
from codesign.intake import importers
from codesign.people import groups
from codesign.store import migrations
from codesign.workshop import sessions


def seed(db: Session) -> None:
    """The standing groups and the toolkit sections every database starts with."""
    groups.seed(db)
    toolkit.seed(db, actor=ADMIN)


@click.command()
@db_option
@friendly
def init(db: str | None) -> None:
    """Create or upgrade the database (a second run changes nothing)."""
    applied = migrations.upgrade(db)
    store.write(seed, db)
    click.echo(f"Applied migrations {applied}." if applied else "Database is up to date.")


@click.command()
@db_option
@friendly
def demo(db: str | None) -> None:
    """Load the synthetic demo workshop (safe to repeat)."""
    migrations.upgrade(db)
    loaded = demo_data.load(db)
    advisory_demo.load(db)
    click.echo("Loaded the synthetic demo workshop." if loaded else "Demo already loaded.")
    for raw in demo_data.demo_sessions():
        click.echo(f"  {raw['code']}  {raw['group']:<24} {raw['title']}")


@click.group()
def session() -> None:
    """Create and list workshop sessions."""


@session.command("new")
@click.option("--group", required=True, help="Group name or slug (an existing group).")
@click.option("--new-group", is_flag=True, help="Create the group if there is none by that name.")
@click.option("--title", required=True)
@click.option("--template", default=sessions.DEFAULT_TEMPLATE, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object with the join code.")
@db_option
@friendly
def session_new(
    group: str, new_group: bool, title: str, template: str, as_json: bool, db: str | None
) -> None:
    """Create a session from a template and print its join code."""
    migrations.upgrade(db)
    store.write(seed, db)  # the standing groups, so a fresh database knows them
    try:
        info = sessions.create(
            group, title, template=template, new_group=new_group, actor=ADMIN, url=db
        )
    except groups.UnknownGroup as exc:
        raise click.ClickException(f"{exc.message} To start a new group, add --new-group.") from exc
    if as_json:
        emit_json({**info.as_json(), "template": info.template})
    else:
        click.echo(f"Created '{info.title}' for {info.group}. Join code: {info.display_code}")


@session.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option
@friendly
def session_list(as_json: bool, db: str | None) -> None:
    """List sessions, newest first."""
    found = sessions.listing(url=db, actor=ADMIN)
    if as_json:
        emit_json([info.as_json() for info in found])
        return
    for info in found:
        state = "closed" if info.closed else (info.current_phase or "-")
        click.echo(f"{info.code}  {info.group:<24} {info.title}  [{state}]")


@click.group("import")
def import_group() -> None:
    """Import contributions gathered elsewhere."""


@import_group.command("contributions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--session", "code", required=True, help="The session's join code.")
@click.option("--json", "as_json", is_flag=True)
@db_option
@friendly
def import_contributions(file: Path, code: str, as_json: bool, db: str | None) -> None:
    """Import a CSV (columns: text; optional ref, participant, kind, created_at)."""
    report = importers.import_contributions(file, code, actor=ADMIN, url=db)
    if as_json:
        emit_json(report.as_json())
    else:
        click.echo(f"Imported {report.added} contributions ({report.unchanged} already there).")
        for line, reason in report.problems:
            click.echo(f"  line {line}: {reason}", err=True)
    if report.problems:
        raise SystemExit(1)


@click.command()
@click.option("--session", "code", default=None, help="Join code; omit with --all.")
@click.option("--all", "whole", is_flag=True, help="Export the whole programme.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(exports.FORMATS)),
    default=None,
    help="The file's format (default: from the --out file's extension).",
)
@out_option
@force_option
@click.option("--deidentified", is_flag=True, help="Drop identifying columns, redact text.")
@click.option(
    "--encoding",
    type=click.Choice(exports.ENCODINGS),
    default="utf-8-sig",
    show_default=True,
    help="CSV and ZIP: utf-8-sig starts with a byte-order mark for Excel; utf-8 for pandas, R.",
)
@db_option
@friendly
def export(
    code: str | None,
    whole: bool,
    fmt: str | None,
    out: Path,
    force: bool,
    deidentified: bool,
    encoding: str,
    db: str | None,
) -> None:
    """Export a session (or the whole programme) to a file."""
    if not code and not whole:
        raise click.UsageError("Give --session CODE, or --all for the whole programme.")
    if code and whole:  # which one was meant cannot be told, so neither is guessed
        raise click.UsageError(
            "Give --session CODE for one session or --all for the whole programme, not both."
        )
    chosen = file_format(out, fmt, tuple(exports.FORMATS))
    fresh_output(out, force, db)
    path = exports.export(
        code, chosen, out, actor=ADMIN, url=db, deidentified=deidentified, encoding=encoding
    )
    click.echo(f"Wrote {path}")
