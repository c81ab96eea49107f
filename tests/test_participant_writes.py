"""A hostile participant's kernel names someone else in a vote or a feedback item: another
group's person, a neighbour in the same group, or an id that does not exist. Each is
refused with a clear error and nothing is stored (issue 10, finding 11)."""

import pytest
from sqlalchemy import text

from codesign import store
from codesign.access import ADMIN, Actor
from codesign.access import participant as participant_actor
from codesign.advisory import feedback, toolkit
from codesign.errors import AccessDenied, CodesignError, NotFound
from codesign.people import participants
from codesign.workshop import sessions, votes
from tests import privacy_scenario
from tests.privacy_scenario import CONSENT, Scenario


@pytest.fixture
def planted(store_url: str) -> tuple[Scenario, int]:
    """The privacy scenario's voting session, and a participant of another group."""
    scenario = privacy_scenario.build(store_url)
    other = sessions.create("black-communities", "Elsewhere", url=store_url, actor=ADMIN)
    stranger = participants.enrol(other.group_id, CONSENT, url=store_url)
    return scenario, stranger.participant_id


def _count(url: str, table: str) -> int:
    with store.engine(url).connect() as conn:
        return int(conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def _attempts(planted: tuple[Scenario, int]) -> list[tuple[Actor, int, type[CodesignError]]]:
    """(acting as, in whose name, the refusal expected)."""
    s, stranger = planted
    as_a = participant_actor(s.a.participant_id, s.group_id)
    return [
        (as_a, stranger, NotFound),  # another group's person
        (as_a, s.b.participant_id, AccessDenied),  # a neighbour in the same group
        (as_a, 987654, NotFound),  # nobody
        (ADMIN, 987654, NotFound),  # nobody, even for the command line
        (ADMIN, stranger, NotFound),  # staff cannot file a vote under another group's person
    ]


def test_votes_in_someone_elses_name_are_refused(planted: tuple[Scenario, int]) -> None:
    s = planted[0]
    before = _count(s.url, "votes")
    for actor, whom, refusal in _attempts(planted):
        with pytest.raises(refusal):
            votes.agree(s.session_id, whom, s.b_visible, 1, actor=actor, url=s.url)
    assert _count(s.url, "votes") == before


def test_feedback_in_someone_elses_name_is_refused(planted: tuple[Scenario, int]) -> None:
    s = planted[0]
    before = _count(s.url, "feedback_items")
    key = toolkit.sections(s.url)[0].key
    for actor, whom, refusal in _attempts(planted):
        draft = feedback.FeedbackDraft(key, "concern", "not mine to give", whom, s.session_id)
        with pytest.raises(refusal):
            feedback.submit(draft, s.url, actor=actor)
        if actor is ADMIN:
            continue  # without a session, the command line may file under anyone who exists
        with pytest.raises((NotFound, AccessDenied)):  # the group is then the person's own
            feedback.submit(
                feedback.FeedbackDraft(key, "concern", "no session", whom, None), s.url, actor=actor
            )
    assert _count(s.url, "feedback_items") == before


def test_a_participant_still_votes_and_comments_as_themselves(
    planted: tuple[Scenario, int],
) -> None:
    """The control: the check refuses others, not the person."""
    s = planted[0]
    as_b = participant_actor(s.b.participant_id, s.group_id)
    votes.agree(s.session_id, s.b.participant_id, s.b_visible, 0, actor=as_b, url=s.url)
    key = toolkit.sections(s.url)[0].key
    draft = feedback.FeedbackDraft(key, "question", "mine", s.b.participant_id, s.session_id)
    assert feedback.submit(draft, s.url, actor=as_b).participant_id == s.b.participant_id
