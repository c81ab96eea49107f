"""`codesign serve`: the participant forms and the facilitator notebooks, until Ctrl-C."""

import time

import click

from codesign.access import ADMIN
from codesign.cli.common import db_option, friendly
from codesign.serving import serve as serving
from codesign.workshop import sessions

PAGES = {"Projector": "projector.ipynb", "Review": "session_review.ipynb"}


def page_url(facilitator_url: str, notebook: str) -> str:
    """A notebook as a page of its own (JupyterLab's Voilà), behind the facilitator's secret:
    the projector for the wall, the review page for the team."""
    base, token = facilitator_url.split("/lab?token=")
    return f"{base}/voila/render/{notebook}?token={token}"


@click.command()
@click.option("--port", default=8866, show_default=True, help="Participants' port (0: any free).")
@click.option(
    "--host", default="127.0.0.1", show_default=True,
    help="Address to listen on; 0.0.0.0 lets phones on the venue's network connect.",
)  # fmt: skip
@click.option(
    "--participants", default=serving.DEFAULT_PARTICIPANTS, show_default=True,
    type=click.IntRange(1), help="People expected at once, over every open session.",
)  # fmt: skip
@click.option(
    "--memory-per-participant", "mb_each", default=serving.DEFAULT_MB_PER_PARTICIPANT,
    show_default=True, type=click.IntRange(1),
    help="Memory budget per expected participant, in MB; caps the kernels in use.",
)  # fmt: skip
@click.option("--facilitator-port", default=0, help="JupyterLab's port (default: any free).")
@db_option
@friendly
def serve(
    port: int, host: str, participants: int, mb_each: int, facilitator_port: int, db: str | None
) -> None:
    """Serve the participant form (Voilà) for every open session, and the facilitator
    notebooks (JupyterLab); says when the pool is warm for the people expected."""
    try:
        sizing = serving.size_for(participants, mb_each)
    except serving.BudgetTooSmall as error:
        raise click.BadParameter(str(error), param_hint="--memory-per-participant") from None
    started = time.monotonic()
    server = serving.start(db, host=host, port=port, pool=sizing.pool,
                           lifecycle=serving.Lifecycle(max_in_use=sizing.max_in_use),
                           facilitator_port=facilitator_port)  # fmt: skip
    click.echo(f"Participants: {server.participant_url}")
    click.echo(f"Facilitator: {server.facilitator_url}")
    if server.facilitator_url:
        for name, notebook in PAGES.items():
            click.echo(f"{name}: {page_url(server.facilitator_url, notebook)}")
    click.echo(f"Logs: {server.log_path}. Press Ctrl-C to stop.", err=True)
    try:
        server.wait_until_ready()
        click.echo(ready_line(sizing, time.monotonic() - started))
        for info in sessions.listing(url=db, actor=ADMIN):
            if not info.closed:
                click.echo(f"  {info.code}  {info.group} — {info.title}: "
                           f"{server.participant_url}?code={info.code}")  # fmt: skip
        code = server.wait()
        click.echo(f"A server stopped unexpectedly (exit code {code}); see the log.", err=True)
    except KeyboardInterrupt:
        click.echo("Stopping…", err=True)
    finally:
        server.stop()


def ready_line(sizing: serving.Sizing, seconds: float) -> str:
    return (
        f"Ready for {sizing.participants} participants: {sizing.pool} kernels warm, at most "
        f"{sizing.max_in_use} in use (up to {sizing.memory_mb / 1024:.1f} GB), "
        f"{seconds:.0f} s after start."
    )
