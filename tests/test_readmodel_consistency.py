"""An export reads the database in one read transaction: a change committed by another
connection while the read model is being built is either wholly in it or wholly out."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN
from codesign.analysis import readmodel, tables, themes
from codesign.analysis.rows import Scope
from codesign.store.models import Theme
from codesign.workshop import contributions
from tests import workshop

MARK = "Written while the export was being read"


def _one_change(url: str, session_id: int) -> Callable[[Session], None]:
    """One transaction touching both halves of the read model: a contribution and a theme."""

    def apply(db: Session) -> None:
        contributions.add(db, contributions.Draft(session_id, None, MARK), actor=ADMIN)
        db.add(Theme(scope=themes.PROGRAMME, position=0, superordinate=MARK, subordinate=MARK))

    return apply


def _seen(model: tables.Tables) -> tuple[bool, bool]:
    return (
        any(row["text"] == MARK for row in model["contributions"]),
        any(row["superordinate"] == MARK for row in model["themes"]),
    )


def test_a_change_committed_mid_export_is_not_half_visible(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = workshop.live(demo_url).id
    records = tables.records

    def records_then_a_write(*args: Any) -> Any:
        found = records(*args)
        store.write(_one_change(demo_url, session_id), demo_url)  # another connection
        return found

    monkeypatch.setattr(tables, "records", records_then_a_write)
    during = readmodel.build(Scope(None, ADMIN, demo_url))
    monkeypatch.undo()
    after = readmodel.build(Scope(None, ADMIN, demo_url))
    assert _seen(after) == (True, True)  # the write happened, and a later export sees it
    assert _seen(during) == (False, False)
