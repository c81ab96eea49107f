"""Results: votes on a merged duplicate count towards the kept proposal; flags wait for review."""

from codesign.analysis import results
from codesign.workshop import contributions, moderation, sessions, votes
from tests import workshop


def test_votes_on_a_merged_duplicate_count_for_the_kept_proposal(demo_url: str) -> None:
    info = workshop.live(demo_url, "sa-live")  # voting is open in this demo session
    actor = workshop.facilitator(info)
    one, two = workshop.join(demo_url, info, "practitioner"), workshop.join(demo_url, info)
    kept = contributions.submit(info.id, None, "Family sessions", kind="proposal", actor=actor,
                                url=demo_url).id  # fmt: skip
    dup = contributions.submit(info.id, None, "Sessions with family", kind="proposal",
                               actor=actor, url=demo_url).id  # fmt: skip
    as_one, as_two = workshop.participant(one, info), workshop.participant(two, info)
    votes.agree(info.id, one, kept, 1, actor=as_one, url=demo_url)
    votes.agree(info.id, one, dup, -1, actor=as_one, url=demo_url)
    votes.agree(info.id, two, dup, -1, actor=as_two, url=demo_url)
    sessions.set_phase(info.id, "dots", actor=actor, url=demo_url)  # the room moves on to dots
    votes.place_dots(info.id, one, dup, 2, actor=as_one, url=demo_url)
    votes.place_dots(info.id, two, kept, 1, actor=as_two, url=demo_url)
    moderation.merge(dup, kept, demo_url, actor=actor)
    found = {p.id: p for p in results.results(info.id, demo_url, actor=actor).proposals}
    assert dup not in found
    tally = found[kept].overall
    assert (tally.agree, tally.disagree, found[kept].dots) == (1, 1, 3)  # one's direct vote wins
    assert found[kept].by_group["practitioner"].agree == 1


def test_unreviewed_and_hidden_proposals_are_left_out(demo_url: str) -> None:
    info = workshop.live(demo_url, "sa-live")
    actor = workshop.facilitator(info)
    pid = workshop.join(demo_url, info)
    plain = contributions.submit(info.id, None, "Plain", kind="proposal", actor=actor,
                                 url=demo_url).id  # fmt: skip
    votes.agree(info.id, pid, plain, 1, actor=workshop.participant(pid, info), url=demo_url)
    assert [p.id for p in results.results(info.id, demo_url, actor=actor).proposals] == [plain]
    moderation.hide(plain, demo_url, actor=actor)
    assert results.results(info.id, demo_url, actor=actor).proposals == []
