"""Components in the store: clustering, the facilitator's edits, and re-clustering keeping them."""

import pytest
from sqlalchemy import select

from codesign import store
from codesign.access import ADMIN, Actor, Role
from codesign.errors import AccessDenied, Invalid
from codesign.store.models import Event
from codesign.workshop import components, contributions, moderation
from tests import workshop
from tests.workshop import say

PROPOSALS = [
    "Sessions in the evening for shift workers",
    "Evening and weekend sessions please",
    "Weekend sessions because people work",
    "Work with imams and pastors at the mosque and church",
    "Faith leaders from the church and mosque should help",
    "Pastors and imams backing the message",
    "Mental health support without a long wait",
    "Quick referral to mental health services",
    "Drug and alcohol workers and mental health links",
]


@pytest.fixture
def session(demo_url: str) -> tuple[str, int, Actor, list[int]]:
    info = workshop.live(demo_url)
    actor = workshop.facilitator(info)
    pid = workshop.join(demo_url, info)
    ids = [say(info.id, pid, t, url=demo_url).id for t in PROPOSALS]
    return demo_url, info.id, actor, ids


def memberships(views: list[components.ComponentView]) -> dict[int, int]:
    found: dict[int, int] = {}
    for view in views:
        for m in view.members:
            assert m.id not in found, "a contribution in two components"
            found[m.id] = view.id
    return found


def actions(url: str) -> list[str]:
    with store.reading(url) as db:
        return list(db.scalars(select(Event.action).order_by(Event.id)))


def test_cluster_puts_every_visible_contribution_in_one_component(
    session: tuple[str, int, Actor, list[int]],
) -> None:
    url, sid, actor, ids = session
    found = components.cluster(sid, k=3, url=url, actor=actor)
    assert sorted(memberships(found)) == ids
    assert all(view.label and view.members for view in found)
    assert actions(url)[-1] == "cluster"
    assert components.unclustered(sid, url, actor=ADMIN) == []


def test_edits_survive_reclustering(session: tuple[str, int, Actor, list[int]]) -> None:
    url, sid, actor, ids = session
    first = components.cluster(sid, k=3, url=url, actor=actor)
    home = memberships(first)
    a, b = first[0], first[1]
    components.rename(a.id, "When sessions happen", url, actor=actor)
    outsider = b.members[0].id
    components.move(outsider, a.id, url, actor=actor)
    assert len(first) == 3
    components.merge(first[1].id, first[2].id, url, actor=actor)
    assert actions(url)[-3:] == ["rename", "move", "merge"]
    late = contributions.submit(sid, None, "Evening sessions after work", actor=actor, url=url).id
    assert components.unclustered(sid, url, actor=ADMIN) == [late]
    again = components.cluster(sid, k=2, url=url, actor=actor)
    by_id = {v.id: v for v in again}
    assert by_id[a.id].label == "When sessions happen" and by_id[a.id].edited
    assert memberships(again)[outsider] == a.id
    assert next(m for m in by_id[a.id].members if m.id == outsider).pinned
    assert first[2].id not in by_id  # merged away
    assert {m.id for m in first[2].members} <= {m.id for m in by_id[first[1].id].members}
    assert sorted(memberships(again)) == sorted([*ids, late]) and sorted(home) == ids


def test_split_pins_both_halves(session: tuple[str, int, Actor, list[int]]) -> None:
    url, sid, actor, _ = session
    [whole] = components.cluster(sid, k=1, url=url, actor=actor)
    chosen = [m.id for m in whole.members[:3]]
    part = components.split(whole.id, chosen, label="Timing", url=url, actor=actor)
    again = {v.id: v for v in components.cluster(sid, k=1, url=url, actor=actor)}
    assert [m.id for m in again[part].members] == chosen and again[part].label == "Timing"
    assert len(again[whole.id].members) == len(whole.members) - 3
    with pytest.raises(Invalid):
        components.split(part, chosen, url=url, actor=actor)  # all of it is not a split


def test_hidden_contributions_leave_components(session: tuple[str, int, Actor, list[int]]) -> None:
    url, sid, actor, ids = session
    components.cluster(sid, k=2, url=url, actor=actor)
    moderation.hide(ids[0], url, actor=actor)
    assert ids[0] not in memberships(components.listing(sid, url=url, actor=actor))
    assert ids[0] not in memberships(components.cluster(sid, k=2, url=url, actor=actor))


def test_seeded_clustering_uses_candidate_components(
    session: tuple[str, int, Actor, list[int]],
) -> None:
    url, sid, actor, ids = session
    found = components.cluster(sid, seeded=True, url=url, actor=actor)
    assert any(v.seed_key for v in found)
    assert sorted(memberships(found)) == ids


def test_unreviewed_flags_are_clustered_only_once_reviewed(
    session: tuple[str, int, Actor, list[int]],
) -> None:
    """A flagged contribution waits for review outside the components (its words give no
    keywords), as results leave it out; reviewed, the next clustering places it."""
    url, sid, actor, _ = session
    flagged = contributions.submit(sid, None, "Call 07700 900123 tonight", actor=actor, url=url)
    found = components.cluster(sid, k=2, url=url, actor=actor)
    assert flagged.id not in memberships(found)
    assert not any("07700" in word for c in found for word in c.keywords)
    moderation.mark_reviewed(flagged.id, url, actor=actor)
    components.cluster(sid, k=2, url=url, actor=actor)
    assert flagged.id in memberships(components.listing(sid, url=url, actor=actor))
    assert flagged.id in memberships(components.listing(sid, shared=True, url=url, actor=actor))


def test_only_facilitators_cluster_and_edit(session: tuple[str, int, Actor, list[int]]) -> None:
    url, sid, actor, _ = session
    [view, *_] = components.cluster(sid, k=2, url=url, actor=actor)
    analyst = Actor(Role.ANALYST, actor.groups)
    with pytest.raises(AccessDenied):
        components.cluster(sid, url=url, actor=analyst)
    with pytest.raises(AccessDenied):
        components.rename(view.id, "No", url, actor=analyst)
    assert components.listing(sid, url=url, actor=analyst)  # but may read them
