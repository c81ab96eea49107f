"""Guessing join codes, as the privacy review did: drive one tab's join form in a loop.

The review sent 2,000 guesses in 37 s through one kernel's widget messages and reached a
live ballot among 729,000 codes. Codes are now about 4.25 billion, and a tab that types
too many wrong codes must wait before any code is looked up again, without locking out
anyone else in the room.
"""

import itertools
from collections.abc import Iterator

from sqlalchemy import update
from sqlalchemy.orm import Session

from codesign import store
from codesign.access import ADMIN
from codesign.demo import workshop as demo
from codesign.forms.context import FIRST_WAIT, FREE_TRIES, MAX_WAIT
from codesign.forms.i18n import MISSING_MARKER
from codesign.people.codes import (
    DIGITS,
    JOIN_CODE_SHAPE,
    JOIN_CODES,
    LETTERS,
    display_join_code,
    new_join_code,
    normalise_join_code,
)
from codesign.store.models import Session as WorkshopSession
from codesign.workshop import sessions
from tests.forms_helpers import join_view, new_app


class Clock:
    """A clock the test moves by hand, so a wait can pass without sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guesses() -> Iterator[str]:
    """Codes in the order a guesser would try them: every code, none of them live."""
    return map("".join, itertools.product(*JOIN_CODE_SHAPE))


def test_join_codes_are_long_enough_and_read_aloud_in_threes() -> None:
    assert JOIN_CODES == 18**6 * 5**3 > 4_000_000_000
    code = new_join_code()
    assert len(code) == 9 and all(ch in LETTERS + DIGITS for ch in code)
    assert display_join_code(code) == f"{code[:3]} {code[3:6]} {code[6:]}"
    assert normalise_join_code(f" {code[:3].lower()}-{code[3:6]} {code[6:]}") == code
    assert len({new_join_code() for _ in range(200)}) == 200


def test_a_loop_of_guesses_is_locked_out_and_the_right_code_is_not_even_tried(
    demo_sqlite: str,
) -> None:
    clock = Clock()
    attacker = new_app(demo_sqlite)
    attacker.ctx.code_tries.clock = clock
    form = join_view(attacker)
    live = demo.demo_code("bc-live")
    messages = []
    for guess in itertools.islice(guesses(), 200):
        form.code.value = guess
        form.join_button.click()
        messages.append(form.status.text)
    assert attacker.step == "join"
    assert all("could not find a session" in m for m in messages[: FREE_TRIES - 1])
    assert all(m.startswith("Too many codes") for m in messages[FREE_TRIES - 1 :])
    assert attacker.ctx.code_tries.wrong == FREE_TRIES  # later guesses were never looked up
    form.code.value = live
    form.join_button.click()
    assert attacker.step == "join" and form.status.text.startswith("Too many codes")
    clock.now += FIRST_WAIT
    form.join_button.click()
    assert attacker.step == "consent"


def test_each_wrong_code_after_the_wait_doubles_it_up_to_an_hour(demo_sqlite: str) -> None:
    clock = Clock()
    app = new_app(demo_sqlite)
    app.ctx.code_tries.clock = clock
    form = join_view(app)
    waits = []
    for guess in itertools.islice(guesses(), FREE_TRIES + 8):
        clock.now += app.ctx.code_tries.wait_left()
        form.code.value = guess
        form.join_button.click()
        waits.append(app.ctx.code_tries.wait_left())
    assert waits[: FREE_TRIES - 1] == [0] * (FREE_TRIES - 1)
    assert waits[FREE_TRIES - 1 : FREE_TRIES + 2] == [FIRST_WAIT, 2 * FIRST_WAIT, 4 * FIRST_WAIT]
    assert waits[-1] == MAX_WAIT
    assert "wait 60 min" in form.status.text


def test_a_locked_out_tab_does_not_lock_out_the_room(demo_sqlite: str) -> None:
    attacker = new_app(demo_sqlite)
    form = join_view(attacker)
    for guess in itertools.islice(guesses(), FREE_TRIES * 3):
        form.code.value = guess
        form.join_button.click()
    neighbour = new_app(demo_sqlite)
    join_view(neighbour).code.value = demo.demo_code("bc-live")
    join_view(neighbour).join_button.click()
    linked = new_app(demo_sqlite)
    linked.join_from_link(f"code={demo.demo_code('bc-live')}")
    assert neighbour.step == "consent" and linked.step == "consent"
    assert attacker.step == "join"


def test_the_wait_is_told_in_the_participants_language(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite, "ur")
    form = join_view(app)
    for guess in itertools.islice(guesses(), FREE_TRIES):
        form.code.value = guess
        form.join_button.click()
    shown = form.status.text
    assert "1" in shown and not shown.startswith(MISSING_MARKER) and "Too many" not in shown


def test_a_closed_session_is_not_a_wrong_guess(demo_sqlite: str) -> None:
    app = new_app(demo_sqlite)
    form = join_view(app)
    form.code.value = demo.demo_code("bc-1")
    for _ in range(FREE_TRIES * 2):
        form.join_button.click()
    assert form.status.text == "This session has closed. Thank you for taking part."
    assert app.ctx.code_tries.wrong == 0


def test_sessions_made_with_six_character_codes_still_open(store_url: str) -> None:
    made = sessions.create("black-communities", "Old code", url=store_url, actor=ADMIN)
    assert len(made.code) == 9 and sessions.by_code(made.display_code, url=store_url).id == made.id

    def shorten(db: Session) -> None:
        db.execute(
            update(WorkshopSession).where(WorkshopSession.id == made.id).values(code="HKT479")
        )

    store.write(shorten, store_url)
    assert sessions.by_code("hkt 479", url=store_url).display_code == "HKT 479"
