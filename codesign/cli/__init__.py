"""The `codesign` command. Each feature's subcommands live in their own module here and
are registered below; every command takes `--db URL` (default: `CODESIGN_DB`, then the
embedded SQLite file under `workshop_data/`).
"""

from codesign.cli import core, facilitate, feedback, privacy, serve
from codesign.cli.common import main

main.add_command(core.init)
main.add_command(core.demo)
main.add_command(core.session)
main.add_command(core.import_group)
main.add_command(core.export)
main.add_command(facilitate.cluster)
core.import_group.add_command(facilitate.import_polis)
core.import_group.add_command(facilitate.held)
core.import_group.add_command(facilitate.release)
main.add_command(facilitate.opinion_groups)
main.add_command(facilitate.show_results)
main.add_command(privacy.erase)
main.add_command(privacy.subject_access)
main.add_command(privacy.audit)
main.add_command(privacy.retention_group)
main.add_command(feedback.feedback_group)
main.add_command(feedback.toolkit_group)
main.add_command(feedback.delphi_group)
main.add_command(serve.serve)

__all__ = ["main"]
