"""Sessions, enrolment and voting rules as a participant meets them."""

import pytest

from codesign.access import ADMIN, participant
from codesign.errors import AccessDenied, Closed, ConsentMissing, Invalid, NotFound
from codesign.people import participants
from codesign.people.codes import normalise_join_code
from codesign.people.participants import ConsentChoice
from codesign.workshop import contributions, sessions, votes
from tests.workshop import say

AGREED = ConsentChoice("test-v1", contribute=True)


def test_join_codes_forgive_case_spaces_and_dashes(store_url: str) -> None:
    s = sessions.create("black-communities", "Codes", url=store_url, actor=ADMIN)
    for typed in (s.code.lower(), f" {s.code[:3]} {s.code[3:]} ", f"{s.code[:3]}-{s.code[3:]}"):
        assert sessions.by_code(typed, url=store_url).id == s.id
    assert normalise_join_code("hkt 4-79") == "HKT479"


def test_wrong_and_closed_codes_get_clear_messages(store_url: str) -> None:
    with pytest.raises(NotFound, match="could not find a session"):
        sessions.by_code("ZZZ999", url=store_url)
    s = sessions.create("black-communities", "Closing", url=store_url, actor=ADMIN)
    sessions.close(s.id, url=store_url, actor=ADMIN)
    with pytest.raises(Closed):
        sessions.open_by_code(s.code, url=store_url)


def test_session_copies_the_template_agenda(store_url: str) -> None:
    s = sessions.create(
        "advisory", "Review", template="toolkit-section-review", url=store_url, actor=ADMIN
    )
    kinds = [p.kind for p in sessions.phases(s.id, url=store_url)]
    assert kinds[0] == "info" and "feedback" in kinds and kinds[-1] == "close"
    with pytest.raises(Invalid):
        sessions.set_phase(s.id, "no-such-phase", url=store_url, actor=ADMIN)


def test_nothing_is_stored_without_consent(store_url: str) -> None:
    s = sessions.create("black-communities", "Consent", url=store_url, actor=ADMIN)
    with pytest.raises(ConsentMissing):
        participants.enrol(s.group_id, ConsentChoice("test-v1", contribute=False), url=store_url)
    me = participants.enrol(s.group_id, AGREED, url=store_url)
    assert (
        participants.by_withdrawal_code(me.withdrawal_code, url=store_url).id == me.participant_id
    )
    consent = participants.latest_consent(me.participant_id, url=store_url, actor=ADMIN)
    assert consent is not None and consent.text_version == "test-v1"


def test_participant_edits_and_withdraws_only_while_the_phase_is_open(store_url: str) -> None:
    s = sessions.create("black-communities", "Edit", url=store_url, actor=ADMIN)
    sessions.set_phase(s.id, "collect", url=store_url, actor=ADMIN)
    me = participants.enrol(s.group_id, AGREED, url=store_url)
    actor = participant(me.participant_id, s.group_id)
    c = say(s.id, me.participant_id, "Frist draft", url=store_url)
    contributions.edit_own(c.id, "First draft", url=store_url, actor=actor)
    assert [
        x.text for x in contributions.own(s.id, me.participant_id, url=store_url, actor=ADMIN)
    ] == ["First draft"]
    sessions.close_phase(s.id, url=store_url, actor=ADMIN)
    with pytest.raises(Closed):
        contributions.withdraw_own(c.id, url=store_url, actor=actor)
    with pytest.raises(Closed):
        say(s.id, me.participant_id, "Too late", url=store_url)


def test_participants_cannot_write_to_another_group(store_url: str) -> None:
    mine = sessions.create("black-communities", "Mine", url=store_url, actor=ADMIN)
    theirs = sessions.create("south-asian-communities", "Theirs", url=store_url, actor=ADMIN)
    me = participants.enrol(mine.group_id, AGREED, url=store_url)
    with pytest.raises(AccessDenied):
        say(theirs.id, me.participant_id, "Crossing over", url=store_url)


def voting_session(url: str) -> tuple[int, int, list[int]]:
    s = sessions.create(
        "south-asian-communities", "Vote", template="prioritising", url=url, actor=ADMIN
    )
    sessions.set_phase(s.id, "discuss", url=url, actor=ADMIN)
    me = participants.enrol(s.group_id, AGREED, url=url)
    ids = [
        say(s.id, me.participant_id, f"Proposal {n}", kind="proposal", url=url).id for n in range(3)
    ]
    sessions.set_phase(s.id, "dots", url=url, actor=ADMIN)
    sessions.set_voting(s.id, True, url=url, actor=ADMIN)
    return s.id, me.participant_id, ids


def test_dot_budget_and_cap_are_enforced(store_url: str) -> None:
    sid, pid, (a, b, c) = voting_session(store_url)
    gid = sessions.state(sid, url=store_url).group_id
    actor = participant(pid, gid)
    votes.place_dots(sid, pid, a, 3, actor=actor, url=store_url)
    with pytest.raises(Invalid, match="at most 3"):
        votes.place_dots(sid, pid, b, 4, actor=actor, url=store_url)
    votes.place_dots(sid, pid, b, 2, actor=actor, url=store_url)
    with pytest.raises(Invalid, match="5 dots"):
        votes.place_dots(sid, pid, c, 1, actor=actor, url=store_url)
    votes.place_dots(sid, pid, a, 3, actor=actor, url=store_url)  # the same click twice
    assert votes.own(sid, pid, url=store_url, actor=ADMIN) == {(a, "dot"): 3, (b, "dot"): 2}


def test_agree_votes_replace_and_results_stay_hidden_until_revealed(store_url: str) -> None:
    sid, pid, (a, _, _) = voting_session(store_url)
    sessions.set_phase(sid, "agree", url=store_url, actor=ADMIN)
    actor = participant(pid, sessions.state(sid, url=store_url).group_id)
    votes.agree(sid, pid, a, 1, actor=actor, url=store_url)
    votes.agree(sid, pid, a, -1, actor=actor, url=store_url)
    with pytest.raises(AccessDenied):
        votes.tallies(sid, url=store_url, actor=actor)
    sessions.reveal_results(sid, url=store_url, actor=ADMIN)
    (tally,) = votes.tallies(sid, url=store_url, actor=actor)
    assert (tally.agree, tally.disagree) == (0, 1)


def test_voting_closed_is_refused(store_url: str) -> None:
    sid, pid, (a, _, _) = voting_session(store_url)
    sessions.set_phase(sid, "agree", url=store_url, actor=ADMIN)
    actor = participant(pid, sessions.state(sid, url=store_url).group_id)
    sessions.set_voting(sid, False, url=store_url, actor=ADMIN)
    with pytest.raises(Closed):
        votes.agree(sid, pid, a, 1, actor=actor, url=store_url)


def test_ballot_leaves_out_flagged_proposals(store_url: str) -> None:
    sid, _, ids = voting_session(store_url)
    flagged = contributions.submit(
        sid, None, "Ring me on 07700 900123", kind="proposal", actor=ADMIN, url=store_url
    )
    assert flagged.needs_review and "identifying_detail" in flagged.flags
    assert [c.id for c in votes.ballot(sid, url=store_url, actor=ADMIN)] == ids


def test_enrolment_draws_again_when_two_people_get_the_same_pseudonym(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = iter(["Amber Heron", "Amber Heron", "Calm Wren"])
    monkeypatch.setattr(participants, "new_pseudonym", lambda taken: next(drawn))
    s = sessions.create("black-communities", "Same name", url=store_url, actor=ADMIN)
    first = participants.enrol(s.group_id, AGREED, url=store_url)
    second = participants.enrol(s.group_id, AGREED, url=store_url)
    assert (first.pseudonym, second.pseudonym) == ("Amber Heron", "Calm Wren")
