"""The `codesign` command. Each feature's subcommands live in their own module here and
are registered below; every command takes `--db URL` (default: `CODESIGN_DB`, then the
embedded SQLite file under `workshop_data/`).
"""

from codesign.cli import core
from codesign.cli.common import main

main.add_command(core.init)
main.add_command(core.demo)
main.add_command(core.session)
main.add_command(core.import_group)
main.add_command(core.export)

__all__ = ["main"]
