"""The feedback lifecycle's rules, each broken once, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN, Actor, Role
from codesign.advisory import feedback, lifecycle, toolkit
from codesign.errors import AccessDenied, Conflict, Invalid, NotFound
from codesign.people import groups
from codesign.store import events
from codesign.store.models import Event, FeedbackItem, FeedbackStatusChange, ToolkitSection


def _item(url: str, section: str = "equity") -> int:
    draft = feedback.FeedbackDraft(section_key=section, type="suggestion", text="Name the fee.")
    return feedback.submit(draft, url, actor=ADMIN).id


def _redraft(url: str, section: str = "equity") -> int:
    def apply(db: Session) -> int:
        found = toolkit.section_by_key(db, section)
        return toolkit.add_version(db, found, "## Redrafted\n\nNew words.", actor=ADMIN).number

    return int(store.write(apply, url))


def _lead(url: str) -> Actor:
    with store.reading(url) as db:
        advisory = groups.find(db, "advisory")
        assert advisory is not None
        return Actor(Role.ADVISORY_LEAD, frozenset({advisory.id}), name="lead")


def _events(url: str) -> int:
    with store.reading(url) as db:
        return int(db.scalar(select(func.count(Event.id))) or 0)


def test_full_path_records_who_when_and_why(store_url: str) -> None:
    item = _item(store_url)
    version = _redraft(store_url)
    lead = _lead(store_url)
    before = _events(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=lead)
    done = lifecycle.move_item(item, "accepted", " Added the fee. ", version, store_url, actor=lead)
    assert _events(store_url) == before + 2  # one event per move
    assert (done.from_status, done.to_status, done.rationale) == (
        "under_review",
        "accepted",
        "Added the fee.",
    )
    history = lifecycle.history(item, url=store_url, actor=ADMIN)
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, "new"),
        ("new", "under_review"),
        ("under_review", "accepted"),
    ]
    assert {h.actor for h in history[1:]} == {lead.token}
    assert all(h.created_at is not None for h in history)
    with store.reading(store_url) as db:
        row = db.get(FeedbackItem, item)
        assert row is not None and row.status == "accepted"
        assert row.addressed_by_version_id == toolkit.version(db, "equity", version).id
    assert events.verify(store_url).ok


def test_deferred_items_come_back_for_review(store_url: str) -> None:
    item = _item(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    lifecycle.move_item(item, "deferred", "Next round.", url=store_url, actor=ADMIN)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    lifecycle.move_item(item, "declined", "Out of scope.", url=store_url, actor=ADMIN)
    assert [h.to_status for h in lifecycle.history(item, url=store_url, actor=ADMIN)][
        -1
    ] == "declined"


def test_skipping_review_is_refused(store_url: str) -> None:
    item = _item(store_url)
    with pytest.raises(Conflict, match="can move to under_review, not declined"):
        lifecycle.move_item(item, "declined", "No.", url=store_url, actor=ADMIN)


def test_decided_items_stay_decided(store_url: str) -> None:
    item = _item(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    lifecycle.move_item(item, "declined", "Out of scope.", url=store_url, actor=ADMIN)
    with pytest.raises(Conflict, match="it is decided"):
        lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)


@pytest.mark.parametrize("to", ["accepted", "partly_accepted", "declined", "deferred"])
def test_closing_without_rationale_is_refused(store_url: str, to: str) -> None:
    item = _item(store_url)
    version = _redraft(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    with pytest.raises(Invalid, match="without a rationale"):
        lifecycle.move_item(
            item, to, "   ", version if "accepted" in to else None, store_url, actor=ADMIN
        )


def test_accepting_needs_the_addressing_version(store_url: str) -> None:
    item = _item(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    with pytest.raises(Invalid, match="must name the section version"):
        lifecycle.move_item(item, "accepted", "Done.", url=store_url, actor=ADMIN)


def test_addressing_version_must_be_newer(store_url: str) -> None:
    item = _item(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    with pytest.raises(Conflict, match="must be newer, not version 1"):
        lifecycle.move_item(item, "partly_accepted", "Done.", 1, store_url, actor=ADMIN)


def test_addressing_version_must_be_of_the_same_section(store_url: str) -> None:
    item = _item(store_url, "equity")
    _redraft(store_url, "outcomes")

    with store.reading(store_url) as db:
        wrong = toolkit.version(db, "outcomes", 2).id

    def accept(db: Session) -> None:
        lifecycle.move(db, item, "under_review", actor=ADMIN)
        lifecycle.move(db, item, "accepted", "Done.", wrong, actor=ADMIN)

    with pytest.raises(Conflict, match="section the item is about"):
        store.write(accept, store_url)
    with pytest.raises(NotFound, match="no version 2"):
        lifecycle.move_item(item, "accepted", "Done.", 2, store_url, actor=ADMIN)


def test_declined_items_do_not_link_a_version(store_url: str) -> None:
    item = _item(store_url)
    version = _redraft(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    with pytest.raises(Invalid, match="not declined"):
        lifecycle.move_item(item, "declined", "No.", version, store_url, actor=ADMIN)


def test_unknown_status_and_item(store_url: str) -> None:
    item = _item(store_url)
    with pytest.raises(Invalid, match="Unknown status 'done'"):
        lifecycle.move_item(item, "done", "", url=store_url, actor=ADMIN)
    with pytest.raises(NotFound, match="no feedback item 9999"):
        lifecycle.move_item(9999, "under_review", "", url=store_url, actor=ADMIN)


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.ANALYST, Role.PARTICIPANT])
def test_only_deciders_move_items(store_url: str, role: Role) -> None:
    item = _item(store_url)
    lead = _lead(store_url)
    actor = Actor(role, lead.groups, participant_id=1 if role is Role.PARTICIPANT else None)
    with pytest.raises(AccessDenied, match="decide on feedback"):
        lifecycle.move_item(item, "under_review", "", url=store_url, actor=actor)


def test_a_lead_of_another_group_cannot_decide(store_url: str) -> None:
    item = _item(store_url)
    outsider = Actor(Role.ADVISORY_LEAD, frozenset({-1}), name="elsewhere")
    with pytest.raises(AccessDenied):
        lifecycle.move_item(item, "under_review", "", url=store_url, actor=outsider)


def test_refused_moves_leave_no_trace(store_url: str) -> None:
    item = _item(store_url)
    before = _events(store_url)
    with pytest.raises(Conflict):
        lifecycle.move_item(item, "accepted", "x", url=store_url, actor=ADMIN)
    assert _events(store_url) == before
    assert len(lifecycle.history(item, url=store_url, actor=ADMIN)) == 1


def test_a_version_cannot_be_final_while_items_are_open(store_url: str) -> None:
    item = _item(store_url)

    def finalise(db: Session) -> bool:
        return toolkit.mark_final(db, "equity", 1, actor=ADMIN).final

    with pytest.raises(Conflict, match="still has 1 open feedback item"):
        store.write(finalise, store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    with pytest.raises(Conflict, match="still has 1 open"):
        store.write(finalise, store_url)
    lifecycle.move_item(item, "deferred", "Round 3.", url=store_url, actor=ADMIN)
    assert store.write(finalise, store_url) is True


def test_status_changes_are_only_added(store_url: str) -> None:
    item = _item(store_url)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    lifecycle.move_item(item, "deferred", "Later.", url=store_url, actor=ADMIN)
    lifecycle.move_item(item, "under_review", "", url=store_url, actor=ADMIN)
    with store.reading(store_url) as db:
        rows = db.scalars(select(FeedbackStatusChange).where(FeedbackStatusChange.item_id == item))
        assert [r.rationale for r in rows] == ["", "", "Later.", ""]


def test_toolkit_sections_are_editable_and_keep_their_key(store_url: str) -> None:
    def edit(db: Session) -> tuple[str, str]:
        added = toolkit.add_section(
            db, "Working with interpreters", "## Interpreters\n\nText.", actor=ADMIN
        )
        renamed = toolkit.rename(db, "equity", "Fair partnerships", actor=ADMIN)
        return added.key, renamed.title

    assert store.write(edit, store_url) == ("working-with-interpreters", "Fair partnerships")
    with store.reading(store_url) as db:
        keys = list(db.scalars(select(ToolkitSection.key).order_by(ToolkitSection.position)))
    assert keys[-1] == "working-with-interpreters" and "equity" in keys
    assert toolkit.current_text("working-with-interpreters", store_url).number == 1


def test_toolkit_edits_need_a_decider(store_url: str) -> None:
    lead = _lead(store_url)
    facilitator = Actor(Role.FACILITATOR, lead.groups, name="f")
    with pytest.raises(AccessDenied, match="edit the toolkit"):
        store.write(lambda db: toolkit.rename(db, "equity", "X", actor=facilitator), store_url)
    with pytest.raises(Conflict, match="already exists"):
        store.write(lambda db: toolkit.add_section(db, "Equity", "Text.", actor=ADMIN), store_url)
