"""What every form step shares: the database, the language, who the participant is.

One `Context` per participant kernel. The lock serialises widget changes between
button callbacks (the kernel's shell thread) and the phase poller (its own thread).
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from codesign.access import Actor, participant
from codesign.errors import ConsentMissing
from codesign.forms.i18n import Translator
from codesign.people.participants import Enrolment
from codesign.workshop.sessions import SessionInfo

FREE_TRIES = 5
"""Wrong join codes a tab may type before it has to wait: enough for honest typing slips."""
FIRST_WAIT = 60.0
MAX_WAIT = 3600.0


@dataclass
class CodeTries:
    """Wrong join codes typed in one tab (one kernel), and until when it must wait.

    After `FREE_TRIES` wrong codes the tab waits a minute, and each further wrong code
    doubles the wait (up to an hour). It is counted per tab, never per session, so someone
    guessing locks out only themselves, never the room; while a tab waits, no code is
    looked up at all, so a right guess during the wait tells the guesser nothing.
    """

    clock: Callable[[], float] = time.monotonic
    wrong: int = 0
    until: float = 0.0

    def wait_left(self) -> float:
        """Seconds this tab must still wait before a code is looked up (0 when none)."""
        return max(0.0, self.until - self.clock())

    def failed(self) -> None:
        self.wrong += 1
        if self.wrong >= FREE_TRIES:
            wait = FIRST_WAIT * 2 ** (self.wrong - FREE_TRIES)
            self.until = self.clock() + min(wait, MAX_WAIT)


@dataclass
class Context:
    url: str | None = None
    tr: Translator = field(default_factory=Translator)
    lock: threading.RLock = field(default_factory=threading.RLock)
    session: SessionInfo | None = None
    enrolment: Enrolment | None = None
    go: Callable[[str], None] = lambda _step: None
    remember: Callable[[], None] = lambda: None
    """Tell the page who this tab is now (after consent), or to forget (after withdrawal)."""
    code_tries: CodeTries = field(default_factory=CodeTries)

    @property
    def actor(self) -> Actor:
        """The participant acting for themselves, once they have consented."""
        if self.enrolment is None:
            raise ConsentMissing("Nothing is saved unless you agree to take part.")
        return participant(self.enrolment.participant_id, self.enrolment.group_id)

    @property
    def session_id(self) -> int:
        if self.session is None:
            raise ConsentMissing("Nothing is saved unless you agree to take part.")
        return self.session.id

    @property
    def participant_id(self) -> int:
        return self.actor.participant_id or 0
