"""The analyst's view: every table as a pandas DataFrame.

Kept apart from the rest of the package so that pandas is imported only by those who
analyse, never by a participant's form.
"""

import pandas as pd

from codesign import store
from codesign.access import Actor
from codesign.store.models import Base

TABLES = (
    "groups",
    "sessions",
    "phases",
    "participants",
    "consents",
    "contributions",
    "revisions",
    "votes",
    "components",
    "component_members",
    "toolkit_sections",
    "section_versions",
    "feedback_items",
    "feedback_status_changes",
    "ratings",
    "events",
)
HIDDEN_COLUMNS = {"participants": ["withdrawal_hash"]}


def _table(name: str, url: str | None = None) -> pd.DataFrame:
    """One table, ordered by its primary key, without secrets such as withdrawal hashes."""
    model = Base.metadata.tables[name]
    order = ", ".join(col.name for col in model.primary_key.columns)
    with store.engine(url).connect() as conn:
        frame = pd.read_sql_query(f"SELECT * FROM {name} ORDER BY {order}", conn)
    return frame.drop(columns=HIDDEN_COLUMNS.get(name, []))


def all_tables(url: str | None = None, *, actor: Actor) -> dict[str, pd.DataFrame]:
    """Every table at once: the database owner's view, so admin only (no per-group filter)."""
    actor.require(actor.can_read_everything(), "open the whole database")
    return {name: _table(name, url) for name in TABLES}
