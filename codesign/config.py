"""Where codesign finds its database and its templates.

One URL decides the storage: `--db URL`, else `CODESIGN_DB`, else the embedded SQLite
file under `workshop_data/`. Changing the URL to `postgresql+psycopg://…` is all it
takes to run on PostgreSQL.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = PROJECT_ROOT / "templates"
WORKSHOP_DATA = PROJECT_ROOT / "workshop_data"
DEFAULT_SQLITE = WORKSHOP_DATA / "codesign.sqlite"
ENV_VAR = "CODESIGN_DB"


def database_url(explicit: str | None = None) -> str:
    """Resolve the database URL: explicit argument, then `CODESIGN_DB`, then embedded SQLite."""
    if explicit:
        return explicit
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return from_env
    return f"sqlite:///{DEFAULT_SQLITE}"
