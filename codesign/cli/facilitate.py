"""Facilitator commands: cluster a session's contributions, import a Pol.is conversation,
and read voting results and opinion groups."""

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from codesign.access import ADMIN
from codesign.analysis import results
from codesign.analysis.opinions import OpinionGroup
from codesign.cli.common import db_option, emit_json, friendly
from codesign.intake import polis_import, polis_review
from codesign.methods import clustering, languages
from codesign.store import Store
from codesign.workshop import components, sessions

session_option = click.option("--session", "code", required=True, help="The session's join code.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")
TOP = 5


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
            info.id, k=k, seeded=seeded, method=chosen, progress=_follow(bar), url=db, actor=ADMIN
        )
    if as_json:
        emit_json({"method": chosen, "components": [c.as_json() for c in found]})
        return
    for comp in found:
        written = ", ".join(languages.name(code) for code in comp.languages)
        click.echo(f"{comp.label}  ({len(comp.members)}; {written})  {', '.join(comp.keywords)}")
        # The members nearest the centre say what a component is about faster than its words.
        click.echo("  typical: " + " · ".join(f"“{m.text[:100]}”" for m in comp.representatives))
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
    report = polis_import.import_polis(directory, code, actor=ADMIN, url=db)
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(report.summary)
    if report.erased_left_out:
        click.echo(f"Left out {report.erased_left_out} people erased since an earlier import.")
    if report.held:
        click.echo(
            f"{report.held} statements are held for your review:"
            f" codesign import held --session {code}"
        )


@click.command("held")
@session_option
@json_option
@db_option
@friendly
def held(code: str, as_json: bool, db: str | None) -> None:
    """Imported Pol.is statements held out of results: what Pol.is did with each, and why."""
    found = polis_review.held(Store.open(db), sessions.by_code(code, db).id, actor=ADMIN)
    if as_json:
        emit_json({"held": [h.as_json() for h in found]})
        return
    if not found:
        click.echo("No imported statements are held.")
    for h in found:
        why = "; ".join(reason for _, reason in h.reasons) or "no safeguarding flag"
        click.echo(f"[{h.ref}] {h.in_polis}; {why}; {h.votes} votes\n    {h.text[:100]}")


@click.command("release")
@session_option
@click.option("--ref", "refs", multiple=True, help="A held statement's Pol.is comment-id.")
@click.option("--all", "everything", is_flag=True, help="Release every held statement.")
@json_option
@db_option
@friendly
def release(
    code: str, refs: tuple[str, ...], everything: bool, as_json: bool, db: str | None
) -> None:
    """Let held imported statements into results, in one step (each release is logged)."""
    if everything == bool(refs):
        raise click.UsageError("Give --ref (one or more) or --all.")
    info = sessions.by_code(code, db)
    chosen = None if everything else set(refs)
    done = polis_review.release(Store.open(db), info.id, chosen, actor=ADMIN)
    if as_json:
        emit_json({"released": [h.as_json() for h in done]})
        return
    click.echo(f"Released {len(done)} statements into results.")


@click.command("opinion-groups")
@session_option
@json_option
@db_option
@friendly
def opinion_groups(code: str, as_json: bool, db: str | None) -> None:
    """Opinion groups from vote patterns, by Pol.is's method: who, why that many, what each
    group stands for."""
    info = sessions.by_code(code, db)
    found = results.results(info.id, db, actor=ADMIN)
    o = found.opinions
    if as_json:
        groups = [
            {"participants": [{"ref": ref} for ref in g.participants], **found.group_json(g)}
            for g in o.groups
        ]
        emit_json({**results.opinions_json(o), "groups": groups})
        return
    click.echo(o.k_reason)
    for group in o.groups:
        _echo_group(found, group, ": " + ", ".join(group.participants))


@click.command("results")
@session_option
@json_option
@db_option
@friendly
def show_results(code: str, as_json: bool, db: str | None) -> None:
    """Dot totals, agree / disagree / pass, consensus and divisive proposals, by declared group
    (or by opinion group when nobody declared one), and each opinion group's statements."""
    info = sessions.by_code(code, db)
    found = results.results(info.id, db, actor=ADMIN)
    if as_json:
        emit_json(found.as_json())
        return
    click.echo(f"{'dots':>4} {'agree':>5} {'disagr':>6} {'pass':>4}  proposal")
    for p in found.proposals:
        o = p.overall
        click.echo(f"{p.dots:>4} {o.agree:>5} {o.disagree:>6} {o.passed:>4}  {p.text[:70]}")
    for title, chosen in (("Consensus", found.consensus), ("Divisive", found.divisive)):
        if not found.groups:
            why = "no votes yet" if not found.proposals else f"no {found.judged_by} yet"
            click.echo(f"\n{title}: none ({why}).")
            continue
        click.echo(f"\n{title} (across the {found.judged_by}: {', '.join(found.groups)}):")
        for p in chosen:
            click.echo(f"  {p.verdict}: {p.text[:80]}")
    if found.components:
        click.echo("\nComponents:")
        for comp in found.components:
            o = comp.overall
            click.echo(f"{comp.dots:>4} {o.agree:>5} {o.disagree:>6} {o.passed:>4}  {comp.label}")
    click.echo(f"\nOpinion groups. {found.opinions.k_reason}")
    for group in found.opinions.groups:
        _echo_group(found, group, "")
    for title, keys in (
        ("consensus", found.opinions.consensus),
        ("divisive", found.opinions.divisive),
    ):
        click.echo(f"\nAcross the opinion groups, {title} ({len(keys)}):")
        for key in keys[:TOP]:
            click.echo(f"  {found.proposal(key).text[:90]}")


def _echo_group(found: results.Results, group: OpinionGroup, members: str) -> None:
    """A group's heading and its representative statements, with Pol.is's figures."""
    click.echo(f"\n{group.name.capitalize()} ({len(group.participants)}){members}")
    for r in group.representative:
        share = f"{r.n_success}/{r.n_trials} {r.repful_for}"
        click.echo(f"  {share:<16} {found.proposal(r.statement).text[:80]}")
