"""Exports: one entry point, one module per format.

`export(code, fmt, out)` checks the actor may export the session's group, writes the
file, and records one `export` event. Every format is built from the same rows
(`codesign.analysis.rows`), so withdrawal and erasure apply everywhere at once: a row
that is gone from the database is gone from every export.
"""

from collections.abc import Callable
from pathlib import Path

from codesign import store
from codesign.access import Actor
from codesign.analysis.rows import Scope
from codesign.errors import Invalid
from codesign.exports import csv_file, html_report, pdf_report, qdpx_file, xlsx_file, zip_file
from codesign.store import events
from codesign.store.database import refuse_database_files
from codesign.workshop import sessions

Writer = Callable[[Scope, Path], None]
ENCODINGS = ("utf-8-sig", "utf-8")
FORMATS: dict[str, Writer] = {
    "csv": csv_file.write,
    "zip": zip_file.write,
    "xlsx": xlsx_file.write,
    "html": html_report.write,
    "pdf": pdf_report.write,
    "qdpx": qdpx_file.write,
}


def export(
    session_code: str | None,
    fmt: str,
    out: Path,
    *,
    actor: Actor,
    url: str | None = None,
    deidentified: bool = False,
    encoding: str = "utf-8-sig",
) -> Path:
    """Write one session (or, with no code, every session the actor may export) to `out`."""
    if fmt not in FORMATS:
        raise Invalid(f"Unknown format {fmt!r}; choose one of: {', '.join(sorted(FORMATS))}.")
    info = sessions.by_code(session_code, url) if session_code else None
    group_id = info.group_id if info else None
    if info is not None:
        actor.require(actor.can_export(info.group_id), "export this session")
    if encoding not in ENCODINGS:
        raise Invalid(f"Unknown encoding {encoding!r}; choose one of: {', '.join(ENCODINGS)}.")
    scope = Scope(
        session_id=info.id if info else None,
        actor=actor,
        url=url,
        deidentified=deidentified,
        encoding=encoding,
    )
    refuse_database_files(out, url)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")  # a failed export leaves no half a file
    try:
        FORMATS[fmt](scope, partial)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    store.write(
        lambda db: events.record(
            db, "export", "session" if info else "programme", info.id if info else None,
            group_id=group_id, session_id=info.id if info else None, actor=actor,
        ),
        url,
    )  # fmt: skip
    return out
