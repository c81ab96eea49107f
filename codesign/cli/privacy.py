"""Data-protection commands: erase a participant, answer a subject-access request, verify
the audit trail, and apply retention dates. The command line acts as admin.
"""

from datetime import datetime
from pathlib import Path

import click

from codesign.access import ADMIN
from codesign.cli.common import (
    db_option,
    emit_json,
    force_option,
    fresh_output,
    friendly,
    out_option,
)
from codesign.safety import erasure, retention, subjects
from codesign.store import events

participant_option = click.option(
    "--participant",
    "ident",
    metavar="ID",
    help="Pseudonym, imported reference or numeric id.",
)
group_option = click.option("--group", default=None, help="Group name or slug, if ID is shared.")


def _report_erasure(receipt: erasure.ErasureReceipt, as_json: bool) -> None:
    if as_json:
        emit_json(receipt.as_json())
        return
    click.echo(receipt.message)
    if not receipt.compacted:
        click.echo(
            "Warning: the database is busy, so the write-ahead log was not truncated yet; "
            "stop `codesign serve` and run this command again.",
            err=True,
        )
    for path in receipt.backups:
        click.echo(f"Warning: backup {path} may still hold the erased data.", err=True)


def _erasable_id(ident: str, group: str | None, db: str | None) -> int:
    """A numeric id already erased stays valid, so repeating an erasure is a no-op."""
    if ident.isdigit() and group is None and erasure.already_erased(int(ident), db):
        return int(ident)
    return subjects.identify(ident, group=group, url=db)


@click.command()
@participant_option
@group_option
@click.option("--withdrawal-code", "code", default=None, help="The code given at consent.")
@click.option("--json", "as_json", is_flag=True)
@db_option
@friendly
def erase(
    ident: str | None, group: str | None, code: str | None, as_json: bool, db: str | None
) -> None:
    """Erase everything held about one participant (safe to repeat)."""
    if bool(ident) == bool(code):
        raise click.UsageError("Give either --participant ID or --withdrawal-code CODE.")
    if code:
        receipt = erasure.erase_by_withdrawal_code(code, db)
    else:
        receipt = erasure.erase_participant(_erasable_id(ident or "", group, db), db, actor=ADMIN)
    _report_erasure(receipt, as_json)


@click.command("subject-access")
@participant_option
@group_option
@out_option
@force_option
@db_option
@friendly
def subject_access(ident: str, group: str | None, out: Path, force: bool, db: str | None) -> None:
    """Write everything held about one participant to a JSON file."""
    if not ident:
        raise click.UsageError("Give --participant ID.")
    fresh_output(out, force, db)
    pid = subjects.identify(ident, group=group, url=db)
    click.echo(f"Wrote {subjects.export(pid, out, db, actor=ADMIN)}")


@click.group()
def audit() -> None:
    """Check the append-only audit trail."""


@audit.command("verify")
@click.option(
    "--anchor",
    "pin",
    default=None,
    metavar="ID:HASH",
    help="A head printed earlier by `codesign audit anchor`: the chain must still pass it.",
)
@db_option
@friendly
def audit_verify(pin: str | None, db: str | None) -> None:
    """Check the append-only triggers and recompute the hash chain; exit 1 if either fails."""
    check = events.verify(db, events.Anchor.parse(pin) if pin is not None else None)
    if not check.ok:
        where = f"at event {check.first_bad_id}" if check.first_bad_id else "at the chain head"
        raise click.ClickException(
            f"Audit trail broken {where} (after {check.events} good events): {check.problem}."
        )
    click.echo(f"Audit trail intact: {check.events} events.")


@audit.command("anchor")
@db_option
@friendly
def audit_anchor(db: str | None) -> None:
    """Print the chain's head; keep it off this machine and pass it to `audit verify --anchor`."""
    click.echo(str(events.anchor(db)))


@click.group("retention")
def retention_group() -> None:
    """Delete-by dates per session, and deleting what is past them."""


@retention_group.command("set")
@click.option("--session", "code", required=True, help="The session's join code.")
@click.option("--delete-by", "when", required=True, type=click.DateTime(["%Y-%m-%d"]))
@db_option
@friendly
def retention_set(code: str, when: datetime, db: str | None) -> None:
    """Set when a session's data is deleted (YYYY-MM-DD)."""
    day = when.date()
    retention.set_delete_by(code, day, db, actor=ADMIN)
    click.echo(f"Session {code} will be deleted after {day.isoformat()}.")


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="List what is due without deleting anything.")
@click.option("--json", "as_json", is_flag=True)
@db_option
@friendly
def retention_run(dry_run: bool, as_json: bool, db: str | None) -> None:
    """Erase every session's data past its delete-by date."""
    report = retention.run(dry_run=dry_run, actor=ADMIN, url=db)
    if as_json:
        emit_json(report.as_json())
        return
    verb = "Due" if dry_run else "Erased"
    for item in report.sessions:
        click.echo(f"{verb}: {item.code} (delete by {item.delete_by.isoformat()})")
    if not dry_run:
        click.echo(
            f"{len(report.sessions)} sessions cleared, {report.participants} participants erased."
        )
    elif not report.sessions:
        click.echo("Nothing is past its delete-by date.")
