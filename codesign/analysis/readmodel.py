"""The read model: every table the review and the exports read, themes and quotes included.

`tables` builds the rows from the database; `themes` adds the team's theme table and its
quotes on top. Composing the two here is what lets `themes` read the tables without the
tables importing `themes` back.
"""

from codesign.analysis import tables, themes
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Tables


def build(scope: Scope) -> Tables:
    """All tables for `scope`; see `tables.TABLES` and the `tables` module doc for the scope."""
    base, ids = tables.records(scope)
    return base | themes.tables_for(scope, base, ids)
