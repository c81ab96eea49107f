"""The read model: every table the review and the exports read, themes and quotes included.

`tables` builds the rows from the database; `themes` adds the team's theme table and its
quotes on top. Composing the two here is what lets `themes` read the tables without the
tables importing `themes` back.
"""

from codesign import store
from codesign.analysis import tables, themes
from codesign.analysis.rows import Scope
from codesign.analysis.tables import Tables


def build(scope: Scope) -> Tables:
    """All tables for `scope`; see `tables.TABLES` and the `tables` module doc for the scope.

    One read transaction for everything (REPEATABLE READ on PostgreSQL, one WAL snapshot on
    SQLite), so a change committed while an export is read is wholly in it or wholly out.
    """
    with store.reading(scope.url) as db:
        base, ids = tables.records(db, scope)
        return base | themes.tables_for(db, scope, base, ids)
