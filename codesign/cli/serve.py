"""`codesign serve`: the participant forms and the facilitator notebooks, until Ctrl-C."""

import click

from codesign.cli.common import db_option, friendly
from codesign.serving import serve as serving


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
    click.echo(f"Logs: {server.log_path}. Press Ctrl-C to stop.", err=True)
    try:
        code = server.wait()
        click.echo(f"A server stopped unexpectedly (exit code {code}); see the log.", err=True)
    except KeyboardInterrupt:
        click.echo("Stopping…", err=True)
    finally:
        server.stop()
