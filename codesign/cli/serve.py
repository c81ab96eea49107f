"""`codesign serve`: the participant forms and the facilitator notebooks, until Ctrl-C."""

import click

from codesign.cli.common import db_option, friendly
from codesign.serving import serve as serving

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
    "--pool", default=serving.DEFAULT_POOL, show_default=True,
    help="Kernels kept warm for arriving participants (about 1.25 × the people expected).",
)  # fmt: skip
@click.option("--facilitator-port", default=0, help="JupyterLab's port (default: any free).")
@db_option
@friendly
def serve(port: int, host: str, pool: int, facilitator_port: int, db: str | None) -> None:
    """Serve the participant form (Voilà) and the facilitator notebooks (JupyterLab)."""
    server = serving.start(db, host=host, port=port, pool=pool, facilitator_port=facilitator_port)
    click.echo(f"Participants: {server.participant_url}")
    click.echo(f"Facilitator: {server.facilitator_url}")
    if server.facilitator_url:
        for name, notebook in PAGES.items():
            click.echo(f"{name}: {page_url(server.facilitator_url, notebook)}")
    click.echo(f"Logs: {server.log_path}. Press Ctrl-C to stop.", err=True)
    try:
        code = server.wait()
        click.echo(f"A server stopped unexpectedly (exit code {code}); see the log.", err=True)
    except KeyboardInterrupt:
        click.echo("Stopping…", err=True)
    finally:
        server.stop()
