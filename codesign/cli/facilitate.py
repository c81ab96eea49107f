"""Facilitator commands: cluster a session's contributions, import a Pol.is conversation,
and read voting results and opinion groups."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from codesign.access import ADMIN
from codesign.analysis import results
from codesign.cli.common import db_option, emit_json, friendly
from codesign.intake import polis_import
from codesign.methods import clustering, languages
from codesign.workshop import components, sessions

session_option = click.option("--session", "code", required=True, help="The session's join code.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.command()
@session_option
@click.option("--k", type=click.IntRange(min=1), default=None, help="Number of new components.")
@click.option("--seeded", is_flag=True, help="Start from the programme's candidate components.")
@click.option(
    "--method",
    type=click.Choice(["auto", *clustering.METHODS]),
    default="auto",
    help="multilingual: by meaning across languages (auto, where it runs); tfidf: by words.",
)
@json_option
@db_option
@friendly
def cluster(
    code: str, k: int | None, seeded: bool, method: str, as_json: bool, db: str | None
) -> None:
    """Group a session's contributions into suggested components (keeps facilitator edits)."""
    info = sessions.by_code(code, db)
    chosen = clustering.method_for(method)
    terminal = sys.stderr.isatty()  # piped or scripted: no progress text in the output
    with click.progressbar(
        length=1, label="Reading new contributions", file=sys.stderr, hidden=not terminal
    ) as bar:
        found = components.cluster(
            info.id, ADMIN, k=k, seeded=seeded, method=chosen, progress=_follow(bar), url=db
        )
    if as_json:
        emit_json({"method": chosen, "components": [c.as_json() for c in found]})
        return
    for comp in found:
        written = ", ".join(languages.name(code) for code in comp.languages)
        click.echo(f"{comp.label}  ({len(comp.members)}; {written})  {', '.join(comp.keywords)}")
        for member in comp.members:
            click.echo(f"    [{member.ref or member.id}] {member.text[:100]}")


def _follow(bar: Any) -> Callable[[int, int], None]:
    """A progress callback that moves a click progress bar (shown only on a terminal)."""

    def update(done: int, total: int) -> None:
        bar.length = total
        bar.update(done - bar.pos)

    return update


@click.command("polis")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@session_option
@json_option
@db_option
@friendly
def import_polis(directory: Path, code: str, as_json: bool, db: str | None) -> None:
    """Import a Pol.is export folder (comments.csv, votes.csv) into a session."""
    report = polis_import.import_polis(directory, code, url=db)
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(
        f"Imported {report.comments_added} statements ({report.comments_unchanged} already there)"
        f" and {report.votes_added} votes ({report.votes_changed} changed,"
        f" {report.votes_unchanged} already there) from {len(report.participants)} participants."
    )


@click.command("opinion-groups")
@session_option
@json_option
@db_option
@friendly
def opinion_groups(code: str, as_json: bool, db: str | None) -> None:
    """Opinion groups from vote patterns (PCA + k-means, as Pol.is): exploratory only."""
    info = sessions.by_code(code, db)
    found = results.opinion_groups_for(info.id, ADMIN, db)
    if as_json:
        groups = [{"participants": [{"ref": ref} for ref in g.participants]} for g in found]
        emit_json({"groups": groups})
        return
    for n, group in enumerate(found, 1):
        click.echo(
            f"Opinion group {n} ({len(group.participants)}): {', '.join(group.participants)}"
        )


@click.command("results")
@session_option
@json_option
@db_option
@friendly
def show_results(code: str, as_json: bool, db: str | None) -> None:
    """Dot totals and agree / disagree / pass per proposal and component, by declared group."""
    info = sessions.by_code(code, db)
    found = results.results(info.id, ADMIN, db)
    if as_json:
        emit_json(found.as_json())
        return
    click.echo(f"{'dots':>4} {'agree':>5} {'disagr':>6} {'pass':>4}  proposal")
    for p in found.proposals:
        o = p.overall
        click.echo(f"{p.dots:>4} {o.agree:>5} {o.disagree:>6} {o.passed:>4}  {p.text[:70]}")
    for title, chosen in (("Consensus", found.consensus), ("Divisive", found.divisive)):
        click.echo(f"\n{title} (across {', '.join(found.groups) or 'no declared groups'}):")
        for p in chosen:
            click.echo(f"  {p.verdict}: {p.text[:80]}")
    if found.components:
        click.echo("\nComponents:")
        for comp in found.components:
            o = comp.overall
            click.echo(f"{comp.dots:>4} {o.agree:>5} {o.disagree:>6} {o.passed:>4}  {comp.label}")
