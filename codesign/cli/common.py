"""Shared pieces of the command line: the top-level group, the `--db` option, and turning
codesign's own errors into a one-line message and exit code 1 instead of a traceback.
"""

import functools
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import DBAPIError

from codesign.config import ENV_VAR
from codesign.errors import CodesignError
from codesign.store.database import refuse_database_files

db_option = click.option(
    "--db",
    "db",
    envvar=ENV_VAR,
    default=None,
    metavar="URL",
    help=f"Database URL (default: ${ENV_VAR}, then workshop_data/codesign.sqlite).",
)

out_option = click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
force_option = click.option("--force", is_flag=True, help="Overwrite --out if it exists.")


def fresh_output(out: Path, force: bool, db: str | None) -> None:
    """Refuse `--out` on the database's own files always, and on any existing file unless
    `--force`: a typo in a path must never cost the workshop's data or an earlier export."""
    try:
        refuse_database_files(out, db)
    except CodesignError as exc:
        raise click.UsageError(exc.message) from exc
    if out.exists() and not force:
        raise click.UsageError(f"{out} already exists; add --force to overwrite it.")


MISSING_TABLE = re.compile(r"no such table|relation .* does not exist")
NO_TABLES = "The database has no codesign tables yet; run `codesign init` first."


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Report a CodesignError as `Error: …` on stderr with exit code 1, and so a database
    that exists but was never initialised (an empty file, a new PostgreSQL database)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CodesignError as exc:
            raise click.ClickException(exc.message) from exc
        except DBAPIError as exc:
            if not MISSING_TABLE.search(str(exc.orig)):
                raise
            raise click.ClickException(NO_TABLES) from exc

    return wrapper


def file_format(out: Path, given: str | None, formats: Sequence[str]) -> str:
    """The format to write `out` in: `given`, else the file's extension.

    A file whose extension names another format is refused rather than written in the
    wrong one (HTML inside a .docx would open as a broken document), and so is a file
    whose format cannot be told.
    """
    suffix = out.suffix.lower().removeprefix(".")
    if given is None and suffix in formats:
        return suffix
    if given is None:
        raise click.UsageError(
            f"Cannot tell the format from {out.name!r}; add --format ({', '.join(formats)})."
        )
    if suffix in formats and suffix != given:
        raise click.UsageError(
            f"--format {given} does not match {out.name!r}; use a .{given} file name, "
            f"or --format {suffix}."
        )
    return given


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="codesign")
def main() -> None:
    """Run co-design workshops: participant forms, facilitator notebooks, review and export."""
