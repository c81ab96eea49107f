"""Storage: the database connection and its one write path, the tables, migrations and events.

The lowest layer that touches the database. `codesign.store.write` and
`codesign.store.reading` are the only ways in; every module above this folder goes
through them.
"""

from codesign.store.database import Store, dispose, engine, is_sqlite, reading, write

__all__ = ["Store", "dispose", "engine", "is_sqlite", "reading", "write"]
