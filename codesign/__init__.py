"""codesign: run co-design workshops end to end.

The public API is small on purpose: `tables(url, actor=ADMIN)` gives an analyst every
table as a pandas DataFrame, and the exception tree tells callers what went wrong. Importing
codesign stays light (no pandas, no scikit-learn) because every participant's Voilà
kernel imports it.
"""

from typing import TYPE_CHECKING

from codesign.errors import (
    AccessDenied,
    Closed,
    CodesignError,
    Conflict,
    ConsentMissing,
    Invalid,
    NotFound,
)

if TYPE_CHECKING:
    from pandas import DataFrame

    from codesign.access import Actor

__version__ = "0.1.0"
__all__ = [
    "AccessDenied",
    "Closed",
    "CodesignError",
    "Conflict",
    "ConsentMissing",
    "Invalid",
    "NotFound",
    "__version__",
    "tables",
]


def tables(url: str | None = None, *, actor: "Actor") -> "dict[str, DataFrame]":
    """Every table as a DataFrame, keyed by table name: groups, sessions, participants, …

    This is the database owner's view (whoever holds the URL holds the data), so only an
    admin actor may open it; group-scoped roles use exports instead.
    """
    from codesign.analysis.frames import all_tables

    return all_tables(url, actor=actor)
