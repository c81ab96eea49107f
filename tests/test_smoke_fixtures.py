"""The shared fixtures give what they promise on both backends."""

from codesign import tables
from codesign.access import ADMIN
from codesign.workshop import sessions


def test_demo_loads_on_both_backends(demo_url: str) -> None:
    frames = tables(demo_url, actor=ADMIN)
    assert len(frames["contributions"]) >= 150
    assert len(frames["feedback_items"]) >= 40
    assert {s.group for s in sessions.listing(url=demo_url, actor=ADMIN)} == {
        "black-communities",
        "south-asian-communities",
        "advisory",
    }


def test_demo_copy_is_private(demo_sqlite: str) -> None:
    assert len(tables(demo_sqlite, actor=ADMIN)["votes"]) > 0
